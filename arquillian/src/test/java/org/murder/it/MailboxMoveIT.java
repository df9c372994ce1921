package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
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
import org.murder.it.cyrus.ImapAdminClient;

/**
 * Moving mailboxes between backends with {@code RENAME name name server!partition} (docs/moves.md) on a murder of real
 * processes ({@link ProxyMurder}): through the frontend and directly on the backend, a single mailbox and a whole user,
 * with deliveries going on during the move; UIDVALIDITY, UIDs, flags, internal dates and MODSEQs kept, so a client's
 * QRESYNC state still holds.
 */
@Tag("h2-only")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(900)
class MailboxMoveIT {

    static final Duration BOUND = Duration.ofSeconds(120);
    static final String ALICE = MurderNode.USER;
    static final String ALICE_PW = MurderNode.USER_PASSWORD;
    static final String BOB = ProxyMurder.BOB;
    static final String BOB_PW = ProxyMurder.BOB_PASSWORD;

    private ProxyMurder murder;

    @BeforeAll
    void startMurder() throws Exception {
        // small batches with a pause between them: a move of a few dozen messages takes a second or two, long
        // enough for deliveries to arrive in the middle of it
        murder = ProxyMurder.start(Map.of("move_batch", "10", "move_batch_pause_ms", "150", "move_quiet_pass", "0"));
        login(ProxyMurder.BE1, ALICE, ALICE_PW).close();
        login(ProxyMurder.BE2, BOB, BOB_PW).close();
        assertTrue(inFrontendCopy("user." + ALICE, "be1") && inFrontendCopy("user." + BOB, "be2"),
                "both INBOXes reached the frontend's copy");
    }

    @AfterAll
    void stopMurder() throws Exception {
        if (murder != null) {
            murder.close();
        }
    }

    static ImapAdminClient login(ProxyMurder.Ports node, String user, String password) {
        ImapAdminClient c = ImapAdminClient.connect(ProxyMurder.HOST, node.imap(), BOUND);
        ImapAdminClient.Result r = c.login(user, password);
        assertTrue(r.ok(), "login " + user + ": " + r);
        return c;
    }

    static ImapAdminClient admin(ProxyMurder.Ports node) {
        return login(node, MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD);
    }

