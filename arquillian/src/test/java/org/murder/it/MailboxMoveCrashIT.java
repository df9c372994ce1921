package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
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
 * A move whose destination or source is killed (kill -9) in the middle of copying (docs/moves.md): once the node is
 * back, the move resumes and ends DONE, or rolls back and ends FAILED — and either way exactly one backend serves
 * the mailbox, with every message, and the master points at it.
 */
@Tag("h2-only")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(1200)
class MailboxMoveCrashIT {

    static final int MESSAGES = 120;
    static final String ROLLBACK = "user.alice.rollback";

    private ProxyMurder murder;

    @BeforeAll
    void startMurder() throws Exception {
        // 24 batches of 5 with half a second between them: a copy takes about 12 s, time to kill a node in it
        murder = ProxyMurder.start(Map.of("move_batch", "5", "move_batch_pause_ms", "500", "move_quiet_pass", "0",
                "move_retry_max_seconds", "5", "move_max_attempts", "60",
                // 15 s with the source frozen before each try of the last pass: time to kill the frozen source
                "move_hold_frozen_ms", "15000",
                // 10 s in the switch (the master's entry RESERVED at the destination, the copy not live yet) and
                // before the release: time to kill the destination there
                "move_hold_switching_ms", "10000", "move_hold_releasing_ms", "10000",
                // moves of this mailbox fail after their last pass, the source frozen: the rollback after the freeze
                "move_fail_final_sync", ROLLBACK));
        MailboxMoveIT.login(ProxyMurder.BE1, MailboxMoveIT.ALICE, MailboxMoveIT.ALICE_PW).close();
        assertTrue(MailboxMoveIT.inFrontendCopy("user." + MailboxMoveIT.ALICE, "be1"));
        for (int i = 1; i <= MESSAGES; i++) {
            MailboxMoveIT.deliverOk(ProxyMurder.BE1, MailboxMoveIT.ALICE, "crash " + i);
        }
    }

    @AfterAll
    void stopMurder() throws Exception {
        if (murder != null) {
            murder.close();
        }
    }

    /** Sends the RENAME through the frontend on a thread of its own: its answer may never come (a node dies). */
    private Thread move(String to, AtomicReference<String> answer) {
        Thread t = new Thread(() -> {
            try (ImapAdminClient admin = MailboxMoveIT.admin(ProxyMurder.FE1)) {
                answer.set(admin.command("RENAME user.alice user.alice " + to + "!default").toString());
            } catch (RuntimeException e) {
                answer.set(e.toString());
            }
        });
        t.start();
        return t;
    }

    /** The state the destination's move of user.alice ended in, within a bound. */
    private static String finalState(ProxyMurder.Ports destination) throws Exception {
        return finalState(destination, "user.alice");
    }

    /** The newest move of {@code mailbox} the destination lists: its JSON object, or "" if none. */
    private static String latestMove(ProxyMurder.Ports destination, String mailbox) throws Exception {
        String body = MurderNode.http(destination.http(), "GET", "/api/backend/moves", MurderNode.ADMIN,
                MurderNode.ADMIN_PASSWORD, false).body();
        Matcher m = Pattern.compile("\\{[^{}]*\"mailbox\":\"" + Pattern.quote(mailbox) + "\"[^{}]*}").matcher(body);
        return m.find() ? m.group() : ""; // newest first
    }

    /** Waits until the destination's move of {@code mailbox} is in {@code state}. */
    private static void awaitState(ProxyMurder.Ports destination, String mailbox, String state) throws Exception {
        String[] seen = {""};
        assertTrue(MurderNode.await(Duration.ofSeconds(300), () -> {
            try {
                seen[0] = latestMove(destination, mailbox);
                return seen[0].contains("\"state\":\"" + state + "\"");
            } catch (Exception e) {
                return false;
            }
        }), "the move of " + mailbox + " reached " + state + ": " + seen[0]);
    }

