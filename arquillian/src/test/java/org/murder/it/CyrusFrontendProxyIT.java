package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.murder.it.cyrus.ImapAdminClient;
import org.murder.it.cyrus.LmtpClient;

/**
 * Our frontend in front of a real Cyrus 3.6 backend: a murder whose master is ours ({@code cfmaster}, a
 * {@link StandaloneNode} with {@code murder_roles: master}), a Debian Cyrus backend (imapd and lmtpd on
 * 127.0.0.31:143/24, servername 127.0.0.31) that reports its mailboxes to our master over MUPDATE, and our frontend
 * ({@code cffe}, {@code murder_roles: frontend}) which learns the map from the master and proxies alice, whose INBOX
 * is on Cyrus. The frontend logs in to Cyrus as {@code feproxy} (in Cyrus's sasldb and {@code proxyservers}) acting
 * for alice, with SCRAM-SHA-256 (Cyrus's {@code sasl_mech_list} offers SCRAM and PLAIN; our client prefers SCRAM).
 *
 * <p>Proves: login at our frontend and SELECT of the Cyrus INBOX; a message delivered to Cyrus's LMTP fetched through
 * our frontend byte for byte as Cyrus itself serves it; IDLE through our frontend sees a delivery to Cyrus before
 * DONE (Cyrus polls for IDLE news every {@code imapidlepoll}, set to 1 s here, since the harness runs no
 * {@code idled}); APPEND through our frontend lands on Cyrus; a mailbox created on Cyrus reaches our master and
 * shows in our frontend's LIST; our frontend's POP3 proxy in front of Cyrus's pop3d (what a client sees through it is
 * what Cyrus says directly; DELE applied by Cyrus at QUIT).</p>
 *
 * <p>Needs root and Debian's Cyrus: fails without them unless {@code -Dinterop.required=false}. Two WildFly processes
 * of its own (offsets 43000 and 44000), hence {@code h2-only}. Cyrus's directory stays in
 * {@code target/cyrus-it/our-fe-*}.</p>
 */
