package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * The IMAP proxy on a murder of real processes ({@link ProxyMurder}: a master, backends be1 and be2, a frontend
 * fe1): a client talks only to the frontend, which finds each mailbox in its copy of the map and relays to the
 * backend that holds it. One test per behaviour.
 */
@Tag("h2-only")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class ImapProxyIT {

    static final Duration BOUND = Duration.ofSeconds(30);
    static final String ALICE = MurderNode.USER;
    static final String ALICE_PW = MurderNode.USER_PASSWORD;

    private ProxyMurder murder;

    @BeforeAll
    void startMurder() throws Exception {
        murder = ProxyMurder.start();
        // alice's INBOX on be1, bob's on be2: each made by a first login at its backend (autocreate), which
        // registers it with the master; the frontend's copy follows
        login(ProxyMurder.BE1, ALICE, ALICE_PW).close();
        login(ProxyMurder.BE2, ProxyMurder.BOB, ProxyMurder.BOB_PASSWORD).close();
        assertTrue(inFrontendCopy("user." + ALICE) && inFrontendCopy("user." + ProxyMurder.BOB),
                "both INBOXes reached the frontend's copy: " + murder.fe1.logTail(3000));
    }

    @AfterAll
    void stopMurder() throws Exception {
        if (murder != null) {
            murder.close();
        }
    }

    private static ImapAdminClient login(ProxyMurder.Ports node, String user, String password) {
        ImapAdminClient c = ImapAdminClient.connect(ProxyMurder.HOST, node.imap(), BOUND);
        ImapAdminClient.Result r = c.login(user, password);
        assertTrue(r.ok(), "login " + user + ": " + r);
        return c;
    }

    private static boolean inFrontendCopy(String mailbox) throws InterruptedException {
        return MurderNode.await(Duration.ofSeconds(60), () -> {
            try {
                return MurderNode.http(ProxyMurder.FE1.http(), "GET", "/api/copy?prefix=" + mailbox, MurderNode.ADMIN,
                        MurderNode.ADMIN_PASSWORD, false).body().contains("\"" + mailbox + "\"");
            } catch (Exception e) {
                return false;
            }
        });
    }

    static void deliver(ProxyMurder.Ports backend, String user, String message) throws Exception {
        try (java.net.Socket s = new java.net.Socket(ProxyMurder.HOST, backend.lmtp())) {
            s.setSoTimeout(15_000);
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
            assertTrue(say.apply("LHLO it").startsWith("250"));
            assertTrue(say.apply("MAIL FROM:<sender@example.org>").startsWith("250"));
            assertTrue(say.apply("RCPT TO:<" + user + ">").startsWith("250"));
            assertTrue(say.apply("DATA").startsWith("354"));
            String reply = say.apply(message.replace("\n", "\r\n") + "\r\n.");
            assertTrue(reply.startsWith("250"), "delivered: " + reply);
        }
    }

    @Test
    @Order(1)
    void loginAndInboxOnEachBackend() throws Exception {
        deliver(ProxyMurder.BE1, ALICE, "Subject: for alice on be1\n\nhello alice\n");
        deliver(ProxyMurder.BE2, ProxyMurder.BOB, "Subject: for bob on be2\n\nhello bob\n");
        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW);
             ImapAdminClient bob = login(ProxyMurder.FE1, ProxyMurder.BOB, ProxyMurder.BOB_PASSWORD)) {
            ImapAdminClient.Result sel = alice.select("INBOX");
            assertTrue(sel.ok(), sel.toString());
            assertTrue(sel.untagged().stream().anyMatch(l -> l.matches("\\* \\d+ EXISTS")), sel.toString());
            ImapAdminClient.Result fetch = alice.command("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            assertTrue(fetch.ok(), fetch.toString());
            assertTrue(String.join("\n", fetch.untagged()).contains("for alice on be1"), fetch.toString());
            ImapAdminClient.Result bobSel = bob.select("INBOX");
            assertTrue(bobSel.ok(), bobSel.toString());
            ImapAdminClient.Result bobFetch = bob.command("UID FETCH 1:* (BODY.PEEK[TEXT])");
            assertTrue(String.join("\n", bobFetch.untagged()).contains("hello bob"), bobFetch.toString());
            ImapAdminClient.Result status = alice.command("STATUS INBOX (MESSAGES UIDNEXT)");
            assertTrue(status.ok() && status.untagged().stream().anyMatch(l -> l.startsWith("* STATUS INBOX")), status.toString());
        }
    }

    @Test
    @Order(2)
    void fetchThroughTheFrontendIsByteForByteWhatTheBackendSends() throws Exception {
        String body = "Subject: bytes\n\n" + "0123456789abcdef".repeat(8192) + "\n";
        deliver(ProxyMurder.BE1, ALICE, body);
        try (ImapAdminClient direct = login(ProxyMurder.BE1, ALICE, ALICE_PW);
             ImapAdminClient viaFrontend = login(ProxyMurder.FE1, ALICE, ALICE_PW)) {
            assertTrue(direct.command("EXAMINE INBOX").ok());
            assertTrue(viaFrontend.command("EXAMINE INBOX").ok());
            String cmd = "UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])";
            ImapAdminClient.Result a = direct.command(cmd);
            ImapAdminClient.Result b = viaFrontend.command(cmd);
            assertTrue(a.ok() && b.ok());
            assertEquals(a.untagged(), b.untagged());
            assertTrue(String.join("", b.untagged()).contains("0123456789abcdef".repeat(100)));
        }
    }

    @Test
    @Order(3)
    void createUnderAParentLandsOnTheParentsBackend() throws Exception {
        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW)) {
            ImapAdminClient.Result r = alice.create("INBOX.projects");
            assertTrue(r.ok(), r.toString());
        }
        assertTrue(inFrontendCopy("user." + ALICE + ".projects"));
        String location = MurderNode.http(ProxyMurder.MASTER.http(), "GET", "/api/map/mailbox/user." + ALICE + ".projects",
                MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD, false).body();
        assertTrue(location.contains("be1!"), location);
        try (ImapAdminClient direct = login(ProxyMurder.BE1, ALICE, ALICE_PW)) {
            assertTrue(direct.select("INBOX.projects").ok(), "it is on be1");
        }
    }

    @Test
    @Order(4)
    void sharedMailboxOnTheOtherBackend() throws Exception {
        try (ImapAdminClient bob = login(ProxyMurder.BE2, ProxyMurder.BOB, ProxyMurder.BOB_PASSWORD)) {
            assertTrue(bob.create("INBOX.shared").ok());
            assertTrue(bob.setAcl("INBOX.shared", ALICE, "lrs").ok());
            String msg = "Subject: shared with alice\r\n\r\nfrom bob's side\r\n";
            ImapAdminClient.Result appended = bob.command("APPEND INBOX.shared {" + msg.length() + "+}\r\n" + msg);
            assertTrue(appended.ok(), appended.toString());
        }
        assertTrue(inFrontendCopy("user." + ProxyMurder.BOB + ".shared"));
        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW)) {
            // the INBOX on be1, the shared mailbox on be2: one session, two backends
            assertTrue(alice.select("INBOX").ok());
            ImapAdminClient.Result shared = alice.command("EXAMINE \"user.bob.shared\"");
            assertTrue(shared.ok(), shared.toString());
            ImapAdminClient.Result fetch = alice.command("FETCH 1 (BODY.PEEK[TEXT])");
            assertTrue(String.join("\n", fetch.untagged()).contains("from bob's side"), fetch.toString());
            ImapAdminClient.Result back = alice.select("INBOX");
            assertTrue(back.ok(), back.toString());
            ImapAdminClient.Result fetchInbox = alice.command("FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            assertTrue(String.join("\n", fetchInbox.untagged()).contains("for alice on be1"), fetchInbox.toString());
        }
    }

    @Test
    @Order(5)
    void idleThroughTheFrontendSeesADeliveryAtOnce() throws Exception {
        try (RawLineClient c = new RawLineClient(ProxyMurder.HOST, ProxyMurder.FE1.imap())) {
            c.lineStartingWith("* OK");
            c.send("a LOGIN " + ALICE + " " + ALICE_PW + "\r\n");
            c.lineStartingWith("a OK");
            c.send("b SELECT INBOX\r\n");
            c.lineStartingWith("b OK");
            c.send("c IDLE\r\n");
            c.lineStartingWith("+ ");
            long start = System.nanoTime();
            deliver(ProxyMurder.BE1, ALICE, "Subject: while idling\n\nnew mail\n");
            String exists = c.lineStartingWith("* ");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(exists.endsWith("EXISTS") || exists.contains("RECENT"), exists);
            assertTrue(ms < 5_000, "announced during IDLE, before DONE, in " + ms + " ms");
            c.send("DONE\r\n");
            c.lineStartingWith("c OK");
            c.send("d LOGOUT\r\n");
            c.lineStartingWith("d OK");
        }
    }

    @Test
    @Order(6)
    void unknownMailboxIsNoAndTheSessionGoesOn() throws Exception {
        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW)) {
            ImapAdminClient.Result r = alice.select("INBOX.nosuch");
            assertEquals("NO", r.status(), r.toString());
            assertTrue(alice.select("INBOX").ok(), "the session goes on");
            assertTrue(alice.noop().ok());
        }
    }

    @Test
    @Order(7)
    void aBackendDownGivesUnavailableForItsMailboxesOnly() throws Exception {
        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW)) {
            assertTrue(alice.select("INBOX").ok());
            murder.be2.stop();
            try {
                ImapAdminClient.Result r = alice.command("EXAMINE \"user.bob.shared\"");
                assertEquals("NO", r.status(), r.toString());
                assertTrue(r.text().startsWith("[UNAVAILABLE]"), r.toString());
                ImapAdminClient.Result inbox = alice.select("INBOX");
                assertTrue(inbox.ok(), "be1's mailboxes still work: " + inbox);
            } finally {
                murder.be2.start();
            }
        }
    }
}