    /** Whether the frontend's copy of the map has {@code mailbox} at {@code server}, within a minute. */
    static boolean inFrontendCopy(String mailbox, String server) throws InterruptedException {
        return MurderNode.await(Duration.ofSeconds(60), () -> {
            try {
                String body = MurderNode.http(ProxyMurder.FE1.http(), "GET", "/api/copy?prefix=" + mailbox, MurderNode.ADMIN,
                        MurderNode.ADMIN_PASSWORD, false).body();
                // active there (a move's switch passes through reserved at the destination)
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

    /** One LMTP delivery; the reply's first line (a 250, a 4xx the caller may retry, or a 5xx). */
    static String lmtp(ProxyMurder.Ports node, String rcpt, String message) throws Exception {
        try (java.net.Socket s = new java.net.Socket(ProxyMurder.HOST, node.lmtp())) {
            s.setSoTimeout(30_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            var out = s.getOutputStream();
            java.util.function.Function<String, String> say = line -> {
                try {
                    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    String reply;
                    do {
                        reply = in.readLine();
                    } while (reply != null && reply.length() > 3 && reply.charAt(3) == '-');
                    return reply;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            assertTrue(in.readLine().startsWith("220"));
            say.apply("LHLO it");
            say.apply("MAIL FROM:<sender@example.org>");
            String rcptReply = say.apply("RCPT TO:<" + rcpt + ">");
            if (!rcptReply.startsWith("250")) {
                return rcptReply;
            }
            say.apply("DATA");
            return say.apply(message.replace("\n", "\r\n") + "\r\n.");
        }
    }

    static void deliverOk(ProxyMurder.Ports node, String rcpt, String subject) throws Exception {
        String r = lmtp(node, rcpt, "Message-ID: <" + subject.replace(' ', '-') + "@it>\nSubject: " + subject + "\n\nbody of "
                + subject + "\n");
        assertTrue(r.startsWith("250"), "delivered " + subject + ": " + r);
    }

    /** The mailbox as a client sees it: UIDVALIDITY, HIGHESTMODSEQ, and per UID its flags, date, size and MODSEQ. */
    record Snapshot(long uidValidity, long highestModSeq, List<String> messages) {
    }

    private static final Pattern FETCH = Pattern.compile("\\* \\d+ FETCH \\((.*)\\)");

    static Snapshot snapshot(ImapAdminClient c, String mailbox) {
        ImapAdminClient.Result sel = c.command("SELECT " + ImapAdminClient.astring(mailbox) + " (CONDSTORE)");
        assertTrue(sel.ok(), "SELECT " + mailbox + ": " + sel);
        long uidValidity = code(sel, "UIDVALIDITY");
        long highest = code(sel, "HIGHESTMODSEQ");
        ImapAdminClient.Result f = c.command("UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE MODSEQ)");
        assertTrue(f.ok(), f.toString());
        List<String> messages = new ArrayList<>();
        for (String line : f.untagged()) {
            Matcher m = FETCH.matcher(line);
            if (m.matches()) {
                messages.add(normalize(m.group(1)));
            }
        }
        messages.sort(null);
        c.command("UNSELECT");
        return new Snapshot(uidValidity, highest, messages);
    }

    /** FETCH items in one order (servers may order them differently), flags sorted. */
    static String normalize(String items) {
        Matcher flags = Pattern.compile("FLAGS \\(([^)]*)\\)").matcher(items);
        String f = flags.find() ? String.join(" ", java.util.Arrays.stream(flags.group(1).split(" ")).sorted().toList()) : "";
        String uid = group(items, "UID (\\d+)");
        return String.format("%08d", Long.parseLong(uid)) + " FLAGS(" + f + ") DATE " + group(items, "INTERNALDATE (\"[^\"]*\")")
                + " SIZE " + group(items, "RFC822.SIZE (\\d+)") + " MODSEQ " + group(items, "MODSEQ \\((\\d+)\\)");
    }

    static Snapshot withoutRecent(Snapshot s) {
        return new Snapshot(s.uidValidity(), s.highestModSeq(), s.messages().stream()
                .map(m -> m.replace("\\Recent", "").replace("( ", "(").replace(" )", ")").replace("  ", " ")).toList());
    }

    static String group(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        return m.find() ? m.group(1) : "?";
    }

    static long code(ImapAdminClient.Result r, String name) {
        for (String line : r.untagged()) {
            Matcher m = Pattern.compile("\\[" + name + " (\\d+)\\]").matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no " + name + " in " + r);
    }

    static boolean existsOn(ProxyMurder.Ports backend, String mailbox) {
        try (ImapAdminClient a = admin(backend)) {
            return a.command("EXAMINE " + ImapAdminClient.astring(mailbox)).ok();
        }
    }

    @Test
    @Order(1)
    void aMailboxMovesThroughTheFrontendKeepingUidsFlagsDatesAndModseqs() throws Exception {
        for (int i = 1; i <= 25; i++) {
            deliverOk(ProxyMurder.BE1, ALICE, "proj " + i);
        }
        Snapshot before;
        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW)) {
            assertTrue(alice.command("CREATE INBOX.proj").ok());
            assertTrue(inFrontendCopy("user.alice.proj", "be1")); // the frontend routes COPY by its copy of the map
            assertTrue(alice.select("INBOX").ok());
            assertTrue(alice.command("UID COPY 1:* INBOX.proj").ok());
            assertTrue(alice.command("UNSELECT").ok());
            assertTrue(alice.select("INBOX.proj").ok());
            assertTrue(alice.command("STORE 2:5 +FLAGS (\\Seen $Important)").ok());
            assertTrue(alice.command("STORE 7 +FLAGS (\\Deleted)").ok());
            assertTrue(alice.command("EXPUNGE").ok()); // a gap in the UIDs, and an expunge for QRESYNC to know
            assertTrue(alice.command("STORE 3 +FLAGS (\\Answered)").ok());
            assertTrue(alice.command("UNSELECT").ok());
            before = snapshot(alice, "INBOX.proj");
        }
        assertEquals(24, before.messages().size());

        try (ImapAdminClient admin = admin(ProxyMurder.FE1)) {
            ImapAdminClient.Result r = admin.command("RENAME user.alice.proj user.alice.proj be2!default");
            assertTrue(r.ok(), "RENAME with a location: " + r + "\n" + murder.be2.logTail(4000));
        }
        assertTrue(inFrontendCopy("user.alice.proj", "be2"), "the map points at be2");
        assertTrue(existsOn(ProxyMurder.BE2, "user.alice.proj"));
        assertFalse(existsOn(ProxyMurder.BE1, "user.alice.proj"), "the source's copy is gone");

        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW)) {
            Snapshot after = snapshot(alice, "INBOX.proj");
            assertEquals(before.uidValidity(), after.uidValidity(), "UIDVALIDITY kept");
            assertEquals(before.messages(), after.messages(), "UIDs, flags, dates, sizes and MODSEQs kept");
            assertTrue(after.highestModSeq() >= before.highestModSeq(), "HIGHESTMODSEQ never goes back");
            // a client that kept its QRESYNC state hears of nothing: no VANISHED, no FETCH
            assertTrue(alice.command("ENABLE QRESYNC").ok());
            ImapAdminClient.Result q = alice.command("SELECT INBOX.proj (QRESYNC (" + before.uidValidity() + " "
                    + before.highestModSeq() + "))");
            assertTrue(q.ok(), q.toString());
            assertTrue(q.untagged().stream().noneMatch(l -> l.contains("VANISHED") || l.contains("FETCH")),
                    "no resynchronization: " + q);
            // and the mailbox is live at its new place
            assertTrue(alice.command("STORE 1 +FLAGS (\\Flagged)").ok());
        }
    }

    @Test
    @Order(2)
    void aMailboxMovesBackWhenAskedOnTheBackendThatHoldsIt() throws Exception {
        Snapshot before;
        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW)) {
            before = snapshot(alice, "INBOX.proj");
        }
        try (ImapAdminClient admin = admin(ProxyMurder.BE2)) {
            ImapAdminClient.Result r = admin.command("RENAME \"user.alice.proj\" \"user.alice.proj\" \"be1!default\"");
            assertTrue(r.ok(), r + "\n" + murder.be1.logTail(4000));
        }
        assertTrue(inFrontendCopy("user.alice.proj", "be1"));
        assertTrue(existsOn(ProxyMurder.BE1, "user.alice.proj"));
        assertFalse(existsOn(ProxyMurder.BE2, "user.alice.proj"));
        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW)) {
            Snapshot after = snapshot(alice, "INBOX.proj");
            assertEquals(before, after);
        }
    }

