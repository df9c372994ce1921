package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.murder.it.cyrus.CyrusFrontend;
import org.murder.it.cyrus.CyrusInstance;
import org.murder.it.cyrus.CyrusMaster;
import org.murder.it.cyrus.ImapAdminClient;
import org.murder.it.cyrus.MupdateTest;

/**
 * A Cyrus 3.6 frontend's POP3 proxy in front of our backend: Cyrus's MUPDATE master (127.0.0.88), a Cyrus frontend
 * (127.0.0.87: imapd, lmtpd and pop3d as proxies) and our node as the backend (servername 127.0.0.86, POP3 on 110
 * there, since Cyrus proxies to a backend's servername on the service port). A client logs in to Cyrus's pop3d; Cyrus
 * finds alice's INBOX on our backend in its mailboxes.db, logs in to our POP3 as {@code feproxy} acting for alice
 * (CAPA's SASL list, AUTH with an initial response), and pipes the rest of the session.
 *
 * <p>Proves: the listing, UIDLs and messages through Cyrus are ours byte for byte; TOP; bad input is answered by our
 * backend through the pipe and the session goes on; DELE through Cyrus is applied by our backend at QUIT only; our
 * maildrop lock holds against a session through Cyrus (which words our [IN-USE] as a failed backend login). Needs root and Debian's Cyrus: fails without them unless
 * {@code -Dinterop.required=false}. Its own WildFly, hence {@code h2-only}.</p>
 */
