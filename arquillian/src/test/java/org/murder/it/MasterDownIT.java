package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.it.MurderCalls.admin;
import static org.murder.it.MurderCalls.append;
import static org.murder.it.MurderCalls.await;
import static org.murder.it.MurderCalls.get;
import static org.murder.it.MurderCalls.inCopy;
import static org.murder.it.MurderCalls.lmtp;
import static org.murder.it.MurderCalls.login;
import static org.murder.it.MurderCalls.route;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.murder.it.cyrus.ImapAdminClient;

/**
 * The murder while its MUPDATE master is stopped, and when it comes back ({@link ProxyMurder} with two frontends on the
 * Artemis cluster, as the launcher's discrete topology): delivery through the frontends and logins, SELECT, FETCH and
 * APPEND through a frontend and on a backend go on; CREATE, DELETE and RENAME are refused with {@code NO [UNAVAILABLE]}
 * saying the mailbox list master is unreachable; a recipient the frontends cannot be sure of is a 4xx, never a bounce.
 * The master then comes back with its database lost (a new, empty map: the worst it can forget): each backend finds it
 * by itself and pushes its mailboxes, logging the diff, and both frontends' copies, made from the old map, resynchronise
 * from the new one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MasterDownIT {

    private static final String ALICE = MurderNode.USER;
    private static final String ALICE_PW = MurderNode.USER_PASSWORD;
    private static final String BOB = ProxyMurder.BOB;
    private static final Duration NOTICE = Duration.ofSeconds(30);
    private static final String UNREACHABLE = "mailbox list master is unreachable";

    private ProxyMurder murder;
    private String oldEpoch;

    @BeforeAll
    void startMurder() throws Exception {
        murder = ProxyMurder.start(new ProxyMurder.Options(true, true, Map.of("murder_master_settle_seconds", "45"),
                // a backend tries the master every 2 s and gives a connection 3 s (Cyrus: 20 s, client_timeout 10 s)
                Map.of("mupdate_retry_delay", "2", "client_timeout", "3"), Map.of()));
        try (ImapAdminClient be1 = admin(ProxyMurder.BE1); ImapAdminClient be2 = admin(ProxyMurder.BE2)) {
            assertTrue(be1.create("user." + ALICE).ok());
            assertTrue(be1.create("user." + ALICE + ".old").ok());
            assertTrue(be2.create("user." + BOB).ok());
        }
        for (ProxyMurder.Ports fe : List.of(ProxyMurder.FE1, ProxyMurder.FE2)) {
            await("the INBOXes in " + fe.http() + "'s copy", Duration.ofSeconds(90), () -> inCopy(fe, "user." + ALICE + ".old")
                    && inCopy(fe, "user." + BOB), murder.fe1, murder.fe2);
        }
        MurderCalls.Lmtp before = lmtp(ProxyMurder.FE1, List.of(ALICE), "Subject: before\n\nbefore the master stopped\n");
        assertEquals(List.of("250"), before.data().stream().map(r -> r.substring(0, 3)).toList(), before::toString);
    }

    @AfterAll
    void stopMurder() throws Exception {
        if (murder != null) {
            murder.close();
        }
    }

    @Test
    @Order(1)
    void theNodesNoticeTheMasterIsGone() throws Exception {
        murder.master.stop();
        for (ProxyMurder.Ports n : List.of(ProxyMurder.BE1, ProxyMurder.BE2, ProxyMurder.FE1, ProxyMurder.FE2)) {
            await(n.http() + " says the master is unreachable", NOTICE,
                    () -> get(n, "/api/node").contains("\"masterReachable\":false"), murder.be1, murder.fe1);
        }
        assertTrue(murder.be1.logLines("MURDER-BE-030").size() >= 1, murder.be1.logTail(2000));
        assertTrue(murder.fe1.logLines("MURDER-COPY-020").size() >= 1, murder.fe1.logTail(2000));
    }

    @Test
    @Order(2)
    void deliveryThroughTheFrontendsGoesOnAndNothingBounces() throws Exception {
        MurderCalls.Lmtp t = lmtp(ProxyMurder.FE1, List.of(ALICE, BOB, "nobody-" + MurderNode.RUN),
                "Subject: while the master is down\n\nstill delivered\n");
        assertTrue(t.rcpt().get(0).startsWith("250") && t.rcpt().get(1).startsWith("250"), t::toString);
        assertTrue(t.rcpt().get(2).startsWith("4"), "a recipient the copy lacks is uncertain now: 4xx, not 5xx: " + t);
        assertEquals(List.of("250", "250"), t.data().stream().map(r -> r.substring(0, 3)).toList(), t::toString);
        MurderCalls.Lmtp viaFe2 = lmtp(ProxyMurder.FE2, List.of(BOB), "Subject: via fe2\n\nalso\n");
        assertEquals(List.of("250"), viaFe2.data().stream().map(r -> r.substring(0, 3)).toList(), viaFe2::toString);
        MurderCalls.Lmtp direct = lmtp(ProxyMurder.BE1, List.of(ALICE), "Subject: direct\n\nto be1\n");
        assertEquals(List.of("250"), direct.data().stream().map(r -> r.substring(0, 3)).toList(), direct::toString);
    }

    @Test
    @Order(3)
    void loginSelectFetchAndAppendGoOnThroughAFrontendAndOnTheBackend() {
        for (ProxyMurder.Ports node : List.of(ProxyMurder.FE1, ProxyMurder.FE2, ProxyMurder.BE1)) {
            try (ImapAdminClient alice = login(node, ALICE, ALICE_PW)) {
                ImapAdminClient.Result select = alice.select("INBOX");
                assertTrue(select.ok(), node.imap() + ": " + select);
                assertTrue(select.untagged().stream().anyMatch(l -> l.matches("\\* [1-9][0-9]* EXISTS")), select::toString);
                ImapAdminClient.Result fetch = alice.command("FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
                assertTrue(fetch.ok() && fetch.untagged().stream().anyMatch(l -> l.contains("Subject: before")),
                        node.imap() + ": " + fetch);
                ImapAdminClient.Result appended = append(alice, "INBOX", "appended at " + node.imap());
                assertTrue(appended.ok(), node.imap() + ": " + appended);
                assertTrue(alice.select("INBOX.old").ok());
            }
        }
    }

    @Test
    @Order(4)
    void createDeleteAndRenameAreRefusedAsUnavailableThroughAFrontendAndOnTheBackend() {
        for (ProxyMurder.Ports node : List.of(ProxyMurder.FE1, ProxyMurder.BE1)) {
            try (ImapAdminClient alice = login(node, ALICE, ALICE_PW)) {
                long start = System.nanoTime();
                for (String command : List.of("CREATE INBOX.new", "DELETE INBOX.old", "RENAME INBOX.old INBOX.older")) {
                    ImapAdminClient.Result r = alice.command(command);
                    assertEquals("NO", r.status(), node.imap() + " " + command + ": " + r);
                    assertTrue(r.text().startsWith("[UNAVAILABLE]") && r.text().contains(UNREACHABLE),
                            node.imap() + " " + command + ": " + r);
                }
                long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
                assertTrue(seconds < 10, "three refusals took " + seconds + " s: nothing may wait for the master long");
                assertTrue(alice.select("INBOX.old").ok(), "the refused DELETE and RENAME left the mailbox alone");
                assertEquals("NO", alice.select("INBOX.new").status());
            }
        }
        assertTrue(murder.be1.logLines("MURDER-BE-001").stream().anyMatch(l -> l.contains("unreachable")));
    }

    @Test
    @Order(5)
    void theMasterComesBackWithoutItsMapAndTheBackendsPushItBackByThemselves() throws Exception {
        oldEpoch = epochOf(ProxyMurder.FE1);
        assertTrue(!oldEpoch.isEmpty(), get(ProxyMurder.FE1, "/api/copy/state"));
        Path db = murder.master.base().resolve("data/murder/db");
        assertTrue(Files.isDirectory(db), "the master's database at " + db);
        StandaloneNode.deleteTree(db); // the master's database lost: it starts with an empty map, a new epoch
        murder.master.start();
        // settling: the frontends keep routing by the copy they have, so mail to known mailboxes goes on even now
        MurderCalls.Lmtp meanwhile = lmtp(ProxyMurder.FE1, List.of(ALICE, "nobody-" + MurderNode.RUN),
                "Subject: the master is back\n\nwith an empty map\n");
        assertTrue(meanwhile.rcpt().get(0).startsWith("250") && meanwhile.rcpt().get(1).startsWith("4"), meanwhile::toString);
        for (StandaloneNode be : List.of(murder.be1, murder.be2)) {
            await(be.base().getFileName() + " pushed its mailboxes to the returned master", NOTICE,
                    () -> be.logLines("MURDER-BE-032").stream().anyMatch(l -> l.contains("the master is back")), be);
        }
        // each step's line follows the summary's: wait for the last of alice's, not only for the summary
        await("be1 logged the mailboxes it pushed", NOTICE, () -> murder.be1.logLines("MURDER-BE-033").stream()
                .anyMatch(l -> l.contains("added user." + ALICE + ".old be1!default")), murder.be1);
        await("be2 logged the mailboxes it pushed", NOTICE, () -> murder.be2.logLines("MURDER-BE-033").stream()
                .anyMatch(l -> l.contains("added user." + BOB + " be2!default")), murder.be2);
        List<String> pushed = murder.be1.logLines("MURDER-BE-033");
        assertTrue(pushed.stream().anyMatch(l -> l.contains("added user." + ALICE + " be1!default"))
                && pushed.stream().anyMatch(l -> l.contains("added user." + ALICE + ".old be1!default")), pushed::toString);
        // alice's two mailboxes and the admin's INBOX (made by the admin's first login on be1)
        assertTrue(murder.be1.logLines("MURDER-BE-032").stream().anyMatch(l -> l.contains("3 added")),
                murder.be1.logLines("MURDER-BE-032")::toString);
        assertTrue(murder.be2.logLines("MURDER-BE-033").stream().anyMatch(l -> l.contains("added user." + BOB + " be2!default")));
        assertTrue(get(ProxyMurder.MASTER, "/api/map/mailbox/user." + ALICE).contains("be1!default"));
        assertTrue(get(ProxyMurder.MASTER, "/api/map/mailbox/user." + BOB).contains("be2!default"));
    }

    @Test
    @Order(6)
    void bothFrontendsCopiesCatchUpWithTheNewMap() throws Exception {
        String epoch = get(ProxyMurder.MASTER, "/api/map/version");
        for (ProxyMurder.Ports fe : List.of(ProxyMurder.FE1, ProxyMurder.FE2)) {
            await(fe.http() + " resynchronised from the new map", Duration.ofSeconds(90),
                    () -> epoch.contains("\"epoch\":\"" + epochOf(fe) + "\"") && inCopy(fe, "user." + ALICE + ".old")
                            && inCopy(fe, "user." + BOB) && route(fe, "user.nobody-" + MurderNode.RUN).equals("unknown"),
                    murder.fe1, murder.fe2);
        }
        assertTrue(!epochOf(ProxyMurder.FE1).equals(oldEpoch));
        for (StandaloneNode fe : List.of(murder.fe1, murder.fe2)) {
            assertTrue(fe.logLines("MURDER-COPY-022").size() >= 1, "the copy waited for the master to settle");
            assertTrue(fe.logLines("MURDER-COPY-001").stream().anyMatch(l -> l.contains("another one")),
                    fe.logLines("MURDER-COPY-001")::toString);
            assertTrue(fe.logLines("MURDER-COPY-021").size() >= 1, "the copy noticed the master answers again");
        }
        // and the murder takes changes again: a CREATE through fe1 reaches fe2's copy through the topic
        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW)) {
            ImapAdminClient.Result created = alice.command("CREATE INBOX.new");
            assertTrue(created.ok(), created::toString);
        }
        await("the new mailbox in fe2's copy", NOTICE, () -> inCopy(ProxyMurder.FE2, "user." + ALICE + ".new"), murder.fe2);
        MurderCalls.Lmtp t = lmtp(ProxyMurder.FE1, List.of("nobody-" + MurderNode.RUN), "Subject: x\n\nx\n");
        assertTrue(t.rcpt().get(0).startsWith("550"), "with the master back, an unknown recipient is certain: " + t);
    }

    /** The epoch of the master's map a frontend's copy comes from (from /api/node's neighbour, the copy state). */
    private static String epochOf(ProxyMurder.Ports fe) {
        String body = get(fe, "/api/copy/state");
        int at = body.indexOf("\"epoch\":\"");
        return at < 0 ? "" : body.substring(at + 9, body.indexOf('"', at + 9));
    }
}