    /** The message files on a node's default partition (a copy dropped leaves none behind). */
    private static int messageFiles(StandaloneNode node) {
        return SpoolFiles.all(node.base().resolve("data/murder/spool/default")).size();
    }

    /** The state the destination's move of {@code mailbox} ended in, within a bound. */
    private static String finalState(ProxyMurder.Ports destination, String mailbox) throws Exception {
        Pattern latest = Pattern.compile("\"mailbox\":\"" + Pattern.quote(mailbox) + "\"[^}]*\"state\":\"([A-Z_]+)\"");
        String[] state = {"?"};
        assertTrue(MurderNode.await(Duration.ofSeconds(400), () -> {
            try {
                String body = MurderNode.http(destination.http(), "GET", "/api/backend/moves", MurderNode.ADMIN,
                        MurderNode.ADMIN_PASSWORD, false).body();
                Matcher m = latest.matcher(body);
                if (m.find()) { // newest first
                    state[0] = m.group(1);
                }
                return state[0].equals("DONE") || state[0].equals("FAILED");
            } catch (Exception e) {
                return false;
            }
        }), "the move ended: " + state[0]);
        return state[0];
    }

    /** Exactly one backend holds user.alice, with every message, and the map points at it; returns its name. */
    private int messages = MESSAGES;

    private String oneLiveCopy(String expected) throws Exception {
        boolean on1 = MailboxMoveIT.existsOn(ProxyMurder.BE1, "user.alice");
        boolean on2 = MailboxMoveIT.existsOn(ProxyMurder.BE2, "user.alice");
        assertNotEquals(on1, on2, "one copy: be1 " + on1 + ", be2 " + on2);
        String holder = on1 ? "be1" : "be2";
        assertEquals(expected, holder);
        assertTrue(MailboxMoveIT.inFrontendCopy("user.alice", holder), "the map points at " + holder);
        try (ImapAdminClient alice = MailboxMoveIT.login(ProxyMurder.FE1, MailboxMoveIT.ALICE, MailboxMoveIT.ALICE_PW)) {
            ImapAdminClient.Result sel = alice.select("INBOX");
            assertTrue(sel.ok(), sel.toString());
            assertTrue(sel.untagged().contains("* " + messages + " EXISTS"), sel.toString());
            assertTrue(alice.command("STORE 1 +FLAGS (\\Flagged)").ok(), "live, not frozen");
        }
        return holder;
    }

    @Test
    @Order(1)
    void theDestinationKilledMidCopyResumesOrRollsBack() throws Exception {
        AtomicReference<String> answer = new AtomicReference<>();
        Thread rename = move("be2", answer);
        Thread.sleep(5000);
        murder.be2.kill9();
        rename.join(60_000);
        murder.be2.start();
        String state = finalState(ProxyMurder.BE2);
        oneLiveCopy(state.equals("DONE") ? "be2" : "be1");
    }

    @Test
    @Order(2)
    void theSourceKilledMidCopyResumesOrRollsBack() throws Exception {
        boolean onBe2 = MailboxMoveIT.existsOn(ProxyMurder.BE2, "user.alice");
        StandaloneNode source = onBe2 ? murder.be2 : murder.be1;
        ProxyMurder.Ports destination = onBe2 ? ProxyMurder.BE1 : ProxyMurder.BE2;
        String to = onBe2 ? "be1" : "be2";
        AtomicReference<String> answer = new AtomicReference<>();
        Thread rename = move(to, answer);
        Thread.sleep(5000);
        source.kill9();
        rename.join(60_000);
        source.start();
        String state = finalState(destination);
        oneLiveCopy(state.equals("DONE") ? to : onBe2 ? "be2" : "be1");
    }

