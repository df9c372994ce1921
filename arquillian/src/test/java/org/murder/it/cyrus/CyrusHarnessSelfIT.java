package org.murder.it.cyrus;

import org.murder.it.Peers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
 * Proves the Cyrus harness against Cyrus' own MUPDATE master: a loopback murder of real Debian Cyrus 3.6
 * processes - master {@code mupdate -m} on 127.0.0.13:39051, backend on 127.0.0.11 (imap 143, lmtp 24), frontend
 * on 127.0.0.10 (imap 143, lmtp 24, slave listener 39052) - driven by {@link MupdateTest}, {@link ImapAdminClient}
 * and {@code ctl_mboxlist}. Skipped where Debian's Cyrus is not installed. Instance directories (configs, master
 * logs, tool outputs) stay under {@code target/cyrus-it/} for diagnosis.
 */
@Tag("cyrus-selftest")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class CyrusHarnessSelfIT {

    static final String MASTER_IP = "127.0.0.13";
    static final int MASTER_PORT = 39051;
    static final String BACKEND_IP = "127.0.0.11";
    static final String FRONTEND_IP = "127.0.0.10";
    static final int SLAVE_PORT = 39052;
    static final String MURDER = "murder";
    static final String MURDER_PW = "murder-selftest-pw";
    static final String ALICE = "alice";
    static final String ALICE_PW = "alice-selftest-pw";
    static final Duration SLAVE_BOUND = Duration.ofSeconds(30);

    private Instant startedAt;
    private Path base;
    private CyrusMaster master;
    private CyrusBackend backend;
    private CyrusFrontend frontend;

    @BeforeAll
    void startMurder() {
        Peers.require(Files.isExecutable(CyrusInstance.CYRUS_BIN.resolve("master")),
                "Debian's Cyrus (cyrus-imapd, cyrus-murder) is not installed in " + CyrusInstance.CYRUS_BIN);
        Peers.require(Files.isExecutable(MupdateTest.defaultBinary()), "mupdatetest (cyrus-clients) is not installed");
        startedAt = Instant.now().minusSeconds(1);
        Path root = Path.of(System.getProperty("cyrus.it.dir", "target/cyrus-it")).toAbsolutePath();
        List<Long> stale = CyrusInstance.killStaleInstances(root);
        if (!stale.isEmpty()) {
            System.out.println("killed Cyrus processes left by an earlier run: " + stale);
        }
        base = root.resolve("self-" + Long.toString(System.currentTimeMillis() / 1000, 36));
        try {
            master = new CyrusMaster(base.resolve("master"), MASTER_IP, MASTER_PORT, MURDER);
            master.createUser(MURDER, MURDER_PW);
            master.start();

            backend = new CyrusBackend(base.resolve("be1"), BACKEND_IP, MASTER_IP, MASTER_PORT, MURDER, MURDER_PW);
            backend.createUser(ALICE, ALICE_PW);
            backend.start();

            frontend = new CyrusFrontend(base.resolve("fe"), FRONTEND_IP, MASTER_IP, MASTER_PORT, MURDER, MURDER_PW)
                    .slavePort(SLAVE_PORT);
            frontend.createUser(ALICE, ALICE_PW);
            frontend.start();
        } catch (RuntimeException e) {
            stopMurder();
            throw e;
        }
    }

    @AfterAll
    void stopMurder() {
        List<String> problems = new ArrayList<>();
        for (CyrusInstance i : new CyrusInstance[] {frontend, backend, master}) {
            if (i == null) {
                continue;
            }
            try {
                i.stop();
                if (!i.strayProcesses().isEmpty()) {
                    problems.add(i + " left " + i.strayProcesses());
                }
            } catch (RuntimeException e) {
                problems.add(i + ": " + e);
            }
        }
        if (!problems.isEmpty()) {
            fail("cleanup: " + problems);
        }
    }

    private MupdateTest mupdate() {
        return new MupdateTest(MASTER_IP, MASTER_PORT, MURDER, MURDER_PW);
    }

    private void ensureAliceInbox() {
        try (ImapAdminClient c = backend.imapAdmin()) {
            ImapAdminClient.Result r = c.create("user.alice");
            assertTrue(r.ok() || r.text().contains("already exists"), () -> "CREATE user.alice: " + r);
        }
    }

    private static void assertOk(ImapAdminClient.Result r, String what) {
        assertTrue(r.ok(), () -> what + " -> " + r);
    }

    @Test
    @Order(1)
    void mupdatetestListFindNoopLogoutAgainstMaster() {
        MupdateTest.Transcript t = mupdate().run("T1 LIST", "T2 FIND \"user.nosuch\"", "T3 NOOP", "T4 LOGOUT");
        assertTrue(t.authenticated(), () -> "not authenticated:\n" + t);
        assertTrue(t.ok("T1"), () -> "LIST:\n" + t);
        assertEquals("\"list complete\"", t.completion("T1").orElseThrow().text(), t::toString);
        assertTrue(t.ok("T2"), () -> "FIND:\n" + t);
        assertTrue(t.mailboxes("T2").isEmpty(), t::toString);
        assertTrue(t.ok("T3"), () -> "NOOP:\n" + t);
        assertTrue(t.ok("T4"), () -> "LOGOUT:\n" + t);
        assertEquals(0, t.exitCode(), t::toString);
        assertTrue(t.output().contains("* OK MUPDATE \"" + MASTER_IP + "\""), t::toString);
    }

    @Test
    @Order(2)
    void mupdatetestReportsFailedAuthentication() {
        MupdateTest.Transcript t = new MupdateTest(MASTER_IP, MASTER_PORT, MURDER, "wrong-password").run("X1 LIST");
        assertFalse(t.authenticated(), t::toString);
        assertEquals("BAD", t.completion("X1").orElseThrow(() -> new AssertionError(t.toString())).keyword());
    }

    @Test
    @Order(3)
    void backendImapCreateSetaclDeleteReachTheMaster() {
        ensureAliceInbox();
        try (ImapAdminClient c = backend.imapAdmin()) {
            assertOk(c.create("user.alice.Test"), "CREATE user.alice.Test");
        }
        MupdateTest mt = mupdate();
        MupdateMailbox box = mt.find("user.alice.Test").orElseThrow(() -> new AssertionError("not on the master"));
        assertEquals("MAILBOX", box.kind());
        assertEquals(BACKEND_IP + "!default", box.location());
        assertEquals("lrswipkxtecdan", box.aclMap().get(ALICE), box::toString);
        List<String> names = mt.list().stream().map(MupdateMailbox::name).collect(Collectors.toList());
        assertTrue(names.containsAll(List.of("user.alice", "user.alice.Test")), names::toString);
        assertTrue(mt.list(BACKEND_IP + "!").stream().anyMatch(m -> m.name().equals("user.alice.Test")));

        try (ImapAdminClient c = backend.imapAdmin()) {
            assertOk(c.setAcl("user.alice.Test", "bob", "lrs"), "SETACL");
        }
        assertEquals("lrs", mt.find("user.alice.Test").orElseThrow().aclMap().get("bob"));

        try (ImapAdminClient c = backend.imapAdmin()) {
            ImapAdminClient.Result plain = c.delete("user.alice.Test");
            assertEquals("NO", plain.status(), () -> "Cyrus 3.6 refuses an admin's DELETE without x: " + plain);
            assertOk(c.adminDelete("user.alice.Test"), "SETACL +x, DELETE");
        }
        assertEquals(Optional.empty(), mt.find("user.alice.Test"));
        assertFalse(mt.list().stream().anyMatch(m -> m.name().equals("user.alice.Test")));
    }

    @Test
    @Order(4)
    void ctlMboxlistPushRestoresWhatTheMasterLost() {
        ensureAliceInbox();
        MupdateTest mt = mupdate();
        assertTrue(mt.find("user.alice").isPresent());
        // make the master forget the backend's mailbox behind the backend's back
        MupdateTest.Transcript del = mt.run("D1 DELETE \"user.alice\"");
        assertTrue(del.ok("D1"), del::toString);
        assertEquals(Optional.empty(), mt.find("user.alice"));

        ToolResult dry = backend.ctlMboxlistPushDryRun();
        assertTrue(dry.ok(), dry::toString);
        assertTrue(dry.output().contains("user.alice"), () -> "dry run should mention user.alice: " + dry);
        assertEquals(Optional.empty(), mt.find("user.alice"), "a dry run must not change the master");

        ToolResult push = backend.ctlMboxlistPush();
        assertTrue(push.ok(), push::toString);
        MupdateMailbox back = mt.find("user.alice").orElseThrow(() -> new AssertionError("push did not restore: " + push));
        assertEquals(BACKEND_IP + "!default", back.location());
        assertTrue(backend.dumpMailboxes().containsKey("user.alice"));
    }

    @Test
    @Order(5)
    void mupdatetestSessionWatchesTheUpdateStream() {
        ensureAliceInbox();
        try (MupdateTest.Session s = mupdate().open()) {
            assertTrue(s.authenticated(), () -> s.transcript().toString());
            MupdateTest.Response started = s.sendAndWait("U1 UPDATE").orElseThrow(() -> new AssertionError(s.transcript()));
            assertEquals("OK", started.keyword(), () -> s.transcript().toString());
            assertTrue(s.responses().stream().anyMatch(r -> r.keyword().equals("MAILBOX")
                    && r.args().get(0).equals("user.alice")), "the UPDATE dump lists user.alice");
            int mark = s.responses().size();
            Instant t0 = Instant.now();
            try (ImapAdminClient c = backend.imapAdmin()) {
                assertOk(c.create("user.alice.Stream"), "CREATE user.alice.Stream");
            }
            MupdateTest.Response r = s.await(mark, x -> x.tag().equals("U1") && x.keyword().equals("MAILBOX")
                    && x.args().get(0).equals("user.alice.Stream"), SLAVE_BOUND);
            System.out.println("UPDATE stream delivered " + r + " after " + Duration.between(t0, Instant.now()).toMillis() + " ms");
            assertEquals(BACKEND_IP + "!default", r.args().get(1));
            try (ImapAdminClient c = backend.imapAdmin()) {
                assertOk(c.adminDelete("user.alice.Stream"), "DELETE user.alice.Stream");
            }
            s.await(mark, x -> x.tag().equals("U1") && x.keyword().equals("DELETE")
                    && x.args().get(0).equals("user.alice.Stream"), SLAVE_BOUND);
        }
    }

    @Test
    @Order(6)
    void frontendSlaveFollowsTheMasterWithinBound() {
        ensureAliceInbox();
        try (ImapAdminClient c = backend.imapAdmin()) {
            assertOk(c.create("user.alice.Sync"), "CREATE user.alice.Sync");
        }
        Instant t0 = Instant.now();
        MailboxEntry e = frontend.awaitMailbox("user.alice.Sync", SLAVE_BOUND);
        Duration seen = Duration.between(t0, Instant.now());
        assertEquals(BACKEND_IP, e.server(), e::toString);
        assertEquals("default", e.partition(), e::toString);
        System.out.println("frontend saw CREATE after " + seen.toMillis() + " ms: " + e);

        try (ImapAdminClient c = backend.imapAdmin()) {
            assertOk(c.adminDelete("user.alice.Sync"), "DELETE user.alice.Sync");
        }
        frontend.awaitNoMailbox("user.alice.Sync", SLAVE_BOUND);
    }

    @Test
    @Order(7)
    void imapThroughTheFrontendIsProxiedToTheBackend() {
        ensureAliceInbox();
        frontend.awaitMailbox("user.alice", SLAVE_BOUND);
        try (ImapAdminClient c = frontend.imap(ALICE, ALICE_PW)) {
            ImapAdminClient.Result list = c.list("", "*");
            assertOk(list, "LIST via frontend");
            assertTrue(list.untagged().stream().anyMatch(l -> l.endsWith(" INBOX")), list::toString);
            assertOk(c.select("INBOX"), "SELECT INBOX via frontend (proxied to the backend)");
        }
    }

    @Test
    @Order(8)
    void lmtpThroughTheFrontendIsProxiedToTheBackend() {
        assumeTrue(frontend.usesPrivateServices(),
                "needs root + unshare: Debian's /etc/services lacks 'lmtp', which Cyrus' LMTP proxy resolves");
        ensureAliceInbox();
        frontend.awaitMailbox("user.alice", SLAVE_BOUND);
        int before = inboxCount();
        try (LmtpClient c = frontend.lmtp(MURDER, MURDER_PW)) {
            LmtpClient.Delivery d = c.deliver("tester@example.test", List.of(ALICE, "nosuchuser"),
                    "From: tester@example.test\nSubject: via the frontend\n\nbody line\n.leading dot\n");
            assertEquals(250, d.rcpt().get(0).code(), d::toString);
            assertEquals(550, d.rcpt().get(1).code(), d::toString);
            assertEquals(1, d.perRecipient().size(), d::toString);
            assertEquals(250, d.perRecipient().get(0).code(), d::toString);
        }
        assertEquals(before + 1, inboxCount());
    }

    private int inboxCount() {
        try (ImapAdminClient c = backend.imap(ALICE, ALICE_PW)) {
            ImapAdminClient.Result r = c.select("INBOX");
            assertOk(r, "SELECT INBOX on the backend");
            return r.untagged().stream().filter(l -> l.matches("\\* \\d+ EXISTS")).findFirst()
                    .map(l -> Integer.parseInt(l.split(" ")[1])).orElseThrow(() -> new AssertionError(r.toString()));
        }
    }

    @Test
    @Order(9)
    void systemCyrusIsUntouched() {
        List<String> touched = new ArrayList<>();
        for (String root : List.of("/var/lib/cyrus", "/var/spool/cyrus", "/run/cyrus", "/etc/imapd.conf",
                "/etc/cyrus.conf")) {
            Path r = Path.of(root);
            if (!Files.exists(r)) {
                continue;
            }
            try (Stream<Path> all = Files.walk(r, 4)) {
                all.filter(p -> modifiedSince(p, startedAt)).forEach(p -> touched.add(p.toString()));
            } catch (IOException | UncheckedIOException e) {
                // unreadable: nothing to check
            }
        }
        assertEquals(List.of(), touched, "the harness must not touch the system Cyrus installation");
    }

    private static boolean modifiedSince(Path p, Instant t) {
        try {
            FileTime m = Files.getLastModifiedTime(p);
            return m.toInstant().isAfter(t);
        } catch (IOException e) {
            return false;
        }
    }
}
