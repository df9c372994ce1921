package org.murder.protocol.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.protocol.lmtp.LmtpCaptures.ascii;
import static org.murder.protocol.testing.ScriptedServer.expect;
import static org.murder.protocol.testing.ScriptedServer.send;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocketFactory;
import javax.security.sasl.SaslException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.murder.protocol.lmtp.LmtpCommand.Mail;
import org.murder.protocol.lmtp.LmtpCommand.Rcpt;
import org.murder.protocol.sasl.SaslExchange;
import org.murder.protocol.sasl.SaslMechanisms;
import org.murder.protocol.sasl.ScramCredentials;
import org.murder.protocol.sasl.ScramKeys;
import org.murder.protocol.testing.SaslPeer;
import org.murder.protocol.testing.ScriptedServer;
import org.murder.protocol.testing.ScriptedServer.Step;
import org.murder.protocol.testing.Transcripts;
import org.murder.protocol.testing.Transcripts.Connection;
import org.murder.protocol.testing.Transcripts.Direction;
import org.murder.protocol.testing.Transcripts.Line;

/** The client against scripted servers replaying the Cyrus captures: what it sends must be what was sent there. */
class LmtpClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String GREETING = "220 127.0.0.11 Cyrus LMTP 3.6.1 server ready\r\n";
    private static final String LHLO_REPLY = "250-127.0.0.11\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n"
            + "250-SIZE\r\n250-AUTH PLAIN LOGIN\r\n250-IGNOREQUOTA\r\n250 Ok SESSIONID=<s0>\r\n";
    private static final String LHLO_REPLY_NO_PIPELINING = "250-127.0.0.11\r\n250-8BITMIME\r\n250 SIZE 1000\r\n";
    private static final Mail FROM_TESTER = Mail.of(ReversePath.of(Address.of("tester", "example.test")));

    private static LmtpClient connect(ScriptedServer server) throws IOException {
        return new LmtpClient("127.0.0.1", server.port(), TIMEOUT);
    }

    private static Rcpt rcpt(String local) {
        return Rcpt.of(ForwardPath.of(Address.local(local)));
    }

    private static Mail mail(ReversePath from, String... keyValues) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return new Mail(from, params);
    }

    private static ByteArrayInputStream message(String text) {
        return new ByteArrayInputStream(ascii(text));
    }

    /**
     * The capture as a script: server lines are sent, client lines expected, command lines in our canonical
     * form (the capture's MTA wrote "mail FROM:"), message lines as they were; up to {@code transactions}
     * MAIL commands.
     */
    private static List<Step> script(Connection c, int transactions) {
        List<Step> steps = new ArrayList<>();
        boolean inData = false;
        int mails = 0;
        for (Line line : c.lines()) {
            String text = line.text();
            if (line.direction() == Direction.SERVER) {
                steps.add(send(text + "\r\n"));
            } else if (inData) {
                steps.add(expect(text + "\r\n"));
                inData = !text.equals(".");
            } else {
                LmtpCommand command = ((LmtpParseResult.Parsed) LmtpCommandParser.parse(text)).command();
                if (command instanceof Mail && ++mails > transactions) {
                    break;
                }
                steps.add(expect(LmtpCommandEncoder.line(command) + "\r\n"));
                inData = command instanceof LmtpCommand.Data;
            }
        }
        return steps;
    }

    private static String messageOf(Connection c, int index) {
        return LmtpCaptures.clientParts(c).stream().filter(p -> p instanceof LmtpCaptures.Message)
                .map(p -> ((LmtpCaptures.Message) p).text()).toList().get(index);
    }

    @Test
    void proxyLegAsCyrusLmtpproxydSendsIt() throws Exception {
        // byte for byte: the frontend-to-backend leg needs no canonicalisation
        Connection capture = Transcripts.connection("e_lmtp_via_frontend.txt", "41444");
        try (ScriptedServer server = new ScriptedServer(ScriptedServer.fromTranscript(capture, Map.of()));
             LmtpClient client = connect(server)) {
            assertEquals(220, client.greeting().code());
            LmtpReply lhlo = client.lhlo("lmtpproxyd");
            assertTrue(lhlo.positive());
            assertTrue(client.offers("PIPELINING"));
            assertTrue(client.offers("ignorequota"));
            assertFalse(client.offers("STARTTLS"));
            assertEquals(List.of("PLAIN", "LOGIN"), client.authMechanisms());
            assertEquals(LmtpReply.plain(235, "Authenticated!"), client.authPlain("murder", "murder-FAKE-pw"));
            assertEquals(LmtpReply.of(250, "2.0.0", "Ok SESSIONID=<cyrus-be2-1795423579-16368-3-12975233387219147143>"),
                    client.rset());
            LmtpClient.Delivery delivery = client.deliver(mail(ReversePath.of(Address.of("tester", "example.test")),
                    "AUTH", "<>"), List.of(Rcpt.of(ForwardPath.of(Address.of("carol", "internal")))),
                    message(messageOf(capture, 0)));
            assertEquals(LmtpReply.of(250, "2.1.0", "ok"), delivery.mail());
            assertEquals(List.of(LmtpReply.of(250, "2.1.5", "ok")), delivery.recipients());
            assertEquals(Optional.of(LmtpReply.plain(354, "go ahead")), delivery.data());
            assertEquals(List.of(LmtpReply.of(250, "2.1.5",
                    "Success SESSIONID=<cyrus-be2-1795423579-16368-3-12975233387219147143>")), delivery.outcomes());
            server.verify();
        }
    }

    @Test
    void mtaSessionWithAnUnknownRecipientGetsOneOutcomePerRecipient() throws Exception {
        Connection capture = Transcripts.connection("e_lmtp_via_frontend.txt", "42496");
        try (ScriptedServer server = new ScriptedServer(script(capture, 1)); LmtpClient client = connect(server)) {
            client.lhlo("client.example.test");
            assertTrue(client.authPlain("cyrus", "cyrus-FAKE-pw").positive());
            LmtpClient.Delivery delivery = client.deliver(
                    mail(ReversePath.of(Address.of("tester", "example.test")), "SIZE", "203"),
                    List.of(rcpt("alice"), rcpt("carol"), rcpt("nosuchuser")), message(messageOf(capture, 0)));
            String success = "Success SESSIONID=<cyrus-fe-1795423579-16258-1-17240097077995348429>";
            LmtpReply unknown = new LmtpReply(550, Optional.of("5.1.1"), List.of(
                    "Mailbox unknown.  Either there is no mailbox associated with this",
                    "name or you do not have authorization to see it.", "User unknown"));
            assertEquals(List.of(LmtpReply.of(250, "2.1.5", success), LmtpReply.of(250, "2.1.5", success), unknown),
                    delivery.outcomes());
            assertEquals(unknown, delivery.recipients().get(2));
            assertEquals(LmtpReply.of(221, "2.0.0", "bye"), client.quit());
            server.verify();
        }
    }

    @Test
    void benchSessionOfNineTransactionsOnOneConnection() throws Exception {
        Connection capture = Transcripts.connection("g_lmtp_proxy_latency_single_client.txt", "32910");
        try (ScriptedServer server = new ScriptedServer(script(capture, 9)); LmtpClient client = connect(server)) {
            client.lhlo("bench");
            client.authPlain("cyrus", "cyrus-FAKE-pw");
            for (int i = 0; i < 9; i++) {
                LmtpClient.Delivery delivery = client.deliver(
                        mail(ReversePath.of(Address.of("bench", "example.test")), "SIZE", "4066"),
                        List.of(rcpt("alice")), message(messageOf(capture, i)));
                assertTrue(delivery.outcomes().get(0).positive(), delivery.toString());
            }
            server.verify();
        }
    }

    @Test
    void mailAndRecipientsArePipelinedWhenOffered() throws Exception {
        // the server answers only once it has MAIL and both RCPTs: a client waiting after MAIL would time out
        List<Step> script = List.of(send(GREETING), expect("LHLO x\r\n"), send(LHLO_REPLY),
                expect("MAIL FROM:<tester@example.test>\r\nRCPT TO:<a>\r\nRCPT TO:<b> IGNOREQUOTA\r\n"),
                send("250 2.1.0 ok\r\n250 2.1.5 ok\r\n452 4.2.2 Over quota\r\n"),
                expect("DATA\r\n"), send("354 go ahead\r\n"), expect("hi\r\n.\r\n"),
                send("250 2.1.5 Success SESSIONID=<s1>\r\n"));
        try (ScriptedServer server = new ScriptedServer(script); LmtpClient client = connect(server)) {
            client.lhlo("x");
            LmtpClient.Delivery d = client.deliver(FROM_TESTER,
                    List.of(rcpt("a"), new Rcpt(ForwardPath.of(Address.local("b")), Map.of("IGNOREQUOTA", ""))),
                    message("hi"));
            assertEquals(List.of(LmtpReply.of(250, "2.1.5", "Success SESSIONID=<s1>"), LmtpReply.of(452, "4.2.2", "Over quota")),
                    d.outcomes());
            server.verify();
        }
    }

    @Test
    void refusedMailInAPipelineRefusesEveryRecipientAndKeepsInStep() throws Exception {
        List<Step> script = List.of(send(GREETING), expect("LHLO x\r\n"), send(LHLO_REPLY),
                expect("MAIL FROM:<tester@example.test>\r\nRCPT TO:<a>\r\nRCPT TO:<b>\r\n"),
                send("430 4.7.0 Authentication required\r\n503 5.5.1 Need MAIL command\r\n503 5.5.1 Need MAIL command\r\n"),
                expect("NOOP\r\n"), send("250 2.0.0 ok\r\n"));
        try (ScriptedServer server = new ScriptedServer(script); LmtpClient client = connect(server)) {
            client.lhlo("x");
            LmtpClient.Delivery d = client.deliver(FROM_TESTER, List.of(rcpt("a"), rcpt("b")), message("never sent"));
            LmtpReply refusal = LmtpReply.of(430, "4.7.0", "Authentication required");
            assertEquals(List.of(refusal, refusal), d.outcomes());
            assertEquals(2, d.recipients().size());
            assertEquals(Optional.empty(), d.data());
            assertEquals(LmtpReply.of(250, "2.0.0", "ok"), client.noop());
            server.verify();
        }
    }

    @Test
    void withoutPipeliningOneCommandAtATimeAndNoRcptAfterARefusedMail() throws Exception {
        List<Step> script = List.of(send(GREETING), expect("LHLO x\r\n"), send(LHLO_REPLY_NO_PIPELINING),
                expect("MAIL FROM:<tester@example.test> SIZE=5000\r\n"),
                send("552 5.3.4 Message SIZE exceeds fixed maximum message size (1000)\r\n"),
                expect("MAIL FROM:<tester@example.test> SIZE=10\r\n"), send("250 2.1.0 ok\r\n"),
                expect("RCPT TO:<a>\r\n"), send("250 2.1.5 ok\r\n"),
                expect("RCPT TO:<b>\r\n"), send("550 5.1.1 User unknown\r\n"),
                expect("DATA\r\n"), send("354 go ahead\r\n"), expect("0123456789\r\n.\r\n"),
                send("250 2.1.5 Ok\r\n"), expect("QUIT\r\n"), send("221 2.0.0 bye\r\n"));
        try (ScriptedServer server = new ScriptedServer(script); LmtpClient client = connect(server)) {
            client.lhlo("x");
            assertFalse(client.offers("PIPELINING"));
            assertEquals(List.of("8BITMIME", "SIZE 1000"), client.capabilities());
            LmtpClient.Delivery refused = client.deliver(mail(FROM_TESTER.from(), "SIZE", "5000"), List.of(rcpt("a")),
                    message("x"));
            assertEquals(552, refused.outcomes().get(0).code());
            assertTrue(refused.recipients().isEmpty());
            LmtpClient.Delivery d = client.deliver(mail(FROM_TESTER.from(), "SIZE", "10"), List.of(rcpt("a"), rcpt("b")),
                    message("0123456789"));
            assertEquals(List.of(LmtpReply.of(250, "2.1.5", "Ok"), LmtpReply.of(550, "5.1.1", "User unknown")), d.outcomes());
            client.quit();
            server.verify();
        }
    }

    @Test
    void noAcceptedRecipientMeansNoData() throws Exception {
        List<Step> script = List.of(send(GREETING), expect("LHLO x\r\n"), send(LHLO_REPLY),
                expect("MAIL FROM:<>\r\nRCPT TO:<a>\r\n"), send("250 2.1.0 ok\r\n550 5.1.1 User unknown\r\n"),
                expect("RSET\r\n"), send("250 2.0.0 Ok\r\n"));
        try (ScriptedServer server = new ScriptedServer(script); LmtpClient client = connect(server)) {
            client.lhlo("x");
            LmtpClient.Delivery d = client.deliver(Mail.of(ReversePath.NULL), List.of(rcpt("a")), message("x"));
            assertEquals(List.of(LmtpReply.of(550, "5.1.1", "User unknown")), d.outcomes());
            assertEquals(Optional.empty(), d.data());
            client.rset();
            server.verify();
        }
    }

    @Test
    void refusedDataIsEveryAcceptedRecipientsOutcome() throws Exception {
        List<Step> script = List.of(send(GREETING), expect("LHLO x\r\n"), send(LHLO_REPLY),
                expect("MAIL FROM:<>\r\nRCPT TO:<a>\r\nRCPT TO:<b>\r\n"),
                send("250 2.1.0 ok\r\n250 2.1.5 ok\r\n550 5.1.1 User unknown\r\n"),
                expect("DATA\r\n"), send("451 4.3.1 cannot create temporary file: No space left on device\r\n"));
        try (ScriptedServer server = new ScriptedServer(script); LmtpClient client = connect(server)) {
            client.lhlo("x");
            LmtpClient.Delivery d = client.deliver(Mail.of(ReversePath.NULL), List.of(rcpt("a"), rcpt("b")), message("x"));
            LmtpReply full = LmtpReply.of(451, "4.3.1", "cannot create temporary file: No space left on device");
            assertEquals(Optional.of(full), d.data());
            assertEquals(List.of(full, LmtpReply.of(550, "5.1.1", "User unknown")), d.outcomes());
            server.verify();
        }
    }

    @Test
    void theMessageIsDotStuffedWithCrlfLineEnds() throws Exception {
        List<Step> script = List.of(send(GREETING), expect("MAIL FROM:<>\r\n"), send("250 2.1.0 ok\r\n"),
                expect("RCPT TO:<a>\r\n"), send("250 2.1.5 ok\r\n"), expect("RCPT TO:<b>\r\n"), send("250 2.1.5 ok\r\n"),
                expect("DATA\r\n"), send("354 go ahead\r\n"),
                expect("..hidden\r\nline\r\n...\r\n\r\nlast.\r\n.\r\n"),
                send("250 2.1.5 Ok\r\n452 4.2.2 Over quota\r\n"));
        try (ScriptedServer server = new ScriptedServer(script); LmtpClient client = connect(server)) {
            client.mail(Mail.of(ReversePath.NULL));
            client.rcpt(rcpt("a"));
            client.rcpt(rcpt("b"));
            LmtpClient.DataReplies replies = client.data(message(".hidden\nline\n..\n\nlast."));
            assertEquals(354, replies.data().code());
            assertEquals(List.of(LmtpReply.of(250, "2.1.5", "Ok"), LmtpReply.of(452, "4.2.2", "Over quota")),
                    replies.perRecipient());
            server.verify();
        }
    }

    @Test
    void aSaslChallengeAfterPlainIsCancelled() throws Exception {
        List<Step> script = List.of(send(GREETING), expect("AUTH PLAIN AHUAcA==\r\n"), send("334 \r\n"),
                expect("*\r\n"), send("501 5.5.4 client canceled authentication\r\n"));
        try (ScriptedServer server = new ScriptedServer(script); LmtpClient client = connect(server)) {
            SaslException e = assertThrows(SaslException.class, () -> client.authPlain("u", "p"));
            assertTrue(e.getMessage().endsWith("the server answered 501 5.5.4 client canceled authentication"),
                    e.getMessage());
            server.verify();
        }
    }

    // --- SCRAM against our own server side, whose nonces no script knows

    private static SaslPeer.Dialect lmtp(UnaryOperator<String> challenge) {
        return new SaslPeer.Dialect("220 backend LMTP ready", Pattern.compile("AUTH ([A-Z0-9-]+)(?: (\\S+))?"),
                b64 -> "334 " + challenge.apply(b64),
                step -> step instanceof SaslExchange.Success ? "235 2.7.0 Authenticated!" : "535 5.7.8 no",
                line -> line.startsWith("LHLO") ? "250-backend\r\n250-PIPELINING\r\n250 AUTH PLAIN SCRAM-SHA-1" : "500 5.5.1 what");
    }

    private static SaslExchange proxyServer(String mechanism) {
        ScramCredentials keys = (user, hash) -> Optional.of(
                ScramKeys.derive(hash, "cyrus-FAKE-pw".toCharArray(), "salt".getBytes(), 4096));
        return new SaslExchange(SaslMechanisms.server(mechanism, (u, p) -> false, keys).orElseThrow(),
                (authn, authz) -> authn.equals("cyrus"));
    }

    @Test
    void authNegotiatesScramFromLhlo() throws Exception {
        try (SaslPeer peer = new SaslPeer(lmtp(UnaryOperator.identity()), LmtpClientTest::proxyServer);
             LmtpClient client = new LmtpClient("127.0.0.1", peer.port(), TIMEOUT)) {
            client.lhlo("frontend");
            assertEquals(LmtpReply.of(235, "2.7.0", "Authenticated!"), client.auth("cyrus", "cyrus-FAKE-pw", "alice"));
            client.close();
            assertEquals(new SaslExchange.Success("cyrus", "alice"), peer.outcome());
            assertTrue(peer.received().get(1).startsWith("AUTH SCRAM-SHA-1 "), peer.received().get(1));
        }
    }

    @Test
    void aForgedServerSignatureIsCancelledAndThrown() throws Exception {
        UnaryOperator<String> forge = b64 -> new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8)
                .startsWith("v=") ? Base64.getEncoder().encodeToString("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=".getBytes()) : b64;
        try (SaslPeer peer = new SaslPeer(lmtp(forge), LmtpClientTest::proxyServer);
             LmtpClient client = new LmtpClient("127.0.0.1", peer.port(), TIMEOUT)) {
            client.lhlo("frontend");
            SaslException e = assertThrows(SaslException.class, () -> client.auth("cyrus", "cyrus-FAKE-pw", ""));
            assertTrue(e.getMessage().contains("server signature does not verify"), e.getMessage());
            client.close();
            assertInstanceOf(SaslExchange.Failure.class, peer.outcome());
        }
    }

    @Test
    void refusalsAreValues() throws Exception {
        List<Step> script = List.of(send(GREETING), expect("HELO x\r\n"), send("500 5.5.1 Use LHLO in LMTP\r\n"),
                expect("AUTH PLAIN AGEAYg==\r\n"), send("535 5.7.8 Authentication credentials invalid\r\n"));
        try (ScriptedServer server = new ScriptedServer(script); LmtpClient client = connect(server)) {
            assertEquals(LmtpReply.of(500, "5.5.1", "Use LHLO in LMTP"), client.command("HELO x"));
            assertTrue(client.authPlain("a", "b").permanentFailure());
            server.verify();
        }
    }

    @Test
    void aBusyServersGreetingIsAValueToo() throws Exception {
        try (ScriptedServer server = new ScriptedServer(List.of(send("421 4.3.2 shutting down\r\n")));
             LmtpClient client = connect(server)) {
            assertEquals(LmtpReply.of(421, "4.3.2", "shutting down"), client.greeting());
        }
    }

    @Test
    void garbageFromTheServerIsAnIOException() throws Exception {
        try (ScriptedServer server = new ScriptedServer(List.of(send(GREETING), expect("NOOP\r\n"), send("OK fine\r\n")));
             LmtpClient client = connect(server)) {
            IOException e = assertThrows(IOException.class, client::noop);
            assertInstanceOf(LmtpProtocolException.class, e.getCause());
        }
    }

    @Test
    void anEndlessReplyLineIsAnIOException() throws Exception {
        try (ScriptedServer server = new ScriptedServer(List.of(send(GREETING), expect("NOOP\r\n"),
                send("250 " + "x".repeat(70_000) + "\r\n")));
             LmtpClient client = connect(server)) {
            IOException e = assertThrows(IOException.class, client::noop);
            assertTrue(e.getMessage().contains("longer than"), e.getMessage());
        }
    }

    @Test
    void serverClosingMidCommandIsAnEofException() throws Exception {
        try (ScriptedServer server = new ScriptedServer(List.of(send(GREETING), expect("NOOP\r\n"), new ScriptedServer.Close()));
             LmtpClient client = connect(server)) {
            assertThrows(EOFException.class, client::noop);
            server.verify();
        }
    }

    // --- STARTTLS over a real handshake

    @TempDir
    Path tmp;

    @Test
    void startTlsThenLhloAgainUnderTls() throws Exception {
        LoopbackTls tls = new LoopbackTls(tmp);
        List<Step> script = List.of(send(GREETING), expect("LHLO x\r\n"),
                send("250-127.0.0.11\r\n250-PIPELINING\r\n250 STARTTLS\r\n"), expect("STARTTLS\r\n"),
                send("220 2.0.0 Begin TLS negotiation now\r\n"), new ScriptedServer.StartTls(tls.server),
                expect("LHLO x\r\n"), send(LHLO_REPLY), expect("AUTH PLAIN AG11cmRlcgBtdXJkZXItRkFLRS1wdw==\r\n"),
                send("235 2.7.0 Authenticated!\r\n"));
        try (ScriptedServer server = new ScriptedServer(script);
             LmtpClient client = new LmtpClient("127.0.0.1", server.port(), TIMEOUT, tls.client.getSocketFactory())) {
            client.lhlo("x");
            assertTrue(client.offers("STARTTLS"));
            assertEquals(220, client.startTls().code());
            assertTrue(client.capabilities().isEmpty());
            client.lhlo("x");
            assertFalse(client.offers("STARTTLS"));
            assertTrue(client.authPlain("murder", "murder-FAKE-pw").positive());
            server.verify();
        }
    }

    @Test
    void startTlsRefusedIsAnIOException() throws Exception {
        List<Step> script = List.of(send(GREETING), expect("STARTTLS\r\n"),
                send("454 4.3.3 Already successfully executed STARTTLS\r\n"));
        try (ScriptedServer server = new ScriptedServer(script);
             LmtpClient client = new LmtpClient("127.0.0.1", server.port(), TIMEOUT,
                     (SSLSocketFactory) SSLSocketFactory.getDefault())) {
            IOException e = assertThrows(IOException.class, client::startTls);
            assertTrue(e.getMessage().contains("Already successfully"), e.getMessage());
            server.verify();
        }
    }

    @Test
    void startTlsWithoutAFactoryIsAProgrammingError() throws Exception {
        try (ScriptedServer server = new ScriptedServer(List.of(send(GREETING))); LmtpClient client = connect(server)) {
            assertThrows(IllegalStateException.class, client::startTls);
            assertThrows(IllegalArgumentException.class, () -> client.deliver(FROM_TESTER, List.of(), message("")));
        }
    }
}