    @Test
    @Order(3)
    void refusals() throws Exception {
        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW)) {
            ImapAdminClient.Result r = alice.command("RENAME INBOX.proj INBOX.proj be2!default");
            assertEquals("NO", r.status(), "not an admin: " + r);
        }
        try (ImapAdminClient admin = admin(ProxyMurder.FE1)) {
            assertEquals("NO", admin.command("RENAME user.alice.proj user.alice.proj be9!default").status(), "unknown server");
            assertEquals("NO", admin.command("RENAME user.alice.proj user.alice.proj be1!default").status(), "same server");
            assertEquals("NO", admin.command("RENAME user.alice.proj user.alice.other be2!default").status(),
                    "rename and move at once");
            assertEquals("NO", admin.command("RENAME user.alice.proj user.alice.proj be2!nosuchpartition").status(),
                    "unknown partition at the destination");
        }
        assertTrue(existsOn(ProxyMurder.BE1, "user.alice.proj"), "still where it was");
        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW)) {
            assertTrue(alice.select("INBOX.proj").ok());
            assertTrue(alice.command("STORE 1 -FLAGS (\\Flagged)").ok(), "and not frozen");
        }
        try (ImapAdminClient alice = login(ProxyMurder.BE1, ALICE, ALICE_PW)) {
            assertEquals("NO", alice.command("XFREEZE user.alice.proj 1").status(), "the move's commands are for admins");
        }
        // a move that fails once started rolls back: asked of the destination directly, for a mailbox the source
        // does not have
        try (ImapAdminClient admin = admin(ProxyMurder.BE2)) {
            ImapAdminClient.Result r = admin.command("XPULL user.alice.nosuch be1 default");
            assertEquals("NO", r.status(), r.toString());
            assertTrue(r.text().contains("rolled back"), r.toString());
        }
        assertFalse(existsOn(ProxyMurder.BE2, "user.alice.nosuch"));
    }

    @Test
    @Order(4)
    void anInboxMovesTheWholeUser() throws Exception {
        for (int i = 1; i <= 12; i++) {
            deliverOk(ProxyMurder.BE2, BOB, "bob " + i);
        }
        try (ImapAdminClient bob = login(ProxyMurder.FE1, BOB, BOB_PW)) {
            assertTrue(bob.command("CREATE INBOX.a").ok());
            assertTrue(bob.command("CREATE INBOX.a.deep").ok());
            assertTrue(bob.command("CREATE INBOX.Sent (USE (\\Sent))").ok());
            for (String name : List.of("user.bob.a", "user.bob.a.deep", "user.bob.Sent")) {
                assertTrue(inFrontendCopy(name, "be2"), name);
            }
            assertTrue(bob.command("SUBSCRIBE INBOX.a").ok());
            assertTrue(bob.command("SUBSCRIBE INBOX.Sent").ok());
            assertTrue(bob.command("SETACL INBOX.a alice lr").ok());
            assertTrue(bob.select("INBOX").ok());
            assertTrue(bob.command("UID COPY 1:4 INBOX.a.deep").ok());
            assertTrue(bob.command("STORE 1:6 +FLAGS (\\Seen)").ok()); // the owner's seen state
            assertTrue(bob.command("UNSELECT").ok());
        }
        try (ImapAdminClient admin = admin(ProxyMurder.BE2)) {
            assertTrue(admin.command("SETQUOTA user.bob (STORAGE 50000)").ok());
        }
        String pythonBefore = python("INBOX");
        Snapshot inbox;
        Snapshot deep;
        try (ImapAdminClient bob = login(ProxyMurder.FE1, BOB, BOB_PW)) {
            inbox = snapshot(bob, "INBOX");
            deep = snapshot(bob, "INBOX.a.deep");
        }

        try (ImapAdminClient admin = admin(ProxyMurder.FE1)) {
            ImapAdminClient.Result r = admin.command("RENAME user.bob user.bob be1!default");
            assertTrue(r.ok(), r + "\n" + murder.be1.logTail(4000));
        }
        for (String name : List.of("user.bob", "user.bob.a", "user.bob.a.deep", "user.bob.Sent")) {
            assertTrue(inFrontendCopy(name, "be1"), name + " points at be1");
            assertTrue(existsOn(ProxyMurder.BE1, name), name + " on be1");
            assertFalse(existsOn(ProxyMurder.BE2, name), name + " gone from be2");
        }
        assertEquals(pythonBefore, python("INBOX"), "imaplib sees the same INBOX");
        try (ImapAdminClient bob = login(ProxyMurder.FE1, BOB, BOB_PW)) {
            assertEquals(inbox, snapshot(bob, "INBOX"), "INBOX with the owner's \\Seen");
            // the snapshot's SELECT at the source took the \Recent of INBOX.a.deep's copies: after the move they
            // are not \Recent again (the owner's mark moved with the mailbox)
            Snapshot deepAfter = snapshot(bob, "INBOX.a.deep");
            assertEquals(withoutRecent(deep), deepAfter);
            ImapAdminClient.Result lsub = bob.command("LSUB \"\" *");
            assertTrue(lsub.untagged().stream().anyMatch(l -> l.endsWith("INBOX.a")), lsub.toString());
            assertTrue(lsub.untagged().stream().anyMatch(l -> l.endsWith("INBOX.Sent")), lsub.toString());
            ImapAdminClient.Result acl = bob.command("GETACL INBOX.a");
            assertTrue(acl.untagged().stream().anyMatch(l -> l.contains("alice lr")), acl.toString());
            ImapAdminClient.Result quota = bob.command("GETQUOTAROOT INBOX");
            assertTrue(quota.untagged().stream().anyMatch(l -> l.contains("STORAGE") && l.contains("50000")), quota.toString());
            assertTrue(bob.command("CREATE INBOX.new").ok(), "the user lives on at be1");
        }
        // a frontend lists other backends' mailboxes from its map, without their special use: ask be1 itself
        try (ImapAdminClient bob = login(ProxyMurder.BE1, BOB, BOB_PW)) {
            ImapAdminClient.Result use = bob.command("LIST \"\" INBOX.Sent RETURN (SPECIAL-USE)");
            assertTrue(use.untagged().stream().anyMatch(l -> l.contains("\\Sent")), use.toString());
        }
        assertTrue(inFrontendCopy("user.bob.new", "be1"));
    }

    /** The mailbox's UIDs, flags and dates as Python's imaplib sees them through the frontend. */
    private static String python(String mailbox) throws Exception {
        Path script = Files.createTempFile("imaplib", ".py");
        Files.writeString(script, String.join("\n",
                "import imaplib, sys",
                "m = imaplib.IMAP4('" + ProxyMurder.HOST + "', " + ProxyMurder.FE1.imap() + ")",
                "m.login('" + BOB + "', '" + BOB_PW + "')",
                "typ, data = m.select('" + mailbox + "')",
                "print(typ, m.response('UIDVALIDITY'))",
                "typ, data = m.uid('FETCH', '1:*', '(FLAGS INTERNALDATE)')",
                "for d in sorted(x.decode() for x in data if x): print(d)",
                "m.logout()", ""));
        Process p = new ProcessBuilder("python3", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Files.delete(script);
        return out;
    }

    @Test
    @Order(5)
    void deliveriesDuringAMoveAreAllThereAfterIt() throws Exception {
        for (int i = 1; i <= 40; i++) {
            deliverOk(ProxyMurder.BE1, ALICE, "before " + i);
        }
        ConcurrentLinkedQueue<String> delivered = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        int[] temporary = {0};
        Thread mta = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            for (int i = 1; !stop.get() && System.nanoTime() < deadline; i++) {
                String subject = "during " + i;
                try {
                    while (System.nanoTime() < deadline) {
                        String r = lmtp(ProxyMurder.FE1, ALICE, "Message-ID: <during-" + i + "@it>\nSubject: " + subject
                                + "\n\nsent while moving\n");
                        if (r.startsWith("250")) {
                            delivered.add(subject);
                            break;
                        }
                        if (!r.startsWith("4")) {
                            problems.add(subject + ": " + r);
                            break;
                        }
                        temporary[0]++;
                        Thread.sleep(200); // as an MTA would, sooner
                    }
                    Thread.sleep(50);
                } catch (Exception e) {
                    problems.add(subject + ": " + e);
                }
            }
        });
        mta.start();
        Thread.sleep(1000);
        try (ImapAdminClient admin = admin(ProxyMurder.FE1)) {
            ImapAdminClient.Result r = admin.command("RENAME user.alice user.alice be2!default");
            assertTrue(r.ok(), r + "\n" + murder.be2.logTail(4000));
        }
        assertTrue(inFrontendCopy("user.alice", "be2"));
        Thread.sleep(2000); // deliveries go on to the new place
        stop.set(true);
        mta.join(200_000);
        assertTrue(problems.isEmpty(), "no delivery bounced: " + problems);
        assertTrue(delivered.size() > 10, "deliveries went on during the move: " + delivered.size());
        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW)) {
            assertTrue(alice.select("INBOX").ok());
            ImapAdminClient.Result f = alice.command("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            String all = String.join("\n", f.untagged());
            for (String s : delivered) {
                assertEquals(1, count(all, "Subject: " + s + "\r\n"), s + " is there once (" + temporary[0]
                        + " deliveries deferred with 4xx)");
            }
            for (int i = 1; i <= 40; i++) {
                assertEquals(1, count(all, "Subject: before " + i + "\r\n"), "before " + i);
            }
        }
        assertTrue(existsOn(ProxyMurder.BE2, "user.alice.proj"), "alice's folders moved with her");
        assertFalse(existsOn(ProxyMurder.BE1, "user.alice"));
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    @Order(6)
    void theMovesAreListed() throws Exception {
        var r = MurderNode.http(ProxyMurder.BE2.http(), "GET", "/api/backend/moves", MurderNode.ADMIN,
                MurderNode.ADMIN_PASSWORD, false);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"user.alice\"") && r.body().contains("\"DONE\""), r.body());
    }
}
