package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.murder.protocol.sasl.SaslClientExchange;

/**
 * POP3 on a node of its own ({@link StandaloneNode}: the test restarts it): RFC 1939 through Python's {@code poplib}
 * and Angus Mail's pop3 store, and on the wire — CAPA and the plaintext policy around STLS, AUTH PLAIN and SCRAM, DELE
 * applied only at QUIT (and seen by IMAP), RSET, TOP, a message streamed in many chunks, the maildrop lock, bad input
 * answered with {@code -ERR} on a session that goes on, UIDLs that survive a restart, and {@code popminpoll}.
 */
@Tag("h2-only")
@Timeout(900)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Pop3IT {

    static final ProxyMurder.Ports PORTS = new ProxyMurder.Ports(30700);
    static final String HOST = MurderNode.HOST;
    static final String ALICE = MurderNode.USER;
    static final String ALICE_PW = MurderNode.USER_PASSWORD;
    static final String BOB = "bob";
    static final String BOB_PW = "bob-pw";
    static final String CAROL = "carol";
    static final String CAROL_PW = "carol-pw";
    static final String DAVE = "dave";
    static final String DAVE_PW = "dave-pw";

    static StandaloneNode node;

    @BeforeAll
    static void start() throws Exception {
        node = PORTS.apply(StandaloneNode.in(StandaloneNode.baseDir("pop3"), 0))
                .user(MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD)
                .user(ALICE, ALICE_PW).user(BOB, BOB_PW).user(CAROL, CAROL_PW).user(DAVE, DAVE_PW)
                .setting("servername", "pop3-node")
                .setting("admins", MurderNode.ADMIN)
                .setting("mupdate_server", "")
                .setting("autocreate_post", "yes")
                .setting("failedloginpause", "0")
                // TLS material and allowplaintext off (the default): USER/PASS and PLAIN only after STLS
                .setting("tls_keystore", StandaloneNode.baseDir("pop3").getParent().resolve("tls.p12").toString())
                .setting("tls_keystore_password", "changeit")
                .listener(HOST, PORTS.imap())
                .listener(HOST, PORTS.pop3())
                .prepare();
        node.start();
        deliver(ALICE, message("first", "one", ".a line with a leading dot", "..two dots", "."));
        deliver(ALICE, message("second", "body of the second"));
        deliver(ALICE, message("third", "line 1", "line 2", "line 3"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    static byte[] message(String subject, String... body) {
        return SpoolFiles.message(subject, subject.replace(' ', '.') + "." + MurderNode.RUN + "@pop3.example.org", body);
    }

    static void deliver(String user, byte[] message) throws IOException {
        Pop3Wire.deliver(HOST, PORTS.lmtp(), user, message);
    }

    static Pop3Wire connect() throws IOException {
        Pop3Wire w = new Pop3Wire(HOST, PORTS.pop3());
        assertTrue(w.greeting.startsWith("+OK "), w.greeting);
        return w;
    }

    /** Connected, through STLS and logged in. */
    static Pop3Wire session(String user, String password) throws IOException {
        Pop3Wire w = connect().stls();
        String ok = w.login(user, password);
        assertTrue(ok.startsWith("+OK"), ok);
        return w;
    }

    static boolean endsWith(byte[] whole, byte[] tail) {
        return whole.length >= tail.length
                && Arrays.equals(Arrays.copyOfRange(whole, whole.length - tail.length, whole.length), tail);
    }

    @Test
    @Order(1)
    void capaAndThePlaintextPolicyAroundStls() throws IOException {
        try (Pop3Wire w = connect()) {
            List<String> before = w.multi("CAPA");
            for (String cap : List.of("STLS", "TOP", "UIDL", "PIPELINING", "RESP-CODES", "AUTH-RESP-CODE", "EXPIRE NEVER",
                    "LOGIN-DELAY 0")) {
                assertTrue(before.contains(cap), cap + " in " + before);
            }
            assertFalse(before.contains("USER"), "no USER before TLS: " + before);
            String sasl = before.stream().filter(c -> c.startsWith("SASL ")).findFirst().orElseThrow();
            assertTrue(sasl.contains("SCRAM-SHA-256") && !sasl.contains("PLAIN"), sasl);
            assertEquals(Optional.of("AUTH"), Pop3Wire.code(w.cmd("USER " + ALICE)));
            assertEquals(Optional.of("AUTH"), Pop3Wire.code(w.cmd("AUTH PLAIN")));
            w.stls();
            List<String> after = w.multi("CAPA");
            assertTrue(after.contains("USER"), after.toString());
            assertFalse(after.contains("STLS"), after.toString());
            assertTrue(after.stream().anyMatch(c -> c.startsWith("SASL ") && c.contains("PLAIN")), after.toString());
            assertTrue(w.cmd("STLS").startsWith("-ERR"), "STLS twice");
            assertTrue(w.login(ALICE, ALICE_PW).startsWith("+OK"));
            List<String> in = w.multi("CAPA");
            assertFalse(in.stream().anyMatch(c -> c.startsWith("SASL") || c.equals("USER") || c.equals("STLS")), in.toString());
            assertTrue(in.stream().anyMatch(c -> c.startsWith("IMPLEMENTATION ")), in.toString());
            assertTrue(w.cmd("QUIT").startsWith("+OK"));
            assertTrue(w.raw.closedByServer());
        }
    }

    @Test
    @Order(2)
    void badInputIsAnsweredWithErrAndTheSessionGoesOn() throws IOException {
        try (Pop3Wire w = connect()) {
            assertEquals("-ERR Unrecognized command", w.cmd("XYZZY"));
            assertEquals("-ERR Unrecognized command", w.cmd("STAT"), "not before login");
            assertEquals("-ERR Line too long", w.cmd("NOOP " + "x".repeat(300)));
            assertEquals("-ERR Line too long", w.cmd("USER " + "y".repeat(40_000)));
            assertEquals("-ERR [AUTH] Must give USER command", w.cmd("PASS nothing"));
            w.stls();
            assertEquals(Optional.of("AUTH"), Pop3Wire.code(w.login(ALICE, "wrong")));
            assertTrue(w.login(ALICE, ALICE_PW).startsWith("+OK"), "a failed login does not end the session");
            assertEquals("-ERR No such message", w.cmd("RETR 99"));
            assertEquals("-ERR No such message", w.cmd("LIST 0"));
            assertEquals("-ERR No such message", w.cmd("DELE 4294967296"));
            assertEquals("-ERR Not a number", w.cmd("RETR one"));
            assertEquals("-ERR Unexpected extra argument", w.cmd("RETR 1 2"));
            assertEquals("-ERR Missing argument", w.cmd("TOP 1"));
            assertEquals("-ERR Invalid number of lines", w.cmd("TOP 1 x"));
            assertEquals("-ERR Unrecognized command", w.cmd("USER " + BOB), "USER after login");
            assertEquals("-ERR Unrecognized command", w.cmd("APOP " + ALICE + " 0123456789abcdef"), "APOP is off");
            assertTrue(w.cmd("DELE 1").startsWith("+OK"));
            assertEquals("-ERR No such message", w.cmd("RETR 1"), "a deleted message");
            assertEquals("-ERR No such message", w.cmd("DELE 1"), "deleted twice");
            assertTrue(w.cmd("NOOP").startsWith("+OK"));
            assertTrue(w.cmd("STAT").startsWith("+OK 2 "), "DELE is seen by STAT");
            assertTrue(w.cmd("RSET").startsWith("+OK maildrop has 3 messages"));
            // no QUIT: the connection goes, nothing is deleted
        }
        try (Pop3Wire w = session(ALICE, ALICE_PW)) {
            assertTrue(w.cmd("STAT").startsWith("+OK 3 "));
            assertTrue(w.cmd("QUIT").startsWith("+OK"));
        }
    }

    /** Python's poplib, over STLS: what it lists and retrieves is what was delivered. */
    @Test
    @Order(3)
    void pythonPoplib() throws Exception {
        String out = Pop3Wire.python(String.join("\n",
                "import json, poplib, ssl, sys",
                "p = poplib.POP3(sys.argv[1], int(sys.argv[2]), timeout=20)",
                "p.stls(context=ssl._create_unverified_context())",
                "caps = sorted(p.capa().keys())",
                "p.user(sys.argv[3]); p.pass_(sys.argv[4])",
                "count, size = p.stat()",
                "listing = [l.decode() for l in p.list()[1]]",
                "uidl = [l.decode() for l in p.uidl()[1]]",
                "first = [l.decode('latin-1') for l in p.retr(1)[1]]",
                "top = [l.decode('latin-1') for l in p.top(3, 1)[1]]",
                "p.quit()",
                "print(json.dumps({'count': count, 'size': size, 'list': listing, 'uidl': uidl, 'first': first,"
                        + " 'top': top, 'caps': caps}))", ""), HOST, Integer.toString(PORTS.pop3()), ALICE, ALICE_PW);
        jakarta.json.JsonObject r;
        try (jakarta.json.JsonReader reader = jakarta.json.Json.createReader(new java.io.StringReader(out))) {
            r = reader.readObject();
        }
        assertEquals(3, r.getInt("count"), out);
        assertEquals(3, r.getJsonArray("list").size(), out);
        long sum = r.getJsonArray("list").getValuesAs(jakarta.json.JsonString.class).stream()
                .mapToLong(s -> Long.parseLong(s.getString().split(" ")[1])).sum();
        assertEquals(r.getJsonNumber("size").longValue(), sum, out);
        List<String> uidl = r.getJsonArray("uidl").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList();
        assertTrue(uidl.stream().allMatch(u -> u.matches("\\d+ \\d+\\.\\d+")), "Cyrus's UIDVALIDITY.UID: " + uidl);
        List<String> first = r.getJsonArray("first").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList();
        // poplib undoes the dot-stuffing: the lines are the message's
        int body = first.indexOf("");
        assertEquals(List.of("one", ".a line with a leading dot", "..two dots", "."), first.subList(body + 1, first.size()), out);
        List<String> top = r.getJsonArray("top").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList();
        assertEquals(List.of("", "line 1"), top.subList(top.indexOf(""), top.size()), out);
        assertTrue(top.stream().anyMatch(l -> l.equals("Subject: third")), out);
        for (String cap : List.of("TOP", "UIDL", "USER", "PIPELINING", "RESP-CODES")) {
            assertTrue(r.getJsonArray("caps").toString().contains("\"" + cap + "\""), cap + " in " + out);
        }
    }

    static Properties angus(String protocol, int port) {
        Properties p = new Properties();
        p.put("mail." + protocol + ".host", HOST);
        p.put("mail." + protocol + ".port", Integer.toString(port));
        p.put("mail." + protocol + ".starttls.enable", "true");
        p.put("mail." + protocol + ".starttls.required", "true");
        p.put("mail." + protocol + ".ssl.trust", "*");
        p.put("mail." + protocol + ".connectiontimeout", "10000");
        p.put("mail." + protocol + ".timeout", "30000");
        return p;
    }

    /** Angus Mail's pop3 store: the same messages, the same UIDs as poplib's UIDL, the content byte for byte. */
    @Test
    @Order(4)
    void angusMailPop3Store() throws Exception {
        List<String> uidl;
        byte[] second;
        try (Pop3Wire w = session(ALICE, ALICE_PW)) {
            uidl = w.uidl();
            second = w.message("RETR 2");
            w.cmd("QUIT");
        }
        Session session = Session.getInstance(angus("pop3", PORTS.pop3()));
        Store store = session.getStore("pop3");
        store.connect(HOST, PORTS.pop3(), ALICE, ALICE_PW);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                assertEquals(3, inbox.getMessageCount());
                List<String> subjects = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    Message m = inbox.getMessage(i);
                    subjects.add(m.getSubject());
                    assertEquals(uidl.get(i - 1).split(" ")[1], ((POP3Folder) inbox).getUID(m));
                }
                assertEquals(List.of("first", "second", "third"), subjects);
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                inbox.getMessage(2).writeTo(raw);
                assertArrayEquals(second, raw.toByteArray());
                assertTrue(endsWith(raw.toByteArray(), message("second", "body of the second")));
            } finally {
                inbox.close(false);
            }
        } finally {
            store.close();
        }
    }

    /**
     * DELE is applied at QUIT only (a session that ends without QUIT deletes nothing, RSET undoes), through the store's
     * expunge: an IMAP session sees the message gone, and the message retrieved gets \Seen.
     */
    @Test
    @Order(5)
    void deleAtQuitOnlySeenByImap() throws Exception {
        deliver(BOB, message("bob one", "1"));
        deliver(BOB, message("bob two", "2"));
        deliver(BOB, message("bob three", "3"));
        List<String> uidl;
        try (Pop3Wire w = session(BOB, BOB_PW)) {
            uidl = w.uidl();
            assertEquals(3, uidl.size());
            assertTrue(w.cmd("DELE 1").startsWith("+OK"));
            assertTrue(w.cmd("RSET").startsWith("+OK"));
            assertTrue(w.cmd("DELE 1").startsWith("+OK"));
            w.message("RETR 2");
            // gone without QUIT
        }
        try (Pop3Wire w = session(BOB, BOB_PW)) {
            assertEquals(uidl, w.uidl(), "nothing deleted without QUIT");
            assertTrue(w.cmd("DELE 1").startsWith("+OK"));
            w.message("RETR 2");
            assertEquals("+OK 2 " , w.cmd("STAT").substring(0, 6));
            assertTrue(w.cmd("QUIT").startsWith("+OK"));
        }
        try (Pop3Wire w = session(BOB, BOB_PW)) {
            assertEquals(List.of("1 " + uidl.get(1).split(" ")[1], "2 " + uidl.get(2).split(" ")[1]), w.uidl(),
                    "renumbered, the same UIDLs");
            w.cmd("QUIT");
        }
        Store imap = Session.getInstance(angus("imap", PORTS.imap())).getStore("imap");
        imap.connect(HOST, PORTS.imap(), BOB, BOB_PW);
        try {
            Folder inbox = imap.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                assertEquals(2, inbox.getMessageCount(), "the IMAP view");
                assertEquals("bob two", inbox.getMessage(1).getSubject());
                assertTrue(inbox.getMessage(1).isSet(Flags.Flag.SEEN), "retrieved by POP3: \\Seen");
                assertFalse(inbox.getMessage(2).isSet(Flags.Flag.SEEN), "never retrieved");
            } finally {
                inbox.close(false);
            }
        } finally {
            imap.close();
        }
    }

    /** TOP's header, blank line and n body lines, dot-stuffed on the wire. */
    @Test
    @Order(6)
    void topOnTheWire() throws IOException {
        try (Pop3Wire w = session(ALICE, ALICE_PW)) {
            assertTrue(w.cmd("TOP 1 2").startsWith("+OK"));
            List<String> raw = new ArrayList<>();
            String l;
            while (!(l = w.raw.line()).equals(".")) {
                raw.add(l);
            }
            assertEquals(List.of("", "one", "..a line with a leading dot"), raw.subList(raw.indexOf(""), raw.size()));
            List<String> headerOnly = w.multi("TOP 1 0");
            assertEquals("", headerOnly.get(headerOnly.size() - 1));
            assertTrue(headerOnly.contains("Subject: first"));
            w.cmd("QUIT");
        }
    }

    /** AUTH (RFC 5034): PLAIN with an initial response, SCRAM-SHA-256 in steps, a wrong password, a cancel. */
    @Test
    @Order(7)
    void saslAuth() throws Exception {
        try (Pop3Wire w = connect().stls()) {
            String plain = java.util.Base64.getEncoder().encodeToString(("\0" + ALICE + "\0wrong").getBytes(StandardCharsets.UTF_8));
            assertEquals(Optional.of("AUTH"), Pop3Wire.code(w.cmd("AUTH PLAIN " + plain)));
            assertTrue(w.cmd("AUTH PLAIN").startsWith("+ "));
            assertEquals("-ERR [AUTH] Client canceled authentication", w.cmd("*"));
            assertTrue(w.cmd("AUTH PLAIN").startsWith("+ "));
            assertEquals("-ERR [AUTH] Line too long", w.cmd("A".repeat(20_000)), "an over-long SASL line ends the exchange");
            assertEquals("-ERR Unrecognized command", w.cmd("NOOP"), "and the next line is a command again");
            plain = java.util.Base64.getEncoder().encodeToString(("\0" + ALICE + "\0" + ALICE_PW).getBytes(StandardCharsets.UTF_8));
            assertTrue(w.cmd("AUTH PLAIN " + plain).startsWith("+OK"));
            assertTrue(w.cmd("STAT").startsWith("+OK 3 "));
            w.cmd("QUIT");
        }
        try (Pop3Wire w = connect()) {
            // SCRAM never sends the password: offered before TLS too
            SaslClientExchange sasl = new SaslClientExchange(List.of("SCRAM-SHA-256"), ALICE, ALICE_PW.toCharArray(), "");
            String status = w.cmd("AUTH " + sasl.mechanism() + " " + sasl.initialResponse().orElseThrow());
            while (status.startsWith("+ ")) {
                SaslClientExchange.Step step = sasl.step(status.substring(2));
                status = w.cmd(((SaslClientExchange.Respond) step).base64());
            }
            assertTrue(status.startsWith("+OK"), status);
            assertTrue(sasl.success(Optional.empty()) instanceof SaslClientExchange.Done, "the server proved itself");
            assertTrue(w.cmd("STAT").startsWith("+OK 3 "));
            w.cmd("QUIT");
        }
    }

    /** RFC 1939's exclusive lock: a second session of the user hears [IN-USE] until the first has gone. */
    @Test
    @Order(8)
    void theMaildropIsLockedForOneSession() throws IOException {
        deliver(DAVE, message("dave", "x"));
        try (Pop3Wire first = session(DAVE, DAVE_PW)) {
            try (Pop3Wire second = connect().stls()) {
                assertEquals(Optional.of("IN-USE"), Pop3Wire.code(second.login(DAVE, DAVE_PW)));
                assertTrue(second.cmd("NOOP").startsWith("-ERR"), "still not logged in");
                first.cmd("QUIT");
                assertTrue(first.raw.closedByServer());
                assertTrue(second.login(DAVE, DAVE_PW).startsWith("+OK"), "free once the first quit");
                second.cmd("QUIT");
            }
        }
    }

    /** A message of some megabytes goes out in many chunks (streamed from its file), byte for byte. */
    @Test
    @Order(9)
    void aLargeMessageIsStreamedWhole() throws IOException {
        String[] lines = new String[60_000];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = (i % 7 == 0 ? "." : "") + "line " + i + " of a message that is large enough to be sent in many parts";
        }
        byte[] big = message("big", lines);
        deliver(CAROL, big);
        try (Pop3Wire w = session(CAROL, CAROL_PW)) {
            String listed = w.cmd("LIST 1");
            byte[] got = w.message("RETR 1");
            assertEquals(Long.parseLong(listed.split(" ")[2]), got.length, "LIST's size is what RETR sends (dots undone)");
            assertTrue(got.length > big.length && endsWith(got, big), "the delivered message, whole");
            assertTrue(w.cmd("NOOP").startsWith("+OK"), "a command after the stream");
            w.cmd("QUIT");
        }
    }

    /** UIDLs survive a restart; then popminpoll (set for the restart) refuses a second login too soon. */
    @Test
    @Order(10)
    void uidlsSurviveARestartAndPopminpollDelaysLogins() throws Exception {
        List<String> before;
        try (Pop3Wire w = session(ALICE, ALICE_PW)) {
            before = w.uidl();
            w.cmd("QUIT");
        }
        node.stop();
        Files.writeString(node.base().resolve("murder.conf"), "popminpoll: 1\n", StandardOpenOption.APPEND);
        node.start();
        try (Pop3Wire w = connect()) {
            assertTrue(w.multi("CAPA").contains("LOGIN-DELAY 60"));
            w.stls();
            assertTrue(w.login(ALICE, ALICE_PW).startsWith("+OK"));
            assertEquals(before, w.uidl(), "the same UIDLs after a restart");
            assertTrue(w.cmd("QUIT").startsWith("+OK"));
        }
        try (Pop3Wire w = connect().stls()) {
            assertEquals(Optional.of("LOGIN-DELAY"), Pop3Wire.code(w.login(ALICE, ALICE_PW)));
        }
        try (Pop3Wire w = connect().stls()) {
            assertTrue(w.login(BOB, BOB_PW).startsWith("+OK"), "another maildrop is not delayed");
            w.cmd("QUIT");
        }
    }
}