    @Test
    @Order(3)
    void theSourceKilledWhileFrozenStaysFrozenAndTheMoveFinishes() throws Exception {
        boolean onBe2 = MailboxMoveIT.existsOn(ProxyMurder.BE2, "user.alice");
        StandaloneNode source = onBe2 ? murder.be2 : murder.be1;
        ProxyMurder.Ports sourcePorts = onBe2 ? ProxyMurder.BE2 : ProxyMurder.BE1;
        ProxyMurder.Ports destination = onBe2 ? ProxyMurder.BE1 : ProxyMurder.BE2;
        String to = onBe2 ? "be1" : "be2";
        AtomicReference<String> answer = new AtomicReference<>();
        Thread rename = move(to, answer);
        // deliveries through the frontend until the source is frozen: 250 before, 451 4.2.0 from then on
        String reply = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        for (int i = 1; System.nanoTime() < deadline; i++) {
            reply = MailboxMoveIT.lmtp(ProxyMurder.FE1, MailboxMoveIT.ALICE, "Message-ID: <frozen-" + i
                    + "@it>\nSubject: frozen " + i + "\n\nx\n");
            if (reply.startsWith("250")) {
                messages++;
            } else {
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(reply.startsWith("451"), "frozen: " + reply);
        source.kill9();
        rename.join(60_000);
        source.start();
        // the freeze survived the kill: the source still refuses (or, the move done meanwhile, remembers it moved)
        String direct = MailboxMoveIT.lmtp(sourcePorts, MailboxMoveIT.ALICE, "Subject: direct\n\nx\n");
        assertTrue(direct.startsWith("451"), "a delivery to the restarted source: " + direct);
        String state = finalState(destination);
        oneLiveCopy(state.equals("DONE") ? to : onBe2 ? "be2" : "be1");
    }

    /** Which side holds user.alice now, as the earlier tests left it. */
    private record Sides(StandaloneNode source, ProxyMurder.Ports sourcePorts, String from, StandaloneNode destination,
                         ProxyMurder.Ports destinationPorts, String to) {
        static Sides now(ProxyMurder murder) {
            boolean onBe2 = MailboxMoveIT.existsOn(ProxyMurder.BE2, "user.alice");
            return onBe2 ? new Sides(murder.be2, ProxyMurder.BE2, "be2", murder.be1, ProxyMurder.BE1, "be1")
                    : new Sides(murder.be1, ProxyMurder.BE1, "be1", murder.be2, ProxyMurder.BE2, "be2");
        }
    }

    @Test
    @Order(4)
    void aFailureAfterTheFreezeRollsBackToTheLiveUnfrozenSource() throws Exception {
        Sides s = Sides.now(murder);
        int copies = 20;
        try (ImapAdminClient admin = MailboxMoveIT.admin(s.sourcePorts())) {
            assertTrue(admin.create(ROLLBACK).ok());
            assertTrue(admin.select("user.alice").ok());
            assertTrue(admin.command("COPY 1:" + copies + " " + ROLLBACK).ok());
        }
        assertTrue(MailboxMoveIT.inFrontendCopy(ROLLBACK, s.from()));
        int filesBefore = messageFiles(s.destination());
        AtomicReference<String> answer = new AtomicReference<>();
        Thread rename = new Thread(() -> {
            try (ImapAdminClient admin = MailboxMoveIT.admin(ProxyMurder.FE1)) {
                answer.set(admin.command("RENAME " + ROLLBACK + " " + ROLLBACK + " " + s.to() + "!default").toString());
            } catch (RuntimeException e) {
                answer.set(e.toString());
            }
        });
        rename.start();
        // the last pass holds the source frozen for 15 s: writes are refused there meanwhile
        awaitState(s.destinationPorts(), ROLLBACK, "FINAL_SYNC");
        try (ImapAdminClient admin = MailboxMoveIT.admin(s.sourcePorts())) {
            assertTrue(admin.select(ROLLBACK).ok());
            ImapAdminClient.Result store = admin.command("STORE 1 +FLAGS (\\Flagged)");
            assertTrue(!store.ok() && store.toString().contains("UNAVAILABLE"), "frozen: " + store);
        }
        assertEquals("FAILED", finalState(s.destinationPorts(), ROLLBACK));
        assertTrue(latestMove(s.destinationPorts(), ROLLBACK).contains("move_fail_final_sync"),
                latestMove(s.destinationPorts(), ROLLBACK));
        rename.join(60_000);
        assertTrue(answer.get() != null && answer.get().contains("NO"), "the RENAME was refused: " + answer.get());
        // one copy, the source's: live, unfrozen, every message; nothing left at the destination
        assertTrue(MailboxMoveIT.existsOn(s.sourcePorts(), ROLLBACK));
        assertTrue(!MailboxMoveIT.existsOn(s.destinationPorts(), ROLLBACK), "no copy at " + s.to());
        assertEquals(filesBefore, messageFiles(s.destination()), "the destination's copy's files are gone");
        assertTrue(MailboxMoveIT.inFrontendCopy(ROLLBACK, s.from()), "the map points at " + s.from());
        try (ImapAdminClient admin = MailboxMoveIT.admin(ProxyMurder.FE1)) {
            ImapAdminClient.Result sel = admin.select(ROLLBACK);
            assertTrue(sel.ok() && sel.untagged().contains("* " + copies + " EXISTS"), sel.toString());
            assertTrue(admin.command("STORE 1 +FLAGS (\\Flagged)").ok(), "unfrozen");
        }
        oneLiveCopy(s.from()); // user.alice itself never moved
    }

    @Test
    @Order(5)
    void theDestinationKilledWhileSwitchingFinishesTheMove() throws Exception {
        Sides s = Sides.now(murder);
        AtomicReference<String> answer = new AtomicReference<>();
        Thread rename = move(s.to(), answer);
        awaitState(s.destinationPorts(), "user.alice", "SWITCHING");
        Thread.sleep(3000); // the DEACTIVATE is done; the copy is not live yet (10 s of move_hold_switching_ms)
        s.destination().kill9();
        // neither copy serves it now (the source frozen, the entry RESERVED at the dead destination): a delivery is
        // deferred, never bounced
        String reply = MailboxMoveIT.lmtp(ProxyMurder.FE1, MailboxMoveIT.ALICE, "Subject: switching\n\nx\n");
        assertTrue(reply.startsWith("4"), "deferred while the destination is down: " + reply);
        assertTrue(MailboxMoveIT.existsOn(s.sourcePorts(), "user.alice"), "the source keeps its copy until told");
        rename.join(60_000);
        s.destination().start();
        // after the switch began a move only goes forward
        assertEquals("DONE", finalState(s.destinationPorts()));
        oneLiveCopy(s.to());
    }

    @Test
    @Order(6)
    void theDestinationKilledWhileReleasingFinishesTheMove() throws Exception {
        Sides s = Sides.now(murder);
        AtomicReference<String> answer = new AtomicReference<>();
        Thread rename = move(s.to(), answer);
        awaitState(s.destinationPorts(), "user.alice", "RELEASING");
        Thread.sleep(1000); // within the 10 s of move_hold_releasing_ms: the source is not told yet
        s.destination().kill9();
        assertTrue(MailboxMoveIT.inFrontendCopy("user.alice", s.to()), "the map points at " + s.to() + " already");
        assertTrue(MailboxMoveIT.existsOn(s.sourcePorts(), "user.alice"), "the source keeps its frozen copy");
        String direct = MailboxMoveIT.lmtp(s.sourcePorts(), MailboxMoveIT.ALICE, "Subject: releasing\n\nx\n");
        assertTrue(direct.startsWith("451"), "the source's copy stays frozen: " + direct);
        String reply = MailboxMoveIT.lmtp(ProxyMurder.FE1, MailboxMoveIT.ALICE, "Subject: releasing\n\nx\n");
        assertTrue(reply.startsWith("4"), "deferred while the destination is down: " + reply);
        rename.join(60_000);
        s.destination().start();
        assertEquals("DONE", finalState(s.destinationPorts()));
        oneLiveCopy(s.to());
    }
}