@Tag("h2-only")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class CyrusFrontendProxyIT {

    static final String HOST = MurderNode.HOST;
    static final String CYRUS_IP = "127.0.0.31";
    static final String LOCATION = CYRUS_IP + "!default";
    static final ProxyMurder.Ports MASTER = new ProxyMurder.Ports(30400);
    static final ProxyMurder.Ports FE = new ProxyMurder.Ports(30500);
    static final String ADMIN = MurderNode.ADMIN;
    static final String ADMIN_PW = MurderNode.ADMIN_PASSWORD;
    static final String PROXY = "feproxy";
    static final String PROXY_PW = "feproxy-pw";
    static final String ALICE = MurderNode.USER;
    static final String ALICE_PW = MurderNode.USER_PASSWORD;
    static final Duration BOUND = Duration.ofSeconds(30);

    private StandaloneNode master;
    private StandaloneNode frontend;
    private CyrusBackend cyrus;
    private final String run = Long.toString(System.currentTimeMillis() / 1000, 36);

    @BeforeAll
    void startMurder() throws Exception {
        Peers.require(Peers.isRoot(), "needs root: Cyrus's backend listens on 143 and 24");
        Peers.require(Files.isExecutable(CyrusInstance.CYRUS_BIN.resolve("master")),
                "Debian's Cyrus (cyrus-imapd, cyrus-murder) is not installed in " + CyrusInstance.CYRUS_BIN);
        Peers.require(Files.isExecutable(CyrusInstance.CYRUS_BIN.resolve("pop3d")),
                "Debian's Cyrus pop3d (cyrus-pop3d) is not installed in " + CyrusInstance.CYRUS_BIN);
        Path root = Path.of(System.getProperty("cyrus.it.dir", "target/cyrus-it")).toAbsolutePath();
        List<Long> stale = CyrusInstance.killStaleInstances(root);
        if (!stale.isEmpty()) {
            System.out.println("killed Cyrus processes left by an earlier run: " + stale);
        }
        try {
            master = MASTER.apply(StandaloneNode.in(StandaloneNode.baseDir("cyrus-fe-master"), 0))
                    .user(ADMIN, ADMIN_PW)
                    .setting("servername", "cfmaster")
                    .setting("murder_roles", "master")
                    .setting("admins", ADMIN)
                    .setting("mupdate_server", "")
                    .setting("mupdate_allowplaintext", "yes") // Cyrus's MUPDATE client logs in with PLAIN, no TLS
                    .setting("allowplaintext", "yes")
                    .listener(HOST, MASTER.mupdate())
                    .prepare();
            frontend = FE.apply(StandaloneNode.in(StandaloneNode.baseDir("cyrus-fe-fe"), 0))
                    .user(ADMIN, ADMIN_PW)
                    .user(ALICE, ALICE_PW)
                    .setting("servername", "cffe")
                    .setting("murder_roles", "frontend")
                    .setting("admins", ADMIN)
                    .setting("mupdate_server", HOST + ":" + MASTER.mupdate())
                    .setting("mupdate_master_url", "http://" + HOST + ":" + MASTER.http())
                    .setting("murder_node_user", ADMIN)
                    .setting("murder_node_password", ADMIN_PW)
                    .setting("murder_map_check_seconds", "1")
                    .setting("allowplaintext", "yes")
                    .setting("proxy_authname", PROXY)
                    .setting("proxy_password", PROXY_PW)
                    .setting(CYRUS_IP + "_imap_address", CYRUS_IP + ":143")
                    .setting(CYRUS_IP + "_lmtp_address", CYRUS_IP + ":24")
                    .setting(CYRUS_IP + "_pop3_address", CYRUS_IP + ":110")
                    .listener(HOST, FE.imap())
                    .prepare();
            StandaloneNode.startAll(master, frontend);

            cyrus = new CyrusBackend("backend-our-fe", root.resolve("our-fe-" + run), CYRUS_IP, HOST, MASTER.mupdate(),
                    ADMIN, ADMIN_PW)
                    .proxyServers(PROXY)
                    .createUser(PROXY, PROXY_PW)
                    .createUser(ALICE, ALICE_PW)
                    .option("sasl_mech_list", "SCRAM-SHA-256 SCRAM-SHA-1 PLAIN")
                    .option("imapidlepoll", "1")
                    .pop3Port(110)
                    // Cyrus's lmtpd takes mail only from an admin of its service (its lmtpproxyd logs in as one): a
                    // frontend's proxy identity is one, or lmtpd answers AUTH with "501 undefined error"
                    .option("lmtp_admins", ADMIN + " " + PROXY)
                    .start();
            try (ImapAdminClient admin = cyrus.imapAdmin()) {
                ImapAdminClient.Result r = admin.create("user." + ALICE);
                assertTrue(r.ok(), () -> "CREATE user.alice on Cyrus: " + r + diagnostics());
            }
            assertTrue(inFrontendCopy("user." + ALICE),
                    "Cyrus's user.alice reached our master and our frontend's copy" + diagnostics());
        } catch (Exception | Error e) {
            stopMurder();
            throw e;
        }
    }

    @AfterAll
    void stopMurder() throws Exception {
        List<String> problems = new ArrayList<>();
        if (cyrus != null) {
            try {
                cyrus.stop();
            } catch (RuntimeException e) {
                problems.add(cyrus + ": " + e);
            }
        }
        for (StandaloneNode n : new StandaloneNode[] {frontend, master}) {
            if (n != null) {
                n.stop();
            }
        }
        if (!problems.isEmpty()) {
            fail("cleanup: " + problems);
        }
    }

    private String diagnostics() {
        StringBuilder b = new StringBuilder();
        if (cyrus != null) {
            b.append('\n').append(cyrus.diagnostics());
        }
        if (frontend != null) {
            b.append(frontend.logTail(4000));
        }
        if (master != null) {
            b.append(master.logTail(3000));
        }
        return b.toString();
    }

    private static boolean inFrontendCopy(String mailbox) throws InterruptedException {
        return MurderNode.await(Duration.ofSeconds(60), () -> {
            try {
                return MurderNode.http(FE.http(), "GET", "/api/copy?prefix=" + mailbox, ADMIN, ADMIN_PW, false).body()
                        .contains("\"" + mailbox + "\"");
            } catch (Exception e) {
                return false;
            }
        });
    }

    private ImapAdminClient viaFrontend() {
        ImapAdminClient c = ImapAdminClient.connect(HOST, FE.imap(), BOUND);
        ImapAdminClient.Result r = c.login(ALICE, ALICE_PW);
        if (!r.ok()) {
            c.close();
            fail("LOGIN alice at our frontend: " + r + diagnostics());
        }
        return c;
    }

    private void deliverToCyrus(String message) {
        try (LmtpClient c = cyrus.lmtp(ADMIN, ADMIN_PW)) {
            LmtpClient.Delivery d = c.deliver("tester@example.test", List.of(ALICE), message);
            assertEquals(250, d.perRecipient().get(0).code(), () -> "Cyrus's LMTP took it: " + d + diagnostics());
        }
    }

    private static String message(String subject, String... body) {
        StringBuilder b = new StringBuilder()
                .append("From: tester@example.test\r\n")
                .append("To: alice@example.test\r\n")
                .append("Subject: ").append(subject).append("\r\n")
                .append("Message-ID: <").append(subject.replace(' ', '.')).append("@example.test>\r\n")
                .append("Date: Mon, 07 Dec 2026 12:00:00 +0000\r\n")
                .append("\r\n");
        for (String l : body) {
            b.append(l).append("\r\n");
        }
        return b.toString();
    }

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)}\r\n");

    /** The literal of a FETCH response line (ImapAdminClient inlines it after CRLF; our messages are ASCII). */
    private static String literal(ImapAdminClient.Result r, String item) {
        for (String line : r.untagged()) {
            int at = line.indexOf(item + " {");
            if (at < 0) {
                continue;
            }
            Matcher m = LITERAL.matcher(line);
            if (m.find(at)) {
                int n = Integer.parseInt(m.group(1));
                return line.substring(m.end(), m.end() + n);
            }
        }
        throw new AssertionError("no " + item + " literal in " + r);
    }

    private static int exists(ImapAdminClient.Result select) {
        return select.untagged().stream().filter(l -> l.matches("\\* \\d+ EXISTS")).reduce((a, b) -> b)
                .map(l -> Integer.parseInt(l.split(" ")[1])).orElseThrow(() -> new AssertionError(select.toString()));
    }

    @Test
    @Order(1)
    void aMessageDeliveredToCyrusIsReadThroughOurFrontendByteForByte() {
        String sent = message("to cyrus " + run, "first line", ".a leading dot", "", "last line");
        deliverToCyrus(sent);
        String cmd = "UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY.PEEK[])";
        ImapAdminClient.Result direct;
        try (ImapAdminClient c = cyrus.imap(ALICE, ALICE_PW)) {
            assertTrue(c.command("EXAMINE INBOX").ok());
            direct = c.command(cmd);
        }
        try (ImapAdminClient c = viaFrontend()) {
            ImapAdminClient.Result select = c.select("INBOX");
            assertTrue(select.ok(), () -> "SELECT INBOX through our frontend: " + select + diagnostics());
            assertEquals(1, exists(select), select::toString);
            assertTrue(select.untagged().stream().anyMatch(l -> l.startsWith("* OK [UIDVALIDITY ")), select::toString);
            ImapAdminClient.Result fetch = c.command(cmd);
            assertTrue(fetch.ok(), fetch::toString);
            assertEquals(direct.untagged(), fetch.untagged(), "what Cyrus says directly, through our frontend");
            String body = literal(fetch, "BODY[]");
            assertTrue(body.endsWith(sent), () -> "the stored message ends with what was sent:\n" + body);
            assertTrue(body.startsWith("Return-Path: <tester@example.test>\r\n"), body);
        }
    }

    @Test
    @Order(2)
    void idleThroughOurFrontendSeesADeliveryToCyrusBeforeDone() throws Exception {
        try (RawLineClient c = new RawLineClient(HOST, FE.imap())) {
            c.lineStartingWith("* OK");
            c.send("a LOGIN " + ALICE + " " + ALICE_PW + "\r\n");
            c.lineStartingWith("a OK");
            c.send("b SELECT INBOX\r\n");
            c.lineStartingWith("b OK");
            c.send("c IDLE\r\n");
            c.lineStartingWith("+ ");
            long start = System.nanoTime();
            deliverToCyrus(message("while idling " + run, "new mail"));
            String news = c.lineStartingWith("* ");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(news.matches("\\* \\d+ (EXISTS|RECENT)"), news);
            assertTrue(ms < 10_000, "announced during IDLE, before DONE, in " + ms + " ms");
            c.send("DONE\r\n");
            c.lineStartingWith("c OK");
            c.send("d FETCH * (BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n");
            String fetched = c.lineStartingWith("Subject:");
            assertEquals("Subject: while idling " + run, fetched);
            c.send("e LOGOUT\r\n");
            c.lineStartingWith("e OK");
        }
    }

    @Test
    @Order(3)
    void appendThroughOurFrontendLandsOnCyrus() {
        String msg = message("appended " + run, "via our frontend");
        try (ImapAdminClient c = viaFrontend()) {
            ImapAdminClient.Result r = c.command("APPEND INBOX (\\Flagged) \"07-Dec-2026 10:11:12 +0100\" {"
                    + msg.getBytes(StandardCharsets.US_ASCII).length + "+}\r\n" + msg);
            assertTrue(r.ok(), () -> "APPEND through our frontend: " + r + diagnostics());
            assertTrue(r.text().startsWith("[APPENDUID "), r::toString);
        }
        try (ImapAdminClient c = cyrus.imap(ALICE, ALICE_PW)) {
            assertTrue(c.command("EXAMINE INBOX").ok());
            ImapAdminClient.Result f = c.command("FETCH * (FLAGS INTERNALDATE BODY.PEEK[])");
            assertTrue(f.ok(), f::toString);
            assertTrue(f.untagged().get(0).contains("\\Flagged"), f::toString);
            assertTrue(f.untagged().get(0).contains("\" 7-Dec-2026 09:11:12 +0000\""), f::toString); // Cyrus keeps UTC
            assertEquals(msg, literal(f, "BODY[]"), "Cyrus stored what our frontend relayed");
        }
    }

    @Test
    @Order(4)
    void aMailboxCreatedOnCyrusShowsInOurFrontendsList() throws Exception {
        String name = "Projects" + run;
        try (ImapAdminClient c = cyrus.imap(ALICE, ALICE_PW)) {
            ImapAdminClient.Result r = c.create("INBOX." + name);
            assertTrue(r.ok(), () -> "CREATE on Cyrus: " + r);
        }
        assertTrue(inFrontendCopy("user." + ALICE + "." + name), "reached our frontend's copy" + diagnostics());
        String location = MurderNode.http(MASTER.http(), "GET", "/api/map/mailbox/user." + ALICE + "." + name, ADMIN,
                ADMIN_PW, false).body();
        assertTrue(location.contains(LOCATION), location);
        try (ImapAdminClient c = viaFrontend()) {
            ImapAdminClient.Result list = c.list("", "*");
            assertTrue(list.ok(), list::toString);
            assertTrue(list.untagged().stream().anyMatch(l -> l.endsWith(" INBOX")), list::toString);
            assertTrue(list.untagged().stream().anyMatch(l -> l.endsWith(" INBOX." + name)), list::toString);
            ImapAdminClient.Result sel = c.select("INBOX." + name);
            assertTrue(sel.ok(), () -> "SELECT the new Cyrus mailbox through our frontend: " + sel);
            ImapAdminClient.Result status = c.command("STATUS INBOX (MESSAGES)");
            assertTrue(status.untagged().stream().anyMatch(l -> l.equals("* STATUS INBOX (MESSAGES 3)")), status::toString);
        }
    }
    /**
     * Our frontend's LMTP proxy in front of Cyrus's lmtpd: a delivery to our frontend for the Cyrus user is passed to
     * Cyrus (our pool authenticates as the proxy identity), answered 250 only once Cyrus said 250, and read back
     * through our frontend.
     */
    @Test
    @Order(5)
    void lmtpThroughOurFrontendIsDeliveredByCyrus() {
        String subject = "via our lmtp proxy " + run;
        try (LmtpClient c = LmtpClient.connect(HOST, FE.lmtp(), BOUND)) {
            assertEquals(250, c.lhlo("it").code());
            LmtpClient.Delivery d = c.deliver("tester@example.test", List.of(ALICE), message(subject, "proxied to cyrus"));
            assertEquals(250, d.rcpt().get(0).code(), () -> "RCPT through our frontend: " + d + diagnostics());
            assertEquals(250, d.perRecipient().get(0).code(), () -> "our frontend passed on Cyrus's 250: " + d + diagnostics());
        }
        try (ImapAdminClient c = cyrus.imap(ALICE, ALICE_PW)) {
            assertTrue(c.command("EXAMINE INBOX").ok());
            ImapAdminClient.Result found = c.command("SEARCH SUBJECT \"" + subject + "\"");
            assertTrue(found.untagged().stream().anyMatch(l -> l.matches("\\* SEARCH \\d+")), () -> "on Cyrus: " + found);
        }
    }

    /**
     * Our frontend's POP3 proxy in front of Cyrus's pop3d: alice logs in at our frontend, which logs in to Cyrus as
     * the proxy identity for her; STAT, LIST, UIDL, RETR and TOP are what Cyrus answers her directly, byte for byte,
     * Python's poplib sees the same listing, and a DELE through the frontend is applied by Cyrus at QUIT.
     */
    @Test
    @Order(6)
    void pop3ThroughOurFrontendIsCyrusMaildrop() throws Exception {
        String stat;
        List<String> list;
        List<String> uidl;
        byte[] first;
        byte[] top;
        try (Pop3Wire w = new Pop3Wire(CYRUS_IP, 110)) {
            assertTrue(w.login(ALICE, ALICE_PW).startsWith("+OK"), () -> "alice at Cyrus's pop3d" + diagnostics());
            stat = w.cmd("STAT");
            list = w.multi("LIST");
            uidl = w.uidl();
            first = w.message("RETR 1");
            top = w.message("TOP 2 0");
            assertTrue(w.cmd("QUIT").startsWith("+OK"));
        }
        assertTrue(stat.matches("\\+OK [1-9]\\d* \\d+"), stat);
        int count = Integer.parseInt(stat.split(" ")[1]);
        assertTrue(count >= 2, stat);
        String last = uidl.get(uidl.size() - 1).split(" ")[1];
        try (Pop3Wire w = new Pop3Wire(HOST, FE.pop3())) {
            assertTrue(w.greeting.startsWith("+OK"), w.greeting);
            String ok = w.login(ALICE, ALICE_PW);
            assertTrue(ok.startsWith("+OK"), () -> "alice at our frontend's POP3: " + ok + diagnostics());
            assertEquals(stat, w.cmd("STAT"));
            assertEquals(list, w.multi("LIST"));
            assertEquals(uidl, w.uidl());
            assertEquals(new String(first, StandardCharsets.ISO_8859_1),
                    new String(w.message("RETR 1"), StandardCharsets.ISO_8859_1), "RETR 1 as Cyrus serves it");
            assertEquals(new String(top, StandardCharsets.ISO_8859_1),
                    new String(w.message("TOP 2 0"), StandardCharsets.ISO_8859_1), "TOP 2 0 as Cyrus serves it");
            assertTrue(w.cmd("RETR " + (count + 1)).startsWith("-ERR"), "no such message");
            assertTrue(w.cmd("DELE " + count).startsWith("+OK"));
            assertTrue(w.cmd("QUIT").startsWith("+OK"));
        }
        String py = Pop3Wire.python(String.join("\n",
                "import poplib, sys",
                "p = poplib.POP3(sys.argv[1], int(sys.argv[2]), timeout=30)",
                "p.user(sys.argv[3]); p.pass_(sys.argv[4])",
                "print(p.stat()[0])",
                "for l in p.uidl()[1]: print(l.decode())",
                "p.quit()", ""), HOST, Integer.toString(FE.pop3()), ALICE, ALICE_PW);
        List<String> pyLines = py.lines().toList();
        assertEquals(Integer.toString(count - 1), pyLines.get(0), py);
        assertEquals(uidl.subList(0, count - 1), pyLines.subList(1, pyLines.size()), "poplib through our frontend");
        try (Pop3Wire w = new Pop3Wire(CYRUS_IP, 110)) {
            assertTrue(w.login(ALICE, ALICE_PW).startsWith("+OK"));
            List<String> after = w.uidl();
            assertEquals(count - 1, after.size(), after::toString);
            assertTrue(after.stream().noneMatch(l -> l.endsWith(" " + last)), () -> "Cyrus expunged " + last + ": " + after);
            w.cmd("QUIT");
        }
    }
}