@Tag("h2-only")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class CyrusPop3ProxyIT {

    static final String BACKEND_IP = "127.0.0.86";
    static final String FRONTEND_IP = "127.0.0.87";
    static final String MASTER_IP = "127.0.0.88";
    static final int MUPDATE_PORT = 3905;
    static final ProxyMurder.Ports PORTS = new ProxyMurder.Ports(30800);
    static final String ADMIN = MurderNode.ADMIN;
    static final String ADMIN_PW = MurderNode.ADMIN_PASSWORD;
    static final String PROXY = "feproxy";
    static final String PROXY_PW = "feproxy-pw";
    static final String ALICE = MurderNode.USER;
    static final String ALICE_PW = MurderNode.USER_PASSWORD;
    static final Duration BOUND = Duration.ofSeconds(30);

    private CyrusMaster master;
    private CyrusFrontend frontend;
    private StandaloneNode node;
    private final String run = Long.toString(System.currentTimeMillis() / 1000, 36);

    @BeforeAll
    void startMurder() throws Exception {
        Peers.require(Peers.isRoot(), "needs root: the backend listens on 110, Cyrus's proxies need a private /etc/services");
        Peers.require(Files.isExecutable(CyrusInstance.CYRUS_BIN.resolve("pop3d")),
                "Debian's Cyrus (cyrus-imapd, cyrus-pop3d, cyrus-murder) is not installed in " + CyrusInstance.CYRUS_BIN);
        Peers.require(Files.isExecutable(MupdateTest.defaultBinary()), "mupdatetest (cyrus-clients) is not installed");
        Path root = Path.of(System.getProperty("cyrus.it.dir", "target/cyrus-it")).toAbsolutePath();
        List<Long> stale = CyrusInstance.killStaleInstances(root);
        if (!stale.isEmpty()) {
            System.out.println("killed Cyrus processes left by an earlier run: " + stale);
        }
        Path base = root.resolve("our-pop3-be-" + run);
        try {
            master = new CyrusMaster(base.resolve("master"), MASTER_IP, MUPDATE_PORT, ADMIN, PROXY);
            master.createUser(ADMIN, ADMIN_PW);
            master.createUser(PROXY, PROXY_PW);
            master.start();

            node = PORTS.apply(StandaloneNode.in(StandaloneNode.baseDir("cyrus-pop3-backend"), 0))
                    .user(ADMIN, ADMIN_PW)
                    .user(ALICE, ALICE_PW)
                    .user(PROXY, PROXY_PW)
                    .setting("servername", BACKEND_IP)
                    .setting("murder_roles", "backend")
                    .setting("admins", ADMIN)
                    .setting("proxyservers", PROXY)
                    .setting("mupdate_server", MASTER_IP + ":" + MUPDATE_PORT)
                    .setting("mupdate_authname", ADMIN)
                    .setting("mupdate_password", ADMIN_PW)
                    .setting("mupdate_listen", BACKEND_IP)
                    .setting("mupdate_port", Integer.toString(MUPDATE_PORT))
                    .setting("imap_listen", BACKEND_IP)
                    .setting("imap_port", "143")
                    .setting("pop3_listen", BACKEND_IP)
                    .setting("pop3_port", "110")
                    .setting("lmtp_listen", BACKEND_IP)
                    .setting("allowplaintext", "yes")
                    .setting("failedloginpause", "0")
                    .listener(BACKEND_IP, 143)
                    .listener(BACKEND_IP, 110)
                    .prepare()
                    .start();

            frontend = new CyrusFrontend(base.resolve("fe"), FRONTEND_IP, MASTER_IP, MUPDATE_PORT, PROXY, PROXY_PW)
                    .pop3Port(110);
            frontend.createUser(ALICE, ALICE_PW);
            frontend.start();
        } catch (Exception | Error e) {
            stopMurder();
            throw e;
        }
        // alice's INBOX on our backend (a first login creates it), then known to Cyrus's master and frontend
        try (Pop3Wire w = direct()) {
            w.cmd("QUIT");
        }
        frontend.awaitMailbox("user." + ALICE, BOUND);
        deliver(message("first " + run, "one", ".a leading dot", "two"));
        deliver(message("second " + run, "body of the second"));
        deliver(message("third " + run, "line 1", "line 2"));
    }

    @AfterAll
    void stopMurder() throws Exception {
        List<String> problems = new ArrayList<>();
        for (CyrusInstance i : new CyrusInstance[] {frontend, master}) {
            if (i != null) {
                try {
                    i.stop();
                } catch (RuntimeException e) {
                    problems.add(i + ": " + e);
                }
            }
        }
        if (node != null) {
            node.stop();
        }
        if (!problems.isEmpty()) {
            fail("cleanup: " + problems);
        }
    }

    private static byte[] message(String subject, String... body) {
        return SpoolFiles.message(subject, subject.replace(' ', '.') + "@cyrus-pop3.example.org", body);
    }

    private void deliver(byte[] message) throws IOException {
        Pop3Wire.deliver(BACKEND_IP, PORTS.lmtp(), ALICE, message);
    }

    /** Our backend's POP3, alice logged in. */
    private Pop3Wire direct() throws IOException {
        Pop3Wire w = new Pop3Wire(BACKEND_IP, 110);
        String ok = w.login(ALICE, ALICE_PW);
        assertTrue(ok.startsWith("+OK"), () -> "our backend: " + ok + diagnostics());
        return w;
    }

    /** Cyrus's pop3d on the frontend, alice logged in (and so, through it, at our backend). */
    private Pop3Wire throughCyrus() throws IOException {
        Pop3Wire w = new Pop3Wire(FRONTEND_IP, 110);
        assertTrue(w.greeting.startsWith("+OK"), w.greeting);
        String ok = w.login(ALICE, ALICE_PW);
        assertTrue(ok.startsWith("+OK"), () -> "Cyrus's pop3d: " + ok + diagnostics());
        return w;
    }

    private String diagnostics() {
        StringBuilder b = new StringBuilder();
        if (frontend != null) {
            b.append('\n').append(frontend.diagnostics());
        }
        if (node != null) {
            b.append(node.logTail(6000));
        }
        return b.toString();
    }

    @Test
    @Order(1)
    void cyrussPop3ProxyServesOurMaildropAsItIs() throws IOException {
        List<String> uidl;
        List<String> list;
        byte[] first;
        try (Pop3Wire w = direct()) {
            uidl = w.uidl();
            list = w.multi("LIST");
            first = w.message("RETR 1");
            w.cmd("QUIT");
        }
        assertEquals(3, uidl.size(), uidl::toString);
        try (Pop3Wire w = throughCyrus()) {
            assertTrue(w.cmd("STAT").startsWith("+OK 3 "));
            assertEquals(uidl, w.uidl());
            assertEquals(list, w.multi("LIST"));
            assertEquals(new String(first, StandardCharsets.ISO_8859_1), new String(w.message("RETR 1"), StandardCharsets.ISO_8859_1));
            List<String> top = w.multi("TOP 3 1");
            assertEquals(List.of("", "line 1"), top.subList(top.indexOf(""), top.size()));
            assertTrue(w.multi("CAPA").stream().anyMatch(c -> c.startsWith("IMPLEMENTATION Murder")),
                    "CAPA answered by our backend through the pipe");
            assertTrue(w.cmd("QUIT").startsWith("+OK"));
        }
    }

    @Test
    @Order(2)
    void badInputThroughCyrusIsAnsweredAndTheSessionGoesOn() throws IOException {
        try (Pop3Wire w = throughCyrus()) {
            assertEquals("-ERR Unrecognized command", w.cmd("XYZZY"));
            assertEquals("-ERR No such message", w.cmd("RETR 99"));
            assertEquals("-ERR Not a number", w.cmd("DELE x"));
            assertTrue(w.cmd("NOOP").startsWith("+OK"));
            assertTrue(w.cmd("STAT").startsWith("+OK 3 "));
            w.cmd("QUIT");
        }
    }

    /**
     * Our lock holds against a session through Cyrus: we answer Cyrus's AUTH {@code -ERR [IN-USE]}, which Cyrus 3.6's
     * backend_connect() takes for a failed login and words as {@code -ERR Authentication to backend server failed}
     * (its own text, not ours); once the holder has quit, the same login through Cyrus goes through.
     */
    @Test
    @Order(3)
    void ourLockHoldsAgainstASessionThroughCyrus() throws IOException {
        try (Pop3Wire holder = direct(); Pop3Wire w = new Pop3Wire(FRONTEND_IP, 110)) {
            String refused = w.login(ALICE, ALICE_PW);
            assertTrue(refused.startsWith("-ERR"), refused);
            assertTrue(w.cmd("STAT").startsWith("-ERR"), "not logged in");
            holder.cmd("QUIT");
            assertTrue(holder.raw.closedByServer());
        }
        try (Pop3Wire w = throughCyrus()) {
            assertTrue(w.cmd("STAT").startsWith("+OK 3 "));
            w.cmd("QUIT");
        }
    }

    @Test
    @Order(4)
    void deleThroughCyrusIsAppliedByOurBackendAtQuit() throws Exception {
        List<String> before;
        try (Pop3Wire w = direct()) {
            before = w.uidl();
            w.cmd("QUIT");
        }
        try (Pop3Wire w = throughCyrus()) {
            assertTrue(w.cmd("DELE 1").startsWith("+OK"));
            try (Pop3Wire meanwhile = new Pop3Wire(BACKEND_IP, 110)) {
                assertEquals(Optional.of("IN-USE"), Pop3Wire.code(meanwhile.login(ALICE, ALICE_PW)));
            }
            assertTrue(w.cmd("QUIT").startsWith("+OK"));
        }
        Instant deadline = Instant.now().plus(BOUND);
        List<String> after;
        while (true) {
            try (Pop3Wire w = new Pop3Wire(BACKEND_IP, 110)) {
                String ok = w.login(ALICE, ALICE_PW);
                if (ok.startsWith("+OK")) {
                    after = w.uidl();
                    w.cmd("QUIT");
                    break;
                }
                // Cyrus's pop3d may still be closing its backend connection (our lock goes with it)
                assertTrue(Instant.now().isBefore(deadline), ok);
            }
            Thread.sleep(200);
        }
        assertEquals(before.subList(1, before.size()).stream().map(l -> l.split(" ")[1]).toList(),
                after.stream().map(l -> l.split(" ")[1]).toList());
        try (ImapAdminClient c = ImapAdminClient.connect(BACKEND_IP, 143, BOUND)) {
            assertTrue(c.login(ALICE, ALICE_PW).ok());
            ImapAdminClient.Result select = c.select("INBOX");
            assertTrue(select.untagged().contains("* 2 EXISTS"), select::toString);
        }
    }
}
