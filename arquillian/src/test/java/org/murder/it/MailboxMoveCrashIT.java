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

    private ProxyMurder murder;

    @BeforeAll
    void startMurder() throws Exception {
        // 24 batches of 5 with half a second between them: a copy takes about 12 s, time to kill a node in it
        murder = ProxyMurder.start(Map.of("move_batch", "5", "move_batch_pause_ms", "500", "move_quiet_pass", "0",
                "move_retry_max_seconds", "5", "move_max_attempts", "60",
                // 15 s with the source frozen before each try of the last pass: time to kill the frozen source
                "move_hold_frozen_ms", "15000"));
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
        Pattern latest = Pattern.compile("\"mailbox\":\"user\\.alice\"[^}]*\"state\":\"([A-Z_]+)\"");
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
}
