package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
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
import org.murder.it.cyrus.CyrusFrontend;
import org.murder.it.cyrus.CyrusInstance;
import org.murder.it.cyrus.CyrusMaster;
import org.murder.it.cyrus.ImapAdminClient;
import org.murder.it.cyrus.LmtpClient;
import org.murder.it.cyrus.MailboxEntry;
import org.murder.it.cyrus.MupdateMailbox;
import org.murder.it.cyrus.MupdateTest;

/**
 * Our backend in a real Cyrus 3.6 murder, everything on the loopback: Cyrus's MUPDATE master ({@code mupdate -m},
 * 127.0.0.23:3905), a Cyrus frontend (127.0.0.22: imapd and lmtpd as proxies on 143 and 24, its MUPDATE slave on
 * 3905) and our node as the only backend ({@link StandaloneNode}, {@code murder_roles: backend}, servername
 * 127.0.0.21, IMAP 143 and LMTP 24 there, since Cyrus proxies to a backend's servername on the service ports).
 *
 * <p>Proves: mailboxes created on our backend reach Cyrus's master (location {@code 127.0.0.21!default}) and the
 * frontend's slave; mail delivered to the Cyrus frontend's LMTP is proxied to our LMTP, INBOX and
 * {@code alice+Reports}; a client logged in to the Cyrus frontend reads it from our backend byte for byte; a
 * CREATE sent to the Cyrus frontend lands on our backend and in the master; a DELETE on our backend leaves the
 * master and the frontend. Also what the frontend's logins rely on: the proxy identity ({@code proxyservers}) may
 * act as alice over IMAP and LMTP, alice may not act as the admin; and our node, not being the master, answers
 * MUPDATE with {@code * BYE}.</p>
 *
 * <p>Needs root (ports 143/24, Cyrus's private /etc/services) and Debian's Cyrus (cyrus-imapd, cyrus-murder,
 * cyrus-clients); skipped otherwise. A plain JUnit test: it starts its own WildFly (offset 6000: HTTP 14080,
 * management 15990, transactions 10712/10713, IIOP 9528/9529), hence {@code h2-only}. Cyrus's directories stay in
 * {@code target/cyrus-it/}, the node's in {@code target/nodes/cyrus-backend/}.</p>
 */
