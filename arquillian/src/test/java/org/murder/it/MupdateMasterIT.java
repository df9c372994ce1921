package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.murder.protocol.mupdate.Location;
import org.murder.protocol.mupdate.MupdateClient;
import org.murder.protocol.mupdate.MupdateResponse;
import org.murder.protocol.mupdate.MupdateResponse.Completion;
import org.murder.protocol.mupdate.MupdateResponse.Status;

/** The MUPDATE master over real sockets: the mailbox life cycle, streaming, and every refusal. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class MupdateMasterIT {

    private static final String P = MurderNode.RUN + ".master.";

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    private static void ok(Completion c) {
        assertEquals(Status.OK, c.status(), () -> "expected OK, got " + c);
    }

    private static void no(Completion c) {
        assertEquals(Status.NO, c.status(), () -> "expected NO, got " + c);
    }

    @Test
    void bannerAnnouncesMechanismsTlsAndPartialUpdateThenMaster() throws Exception {
        try (MupdateClient c = MurderNode.connect()) {
            MupdateClient.Banner b = c.greeting();
            // TLS is configured, allowplaintext off but mupdate_allowplaintext on (Cyrus peers log in with PLAIN)
            assertEquals(List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN"), b.authMechanisms());
            assertTrue(b.has("STARTTLS"), "TLS is configured in the test node");
            assertTrue(b.has("PARTIAL-UPDATE"));
            assertEquals(MurderNode.SERVERNAME, b.greeting().servername());
            assertEquals("(master)", b.greeting().mode());
        }
    }

    @Test
    void reserveActivateFindListDeactivateDelete() throws Exception {
        String name = P + "life";
        Location be1 = new Location("be1", "default");
        try (MupdateClient c = MurderNode.admin()) {
            ok(c.reserve(name, be1));
            ok(c.reserve(name, be1)); // the same backend asking again is tolerated
            no(c.reserve(name, new Location("be2", "default")));
            MupdateClient.Reply reserved = c.find(name);
            assertEquals(List.of(new MupdateResponse.ReserveData(reserved.completion().tag(), name, be1)), reserved.data());

            ok(c.activate(name, be1, "anyone\tlrs\t"));
            MupdateClient.Reply found = c.find(name);
            ok(found.completion());
            assertEquals(List.of(new MupdateResponse.MailboxData(found.completion().tag(), name, be1, "anyone\tlrs\t")),
                    found.data());

            MupdateClient.Reply listed = c.list("be1!");
            assertTrue(listed.data().stream().anyMatch(r -> r instanceof MupdateResponse.MailboxData m && m.name().equals(name)));
            assertTrue(c.list("be2!").data().stream().noneMatch(r -> r instanceof MupdateResponse.MailboxData m
                    && m.name().equals(name)), "LIST by location prefix filters by location");

            ok(c.deactivate(name, be1));
            assertInstanceOf(MupdateResponse.ReserveData.class, c.find(name).data().get(0));
            no(c.deactivate(name, be1)); // only an active mailbox can be deactivated

            ok(c.activate(name, be1, "anyone\tlrs\t"));
            ok(c.delete(name));
            assertTrue(c.find(name).data().isEmpty());
            no(c.delete(name));
        }
    }

    @Test
    void updateStreamsDumpThenCurrentStateOfEachChange() throws Exception {
        String existing = P + "stream.existing";
        String fresh = P + "stream.fresh";
        Location be1 = new Location("be1", "p1");
        try (MupdateClient writer = MurderNode.admin(); MupdateClient slave = MurderNode.admin()) {
            ok(writer.activate(existing, be1, ""));
            MupdateClient.Reply dump = slave.startUpdate(List.of());
            ok(dump.completion());
            assertEquals("streaming starts", dump.completion().text());
            assertTrue(dump.data().stream().anyMatch(r -> r instanceof MupdateResponse.MailboxData m && m.name().equals(existing)));

            ok(writer.activate(fresh, be1, "bob\tlrs\t"));
            MupdateResponse first = slave.nextStreamed(Duration.ofSeconds(5));
            assertEquals(new MupdateResponse.MailboxData("U01", fresh, be1, "bob\tlrs\t"), first);

            ok(writer.delete(fresh));
            assertEquals(new MupdateResponse.DeleteData("U01", fresh), slave.nextStreamed(Duration.ofSeconds(5)));

            ok(slave.noop());
            List<MupdateResponse> refused = slave.command("LIST");
            assertEquals(Status.BAD, ((Completion) refused.get(refused.size() - 1)).status());
            ok(writer.delete(existing));
            assertEquals(new MupdateResponse.DeleteData("U01", existing), slave.nextStreamed(Duration.ofSeconds(5)));
        }
    }

    @Test
    void noopWhileStreamingIsABarrier() throws Exception {
        String name = P + "barrier";
        try (MupdateClient writer = MurderNode.admin(); RawLineClient slave = new RawLineClient(MurderNode.HOST, MurderNode.mupdatePort())) {
            slave.skipBanner();
            slave.startTlsMupdate(MurderNode.trustAll()); // PLAIN needs TLS here (allowplaintext off)
            slave.send("A01 AUTHENTICATE \"PLAIN\" \"" + java.util.Base64.getEncoder().encodeToString(
                    ("\0" + MurderNode.ADMIN + "\0" + MurderNode.ADMIN_PASSWORD).getBytes()) + "\"\r\n");
            assertEquals("A01 OK \"Authenticated\"", slave.line());
            slave.send("U01 UPDATE \"nohost\"\r\n");
            assertEquals("U01 OK \"streaming starts\"", slave.lineStartingWith("U01 OK"));
            for (int i = 0; i < 20; i++) {
                ok(writer.activate(name + i, new Location("nohost", "default"), ""));
            }
            slave.send("N01 NOOP\r\n");
            List<String> before = new ArrayList<>();
            String l;
            while (!(l = slave.line()).startsWith("N01 ")) {
                before.add(l);
            }
            assertEquals("N01 OK \"Noop done\"", l);
            for (int i = 0; i < 20; i++) {
                String mailbox = name + i;
                assertTrue(before.stream().anyMatch(x -> x.startsWith(mailbox + " {")),
                        "change " + i + " arrived before the NOOP's OK: " + before);
            }
            for (int i = 0; i < 20; i++) {
                ok(writer.delete(name + i));
            }
        }
    }

    @Test
    void partialUpdateStreamsOnlyTheNamedHosts() throws Exception {
        String mine = P + "partial.mine";
        String other = P + "partial.other";
        try (MupdateClient writer = MurderNode.admin(); MupdateClient slave = MurderNode.admin()) {
            ok(slave.startUpdate(List.of("hostA")).completion());
            ok(writer.activate(other, new Location("hostB", "default"), ""));
            ok(writer.activate(mine, new Location("hostA", "default"), ""));
            MupdateResponse r = slave.nextStreamed(Duration.ofSeconds(5));
            assertEquals(new MupdateResponse.MailboxData("U01", mine, new Location("hostA", "default"), ""), r);
            ok(slave.noop());
            try {
                MupdateResponse extra = slave.nextStreamed(Duration.ofMillis(300));
                throw new AssertionError("hostB's change reached a hostA-only stream: " + extra);
            } catch (SocketTimeoutException expected) {
                // nothing for hostB
            }
            ok(writer.delete(mine));
            ok(writer.delete(other));
        }
    }

    @Test
    void concurrentReservesOfOneNameHaveExactlyOneWinnerAndEveryChangeIsStreamed() throws Exception {
        int writers = 8;
        int rounds = 10;
        try (MupdateClient slave = MurderNode.admin()) {
            ok(slave.startUpdate(List.of()).completion());
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
            try {
                for (int round = 0; round < rounds; round++) {
                    String name = P + "race" + round;
                    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                    List<java.util.concurrent.Future<Status>> results = new ArrayList<>();
                    for (int w = 0; w < writers; w++) {
                        Location mine = new Location("racer" + w, "default");
                        results.add(pool.submit(() -> {
                            try (MupdateClient c = MurderNode.admin()) {
                                go.await();
                                return c.reserve(name, mine).status();
                            }
                        }));
                    }
                    Thread.sleep(50);
                    go.countDown();
                    int winners = 0;
                    for (java.util.concurrent.Future<Status> f : results) {
                        winners += f.get(30, java.util.concurrent.TimeUnit.SECONDS) == Status.OK ? 1 : 0;
                    }
                    assertEquals(1, winners, "exactly one RESERVE of " + name + " wins");
                }
            } finally {
                pool.shutdownNow();
            }
            ok(slave.noop());
            List<String> streamed = new ArrayList<>();
            try {
                while (true) {
                    MupdateResponse r = slave.nextStreamed(Duration.ofMillis(300));
                    if (r instanceof MupdateResponse.ReserveData d) {
                        streamed.add(d.name());
                    }
                }
            } catch (SocketTimeoutException end) {
                // drained
            }
            for (int round = 0; round < rounds; round++) {
                String name = P + "race" + round;
                assertEquals(1, streamed.stream().filter(name::equals).count(), "one RESERVE of " + name + " streamed: " + streamed);
            }
        }
        try (MupdateClient c = MurderNode.admin()) {
            for (int round = 0; round < rounds; round++) {
                ok(c.delete(P + "race" + round));
            }
        }
    }

    @Test
    void commandsBeforeLoginAreRefusedButTheConnectionLives() throws Exception {
        try (MupdateClient c = MurderNode.connectTls()) {
            Completion list = (Completion) last(c.command("LIST"));
            assertEquals(Status.BAD, list.status());
            assertEquals("Please login first", list.text());
            assertEquals(Status.BAD, ((Completion) last(c.command("DELETE \"user.x\""))).status());
            ok(c.noop());
            ok(c.authenticatePlain(MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD));
            ok(c.list().completion());
        }
    }

    @Test
    void onlyAdminsMayAuthenticate() throws Exception {
        try (MupdateClient c = MurderNode.connectTls()) {
            no(c.authenticatePlain(MurderNode.USER, MurderNode.USER_PASSWORD));
            assertEquals(Status.BAD, ((Completion) last(c.command("LIST"))).status());
            no(c.authenticatePlain(MurderNode.ADMIN, "wrong-password"));
            ok(c.authenticateLogin(MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD));
        }
    }

    @Test
    void secondAuthenticateIsRefused() throws Exception {
        try (MupdateClient c = MurderNode.admin()) {
            no(c.authenticatePlain(MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD));
            ok(c.noop());
        }
    }

    @Test
    void badInputGetsBadAndTheConnectionSurvives() throws Exception {
        try (RawLineClient c = new RawLineClient(MurderNode.HOST, MurderNode.mupdatePort())) {
            c.skipBanner();
            c.startTlsMupdate(MurderNode.trustAll()); // PLAIN and LOGIN need TLS here (allowplaintext off)
            c.send("A1 AUTHENTICATE \"PLAIN\" \"%%%not-base64%%%\"\r\n");
            assertTrue(c.line().startsWith("A1 NO"));
            c.send("A2 AUTHENTICATE \"LOGIN\"\r\n");
            assertEquals("VXNlcm5hbWU6", c.line());
            c.send("*\r\n");
            assertTrue(c.line().startsWith("A2 NO"), "a cancelled exchange is NO");
            c.send("A3 FROBNICATE\r\n");
            assertTrue(c.line().startsWith("A3 BAD"));
            c.send("A4 FIND\r\n");
            assertTrue(c.line().startsWith("A4 BAD"));
            c.send("A5 FIND \"unterminated\r\n");
            assertTrue(c.line().startsWith("A5 BAD"));
            c.send("A6 FIND {99999999999}\r\n");
            assertTrue(c.line().startsWith("A6 BAD"), "a synchronizing literal over the bound gets no go-ahead");
            c.send("A6b FIND {70000+}\r\n" + "y".repeat(70_000) + "\r\n");
            assertTrue(c.line().startsWith("A6b BAD"), "a non-synchronizing literal over the bound is read and refused");
            c.send("A7 LIST " + "x".repeat(20_000) + "\r\n");
            assertTrue(c.line().contains("BAD"), "an oversize line is refused");
            c.send("\r\n");
            assertTrue(c.line().contains("BAD"));
            c.send("A8 NOOP\r\n");
            assertEquals("A8 OK \"Noop done\"", c.line());
        }
    }

    @Test
    void synchronizingLiteralsGetAContinuation() throws Exception {
        try (RawLineClient c = new RawLineClient(MurderNode.HOST, MurderNode.mupdatePort())) {
            c.skipBanner();
            c.send("A1 FIND {10}\r\n");
            assertEquals("+ go ahead", c.line());
            c.send("user.alice\r\n");
            assertEquals("A1 BAD \"Please login first\"", c.line());
        }
    }

    @Test
    void connectionsBeyondTheLimitGetBye() throws Exception {
        int max = Integer.getInteger("murder.connections.max", 40);
        List<RawLineClient> open = new ArrayList<>();
        try {
            boolean refused = false;
            for (int i = 0; i < max + 5 && !refused; i++) {
                RawLineClient c = new RawLineClient(MurderNode.HOST, MurderNode.mupdatePort());
                open.add(c);
                String first = c.line();
                if (first != null && first.startsWith("* BYE")) {
                    refused = true;
                    assertTrue(c.closedByServer());
                    assertTrue(i >= max - 10, "refused only near the limit, at connection " + i);
                } else {
                    c.skipBanner();
                }
            }
            assertTrue(refused, "a connection beyond " + max + " is refused with BYE");
        } finally {
            for (RawLineClient c : open) {
                c.close();
            }
        }
        Thread.sleep(500);
        try (MupdateClient c = MurderNode.admin()) {
            ok(c.noop()); // capacity comes back when clients leave
        }
    }

    /**
     * Issue 11: allowplaintext per service, as Cyrus's service-prefixed options: this node has TLS material,
     * {@code allowplaintext} off and {@code mupdate_allowplaintext: yes} (its Cyrus peers log in to the master with
     * PLAIN; Cyrus's MUPDATE clients do not negotiate TLS). MUPDATE takes PLAIN in the clear, IMAP on the same node
     * does not. The refusal itself is PlaintextPolicyTest's and, over the wire, LmtpDeliveryIT's and ImapClientsIT's.
     */
    @Test
    void plaintextIsAllowedPerServiceAsCyrusServicePrefixesDo() throws Exception {
        try (MupdateClient c = MurderNode.connect()) {
            MupdateClient.Banner banner = c.greeting();
            assertEquals(List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN"), banner.authMechanisms(), banner::toString);
            ok(c.authenticatePlain(MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD));
            ok(c.list().completion());
        }
        try (java.net.Socket imap = new java.net.Socket(MurderNode.HOST, MurderNode.imapPort())) {
            imap.setSoTimeout(10_000);
            String greeting = new java.io.BufferedReader(new java.io.InputStreamReader(imap.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            assertTrue(greeting.contains("LOGINDISABLED") && !greeting.contains("AUTH=PLAIN"), greeting);
        }
    }

    @Test
    void startTlsThenAuthenticateUnderTls() throws Exception {
        try (MupdateClient c = MurderNode.connect()) {
            MupdateClient.Banner again = c.startTls(MurderNode.trustAll());
            assertFalse(again.has("STARTTLS"), "no STARTTLS offered once TLS is on");
            ok(c.authenticatePlain(MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD));
            ok(c.list().completion());
            Completion second = (Completion) last(c.command("STARTTLS"));
            assertEquals(Status.BAD, second.status());
        }
    }

    private static MupdateResponse last(List<MupdateResponse> responses) {
        return responses.get(responses.size() - 1);
    }
}
