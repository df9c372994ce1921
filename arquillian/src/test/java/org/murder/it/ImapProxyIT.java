package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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
        MurderCalls.Lmtp t = MurderCalls.lmtp(backend, java.util.List.of(user), message);
        assertTrue(t.data().size() == 1 && t.data().get(0).startsWith("250"), "delivered: " + t);
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
            // LIST from the frontend's map, LIST-STATUS asked of be2, LSUB from be1 checked against the map
            ImapAdminClient.Result list = alice.command("LIST \"\" \"user.bob.*\" RETURN (STATUS (MESSAGES))");
            assertTrue(list.untagged().stream().anyMatch(l -> l.startsWith("* LIST") && l.contains("user.bob.shared")), list.toString());
            assertTrue(list.untagged().stream().anyMatch(l -> l.startsWith("* STATUS") && l.contains("user.bob.shared")
                    && l.contains("MESSAGES 1")), list.toString());
            assertTrue(alice.command("SUBSCRIBE \"user.bob.shared\"").ok());
            ImapAdminClient.Result lsub = alice.command("LSUB \"\" \"*\"");
            assertTrue(lsub.untagged().stream().anyMatch(l -> l.contains("user.bob.shared") && !l.contains("\\Noselect")),
                    "subscribed on be1, the mailbox on be2: " + lsub);
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
    void copyAndMoveAcrossBackendsKeepFlagsAndDatesWithHonestCopyUid() throws Exception {
        // alice's INBOX is on be1; a shared mailbox on be2 she may write to, made there by the admin
        try (ImapAdminClient admin = login(ProxyMurder.BE2, MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD)) {
            ImapAdminClient.Result made = admin.create("onbe2");
            assertTrue(made.ok(), made.toString());
            assertTrue(admin.setAcl("onbe2", ALICE, "lrswite").ok());
        }
        assertTrue(inFrontendCopy("onbe2"));
        deliver(ProxyMurder.BE1, ALICE, "Subject: to copy\n\ncopied across\n");
        deliver(ProxyMurder.BE1, ALICE, "Subject: to move\n\nmoved across\n");
        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW)) {
            assertTrue(alice.select("INBOX").ok());
            ImapAdminClient.Result search = alice.command("UID SEARCH SUBJECT \"to copy\"");
            String copyUid = search.untagged().get(0).replace("* SEARCH ", "").trim();
            String moveUid = alice.command("UID SEARCH SUBJECT \"to move\"").untagged().get(0).replace("* SEARCH ", "").trim();
            assertTrue(alice.command("UID STORE " + copyUid + " +FLAGS (\\Flagged $Work)").ok());
            String date = alice.command("UID FETCH " + copyUid + " (INTERNALDATE)").untagged().get(0);
            date = date.substring(date.indexOf("INTERNALDATE"), date.lastIndexOf(')'));

            ImapAdminClient.Result copied = alice.command("UID COPY " + copyUid + " onbe2");
            assertTrue(copied.ok() && copied.text().startsWith("[COPYUID "), copied.toString());
            ImapAdminClient.Result moved = alice.command("UID MOVE " + moveUid + " onbe2");
            assertTrue(moved.ok(), moved.toString());
            assertTrue(moved.untagged().stream().anyMatch(l -> l.startsWith("* OK [COPYUID ")), moved.toString());
            assertTrue(moved.untagged().stream().anyMatch(l -> l.matches("\\* \\d+ EXPUNGE")), "the original goes: " + moved);
            assertEquals("* SEARCH", alice.command("UID SEARCH SUBJECT \"to move\"").untagged().get(0).trim(),
                    "the moved message left the INBOX");

            ImapAdminClient.Result there = alice.select("onbe2");
            assertTrue(there.untagged().contains("* 2 EXISTS"), there.toString());
            ImapAdminClient.Result fetched = alice.command("FETCH 1:2 (FLAGS INTERNALDATE BODY.PEEK[TEXT])");
            String all = String.join("\n", fetched.untagged());
            assertTrue(all.contains("copied across") && all.contains("moved across"), all);
            assertTrue(all.contains("\\Flagged") && all.contains("$Work"), "flags kept: " + all);
            assertTrue(all.contains(date), "internal date kept (" + date + "): " + all);
        }
    }

    /** A cross-backend COPY refused part way (over quota) leaves the destination as it was (RFC 3501 6.4.7). */
    @Test
    @Order(8)
    void aCrossBackendCopyRefusedPartWayTakesBackWhatItAppended() throws Exception {
        try (ImapAdminClient admin = login(ProxyMurder.BE2, MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD)) {
            assertTrue(admin.create("quotabox").ok());
            assertTrue(admin.setAcl("quotabox", ALICE, "lrswite").ok());
            ImapAdminClient.Result q = admin.command("SETQUOTA quotabox (STORAGE 2)");
            assertTrue(q.ok(), q.toString());
        }
        assertTrue(inFrontendCopy("quotabox"));
        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW)) {
            assertTrue(alice.select("INBOX").ok());
            // small messages first (they fit in 2 KB), then the 128 KB one, which does not
            ImapAdminClient.Result copy = alice.command("UID COPY 1:* quotabox");
            assertEquals("NO", copy.status(), copy.toString());
            assertTrue(copy.text().contains("OVERQUOTA"), "the backend's refusal, its code kept: " + copy);
            ImapAdminClient.Result status = alice.command("STATUS quotabox (MESSAGES)");
            assertTrue(status.untagged().stream().anyMatch(l -> l.contains("MESSAGES 0")), "nothing left behind: " + status);
        }
    }

    @Test
    @Order(9)
    void createWithALocationPutsTheMailboxThereAndTheMasterRefusesADuplicate() throws Exception {
        try (ImapAdminClient admin = login(ProxyMurder.FE1, MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD)) {
            ImapAdminClient.Result made = admin.create("projects", "be2!default");
            assertTrue(made.ok(), made.toString());
            assertTrue(inFrontendCopy("projects"));
            String location = MurderNode.http(ProxyMurder.MASTER.http(), "GET", "/api/map/mailbox/projects",
                    MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD, false).body();
            assertTrue(location.contains("be2!default"), location);
            ImapAdminClient.Result again = admin.create("projects", "be1!default");
            assertEquals("NO", again.status(), "a name that exists elsewhere: " + again);
            ImapAdminClient.Result top = admin.create("toplevel");
            assertTrue(top.ok(), "a top-level CREATE at a frontend goes to defaultserver: " + top);
            assertTrue(inFrontendCopy("toplevel"));
        }
        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW)) {
            ImapAdminClient.Result refused = alice.create("INBOX.mine", "be2!default");
            assertEquals("NO", refused.status(), "only admins say where: " + refused);
        }
    }

    /**
     * Python's smtplib.LMTP at the frontend: one transaction for alice (be1), bob (be2), a certainly unknown user and
     * one whose INBOX is being created (RESERVEd at the master): 250, 250 from each backend, 550 for the unknown,
     * 451 (never a bounce) for the uncertain one — in the client's order.
     */
    @Test
    @Order(10)
    void lmtpThroughTheFrontendToUsersOnTwoBackendsUnknownAndUncertain() throws Exception {
        try (org.murder.protocol.mupdate.MupdateClient m = new org.murder.protocol.mupdate.MupdateClient(ProxyMurder.HOST,
                ProxyMurder.MASTER.mupdate(), Duration.ofSeconds(20))) {
            assertEquals(org.murder.protocol.mupdate.MupdateResponse.Status.OK,
                    m.authenticatePlain(MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD).status());
            assertEquals(org.murder.protocol.mupdate.MupdateResponse.Status.OK,
                    m.reserve("user.carol", new org.murder.protocol.mupdate.Location("be1", "default")).status());
        }
        assertTrue(inFrontendCopy("user.carol"));
        String script = """
                import smtplib, sys
                lmtp = smtplib.LMTP(sys.argv[1], int(sys.argv[2]), timeout=30)
                lmtp.ehlo_or_helo_if_needed()
                lmtp.mail("sender@example.org")
                for rcpt in ["alice", "nosuch", "bob", "carol"]:
                    code, text = lmtp.rcpt(rcpt)
                    print("RCPT", rcpt, code)
                code, text = lmtp.docmd("DATA")
                print("DATA", code)
                lmtp.send(b"Subject: smtplib through fe1\\r\\n\\r\\nto two backends\\r\\n.\\r\\n")
                for rcpt in ["alice", "bob"]:
                    code, text = lmtp.getreply()
                    print("DONE", rcpt, code)
                lmtp.quit()
                """;
        java.nio.file.Path py = java.nio.file.Files.createTempFile("murder-lmtp", ".py");
        java.nio.file.Files.writeString(py, script);
        Peers.require(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/python3")), "python3 is not installed");
        Process p = new ProcessBuilder("/usr/bin/python3", py.toString(), ProxyMurder.HOST,
                Integer.toString(ProxyMurder.FE1.lmtp())).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "smtplib finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("RCPT alice 250") && out.contains("RCPT bob 250"), out);
        assertTrue(out.contains("RCPT nosuch 550"), "certainly unknown: " + out);
        assertTrue(out.contains("RCPT carol 451"), "being created: uncertain, never a bounce: " + out);
        assertTrue(out.contains("DATA 354") && out.contains("DONE alice 250") && out.contains("DONE bob 250"), out);
        for (var who : java.util.List.of(java.util.Map.entry(ProxyMurder.BE1, ALICE + ":" + ALICE_PW),
                java.util.Map.entry(ProxyMurder.BE2, ProxyMurder.BOB + ":" + ProxyMurder.BOB_PASSWORD))) {
            String[] cred = who.getValue().split(":");
            try (ImapAdminClient direct = login(who.getKey(), cred[0], cred[1])) {
                assertTrue(direct.command("EXAMINE INBOX").ok());
                ImapAdminClient.Result found = direct.command("SEARCH SUBJECT \"smtplib through fe1\"");
                assertTrue(found.untagged().get(0).matches("\\* SEARCH \\d+"), cred[0] + " has it on its backend: " + found);
            }
        }
    }

    /** Python's imaplib through the frontend: LIST across backends, SELECT, SEARCH, FETCH, STORE, and a shared mailbox. */
    @Test
    @Order(10)
    void pythonImaplibThroughTheFrontend() throws Exception {
        String script = """
                import imaplib, sys
                M = imaplib.IMAP4(sys.argv[1], int(sys.argv[2]), timeout=30)
                M.login(sys.argv[3], sys.argv[4])
                typ, boxes = M.list()
                print("LIST", typ, any(b"user.bob.shared" in b for b in boxes))
                typ, data = M.select("INBOX")
                print("SELECT", typ, int(data[0]) > 0)
                typ, data = M.search(None, "SUBJECT", '"for alice on be1"')
                first = data[0].split()[0]
                typ, data = M.fetch(first, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                print("FETCH", typ, b"for alice on be1" in data[0][1])
                typ, data = M.store(first, "+FLAGS", "(\\\\Answered)")
                print("STORE", typ, b"\\\\Answered" in data[0])
                typ, data = M.select('"user.bob.shared"', readonly=True)
                print("SHARED", typ, int(data[0]))
                M.logout()
                """;
        java.nio.file.Path py = java.nio.file.Files.createTempFile("murder-imaplib", ".py");
        java.nio.file.Files.writeString(py, script);
        Peers.require(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/python3")), "python3 is not installed");
        Process p = new ProcessBuilder("/usr/bin/python3", py.toString(), ProxyMurder.HOST,
                Integer.toString(ProxyMurder.FE1.imap()), ALICE, ALICE_PW).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "imaplib finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        for (String expected : List.of("LIST OK True", "SELECT OK True", "FETCH OK True", "STORE OK True", "SHARED OK 1")) {
            assertTrue(out.contains(expected), expected + " in:\n" + out);
        }
    }

    /** Angus Mail (Jakarta Mail's IMAP store) through the frontend: folders on two backends, messages read. */
    @Test
    @Order(11)
    void angusMailThroughTheFrontend() throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.put("mail.imap.host", ProxyMurder.HOST);
        props.put("mail.imap.port", Integer.toString(ProxyMurder.FE1.imap()));
        props.put("mail.imap.connectiontimeout", "10000");
        props.put("mail.imap.timeout", "20000");
        jakarta.mail.Session session = jakarta.mail.Session.getInstance(props);
        jakarta.mail.Store store = session.getStore("imap");
        store.connect(ALICE, ALICE_PW);
        try {
            jakarta.mail.Folder inbox = store.getFolder("INBOX");
            inbox.open(jakarta.mail.Folder.READ_ONLY);
            assertTrue(inbox.getMessageCount() > 0);
            boolean found = false;
            for (jakarta.mail.Message m : inbox.getMessages()) {
                found |= "for alice on be1".equals(m.getSubject());
            }
            assertTrue(found, "alice's mail on be1, read through fe1");
            inbox.close(false);
            jakarta.mail.Folder shared = store.getFolder("user.bob.shared");
            assertTrue(shared.exists(), "bob's folder on be2 is listed");
            shared.open(jakarta.mail.Folder.READ_ONLY);
            assertEquals("shared with alice", shared.getMessage(1).getSubject());
            shared.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    @Order(12)
    void aBackendDownGivesUnavailableForItsMailboxesOnly() throws Exception {
        try (ImapAdminClient alice = login(ProxyMurder.FE1, ALICE, ALICE_PW);
             ImapAdminClient bob = login(ProxyMurder.FE1, ProxyMurder.BOB, ProxyMurder.BOB_PASSWORD)) {
            assertTrue(alice.select("INBOX").ok());
            assertTrue(bob.command("SUBSCRIBE INBOX").ok());
            assertTrue(bob.command("LSUB \"\" \"*\"").untagged().stream().anyMatch(l -> l.contains("INBOX")));
            murder.be2.stop();
            try {
                // bob's INBOX backend is down: his subscriptions come from what the frontend knows, never a bare NO
                ImapAdminClient.Result lsub = bob.command("LSUB \"\" \"*\"");
                assertTrue(lsub.ok(), lsub.toString());
                assertTrue(lsub.untagged().stream().anyMatch(l -> l.contains("INBOX")), lsub.toString());
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
    /**
     * Clients that vanish at the frontend — in IDLE, or in the middle of a large FETCH — release their backend
     * sessions: be1's count of selected and idling sessions goes back to what it was.
     */
    @Test
    @Order(13)
    void clientsThatHangUpReleaseTheirBackendSessions() throws Exception {
        long[] before = backendSessions(ProxyMurder.BE1);
        List<RawLineClient> clients = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                RawLineClient c = new RawLineClient(ProxyMurder.HOST, ProxyMurder.FE1.imap());
                clients.add(c);
                c.lineStartingWith("* OK");
                c.send("a LOGIN " + ALICE + " " + ALICE_PW + "\r\nb SELECT INBOX\r\n");
                c.lineStartingWith("b OK");
                c.send(i % 2 == 0 ? "c IDLE\r\n" : "c FETCH 1:* (BODY.PEEK[] BODY.PEEK[] BODY.PEEK[])\r\n");
                if (i % 2 == 0) {
                    c.lineStartingWith("+ ");
                }
            }
            assertTrue(MurderNode.await(Duration.ofSeconds(10), () -> backendSessions(ProxyMurder.BE1)[0] >= before[0] + 5),
                    "five proxied sessions selected on be1");
        } finally {
            for (RawLineClient c : clients) {
                c.close(); // no DONE, no LOGOUT: gone
            }
        }
        assertTrue(MurderNode.await(Duration.ofSeconds(30), () -> {
            long[] now = backendSessions(ProxyMurder.BE1);
            return now[0] <= before[0] && now[1] <= before[1];
        }), "be1's sessions released: before " + java.util.Arrays.toString(before) + ", now "
                + java.util.Arrays.toString(backendSessions(ProxyMurder.BE1)));
    }

    /** {selected, idling} sessions on a backend ({@code GET /api/backend/sessions}). */
    private static long[] backendSessions(ProxyMurder.Ports node) {
        try {
            String body = MurderNode.http(node.http(), "GET", "/api/backend/sessions", MurderNode.ADMIN,
                    MurderNode.ADMIN_PASSWORD, false).body();
            jakarta.json.JsonObject o = jakarta.json.Json.createReader(new java.io.StringReader(body)).readObject();
            return new long[] {o.getJsonNumber("selected").longValue(), o.getJsonNumber("idling").longValue()};
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