@Tag("h2-only")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class CyrusMurderBackendIT {

    static final String BACKEND_IP = "127.0.0.21";
    static final String FRONTEND_IP = "127.0.0.22";
    static final String MASTER_IP = "127.0.0.23";
    static final int MUPDATE_PORT = 3905;
    static final int OFFSET = 6000;
    static final String LOCATION = BACKEND_IP + "!default";

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
        Peers.require(Peers.isRoot(),
                "needs root: the backend listens on 143 and 24, Cyrus's proxies need a private /etc/services");
        Peers.require(Files.isExecutable(CyrusInstance.CYRUS_BIN.resolve("master")),
                "Debian's Cyrus (cyrus-imapd, cyrus-murder) is not installed in " + CyrusInstance.CYRUS_BIN);
        Peers.require(Files.isExecutable(MupdateTest.defaultBinary()), "mupdatetest (cyrus-clients) is not installed");
        Path root = Path.of(System.getProperty("cyrus.it.dir", "target/cyrus-it")).toAbsolutePath();
        List<Long> stale = CyrusInstance.killStaleInstances(root);
        if (!stale.isEmpty()) {
            System.out.println("killed Cyrus processes left by an earlier run: " + stale);
        }
        Path base = root.resolve("our-be-" + run);
        try {
            master = new CyrusMaster(base.resolve("master"), MASTER_IP, MUPDATE_PORT, ADMIN, PROXY);
            master.createUser(ADMIN, ADMIN_PW);
            master.createUser(PROXY, PROXY_PW);
            master.start();

            node = StandaloneNode.in(StandaloneNode.baseDir("cyrus-backend"), OFFSET)
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
                    .setting("lmtp_port", "24")
                    .setting("lmtp_trust_loopback", "no")
                    .setting("allowplaintext", "yes")
                    .setting("http_port", "8080")
                    .listener(BACKEND_IP, 143)
                    .listener(BACKEND_IP, 24)
                    .prepare()
                    .start();

            frontend = new CyrusFrontend(base.resolve("fe"), FRONTEND_IP, MASTER_IP, MUPDATE_PORT, PROXY, PROXY_PW);
            frontend.createUser(ALICE, ALICE_PW);
            frontend.start();
        } catch (Exception | Error e) {
            stopMurder();
            throw e;
        }
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

    // ------------------------------------------------------------------ helpers

    private MupdateTest mupdate() {
        return new MupdateTest(MASTER_IP, MUPDATE_PORT, ADMIN, ADMIN_PW);
    }

    /** Our backend's IMAP, as the admin. */
    private ImapAdminClient ourImap(String user, String password) {
        ImapAdminClient c = ImapAdminClient.connect(BACKEND_IP, 143, Duration.ofSeconds(30));
        ImapAdminClient.Result r = c.login(user, password);
        if (!r.ok()) {
            c.close();
            fail("LOGIN " + user + " on our backend: " + r + diagnostics());
        }
        return c;
    }

    private static void assertOk(ImapAdminClient.Result r, Supplier<String> what) {
        assertTrue(r.ok(), () -> what.get() + " -> " + r);
    }

    private String diagnostics() {
        StringBuilder b = new StringBuilder();
        if (frontend != null) {
            b.append('\n').append(frontend.diagnostics());
        }
        if (master != null) {
            b.append('\n').append(master.diagnostics());
        }
        if (node != null) {
            b.append(node.logTail(8000));
        }
        return b.toString();
    }

    /** Polls the master (mupdatetest FIND) until {@code mailbox} is there, or fails after {@link #BOUND}. */
    private MupdateMailbox awaitOnMaster(String mailbox) {
        Instant deadline = Instant.now().plus(BOUND);
        while (true) {
            Optional<MupdateMailbox> found = mupdate().find(mailbox);
            if (found.isPresent() && "MAILBOX".equals(found.get().kind())) {
                return found.get();
            }
            if (Instant.now().isAfter(deadline)) {
                fail(mailbox + " not on Cyrus's master within " + BOUND + ": " + found + "; master has "
                        + master.dumpMailboxes().keySet() + diagnostics());
            }
            sleep(250);
        }
    }

    private void awaitGoneFromMaster(String mailbox) {
        Instant deadline = Instant.now().plus(BOUND);
        while (mupdate().find(mailbox).isPresent()) {
            if (Instant.now().isAfter(deadline)) {
                fail(mailbox + " still on Cyrus's master after " + BOUND + diagnostics());
            }
            sleep(250);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)}\r\n");

    /** The literal of a FETCH response line (ImapAdminClient inlines it after CRLF; our messages are ASCII). */
    private static byte[] literal(ImapAdminClient.Result r, String item) {
        for (String line : r.untagged()) {
            int at = line.indexOf(item + " {");
            if (at < 0) {
                continue;
            }
            Matcher m = LITERAL.matcher(line);
            if (m.find(at)) {
                int n = Integer.parseInt(m.group(1));
                return line.substring(m.end(), m.end() + n).getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        throw new AssertionError("no " + item + " literal in " + r);
    }

    private static int exists(ImapAdminClient.Result select) {
        return select.untagged().stream().filter(l -> l.matches("\\* \\d+ EXISTS")).findFirst()
                .map(l -> Integer.parseInt(l.split(" ")[1])).orElseThrow(() -> new AssertionError(select.toString()));
    }

    private static String message(String subject, String... body) {
        StringBuilder b = new StringBuilder();
        b.append("From: tester@example.test\r\n")
                .append("To: alice@example.test\r\n")
                .append("Subject: ").append(subject).append("\r\n")
                .append("Message-ID: <").append(subject.replace(' ', '.')).append("@example.test>\r\n")
                .append("Date: Mon, 23 Nov 2026 12:00:00 +0000\r\n")
                .append("\r\n");
        for (String l : body) {
            b.append(l).append("\r\n");
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ the murder

    @Test
    @Order(1)
    void mailboxesCreatedOnOurBackendReachCyrussMasterAndFrontend() {
        try (ImapAdminClient c = ourImap(ADMIN, ADMIN_PW)) {
            assertOk(c.create("user.alice"), () -> "CREATE user.alice on our backend");
            assertOk(c.create("user.alice.Reports"), () -> "CREATE user.alice.Reports on our backend");
            // plus-addressing: Cyrus delivers to user+folder only where the poster has p, else to the INBOX
            assertOk(c.setAcl("user.alice.Reports", "anyone", "p"), () -> "SETACL user.alice.Reports anyone p");
        }
        assertEquals("p", awaitOnMaster("user.alice.Reports").aclMap().get("anyone"), "the new ACL reached the master");
        for (String box : List.of("user.alice", "user.alice.Reports")) {
            MupdateMailbox m = awaitOnMaster(box);
            assertEquals(LOCATION, m.location(), m::toString);
            assertTrue(m.aclMap().getOrDefault(ALICE, "").contains("l"), () -> "alice may see " + box + ": " + m);
            MailboxEntry e = master.dumpMailboxes().get(box);
            assertTrue(e != null && LOCATION.equals(e.location()), () -> "master's mailboxes.db: " + e);
            MailboxEntry f = frontend.awaitMailbox(box, BOUND);
            assertEquals(BACKEND_IP, f.server(), f::toString);
            assertEquals("default", f.partition(), f::toString);
        }
    }

    @Test
    @Order(2)
    void mailThroughTheCyrusFrontendsLmtpIsReadThroughItsImap() {
        frontend.awaitMailbox("user.alice.Reports", BOUND);
        String inboxMessage = message("to the inbox " + run, "first line", ".a leading dot", "", "last line");
        String reportsMessage = message("to reports " + run, "a report", "..two dots");
        try (LmtpClient c = frontend.lmtp(PROXY, PROXY_PW)) {
            LmtpClient.Delivery d = c.deliver("tester@example.test", List.of(ALICE), inboxMessage);
            assertEquals(250, d.rcpt().get(0).code(), () -> d + diagnostics());
            assertEquals(1, d.perRecipient().size(), d::toString);
            assertEquals(250, d.perRecipient().get(0).code(), () -> d + diagnostics());

            LmtpClient.Delivery r = c.deliver("tester@example.test", List.of(ALICE + "+Reports"), reportsMessage);
            assertEquals(250, r.rcpt().get(0).code(), () -> r + diagnostics());
            assertEquals(250, r.perRecipient().get(0).code(), () -> r + diagnostics());

            LmtpClient.Delivery nobody = c.deliver("tester@example.test", List.of("nosuchuser"), inboxMessage);
            assertEquals(550, nobody.rcpt().get(0).code(), nobody::toString);
        }

        try (ImapAdminClient c = frontend.imap(ALICE, ALICE_PW)) {
            ImapAdminClient.Result list = c.list("", "*");
            assertOk(list, () -> "LIST via the Cyrus frontend");
            assertTrue(list.untagged().stream().anyMatch(l -> l.endsWith(" INBOX")), list::toString);
            assertTrue(list.untagged().stream().anyMatch(l -> l.endsWith(" INBOX.Reports")), list::toString);

            for (Map.Entry<String, String> box : Map.of("INBOX", inboxMessage, "INBOX.Reports", reportsMessage).entrySet()) {
                ImapAdminClient.Result select = c.select(box.getKey());
                assertOk(select, () -> "SELECT " + box.getKey() + " via the Cyrus frontend" + diagnostics());
                int n = exists(select);
                assertTrue(n >= 1, select::toString);
                ImapAdminClient.Result fetch = c.command("FETCH " + n + " (BODY.PEEK[] BODY.PEEK[TEXT])");
                assertOk(fetch, () -> "FETCH via the Cyrus frontend");
                String full = new String(literal(fetch, "BODY[]"), StandardCharsets.ISO_8859_1);
                assertTrue(full.endsWith(box.getValue()), () -> "the stored message ends with what was sent, byte for byte:\n"
                        + full);
                assertTrue(full.startsWith("Return-Path: <tester@example.test>\r\n"), full);
                String body = box.getValue().substring(box.getValue().indexOf("\r\n\r\n") + 4);
                assertEquals(body, new String(literal(fetch, "BODY[TEXT]"), StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    @Order(3)
    void createThroughTheCyrusFrontendLandsOnOurBackend() {
        String name = "Projects" + run;
        String internal = "user.alice." + name;
        try (ImapAdminClient c = frontend.imap(ALICE, ALICE_PW)) {
            assertOk(c.create("INBOX." + name), () -> "CREATE INBOX." + name + " via the Cyrus frontend" + diagnostics());
        }
        MupdateMailbox m = awaitOnMaster(internal);
        assertEquals(LOCATION, m.location(), m::toString);
        frontend.awaitMailbox(internal, BOUND);
        try (ImapAdminClient c = ourImap(ALICE, ALICE_PW)) {
            ImapAdminClient.Result list = c.list("", "*");
            assertTrue(list.untagged().stream().anyMatch(l -> l.endsWith(" INBOX." + name)),
                    () -> "our backend has the mailbox: " + list);
        }
        try (ImapAdminClient c = frontend.imap(ALICE, ALICE_PW)) {
            assertOk(c.select("INBOX." + name), () -> "SELECT the new mailbox via the Cyrus frontend");
        }
    }

    @Test
    @Order(4)
    void deleteOnOurBackendLeavesCyrussMasterAndFrontend() {
        String internal = "user.alice.Gone" + run;
        try (ImapAdminClient c = ourImap(ADMIN, ADMIN_PW)) {
            assertOk(c.create(internal), () -> "CREATE " + internal);
        }
        awaitOnMaster(internal);
        frontend.awaitMailbox(internal, BOUND);
        try (ImapAdminClient c = ourImap(ADMIN, ADMIN_PW)) {
            assertOk(c.delete(internal), () -> "DELETE " + internal + " on our backend");
        }
        awaitGoneFromMaster(internal);
        assertFalse(master.dumpMailboxes().containsKey(internal));
        frontend.awaitNoMailbox(internal, BOUND);
        awaitOnMaster("user.alice"); // the rest stays
    }

    @Test
    @Order(5)
    void onlyTheFrontendsProxyIdentityMayActAsAnotherUser() {
        // what the Cyrus frontend does: AUTHENTICATE PLAIN alice\0feproxy\0password
        try (ImapAdminClient c = ImapAdminClient.connect(BACKEND_IP, 143, Duration.ofSeconds(30))) {
            assertOk(c.command("AUTHENTICATE PLAIN " + plain(ALICE, PROXY, PROXY_PW)), () -> "proxy login as alice");
            assertOk(c.select("INBOX"), () -> "alice's INBOX via the proxy login");
        }
        try (ImapAdminClient c = ImapAdminClient.connect(BACKEND_IP, 143, Duration.ofSeconds(30))) {
            ImapAdminClient.Result r = c.command("AUTHENTICATE PLAIN " + plain(ADMIN, ALICE, ALICE_PW));
            assertEquals("NO", r.status(), () -> "alice acting as the admin over IMAP: " + r);
        }
        try (LmtpClient c = LmtpClient.connect(BACKEND_IP, 24, Duration.ofSeconds(30))) {
            assertTrue(c.lhlo("it.example.test").positive());
            LmtpClient.Reply r = c.command("AUTH PLAIN " + plain(ADMIN, ALICE, ALICE_PW));
            assertEquals(535, r.code(), () -> "alice acting as the admin over LMTP: " + r);
            assertEquals(530, c.command("MAIL FROM:<tester@example.test>").code(), "still unauthenticated");
        }
        try (LmtpClient c = LmtpClient.connect(BACKEND_IP, 24, Duration.ofSeconds(30))) {
            assertTrue(c.lhlo("it.example.test").positive());
            LmtpClient.Reply r = c.command("AUTH PLAIN " + plain(ALICE, PROXY, PROXY_PW));
            assertEquals(235, r.code(), () -> "the proxy acting as alice over LMTP: " + r);
        }
    }

    @Test
    @Order(6)
    void aBackendOnlyNodeIsNoMupdateMaster() throws Exception {
        // Cyrus's master has the murder's map; our backend's own (empty) one must not pass for it
        try (Socket s = new Socket(BACKEND_IP, MUPDATE_PORT)) {
            s.setSoTimeout(10_000);
            String first = new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertEquals("* BYE \"This server is not a MUPDATE master; the master is " + MASTER_IP + ":" + MUPDATE_PORT + "\"",
                    first);
        }
        awaitOnMaster("user.alice");
    }

    private static String plain(String authz, String authn, String password) {
        return Base64.getEncoder().encodeToString((authz + "\0" + authn + "\0" + password)
                .getBytes(StandardCharsets.UTF_8));
    }
}
