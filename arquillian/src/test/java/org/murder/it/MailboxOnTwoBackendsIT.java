package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.it.MurderCalls.admin;
import static org.murder.it.MurderCalls.await;
import static org.murder.it.MurderCalls.get;
import static org.murder.it.MurderCalls.rest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.murder.it.cyrus.ImapAdminClient;
import org.murder.protocol.mupdate.Location;
import org.murder.protocol.mupdate.MupdateClient;
import org.murder.protocol.mupdate.MupdateResponse;

/**
 * Seed 000's gotcha: the same mailbox on two backends, both pushing it. The master lost its entry for be1's
 * {@code user.carol} (here a DELETE by hand over MUPDATE; in life a map restored from an older backup, a stray
 * {@code ctl_mboxlist}), so be2 could create its own; be1's pushes then find the name taken. The master keeps the
 * location it has and refuses the other at every push — it does not flap as Cyrus's does — and reports the conflict:
 * a log line, {@code ./murder status} on the master, the REST API and the console; the record survives a restart of
 * the master, and goes once be1's copy is deleted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MailboxOnTwoBackendsIT {

    private static final String CAROL = "user.carol";
    private static final Path LAUNCHER = Path.of(System.getProperty("murder.launcher", "../murder")).toAbsolutePath().normalize();

    private ProxyMurder murder;

    @BeforeAll
    void startMurder() throws Exception {
        murder = ProxyMurder.start(new ProxyMurder.Options(false, false, Map.of("murder_master_settle_seconds", "0"),
                Map.of("mupdate_retry_delay", "2", "client_timeout", "3"), Map.of()));
        try (ImapAdminClient be1 = admin(ProxyMurder.BE1)) {
            assertTrue(be1.create(CAROL).ok());
        }
        assertTrue(get(ProxyMurder.MASTER, "/api/map/mailbox/" + CAROL).contains("be1!default"));
        try (MupdateClient m = master()) {
            assertEquals(MupdateResponse.Status.OK, m.delete(CAROL).status(), "the master forgets be1's entry");
        }
        try (ImapAdminClient be2 = admin(ProxyMurder.BE2)) {
            ImapAdminClient.Result made = be2.create(CAROL);
            assertTrue(made.ok(), "be2 may create the name the master no longer has: " + made);
        }
        assertTrue(get(ProxyMurder.MASTER, "/api/map/mailbox/" + CAROL).contains("be2!default"));
    }

    @AfterAll
    void stopMurder() throws Exception {
        if (murder != null) {
            murder.close();
        }
    }

    private static MupdateClient master() throws Exception {
        MupdateClient m = new MupdateClient(ProxyMurder.HOST, ProxyMurder.MASTER.mupdate(), Duration.ofSeconds(20));
        m.greeting();
        assertEquals(MupdateResponse.Status.OK, m.authenticatePlain(MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD).status());
        return m;
    }

    private static String push(ProxyMurder.Ports backend) {
        var r = rest(backend, "POST", "/api/backend/push");
        assertEquals(200, r.statusCode(), r::body);
        return r.body();
    }

    @Test
    @Order(1)
    void bothBackendsPushAndTheMasterKeepsTheLocationItHasWithoutFlapping() throws Exception {
        for (int i = 0; i < 3; i++) {
            String be2 = push(ProxyMurder.BE2);
            assertTrue(be2.contains("\"refused\":[]"), "be2's entry is the map's: " + be2);
            String be1 = push(ProxyMurder.BE1);
            assertTrue(be1.contains("user.carol: ") && be1.contains("Mailbox already exists at be2!default"),
                    "be1's push is refused for carol: " + be1);
            assertTrue(get(ProxyMurder.MASTER, "/api/map/mailbox/" + CAROL).contains("be2!default"), "no flap, push " + i);
        }
        try (MupdateClient m = master()) {
            MupdateResponse.Completion c = m.activate(CAROL, new Location("be1", "default"), "");
            assertEquals(MupdateResponse.Status.NO, c.status(), c::toString);
            assertTrue(c.text().contains("be2!default"), c::text);
        }
        assertEquals(1, murder.master.logLines("MURDER-MAP-020").size(), "one warning per conflict, not per refusal: "
                + murder.master.logLines("MURDER-MAP-020"));
        assertTrue(murder.be1.logLines("MURDER-BE-034").stream().anyMatch(l -> l.contains(CAROL)));
    }

    @Test
    @Order(2)
    void theMasterShowsTheConflictInRestAndStatus() throws Exception {
        String conflicts = get(ProxyMurder.MASTER, "/api/map/conflicts");
        assertTrue(conflicts.contains("\"mailbox\":\"user.carol\"") && conflicts.contains("\"kept\":\"be2!default\"")
                && conflicts.contains("\"refused\":\"be1!default\""), conflicts);
        assertTrue(conflicts.contains("\"refusals\":4"), "three pushes and one ACTIVATE by hand: " + conflicts);
        assertTrue(get(ProxyMurder.MASTER, "/api/map/version").contains("\"conflicts\":1"));
        String json = launcher(murder.master, "status", "--json");
        assertTrue(json.contains("\"conflicts\": [") && json.contains("\"mailbox\":\"user.carol\""), json);
        String text = launcher(murder.master, "status");
        assertTrue(text.contains("user.carol: kept be2!default, refused be1!default"), text);
        String console = get(ProxyMurder.MASTER, "/");
        assertTrue(console.contains("api/map/conflicts"), "the console lists them");
    }

    @Test
    @Order(3)
    void theRecordSurvivesARestartOfTheMasterAndTheReturnPushesAreRefusedAgain() throws Exception {
        murder.master.stop();
        murder.master.start();
        assertTrue(get(ProxyMurder.MASTER, "/api/map/conflicts").contains("\"mailbox\":\"user.carol\""));
        await("be1 pushed by itself to the returned master", Duration.ofSeconds(30),
                () -> murder.be1.logLines("MURDER-BE-032").stream().anyMatch(l -> l.contains("the master is back")
                        && l.contains("1 refused")), murder.be1);
        assertTrue(get(ProxyMurder.MASTER, "/api/map/mailbox/" + CAROL).contains("be2!default"));
        java.util.regex.Matcher refusals = java.util.regex.Pattern.compile("\"refusals\":(\\d+)")
                .matcher(get(ProxyMurder.MASTER, "/api/map/conflicts"));
        assertTrue(refusals.find() && Integer.parseInt(refusals.group(1)) >= 5, "refused again after the restart");
    }

    @Test
    @Order(4)
    void deletingTheSecondCopyResolvesItAndLeavesTheKeptEntryAlone() throws Exception {
        try (ImapAdminClient be1 = admin(ProxyMurder.BE1)) {
            // an admin's DELETE (no SETACL first, as Cyrus's cyradm would do: that ACTIVATE would be refused too)
            ImapAdminClient.Result deleted = be1.command("DELETE " + CAROL);
            assertTrue(deleted.ok(), deleted::toString);
        }
        assertTrue(murder.be1.logLines("MURDER-BE-035").stream().anyMatch(l -> l.contains(CAROL)));
        await("the master cleared the conflict after be1's next push", Duration.ofSeconds(30),
                () -> get(ProxyMurder.MASTER, "/api/map/conflicts").equals("[]"), murder.master, murder.be1);
        assertTrue(get(ProxyMurder.MASTER, "/api/map/mailbox/" + CAROL).contains("be2!default"),
                "be1's DELETE of its own copy did not delete be2's entry");
        assertTrue(murder.master.logLines("MURDER-MAP-021").stream().anyMatch(l -> l.contains(CAROL)));
        try (ImapAdminClient be2 = admin(ProxyMurder.BE2)) {
            assertTrue(be2.select(CAROL).ok(), "be2's copy is intact");
        }
        assertTrue(launcher(murder.master, "status").contains("no mailbox on two backends"));
    }

    /** {@code ./murder ARGS} for one node of the fixture, as a topology runs each node (MURDER_HOME, MURDER_CONF). */
    private static String launcher(StandaloneNode node, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("MURDER_HOME", node.base().toString());
        pb.environment().put("MURDER_CONF", node.base().resolve("murder.conf").toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "./murder " + String.join(" ", args) + " did not end");
        return "exit " + p.exitValue() + ":\n" + out;
    }
}
