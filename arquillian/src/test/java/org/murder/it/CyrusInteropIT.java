package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.murder.it.cyrus.CyrusBackend;
import org.murder.it.cyrus.CyrusFrontend;
import org.murder.it.cyrus.CyrusInstance;
import org.murder.it.cyrus.ImapAdminClient;
import org.murder.it.cyrus.MailboxEntry;
import org.murder.it.cyrus.MupdateMailbox;
import org.murder.it.cyrus.MupdateTest;
import org.murder.it.cyrus.ToolResult;
import org.murder.protocol.mupdate.Location;
import org.murder.protocol.mupdate.MupdateClient;
import org.murder.protocol.mupdate.MupdateResponse;

/**
 * Our MUPDATE master with real peers nobody here wrote: Debian's Cyrus 3.6 {@code mupdatetest}, a Cyrus
 * backend that registers its mailboxes with us (CREATE → RESERVE/ACTIVATE, DELETE, {@code ctl_mboxlist -m}),
 * and a Cyrus frontend whose mupdate slave synchronises from us and then proxies IMAP by our map.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class CyrusInteropIT {

    private static final String BACKEND_IP = "127.0.0.11";
    private static final String FRONTEND_IP = "127.0.0.10";
    /** A user of this run only: the PostgreSQL pass keeps the map of earlier runs. */
    private static final String USER = "u" + MurderNode.RUN.substring(2);
    private static final String USER_PW = "user-pw";
    private static final String INBOX = "user." + USER;
    private static final Duration BOUND = Duration.ofSeconds(30);

    private CyrusBackend backend;
    private CyrusFrontend frontend;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    @org.junit.jupiter.api.BeforeAll
    void cyrusInstalled() {
        Peers.require(Files.isExecutable(MupdateTest.defaultBinary()),
                "Debian's Cyrus clients are not installed (apt-get install cyrus-clients); .ci/run installs them");
    }

    private MupdateTest mupdatetest() {
        return new MupdateTest(MurderNode.HOST, MurderNode.mupdatePort(), MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD);
    }

    private CyrusBackend backend() {
        if (backend == null) {
            Peers.require(Files.isExecutable(CyrusInstance.CYRUS_BIN.resolve("master")), "Debian's Cyrus is not installed");
            Path base = Path.of("target/cyrus-it").toAbsolutePath().resolve("i" + Long.toString(System.currentTimeMillis() / 1000, 36));
            CyrusInstance.killStaleInstances(base.getParent());
            backend = new CyrusBackend(base.resolve("be"), BACKEND_IP, MurderNode.HOST, MurderNode.mupdatePort(),
                    MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD);
            backend.createUser(USER, USER_PW);
            backend.start();
            frontendDir = base.resolve("fe");
        }
        return backend;
    }

    private Path frontendDir;

    private CyrusFrontend frontend() {
        if (frontend == null) {
            backend();
            frontend = new CyrusFrontend(frontendDir, FRONTEND_IP, MurderNode.HOST, MurderNode.mupdatePort(),
                    MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD);
            frontend.createUser(USER, USER_PW);
            frontend.start();
        }
        return frontend;
    }

    @AfterAll
    void stopCyrus() {
        if (frontend != null) {
            frontend.stop();
        }
        if (backend != null) {
            backend.stop();
        }
    }

    private static void assertOk(ImapAdminClient.Result r, String what) {
        assertTrue(r.ok(), () -> what + " -> " + r);
    }

    @Test
    @Order(1)
    void mupdatetestAuthenticatesAndRunsListAndFind() throws Exception {
        String name = MurderNode.RUN + ".interop.seen";
        try (MupdateClient c = MurderNode.admin()) {
            assertEquals(MupdateResponse.Status.OK, c.activate(name, new Location("be9", "default"), "anyone\tlrs\t").status());
        }
        MupdateTest.Transcript t = mupdatetest().run("T1 LIST", "T2 FIND " + MupdateTest.quote(name),
                "T3 FIND \"user.nosuch\"", "T4 NOOP");
        assertTrue(t.authenticated(), t::toString);
        assertTrue(t.output().contains("* OK MUPDATE \"" + MurderNode.SERVERNAME + "\""), t::toString);
        assertTrue(t.ok("T1") && t.ok("T2") && t.ok("T3") && t.ok("T4"), t::toString);
        assertTrue(t.mailboxes("T1").stream().anyMatch(m -> m.name().equals(name)), t::toString);
        MupdateMailbox found = t.mailboxes("T2").get(0);
        assertEquals("be9!default", found.location());
        assertEquals("anyone\tlrs\t", found.acl());
        assertTrue(t.mailboxes("T3").isEmpty());

        MupdateTest.Transcript wrong = new MupdateTest(MurderNode.HOST, MurderNode.mupdatePort(), MurderNode.ADMIN, "nope")
                .run("X1 LIST");
        assertFalse(wrong.authenticated(), wrong::toString);
        assertEquals("BAD", wrong.completion("X1").orElseThrow().keyword());

        MupdateTest.Transcript login = mupdatetest().mechanism("LOGIN").run("L1 FIND " + MupdateTest.quote(name));
        assertTrue(login.authenticated() && login.ok("L1"), login::toString);

        MupdateTest.Transcript scram = mupdatetest().mechanism("SCRAM-SHA-256").run("S1 FIND " + MupdateTest.quote(name));
        assertTrue(scram.authenticated() && scram.ok("S1"), scram::toString);
    }

    @Test
    @Order(2)
    void mupdatetestNegotiatesStartTlsThenAuthenticates() {
        MupdateTest.Transcript t = mupdatetest().startTls(true).run("T1 LIST", "T2 NOOP");
        assertTrue(t.output().contains("TLS connection established"), t::toString);
        assertTrue(t.authenticated(), t::toString);
        assertTrue(t.output().contains("Security strength factor: 256") || t.output().matches("(?s).*Security strength factor: [1-9].*"),
                t::toString);
        assertTrue(t.ok("T1") && t.ok("T2"), t::toString);
    }

    @Test
    @Order(3)
    void cyrusBackendCreateAndDeleteReachOurMap() throws Exception {
        CyrusBackend be = backend();
        try (ImapAdminClient c = be.imapAdmin()) {
            assertOk(c.create(INBOX), "CREATE " + INBOX);
            assertOk(c.create(INBOX + ".Projects"), "CREATE " + INBOX + ".Projects");
        }
        MupdateMailbox inbox = mupdatetest().find(INBOX).orElseThrow(() -> new AssertionError("INBOX not in our map"));
        assertEquals(BACKEND_IP + "!default", inbox.location());
        assertEquals("lrswipkxtecdan", inbox.aclMap().get(USER), inbox::toString);
        assertTrue(MurderNode.get("/api/map/mailbox/" + INBOX + ".Projects").statusCode() == 200);

        try (ImapAdminClient c = be.imapAdmin()) {
            assertOk(c.setAcl(INBOX + ".Projects", "bob", "lrs"), "SETACL");
        }
        assertEquals("lrs", mupdatetest().find(INBOX + ".Projects").orElseThrow().aclMap().get("bob"));

        try (ImapAdminClient c = be.imapAdmin()) {
            assertOk(c.adminDelete(INBOX + ".Projects"), "DELETE");
        }
        assertEquals(Optional.empty(), mupdatetest().find(INBOX + ".Projects"));
    }

    @Test
    @Order(4)
    void ctlMboxlistPushRestoresWhatOurMapLost() throws Exception {
        CyrusBackend be = backend();
        try (MupdateClient c = MurderNode.admin()) {
            assertEquals(MupdateResponse.Status.OK, c.delete(INBOX).status());
        }
        ToolResult dry = be.ctlMboxlistPushDryRun();
        assertTrue(dry.ok(), dry::toString);
        assertTrue(dry.output().contains(INBOX), () -> "the dry run names the missing mailbox: " + dry);
        assertEquals(Optional.empty(), mupdatetest().find(INBOX), "a dry run changes nothing");

        ToolResult push = be.ctlMboxlistPush();
        assertTrue(push.ok(), push::toString);
        assertEquals(BACKEND_IP + "!default", mupdatetest().find(INBOX).orElseThrow(
                () -> new AssertionError("ctl_mboxlist -m did not restore " + INBOX + ": " + push)).location());
    }

    @Test
    @Order(5)
    void cyrusFrontendSlaveSynchronisesAndFollowsChanges() throws Exception {
        CyrusFrontend fe = frontend();
        MailboxEntry inbox = fe.awaitMailbox(INBOX, BOUND);
        assertEquals(BACKEND_IP, inbox.server(), inbox::toString);

        try (ImapAdminClient c = backend().imapAdmin()) {
            assertOk(c.create(INBOX + ".Live"), "CREATE " + INBOX + ".Live");
        }
        Instant t0 = Instant.now();
        MailboxEntry live = fe.awaitMailbox(INBOX + ".Live", BOUND);
        System.out.println("Cyrus frontend saw the new mailbox after " + Duration.between(t0, Instant.now()).toMillis() + " ms");
        assertEquals("default", live.partition(), live::toString);

        try (ImapAdminClient c = backend().imapAdmin()) {
            assertOk(c.adminDelete(INBOX + ".Live"), "DELETE " + INBOX + ".Live");
        }
        fe.awaitNoMailbox(INBOX + ".Live", BOUND);
    }

    @Test
    @Order(6)
    void imapThroughTheCyrusFrontendIsRoutedByOurMap() {
        CyrusFrontend fe = frontend();
        fe.awaitMailbox(INBOX, BOUND);
        try (ImapAdminClient c = fe.imap(USER, USER_PW)) {
            ImapAdminClient.Result list = c.list("", "*");
            assertOk(list, "LIST via the Cyrus frontend");
            assertTrue(list.untagged().stream().anyMatch(l -> l.endsWith(" INBOX")), list::toString);
            assertOk(c.select("INBOX"), "SELECT INBOX via the Cyrus frontend");
        }
        List<String> ours = List.of(INBOX);
        assertTrue(ours.stream().allMatch(n -> {
            try {
                return MurderNode.get("/api/copy?prefix=" + n).body().contains(n);
            } catch (Exception e) {
                return false;
            }
        }), "our own frontend copy has it too");
    }
}
