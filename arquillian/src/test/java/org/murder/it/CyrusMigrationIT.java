package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * The migration of a Cyrus murder to ours (docs/migration.md), one user at a time: our master ({@code cmmaster}), a
 * Debian Cyrus 3.6 backend (127.0.0.41, servername {@code 127.0.0.41}) registered with it, one of our backends
 * ({@code ourbe}) and our frontend ({@code cmfe}). {@code RENAME name name ourbe!default} sent to our frontend moves
 * a mailbox, or a whole user, from Cyrus to ours: the frontend asks ourbe to pull it (XPULL); ourbe reads Cyrus over
 * IMAP (as {@code feproxy}, in Cyrus's {@code proxyservers}, for the admin and for the owner), freezes it by
 * narrowing its ACLs to {@code lr} and taking the master's entries RESERVED, switches the master and removes Cyrus's
 * copy with {@code LOCALDELETE}.
 *
 * <p>Proves: UIDVALIDITY, UIDs, flags (the owner's \Seen), internal dates, sizes and MODSEQs kept, HIGHESTMODSEQ not
 * lower; the ACL, the quota, the subscriptions and the special use of a whole user; the master points at ourbe, Cyrus
 * holds nothing of it; LMTP deliveries through our frontend during the move each land exactly once; a refused move
 * (unknown partition) and one rolled back after the freeze (Cyrus stopped while frozen) leave Cyrus's copy live with its
 * ACL and the master's entry as they were.</p>
 *
 * <p>Needs root and Debian's Cyrus: fails without them unless {@code -Dinterop.required=false}. Three WildFly processes
 * (31000, 31100, 31200), hence {@code h2-only}. Cyrus's directory stays in {@code target/cyrus-it/migrate-*}.</p>
 */
@Tag("h2-only")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(900)
class CyrusMigrationIT {

    static final String HOST = MurderNode.HOST;
    static final String CYRUS_IP = "127.0.0.41";
    static final String OURS = "ourbe";
    static final ProxyMurder.Ports MASTER = new ProxyMurder.Ports(31000);
    static final ProxyMurder.Ports BE = new ProxyMurder.Ports(31100);
    static final ProxyMurder.Ports FE = new ProxyMurder.Ports(31200);
    static final String ADMIN = MurderNode.ADMIN;
    static final String ADMIN_PW = MurderNode.ADMIN_PASSWORD;
    static final String PROXY = "feproxy";
    static final String PROXY_PW = "feproxy-pw";
    static final String ALICE = MurderNode.USER;
    static final String ALICE_PW = MurderNode.USER_PASSWORD;
    static final String BOB = "bob";
    static final String BOB_PW = "bob-pw";
    static final String CAROL = "carol";
    static final String CAROL_PW = "carol-pw";
    static final Duration BOUND = Duration.ofSeconds(120);

    private StandaloneNode master;
    private StandaloneNode backend;
    private StandaloneNode frontend;
    private CyrusBackend cyrus;
    private final String run = Long.toString(System.currentTimeMillis() / 1000, 36);

    @BeforeAll
    void startMurder() throws Exception {
        Peers.require(Peers.isRoot(), "needs root: Cyrus's backend listens on 143 and 24");
        Peers.require(Files.isExecutable(CyrusInstance.CYRUS_BIN.resolve("master")),
                "Debian's Cyrus (cyrus-imapd, cyrus-murder) is not installed in " + CyrusInstance.CYRUS_BIN);
        Path root = Path.of(System.getProperty("cyrus.it.dir", "target/cyrus-it")).toAbsolutePath();
        List<Long> stale = CyrusInstance.killStaleInstances(root);
        if (!stale.isEmpty()) {
            System.out.println("killed Cyrus processes left by an earlier run: " + stale);
        }
        try {
            master = MASTER.apply(StandaloneNode.in(StandaloneNode.baseDir("cyrus-mig-master"), 0))
                    .user(ADMIN, ADMIN_PW)
                    .setting("servername", "cmmaster")
                    .setting("murder_roles", "master")
                    .setting("admins", ADMIN)
                    .setting("mupdate_server", "")
                    .setting("mupdate_allowplaintext", "yes") // Cyrus's MUPDATE client logs in with PLAIN, no TLS
                    .setting("murder_master_settle_seconds", "0")
                    .setting("allowplaintext", "yes")
                    .listener(HOST, MASTER.mupdate())
                    .prepare();
            backend = BE.apply(StandaloneNode.in(StandaloneNode.baseDir("cyrus-mig-be"), 0))
                    .user(ADMIN, ADMIN_PW)
                    .user(PROXY, PROXY_PW)
                    .user(ALICE, ALICE_PW)
                    .user(BOB, BOB_PW)
                    .user(CAROL, CAROL_PW)
                    .setting("servername", OURS)
                    .setting("murder_roles", "backend")
                    .setting("admins", ADMIN)
                    .setting("proxyservers", PROXY)
                    .setting("allowallsubscribe", "yes")
                    .setting("allowplaintext", "yes")
                    .setting("mupdate_server", HOST + ":" + MASTER.mupdate())
                    .setting("mupdate_authname", ADMIN)
                    .setting("mupdate_password", ADMIN_PW)
                    .setting("mupdate_master_url", "http://" + HOST + ":" + MASTER.http())
                    // how the destination reaches and reads the Cyrus source (docs/migration.md)
                    .setting("proxy_authname", PROXY)
                    .setting("proxy_password", PROXY_PW)
                    .setting(CYRUS_IP + "_imap_address", CYRUS_IP + ":143")
                    // a move of a few dozen messages takes seconds, long enough for deliveries in the middle of it;
                    // the source stays frozen 6 s before the last pass (the rollback test stops Cyrus then)
                    .setting("move_batch", "10")
                    .setting("move_batch_pause_ms", "150")
                    .setting("move_quiet_pass", "0")
                    .setting("move_hold_frozen_ms", "6000")
                    // and 5 s between the switch and the release (a delivery straight to Cyrus then is carried over)
                    .setting("move_hold_releasing_ms", "5000")
                    .setting("move_max_attempts", "3")
                    .setting("move_retry_max_seconds", "2")
                    .listener(HOST, BE.imap())
                    .listener(HOST, BE.lmtp())
                    .prepare();
            frontend = FE.apply(StandaloneNode.in(StandaloneNode.baseDir("cyrus-mig-fe"), 0))
                    .user(ADMIN, ADMIN_PW)
                    .user(ALICE, ALICE_PW)
                    .user(BOB, BOB_PW)
                    .user(CAROL, CAROL_PW)
                    .setting("servername", "cmfe")
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
                    .setting(OURS + "_imap_address", HOST + ":" + BE.imap())
                    .setting(OURS + "_lmtp_address", HOST + ":" + BE.lmtp())
                    .listener(HOST, FE.imap())
                    .prepare();
            StandaloneNode.startAll(master, backend, frontend);

            cyrus = new CyrusBackend("backend-migrate", root.resolve("migrate-" + run), CYRUS_IP, HOST, MASTER.mupdate(),
                    ADMIN, ADMIN_PW)
                    .proxyServers(PROXY)
                    .createUser(PROXY, PROXY_PW)
                    .createUser(ALICE, ALICE_PW)
                    .createUser(BOB, BOB_PW)
                    .createUser(CAROL, CAROL_PW)
                    // Cyrus's lmtpd takes mail only from an admin of its service: our frontend's proxy identity is one
                    .option("lmtp_admins", ADMIN + " " + PROXY)
                    .start();
            try (ImapAdminClient admin = cyrus.imapAdmin()) {
                for (String user : List.of(ALICE, BOB, CAROL)) {
                    ImapAdminClient.Result r = admin.create("user." + user);
                    assertTrue(r.ok(), () -> "CREATE user." + user + " on Cyrus: " + r + diagnostics());
                }
            }
            for (String user : List.of(ALICE, BOB, CAROL)) {
                assertTrue(inFrontendCopy("user." + user, CYRUS_IP), "user." + user + " on Cyrus, in our frontend's copy"
                        + diagnostics());
            }
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
        for (StandaloneNode n : new StandaloneNode[] {frontend, backend, master}) {
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
        for (StandaloneNode n : new StandaloneNode[] {backend, frontend, master}) {
            if (n != null) {
                b.append(n.logTail(4000));
            }
        }
        return b.toString();
    }

    /** Whether our frontend's copy of the map has {@code mailbox} active at {@code server}, within a minute. */
    private static boolean inFrontendCopy(String mailbox, String server) throws InterruptedException {
        return MurderNode.await(Duration.ofSeconds(60), () -> {
            try {
                String body = MurderNode.http(FE.http(), "GET", "/api/copy?prefix=" + mailbox, ADMIN, ADMIN_PW, false)
                        .body();
                for (String entry : body.split("\\},\\{")) {
                    if (entry.contains("\"name\":\"" + mailbox + "\"")) {
                        return entry.contains("\"server\":\"" + server + "\"") && entry.contains("\"state\":\"active\"");
                    }
                }
                return false;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** The master's entry for {@code mailbox}, as its REST API shows it. */
    private static String masterEntry(String mailbox) throws Exception {
        return MurderNode.http(MASTER.http(), "GET", "/api/map/mailbox/" + mailbox, ADMIN, ADMIN_PW, false).body();
    }

    private static ImapAdminClient login(ProxyMurder.Ports node, String user, String password) {
        ImapAdminClient c = ImapAdminClient.connect(HOST, node.imap(), BOUND);
        ImapAdminClient.Result r = c.login(user, password);
        assertTrue(r.ok(), "login " + user + ": " + r);
        return c;
    }

    /** The names Cyrus itself still has under {@code prefix} (its admin's LIST). */
    private List<String> onCyrus(String prefix) {
        try (ImapAdminClient admin = cyrus.imapAdmin()) {
            ImapAdminClient.Result r = admin.command("LIST \"\" " + ImapAdminClient.astring(prefix + "*"));
            assertTrue(r.ok(), r::toString);
            return r.untagged().stream().filter(l -> l.startsWith("* LIST ")).map(l -> l.substring(l.lastIndexOf(' ') + 1)
                    .replace("\"", "")).sorted().toList();
        }
    }

    private String aclOnCyrus(String mailbox) {
        try (ImapAdminClient admin = cyrus.imapAdmin()) {
            ImapAdminClient.Result r = admin.getAcl(mailbox);
            assertTrue(r.ok(), r::toString);
            return r.untagged().stream().filter(l -> l.startsWith("* ACL ")).findFirst().orElseThrow();
        }
    }

    private void deliverToCyrus(String user, String subject) {
        try (LmtpClient c = cyrus.lmtp(ADMIN, ADMIN_PW)) {
            LmtpClient.Delivery d = c.deliver("tester@example.test", List.of(user), "From: tester@example.test\r\n"
                    + "Subject: " + subject + "\r\nMessage-ID: <" + subject.replace(' ', '.') + "." + run
                    + "@example.test>\r\n\r\nbody of " + subject + "\r\n");
            assertEquals(250, d.perRecipient().get(0).code(), () -> "Cyrus's LMTP took it: " + d + diagnostics());
        }
    }

    /** The mailbox as a client sees it, \Recent aside (session state), dates as instants (servers pad days apart). */
    record Snapshot(long uidValidity, long highestModSeq, List<String> messages) {
    }

    private static final Pattern FETCH = Pattern.compile("\\* \\d+ FETCH \\((.*)\\)");
    private static final DateTimeFormatter IMAP_DATE = DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", Locale.ROOT);

    static Snapshot snapshot(ImapAdminClient c, String mailbox) {
        ImapAdminClient.Result sel = c.command("EXAMINE " + ImapAdminClient.astring(mailbox) + " (CONDSTORE)");
        assertTrue(sel.ok(), "EXAMINE " + mailbox + ": " + sel);
        long uidValidity = MailboxMoveIT.code(sel, "UIDVALIDITY");
        long highest = MailboxMoveIT.code(sel, "HIGHESTMODSEQ");
        ImapAdminClient.Result f = c.command("UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE MODSEQ)");
        assertTrue(f.ok(), f.toString());
        List<String> messages = new ArrayList<>();
        for (String line : f.untagged()) {
            Matcher m = FETCH.matcher(line);
            if (m.matches()) {
                String items = m.group(1);
                String n = MailboxMoveIT.normalize(items).replace("\\Recent", "").replace("( ", "(").replace(" )", ")")
                        .replace("  ", " ");
                String date = MailboxMoveIT.group(items, "INTERNALDATE \"([^\"]*)\"").trim();
                messages.add(n.replaceAll("DATE \"[^\"]*\"", "DATE " + ZonedDateTime.parse(date, IMAP_DATE).toInstant()));
            }
        }
        messages.sort(null);
        c.command("UNSELECT");
        return new Snapshot(uidValidity, highest, messages);
    }

    private static void assertKept(Snapshot before, Snapshot after, String what) {
        assertEquals(before.uidValidity(), after.uidValidity(), what + ": UIDVALIDITY kept");
        assertEquals(before.messages(), after.messages(), what + ": UIDs, flags, dates, sizes and MODSEQs kept");
        assertTrue(after.highestModSeq() >= before.highestModSeq(), what + ": HIGHESTMODSEQ not lower ("
                + before.highestModSeq() + " → " + after.highestModSeq() + ")");
    }

    private ImapAdminClient.Result moveThroughFrontend(String mailbox, String location) {
        try (ImapAdminClient admin = login(FE, ADMIN, ADMIN_PW)) {
            return admin.command("RENAME " + mailbox + " " + mailbox + " " + location);
        }
    }

    @Test
    @Order(1)
    void aMailboxMovesFromCyrusThroughOurFrontendKeepingUidsFlagsDatesAndModseqs() throws Exception {
        try (ImapAdminClient alice = cyrus.imap(ALICE, ALICE_PW)) {
            assertTrue(alice.create("INBOX.proj").ok());
        }
        for (int i = 1; i <= 25; i++) {
            deliverToCyrus(ALICE, "proj " + i);
        }
        assertTrue(inFrontendCopy("user.alice.proj", CYRUS_IP), "user.alice.proj reached our frontend" + diagnostics());
        Snapshot before;
        try (ImapAdminClient alice = login(FE, ALICE, ALICE_PW)) { // proxied to Cyrus
            assertTrue(alice.select("INBOX").ok());
            assertTrue(alice.command("UID COPY 1:* INBOX.proj").ok());
            assertTrue(alice.command("UNSELECT").ok());
            assertTrue(alice.select("INBOX.proj").ok());
            assertTrue(alice.command("STORE 2:5 +FLAGS (\\Seen $Important)").ok());
            assertTrue(alice.command("STORE 7 +FLAGS (\\Deleted)").ok());
            assertTrue(alice.command("EXPUNGE").ok()); // a gap in the UIDs
            assertTrue(alice.command("STORE 3 +FLAGS (\\Answered)").ok());
            assertTrue(alice.command("UNSELECT").ok());
            assertTrue(alice.command("SETACL INBOX.proj carol lrs").ok());
            before = snapshot(alice, "INBOX.proj");
        }
        assertEquals(24, before.messages().size(), before.toString());
        String aclBefore = aclOnCyrus("user.alice.proj");

        ImapAdminClient.Result r = moveThroughFrontend("user.alice.proj", OURS + "!default");
        assertTrue(r.ok(), () -> "RENAME with a location through our frontend: " + r + diagnostics());

        assertTrue(inFrontendCopy("user.alice.proj", OURS), "our frontend's copy points at " + OURS);
        assertTrue(masterEntry("user.alice.proj").contains(OURS + "!default"), masterEntry("user.alice.proj"));
        assertEquals(List.of(), onCyrus("user.alice.proj"), "Cyrus's copy is gone (LOCALDELETE)");
        assertEquals(List.of("user.alice"), onCyrus("user.alice"), "and only it: alice's INBOX stays on Cyrus");
        try (ImapAdminClient alice = login(FE, ALICE, ALICE_PW)) {
            Snapshot after = snapshot(alice, "INBOX.proj");
            assertKept(before, after, "user.alice.proj");
            ImapAdminClient.Result acl = alice.getAcl("INBOX.proj");
            assertTrue(acl.untagged().stream().anyMatch(l -> l.contains("carol lrs")),
                    "the ACL came as it was before the freeze (" + aclBefore + "): " + acl);
            // a client that kept its QRESYNC state hears of nothing
            assertTrue(alice.command("ENABLE QRESYNC").ok());
            ImapAdminClient.Result q = alice.command("SELECT INBOX.proj (QRESYNC (" + before.uidValidity() + " "
                    + before.highestModSeq() + "))");
            assertTrue(q.ok(), q.toString());
            assertTrue(q.untagged().stream().noneMatch(l -> l.contains("VANISHED") || l.contains(" FETCH ")),
                    "no resynchronization: " + q);
            assertTrue(alice.command("STORE 1 +FLAGS (\\Flagged)").ok(), "live at ours");
        }
        try (ImapAdminClient direct = login(BE, ALICE, ALICE_PW)) {
            assertTrue(direct.command("EXAMINE INBOX.proj").ok(), "on " + OURS + " itself");
        }
    }

    @Test
    @Order(2)
    void aWholeUserMovesFromCyrusWithDeliveriesGoingOnThroughOurFrontend() throws Exception {
        try (ImapAdminClient bob = cyrus.imap(BOB, BOB_PW)) {
            assertTrue(bob.create("INBOX.a").ok());
            assertTrue(bob.create("INBOX.a.deep").ok());
            ImapAdminClient.Result sent = bob.command("CREATE INBOX.Sent (USE (\\Sent))");
            assertTrue(sent.ok(), sent::toString);
        }
        for (int i = 1; i <= 30; i++) {
            deliverToCyrus(BOB, "bob " + i);
        }
        try (ImapAdminClient bob = cyrus.imap(BOB, BOB_PW)) {
            assertTrue(bob.command("SUBSCRIBE INBOX.a").ok());
            assertTrue(bob.command("SUBSCRIBE INBOX.Sent").ok());
            assertTrue(bob.setAcl("INBOX.a", ALICE, "lr").ok());
            assertTrue(bob.select("INBOX").ok());
            assertTrue(bob.command("UID COPY 1:4 INBOX.a.deep").ok());
            assertTrue(bob.command("STORE 1:6 +FLAGS (\\Seen)").ok()); // the owner's seen state
            assertTrue(bob.command("STORE 8 +FLAGS (\\Flagged $Work)").ok());
            assertTrue(bob.command("STORE 9 +FLAGS (\\Deleted)").ok());
            assertTrue(bob.command("EXPUNGE").ok());
            assertTrue(bob.command("UNSELECT").ok());
        }
        try (ImapAdminClient admin = cyrus.imapAdmin()) {
            ImapAdminClient.Result q = admin.command("SETQUOTA user.bob (STORAGE 50000)");
            assertTrue(q.ok(), q::toString);
        }
        List<String> tree = List.of("user.bob", "user.bob.Sent", "user.bob.a", "user.bob.a.deep");
        for (String name : tree) {
            assertTrue(inFrontendCopy(name, CYRUS_IP), name + " in our frontend's copy" + diagnostics());
        }
        Snapshot inbox;
        Snapshot deep;
        try (ImapAdminClient bob = cyrus.imap(BOB, BOB_PW)) {
            inbox = snapshot(bob, "INBOX");
            deep = snapshot(bob, "INBOX.a.deep");
        }
        assertTrue(inbox.messages().stream().filter(m -> m.contains("\\Seen")).count() == 6, inbox.toString());

        // an MTA delivering to bob through our frontend all along: 250, or a 4xx it retries
        ConcurrentLinkedQueue<String> delivered = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        int[] deferred = {0};
        Thread mta = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
            for (int i = 1; !stop.get() && System.nanoTime() < deadline; i++) {
                String subject = "during " + i;
                try {
                    while (System.nanoTime() < deadline) {
                        String reply = MailboxMoveIT.lmtp(FE, BOB, "Message-ID: <during-" + i + "." + run
                                + "@it>\nSubject: " + subject + "\n\nsent while moving\n");
                        if (reply.startsWith("250")) {
                            delivered.add(subject);
                            break;
                        }
                        if (!reply.startsWith("4")) {
                            problems.add(subject + ": " + reply);
                            break;
                        }
                        deferred[0]++;
                        Thread.sleep(200);
                    }
                    Thread.sleep(50);
                } catch (Exception e) {
                    problems.add(subject + ": " + e);
                }
            }
        });
        mta.start();
        ImapAdminClient.Result r;
        try {
            Thread.sleep(1000);
            r = moveThroughFrontend("user.bob", OURS + "!default");
            assertTrue(r.ok(), () -> "RENAME user.bob through our frontend: " + r + diagnostics());
            for (String name : tree) {
                assertTrue(inFrontendCopy(name, OURS), name + " points at " + OURS);
            }
            Thread.sleep(2000); // deliveries go on to the new place
        } finally {
            stop.set(true);
            mta.join(250_000);
        }
        assertTrue(problems.isEmpty(), "no delivery bounced or failed: " + problems);
        assertTrue(delivered.size() > 5, "deliveries went on during the move: " + delivered.size());
        assertTrue(deferred[0] > 0, "deliveries during the freeze were held with 4xx by our frontend");

        for (String name : tree) {
            assertTrue(masterEntry(name).contains(OURS + "!default"), masterEntry(name));
        }
        assertEquals(List.of(), onCyrus("user.bob"), "Cyrus holds nothing of bob any more");
        try (ImapAdminClient bob = login(FE, BOB, BOB_PW)) {
            Snapshot deepAfter = snapshot(bob, "INBOX.a.deep");
            assertKept(deep, deepAfter, "user.bob.a.deep");
            Snapshot inboxAfter = snapshot(bob, "INBOX");
            assertEquals(inbox.uidValidity(), inboxAfter.uidValidity(), "INBOX's UIDVALIDITY kept");
            assertTrue(inboxAfter.highestModSeq() >= inbox.highestModSeq(), "HIGHESTMODSEQ not lower");
            for (String m : inbox.messages()) {
                // every message that was there before the move is there as it was, \Seen included; the deliveries
                // during the move came in Cyrus's copy (then moved with it) or in ours after the switch
                String uid = m.substring(0, 8);
                String after = inboxAfter.messages().stream().filter(x -> x.startsWith(uid)).findFirst()
                        .orElseThrow(() -> new AssertionError("UID " + uid + " lost: " + inboxAfter));
                if (after.equals(m)) {
                    continue;
                }
                fail("UID " + uid + " changed: " + m + " → " + after);
            }
            ImapAdminClient.Result subjects = bob.command("EXAMINE INBOX");
            assertTrue(subjects.ok());
            ImapAdminClient.Result f = bob.command("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            String all = String.join("\n", f.untagged());
            for (String s : delivered) {
                assertEquals(1, count(all, "Subject: " + s + "\r\n"), s + " is there exactly once (" + deferred[0]
                        + " deliveries deferred with 4xx)");
            }
            assertTrue(bob.command("UNSELECT").ok());
            ImapAdminClient.Result lsub = bob.command("LSUB \"\" *");
            assertTrue(lsub.untagged().stream().anyMatch(l -> l.endsWith("INBOX.a")), lsub.toString());
            assertTrue(lsub.untagged().stream().anyMatch(l -> l.endsWith("INBOX.Sent")), lsub.toString());
            ImapAdminClient.Result acl = bob.getAcl("INBOX.a");
            assertTrue(acl.untagged().stream().anyMatch(l -> l.contains(ALICE + " lr")), acl.toString());
            ImapAdminClient.Result quota = bob.command("GETQUOTAROOT INBOX");
            assertTrue(quota.untagged().stream().anyMatch(l -> l.contains("STORAGE") && l.contains("50000")),
                    quota.toString());
            assertTrue(bob.command("CREATE INBOX.new").ok(), "bob lives on at " + OURS);
        }
        try (ImapAdminClient bob = login(BE, BOB, BOB_PW)) {
            ImapAdminClient.Result use = bob.command("LIST \"\" INBOX.Sent RETURN (SPECIAL-USE)");
            assertTrue(use.untagged().stream().anyMatch(l -> l.contains("\\Sent")), use.toString());
        }
        var moves = MurderNode.http(BE.http(), "GET", "/api/backend/moves", ADMIN, ADMIN_PW, false);
        assertTrue(moves.body().contains("\"user.bob\"") && moves.body().contains("\"DONE\""), moves.body());
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    @Order(3)
    void aRefusedMoveLeavesCyrussCopyLiveWithItsAcl() throws Exception {
        String acl = aclOnCyrus("user.carol");
        ImapAdminClient.Result r = moveThroughFrontend("user.carol", OURS + "!nosuchpartition");
        assertEquals("NO", r.status(), r::toString);
        try (ImapAdminClient carol = login(FE, CAROL, CAROL_PW)) {
            ImapAdminClient.Result notAdmin = carol.command("RENAME INBOX INBOX " + OURS + "!default");
            assertEquals("NO", notAdmin.status(), "not an admin: " + notAdmin);
        }
        assertEquals(List.of("user.carol"), onCyrus("user.carol"));
        assertEquals(acl, aclOnCyrus("user.carol"), "the ACL untouched");
        assertTrue(masterEntry("user.carol").contains(CYRUS_IP + "!default"), masterEntry("user.carol"));
        String msg = "Subject: still cyrus\r\n\r\nhello\r\n";
        try (ImapAdminClient carol = login(FE, CAROL, CAROL_PW)) {
            ImapAdminClient.Result a = carol.command("APPEND INBOX {" + msg.length() + "+}\r\n" + msg);
            assertTrue(a.ok(), "still writable at Cyrus: " + a);
        }
    }

    /**
     * A move rolled back after the freeze: Cyrus stops while frozen (the destination holds it frozen 6 s before the
     * last pass), the last pass fails until {@code move_max_attempts}, the rollback waits for Cyrus, then puts its
     * ACLs and the master's entries back: carol is live on Cyrus as before, with every message.
     */
    @Test
    @Order(4)
    void aMoveRolledBackAfterTheFreezePutsCyrussAclAndTheMastersEntryBack() throws Exception {
        deliverToCyrus(CAROL, "carol 1");
        deliverToCyrus(CAROL, "carol 2");
        String acl = aclOnCyrus("user.carol");
        Snapshot before;
        try (ImapAdminClient carol = cyrus.imap(CAROL, CAROL_PW)) {
            before = snapshot(carol, "INBOX");
        }
        ExecutorService mover = Executors.newSingleThreadExecutor();
        try {
            Future<ImapAdminClient.Result> move = mover.submit(() -> moveThroughFrontend("user.carol", OURS + "!default"));
            // frozen: the master's entry turns RESERVED at ours
            assertTrue(MurderNode.await(Duration.ofSeconds(60), () -> {
                try {
                    return masterEntry("user.carol").contains(OURS + "!default");
                } catch (Exception e) {
                    return false;
                }
            }), "the freeze took the master's entry" + diagnostics());
            String frozen = aclOnCyrus("user.carol");
            assertTrue(frozen.contains(CAROL + " lr") && !frozen.contains(CAROL + " lrs"),
                    "the freeze narrowed the ACL to lr: " + frozen);
            try (ImapAdminClient carol = cyrus.imap(CAROL, CAROL_PW)) {
                String msg = "Subject: while frozen\r\n\r\nhello\r\n";
                ImapAdminClient.Result a = carol.command("APPEND INBOX {" + msg.length() + "+}\r\n" + msg);
                assertEquals("NO", a.status(), "Cyrus refuses an APPEND to the frozen mailbox: " + a);
            }
            cyrus.stop();
            // the last pass fails move_max_attempts times; the rollback then waits for Cyrus
            assertTrue(MurderNode.await(Duration.ofSeconds(120), () -> {
                try {
                    return MurderNode.http(BE.http(), "GET", "/api/backend/moves", ADMIN, ADMIN_PW, false).body()
                            .contains("\"ROLLING_BACK\"");
                } catch (Exception e) {
                    return false;
                }
            }), "the move rolls back" + diagnostics());
            cyrus.start();
            ImapAdminClient.Result r = move.get(180, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("NO", r.status(), () -> r + diagnostics());
            assertTrue(r.text().contains("rolled back"), r::toString);
        } finally {
            mover.shutdownNow();
        }
        assertEquals(acl, aclOnCyrus("user.carol"), "the ACL is back as it was");
        assertTrue(masterEntry("user.carol").contains(CYRUS_IP + "!default"), "the master points at Cyrus again: "
                + masterEntry("user.carol"));
        assertTrue(inFrontendCopy("user.carol", CYRUS_IP));
        try (ImapAdminClient carol = login(FE, CAROL, CAROL_PW)) {
            assertKept(before, snapshot(carol, "INBOX"), "carol's INBOX on Cyrus");
            String msg = "Subject: after rollback\r\n\r\nhello\r\n";
            ImapAdminClient.Result a = carol.command("APPEND INBOX {" + msg.length() + "+}\r\n" + msg);
            assertTrue(a.ok(), "writable at Cyrus again: " + a);
        }
        try (ImapAdminClient direct = login(BE, ADMIN, ADMIN_PW)) {
            assertFalse(direct.command("EXAMINE user.carol").ok(), "no copy left at " + OURS);
        }
    }

    /**
     * What a Cyrus source cannot hold back: a delivery straight to its lmtpd (no frontend) after the last pass — here
     * between the switch and the release. The release appends it to the copy before it deletes Cyrus's: it is there
     * once, under a new UID, and nothing else changed.
     */
    @Test
    @Order(5)
    void aDeliveryStraightToCyrusAfterTheLastPassIsCarriedOverNotLost() throws Exception {
        Snapshot before;
        try (ImapAdminClient carol = cyrus.imap(CAROL, CAROL_PW)) {
            before = snapshot(carol, "INBOX");
        }
        String subject = "straight to cyrus " + run;
        ExecutorService mover = Executors.newSingleThreadExecutor();
        try {
            Future<ImapAdminClient.Result> move = mover.submit(() -> moveThroughFrontend("user.carol", OURS + "!default"));
            assertTrue(MurderNode.await(Duration.ofSeconds(90), () -> {
                try {
                    String e = masterEntry("user.carol");
                    return e.contains(OURS + "!default") && e.contains("\"state\":\"active\"");
                } catch (Exception e) {
                    return false;
                }
            }), "switched: the master points at " + OURS + diagnostics());
            assertEquals(List.of("user.carol"), onCyrus("user.carol"), "not released yet");
            deliverToCyrus(CAROL, subject); // Cyrus's lmtpd takes it, the INBOX's narrowed ACL notwithstanding
            ImapAdminClient.Result r = move.get(180, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(r.ok(), () -> r + diagnostics());
        } finally {
            mover.shutdownNow();
        }
        assertEquals(List.of(), onCyrus("user.carol"), "released");
        try (ImapAdminClient carol = login(FE, CAROL, CAROL_PW)) {
            Snapshot after = snapshot(carol, "INBOX");
            assertEquals(before.uidValidity(), after.uidValidity());
            assertEquals(before.messages().size() + 1, after.messages().size(), after.toString());
            assertEquals(before.messages(), after.messages().subList(0, before.messages().size()),
                    "the messages from before are there as they were");
            assertTrue(carol.command("EXAMINE INBOX").ok());
            ImapAdminClient.Result f = carol.command("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            assertEquals(1, count(String.join("\n", f.untagged()), "Subject: " + subject + "\r\n"),
                    "the late delivery is there once: " + f);
        }
    }
}
