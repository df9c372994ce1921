package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.murder.it.cyrus.CyrusBackend;
import org.murder.it.cyrus.CyrusInstance;
import org.murder.it.cyrus.CyrusMaster;
import org.murder.it.cyrus.ImapAdminClient;
import org.murder.it.cyrus.LmtpClient;

/**
 * Our frontend follows a Cyrus master: Cyrus 3.6's {@code mupdate -m} (127.0.0.33:3905), a Cyrus backend
 * (127.0.0.32, reporting to that master) and our node as the only frontend ({@code murder_roles: frontend},
 * {@code mupdate_follow: update}), whose map copy is fed by the master's RFC 3656 UPDATE stream instead of our
 * master's topic. One WildFly (offset 45000), hence {@code h2-only}.
 *
 * <p>Proves: the initial dump makes the copy synchronized (a name it lacks is then unknown, not uncertain); a
 * mailbox created later on the Cyrus backend reaches the copy through the stream; a user whose INBOX is on the
 * Cyrus backend reads, through our frontend, what Cyrus's LMTP delivered; when the master goes away the copy is
 * unsynchronized (uncertain), and once it is back the follower reconnects by itself and is synchronized again.</p>
 */
@Tag("h2-only")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class CyrusMasterFollowIT {

    static final String HOST = MurderNode.HOST;
    static final String BACKEND_IP = "127.0.0.32";
    static final String MASTER_IP = "127.0.0.33";
    static final int MUPDATE_PORT = 3905;
    static final ProxyMurder.Ports FE = new ProxyMurder.Ports(30600);
    static final String ADMIN = MurderNode.ADMIN;
    static final String ADMIN_PW = MurderNode.ADMIN_PASSWORD;
    static final String PROXY = "feproxy";
    static final String PROXY_PW = "feproxy-pw";
    static final String ALICE = MurderNode.USER;
    static final String ALICE_PW = MurderNode.USER_PASSWORD;
    static final Duration BOUND = Duration.ofSeconds(30);

    private CyrusMaster master;
    private CyrusBackend backend;
    private StandaloneNode frontend;
    private final String run = Long.toString(System.currentTimeMillis() / 1000, 36);

    @BeforeAll
    void startMurder() throws Exception {
        Peers.require(Peers.isRoot(), "needs root: Cyrus's backend listens on 143 and 24");
        Peers.require(Files.isExecutable(CyrusInstance.CYRUS_BIN.resolve("mupdate")),
                "Debian's Cyrus (cyrus-imapd, cyrus-murder) is not installed in " + CyrusInstance.CYRUS_BIN);
        Path root = Path.of(System.getProperty("cyrus.it.dir", "target/cyrus-it")).toAbsolutePath();
        CyrusInstance.killStaleInstances(root);
        Path base = root.resolve("follow-" + run);
        try {
            master = new CyrusMaster(base.resolve("master"), MASTER_IP, MUPDATE_PORT, ADMIN);
            master.createUser(ADMIN, ADMIN_PW);
            master.start();
            backend = new CyrusBackend("backend-follow", base.resolve("be"), BACKEND_IP, MASTER_IP, MUPDATE_PORT,
                    ADMIN, ADMIN_PW)
                    .proxyServers(PROXY)
                    .createUser(PROXY, PROXY_PW)
                    .createUser(ALICE, ALICE_PW)
                    .start();
            try (ImapAdminClient admin = backend.imapAdmin()) {
                ImapAdminClient.Result r = admin.create("user." + ALICE);
                assertTrue(r.ok(), () -> "CREATE user.alice on the Cyrus backend: " + r);
            }
            frontend = FE.apply(StandaloneNode.in(StandaloneNode.baseDir("cyrus-follow-fe"), 0))
                    .user(ADMIN, ADMIN_PW)
                    .user(ALICE, ALICE_PW)
                    .setting("servername", "cfollow")
                    .setting("murder_roles", "frontend")
                    .setting("admins", ADMIN)
                    .setting("mupdate_server", MASTER_IP + ":" + MUPDATE_PORT)
                    .setting("mupdate_follow", "update")
                    .setting("mupdate_authname", ADMIN)
                    .setting("mupdate_password", ADMIN_PW)
                    .setting("mupdate_retry_delay", "2")
                    .setting("allowplaintext", "yes")
                    .setting("proxy_authname", PROXY)
                    .setting("proxy_password", PROXY_PW)
                    .setting(BACKEND_IP + "_imap_address", BACKEND_IP + ":143")
                    .listener(HOST, FE.imap())
                    .prepare()
                    .start();
        } catch (Exception | Error e) {
            stopMurder();
            throw e;
        }
    }

    @AfterAll
    void stopMurder() throws Exception {
        List<String> problems = new ArrayList<>();
        for (CyrusInstance i : new CyrusInstance[] {backend, master}) {
            if (i != null) {
                try {
                    i.stop();
                } catch (RuntimeException e) {
                    problems.add(i + ": " + e);
                }
            }
        }
        if (frontend != null) {
            frontend.stop();
        }
        if (!problems.isEmpty()) {
            fail("cleanup: " + problems);
        }
    }

    /** How our frontend routes {@code mailbox}: the REST view of routing.MailboxLocator. */
    private static String route(String mailbox) {
        try {
            return MurderNode.http(FE.http(), "GET", "/api/backend/route/" + mailbox, ADMIN, ADMIN_PW, false).body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private boolean awaitRoute(String mailbox, String fragment) throws InterruptedException {
        return MurderNode.await(BOUND, () -> route(mailbox).contains(fragment));
    }

    private String diagnostics() {
        return (master == null ? "" : "\n" + master.diagnostics()) + (frontend == null ? "" : frontend.logTail(5000));
    }

    @Test
    @Order(1)
    void theInitialDumpSynchronizesTheCopy() throws Exception {
        assertTrue(awaitRoute("user." + ALICE, BACKEND_IP + "!default"), () -> route("user." + ALICE) + diagnostics());
        assertTrue(route("user.nosuch" + run).contains("\"unknown\""), () -> "synchronized: a missing name is unknown: "
                + route("user.nosuch" + run));
        assertTrue(frontend.logLines("MURDER-COPY-011").size() >= 1, frontend.logTail(3000));
    }

    @Test
    @Order(2)
    void aMailboxCreatedLaterArrivesThroughTheStream() throws Exception {
        String name = "user." + ALICE + ".Later" + run;
        try (ImapAdminClient c = backend.imap(ALICE, ALICE_PW)) {
            ImapAdminClient.Result r = c.create("INBOX.Later" + run);
            assertTrue(r.ok(), r::toString);
        }
        assertTrue(awaitRoute(name, BACKEND_IP + "!default"), () -> route(name) + diagnostics());
    }

    @Test
    @Order(3)
    void aUserOnTheCyrusBackendReadsThroughOurFrontend() {
        String msg = "From: tester@example.test\r\nTo: alice@example.test\r\nSubject: followed " + run
                + "\r\n\r\nthrough a frontend that follows Cyrus's master\r\n";
        try (LmtpClient c = backend.lmtp(ADMIN, ADMIN_PW)) {
            LmtpClient.Delivery d = c.deliver("tester@example.test", List.of(ALICE), msg);
            assertEquals(250, d.perRecipient().get(0).code(), d::toString);
        }
        String cmd = "FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[])";
        ImapAdminClient.Result direct;
        try (ImapAdminClient c = backend.imap(ALICE, ALICE_PW)) {
            assertTrue(c.command("EXAMINE INBOX").ok());
            direct = c.command(cmd);
        }
        try (ImapAdminClient c = ImapAdminClient.connect(HOST, FE.imap(), BOUND)) {
            assertTrue(c.login(ALICE, ALICE_PW).ok());
            ImapAdminClient.Result sel = c.select("INBOX");
            assertTrue(sel.ok(), () -> sel + diagnostics());
            ImapAdminClient.Result fetch = c.command(cmd);
            assertTrue(fetch.ok(), fetch::toString);
            assertEquals(direct.untagged(), fetch.untagged());
            assertTrue(String.join("\n", fetch.untagged()).contains("through a frontend that follows"), fetch::toString);
            ImapAdminClient.Result list = c.list("", "*");
            assertTrue(list.untagged().stream().anyMatch(l -> l.endsWith(" INBOX.Later" + run)), list::toString);
        }
    }

    @Test
    @Order(4)
    void theFollowerReconnectsWhenTheMasterComesBack() throws Exception {
        String missing = "user.nosuch" + run;
        master.stop();
        assertTrue(awaitRoute(missing, "\"uncertain\""), () -> "the stream is lost: " + route(missing));
        assertTrue(awaitRoute("user." + ALICE, BACKEND_IP + "!default"), "what is known still routes");
        master.start();
        assertTrue(awaitRoute(missing, "\"unknown\""), () -> "synchronized again: " + route(missing) + diagnostics());
        assertTrue(frontend.logLines("MURDER-COPY-011").size() >= 2, frontend.logTail(3000));
    }
}
