package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * POP3 through a frontend ({@link ProxyMurder}: master, be1, be2, fe1): the client logs in at fe1, which finds the
 * user's INBOX in its copy of the map, logs in at that backend as {@code feproxy} acting for the user, and relays the
 * session — Python's poplib and Angus Mail see what a direct session at the backend sees (the same UIDLs, the same
 * bytes), DELE at QUIT reaches the backend, the backend's [IN-USE] reaches the client, a backend down is
 * {@code -ERR [SYS/TEMP]}, bad input is answered and the session goes on.
 */
@Tag("h2-only")
@Timeout(900)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Pop3ProxyIT {

    private static final String ALICE = MurderNode.USER;
    private static final String ALICE_PW = MurderNode.USER_PASSWORD;
    private static final String BOB = ProxyMurder.BOB;
    private static final String BOB_PW = ProxyMurder.BOB_PASSWORD;
    private static final String HOST = ProxyMurder.HOST;

    private ProxyMurder murder;

    @BeforeAll
    void startMurder() throws Exception {
        murder = ProxyMurder.start();
        // alice's INBOX on be1, bob's on be2: made by a first POP3 login at the backend (autocreate, as IMAP's)
        for (var who : List.of(new String[] {"be1", ALICE, ALICE_PW}, new String[] {"be2", BOB, BOB_PW})) {
            try (Pop3Wire w = direct(who[0].equals("be1") ? ProxyMurder.BE1 : ProxyMurder.BE2, who[1], who[2])) {
                w.cmd("QUIT");
            }
        }
        assertTrue(ProxyMurder.inFrontendCopy("user." + ALICE) && ProxyMurder.inFrontendCopy("user." + BOB),
                "both INBOXes reached the frontend's copy: " + murder.fe1.logTail(3000));
        for (int i = 1; i <= 3; i++) {
            ImapProxyIT.deliver(ProxyMurder.BE1, ALICE, "Subject: alice " + i + "\n\nline one\n..dot line\nmessage " + i);
        }
        ImapProxyIT.deliver(ProxyMurder.BE2, BOB, "Subject: bob 1\n\nfor bob");
    }

    @AfterAll
    void stopMurder() throws Exception {
        if (murder != null) {
            murder.close();
        }
    }

    private static Pop3Wire direct(ProxyMurder.Ports node, String user, String password) throws IOException {
        Pop3Wire w = new Pop3Wire(HOST, node.pop3());
        String ok = w.login(user, password);
        assertTrue(ok.startsWith("+OK"), user + " at " + node + ": " + ok);
        return w;
    }

    private static Pop3Wire frontend(String user, String password) throws IOException {
        return direct(ProxyMurder.FE1, user, password);
    }

    @Test
    @Order(1)
    void throughTheFrontendAsDirect() throws IOException {
        List<String> uidl;
        List<String> list;
        byte[] second;
        try (Pop3Wire w = direct(ProxyMurder.BE1, ALICE, ALICE_PW)) {
            uidl = w.uidl();
            list = w.multi("LIST");
            second = w.message("RETR 2");
            w.cmd("QUIT");
        }
        try (Pop3Wire w = new Pop3Wire(HOST, ProxyMurder.FE1.pop3())) {
            assertTrue(w.greeting.startsWith("+OK fe1 "), w.greeting);
            List<String> capa = w.multi("CAPA");
            assertTrue(capa.contains("USER") && capa.contains("UIDL"), capa.toString());
            assertTrue(w.login(ALICE, ALICE_PW).startsWith("+OK"));
            assertEquals(uidl, w.uidl());
            assertEquals(list, w.multi("LIST"));
            assertEquals(new String(second, StandardCharsets.ISO_8859_1),
                    new String(w.message("RETR 2"), StandardCharsets.ISO_8859_1));
            assertTrue(w.cmd("STAT").startsWith("+OK 3 "));
            List<String> top = w.multi("TOP 1 1");
            assertEquals(List.of("", "line one"), top.subList(top.indexOf(""), top.size()));
            assertTrue(w.multi("CAPA").stream().anyMatch(c -> c.startsWith("IMPLEMENTATION")), "CAPA relayed to the backend");
            assertTrue(w.cmd("QUIT").startsWith("+OK"));
            assertTrue(w.raw.closedByServer());
        }
    }

    @Test
    @Order(2)
    void badInputAndPipeliningThroughTheFrontend() throws IOException {
        try (Pop3Wire w = frontend(ALICE, ALICE_PW)) {
            assertEquals("-ERR Unrecognized command", w.cmd("XYZZY"));
            assertEquals("-ERR No such message", w.cmd("RETR 99"));
            assertEquals("-ERR Line too long", w.cmd("NOOP " + "x".repeat(300)));
            assertEquals("-ERR Unrecognized command", w.cmd("USER " + BOB));
            assertEquals("-ERR Not a number", w.cmd("DELE x"));
            // pipelined (RFC 2449 PIPELINING): answers in order, a multi-line one among them
            w.raw.send("NOOP\r\nLIST 1\r\nUIDL\r\nXYZZY\r\nSTAT\r\n");
            assertTrue(w.raw.line().startsWith("+OK"));
            assertTrue(w.raw.line().startsWith("+OK 1 "));
            assertTrue(w.raw.line().startsWith("+OK"));
            assertEquals(3, w.body().size());
            assertEquals("-ERR Unrecognized command", w.raw.line());
            assertTrue(w.raw.line().startsWith("+OK 3 "));
            w.cmd("QUIT");
        }
    }

    @Test
    @Order(3)
    void pythonPoplibThroughTheFrontend() throws Exception {
        List<String> out = Pop3Wire.python(String.join("\n",
                "import poplib, sys",
                "p = poplib.POP3(sys.argv[1], int(sys.argv[2]), timeout=20)",
                "p.user(sys.argv[3]); p.pass_(sys.argv[4])",
                "print(p.stat()[0])",
                "for l in p.uidl()[1]: print(l.decode())",
                "for l in p.retr(3)[1]: print(l.decode('latin-1'))",
                "p.quit()", ""), HOST, Integer.toString(ProxyMurder.FE1.pop3()), ALICE, ALICE_PW).lines().toList();
        assertEquals("3", out.get(0));
        List<String> direct;
        try (Pop3Wire w = direct(ProxyMurder.BE1, ALICE, ALICE_PW)) {
            direct = w.uidl();
            w.cmd("QUIT");
        }
        assertEquals(direct, out.subList(1, 4));
        assertTrue(out.contains("Subject: alice 3") && out.contains(".dot line") && out.contains("message 3"), out.toString());
    }

    /** Angus Mail's pop3 store through fe1: UIDs as at the backend; a message deleted there goes at QUIT. */
    @Test
    @Order(4)
    void angusMailThroughTheFrontendDeletesAtQuit() throws Exception {
        List<String> uidl;
        try (Pop3Wire w = direct(ProxyMurder.BE1, ALICE, ALICE_PW)) {
            uidl = w.uidl();
            w.cmd("QUIT");
        }
        Properties p = new Properties();
        p.put("mail.pop3.connectiontimeout", "10000");
        p.put("mail.pop3.timeout", "30000");
        Store store = Session.getInstance(p).getStore("pop3");
        store.connect(HOST, ProxyMurder.FE1.pop3(), ALICE, ALICE_PW);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            List<String> subjects = new ArrayList<>();
            for (int i = 1; i <= inbox.getMessageCount(); i++) {
                Message m = inbox.getMessage(i);
                subjects.add(m.getSubject());
                assertEquals(uidl.get(i - 1).split(" ")[1], ((POP3Folder) inbox).getUID(m));
            }
            assertEquals(List.of("alice 1", "alice 2", "alice 3"), subjects);
            inbox.getMessage(1).setFlag(Flags.Flag.DELETED, true);
            inbox.close(true); // DELE, then QUIT
        } finally {
            store.close();
        }
        try (Pop3Wire w = direct(ProxyMurder.BE1, ALICE, ALICE_PW)) {
            assertEquals(uidl.subList(1, 3).stream().map(l -> l.split(" ")[1]).toList(),
                    w.uidl().stream().map(l -> l.split(" ")[1]).toList(), "deleted at the backend at QUIT");
            w.cmd("QUIT");
        }
    }

    /** The backend's lock: a direct session holds the maildrop, the proxied login hears the backend's [IN-USE]. */
    @Test
    @Order(5)
    void theBackendsInUseReachesTheClient() throws IOException {
        try (Pop3Wire holder = direct(ProxyMurder.BE1, ALICE, ALICE_PW);
             Pop3Wire w = new Pop3Wire(HOST, ProxyMurder.FE1.pop3())) {
            assertEquals(Optional.of("IN-USE"), Pop3Wire.code(w.login(ALICE, ALICE_PW)));
            holder.cmd("QUIT");
            assertTrue(holder.raw.closedByServer());
            assertTrue(w.login(ALICE, ALICE_PW).startsWith("+OK"), "the session goes on and may log in again");
            w.cmd("QUIT");
        }
    }

    @Test
    @Order(6)
    void authPlainAtTheFrontend() throws IOException {
        try (Pop3Wire w = new Pop3Wire(HOST, ProxyMurder.FE1.pop3())) {
            String plain = java.util.Base64.getEncoder().encodeToString(("\0" + BOB + "\0" + BOB_PW).getBytes(StandardCharsets.UTF_8));
            assertTrue(w.cmd("AUTH PLAIN " + plain).startsWith("+OK"));
            assertTrue(w.cmd("STAT").startsWith("+OK 1 "), "bob's INBOX on be2");
            w.cmd("QUIT");
        }
    }

    /** A backend down: its users hear -ERR [SYS/TEMP] at login, the other backend's users are served. */
    @Test
    @Order(7)
    void aBackendDownIsSysTemp() throws Exception {
        murder.be2.stop();
        try {
            try (Pop3Wire w = new Pop3Wire(HOST, ProxyMurder.FE1.pop3())) {
                assertEquals(Optional.of("SYS/TEMP"), Pop3Wire.code(w.login(BOB, BOB_PW)));
                assertTrue(w.cmd("NOOP").startsWith("-ERR"), "not logged in");
            }
            try (Pop3Wire w = frontend(ALICE, ALICE_PW)) {
                assertTrue(w.cmd("STAT").startsWith("+OK"), "be1's users are served");
                w.cmd("QUIT");
            }
        } finally {
            murder.be2.start();
        }
        try (Pop3Wire w = frontend(BOB, BOB_PW)) {
            assertTrue(w.cmd("STAT").startsWith("+OK 1 "));
            w.cmd("QUIT");
        }
    }
}
