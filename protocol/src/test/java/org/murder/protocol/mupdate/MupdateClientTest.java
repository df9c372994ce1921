package org.murder.protocol.mupdate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.protocol.testing.ScriptedServer.expect;
import static org.murder.protocol.testing.ScriptedServer.send;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import javax.security.sasl.SaslException;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.murder.protocol.mupdate.MupdateResponse.Status;
import org.murder.protocol.sasl.SaslExchange;
import org.murder.protocol.sasl.SaslMechanisms;
import org.murder.protocol.sasl.ScramCredentials;
import org.murder.protocol.sasl.ScramKeys;
import org.murder.protocol.testing.SaslPeer;
import org.murder.protocol.testing.ScriptedServer;
import org.murder.protocol.testing.ScriptedServer.Step;
import org.murder.protocol.testing.Transcripts;

/** The client against scripted servers replaying the Cyrus captures: what it sends must be what Cyrus sent. */
class MupdateClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Location DEFAULT_11 = new Location("127.0.0.11", "default");
    private static final String ALICE_ACL = "alice\tlrswipkxtecdan\tmurder\tlrswipkxtecda\t";
    private static final String BANNER = "* AUTH \"PLAIN\" \"LOGIN\"\r\n* COMPRESS \"DEFLATE\"\r\n* PARTIAL-UPDATE\r\n"
            + "* OK MUPDATE \"127.0.0.13\" \"Cyrus IMAP\" \"3.6.1-Debian-3.6.1-4+deb12u5\" \"(master)\"\r\n";
    private static final String AUTH_PLAIN =
            "A01 AUTHENTICATE \"PLAIN\" {40+}\r\nbXVyZGVyAG11cmRlcgBtdXJkZXItRkFLRS1wdw==\r\n";

    private static MupdateClient connect(ScriptedServer server) throws IOException {
        return new MupdateClient("127.0.0.1", server.port(), TIMEOUT);
    }

    private static MupdateResponse.Completion ok(String tag, String text) {
        return new MupdateResponse.Completion(tag, Status.OK, text);
    }

    @Test
    void createAsABackendDoesIt() throws Exception {
        var capture = Transcripts.connection("b_backend_to_master_create_delete.txt", "34366");
        try (ScriptedServer server = new ScriptedServer(ScriptedServer.fromTranscript(capture, Map.of()));
             MupdateClient client = connect(server)) {
            MupdateClient.Banner banner = client.greeting();
            assertTrue(banner.greeting().master());
            assertEquals(List.of("PLAIN", "LOGIN"), banner.authMechanisms());
            assertTrue(banner.has("PARTIAL-UPDATE"));
            assertFalse(banner.has("STARTTLS"));
            assertEquals(ok("A01", "Authenticated"), client.authenticatePlain("murder", "murder", "murder-FAKE-pw"));
            assertEquals(ok("X0", "done"), client.reserve("user.alice.Live2", DEFAULT_11));
            assertEquals(ok("X1", "done"), client.activate("user.alice.Live2", DEFAULT_11, ALICE_ACL));
            assertEquals(ok("Q01", "bye-bye"), client.logout());
            server.verify();
        }
    }

    @Test
    void deleteAsABackendDoesIt() throws Exception {
        var capture = Transcripts.connection("b_backend_to_master_create_delete.txt", "35232");
        Location noPartition = new Location("127.0.0.11", "");
        try (ScriptedServer server = new ScriptedServer(ScriptedServer.fromTranscript(capture, Map.of()));
             MupdateClient client = connect(server)) {
            client.authenticatePlain("murder", "murder", "murder-FAKE-pw");
            assertEquals(ok("X0", "done"), client.delete("user.alice.Live2"));
            assertEquals(ok("X1", "done"), client.reserve("DELETED.user.alice.Live2.6B03FD40", noPartition));
            assertEquals(ok("X2", "done"), client.activate("DELETED.user.alice.Live2.6B03FD40", noPartition,
                    "alice\tlrswipkxtecdan\tmurder\tlrswipkxtecda\tbob\tlrs\tcyrus\txc\t"));
            client.logout();
            server.verify();
        }
    }

    @Test
    void listOfOneServerAsCtlMboxlistDoesIt() throws Exception {
        var capture = Transcripts.connection("b_backend_to_master_create_delete.txt", "34346");
        try (ScriptedServer server = new ScriptedServer(ScriptedServer.fromTranscript(capture, Map.of()));
             MupdateClient client = connect(server)) {
            client.authenticatePlain("murder", "murder", "murder-FAKE-pw");
            MupdateClient.Reply list = client.list("127.0.0.11!");
            assertEquals(ok("X0", "list complete"), list.completion());
            assertEquals(6, list.data().size());
            assertEquals(new MupdateResponse.MailboxData("X0", "user.alice", DEFAULT_11, ALICE_ACL), list.data().get(2));
            client.activate("DELETED.user.alice.Live.6B03FCF2", DEFAULT_11,
                    "alice\tlrswipkxtecdan\tmurder\tlrswipkxtecda\tbob\tlrs\tcyrus\txc\t");
            client.activate("DELETED.user.alice.Live2.6B03FCF2", DEFAULT_11,
                    "alice\tlrswipkxtecdan\tmurder\tlrswipkxtecda\tbob\tlrs\tcyrus\txc\t");
            client.logout();
            server.verify();
        }
    }

    @Test
    void updateStreamAsASlaveSeesIt() throws Exception {
        var capture = Transcripts.connection("c_slave_update_stream.txt", "34364");
        List<Step> script = new ArrayList<>(ScriptedServer.fromTranscript(capture, Map.of()));
        int streamingStarts = indexOfSend(script, "U01 OK \"streaming starts\"");
        script.add(streamingStarts + 1, new ScriptedServer.Pause(300));
        try (ScriptedServer server = new ScriptedServer(script); MupdateClient client = connect(server)) {
            client.authenticatePlain("murder", "murder", "murder-FAKE-pw");
            MupdateClient.Reply dump = client.startUpdate(List.of());
            assertEquals(ok("U01", "streaming starts"), dump.completion());
            assertEquals(11, dump.data().size());
            List<MupdateResponse> streamed = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                streamed.add(client.nextStreamed(TIMEOUT));
            }
            assertEquals(new MupdateResponse.DeleteData("U01", "user.alice.Live2"), streamed.get(3));
            assertEquals(new MupdateResponse.MailboxData("U01", "user.alice.Live2", DEFAULT_11,
                    "alice\tlrswipkxtecdan\tmurder\tlrswipkxtecda\tbob\tlrs\t"), streamed.get(2));
            assertInstanceOf(MupdateResponse.MailboxData.class, streamed.get(6));
            assertThrows(SocketTimeoutException.class, () -> client.nextStreamed(Duration.ofMillis(200)));
            server.verify();
        }
    }

    @Test
    void noopWhileStreamingIsABarrier() throws Exception {
        List<Step> script = List.of(send(BANNER), expect(AUTH_PLAIN), send("A01 OK \"Authenticated\"\r\n"),
                expect("U01 UPDATE {10+}\r\n127.0.0.11\r\n"), send("U01 OK \"streaming starts\"\r\n"),
                expect("X0 NOOP\r\n"), send("U01 DELETE {5+}\r\nuser1\r\nU01 DELETE {5+}\r\nuser2\r\nX0 OK \"Noop done\"\r\n"),
                expect("Q01 LOGOUT\r\n"), send("Q01 OK \"bye-bye\"\r\n"));
        try (ScriptedServer server = new ScriptedServer(script); MupdateClient client = connect(server)) {
            client.authenticatePlain("murder", "murder", "murder-FAKE-pw");
            assertTrue(client.startUpdate(List.of("127.0.0.11")).data().isEmpty());
            assertEquals(ok("X0", "Noop done"), client.noop());
            // already read when NOOP's OK came: no waiting
            assertEquals(new MupdateResponse.DeleteData("U01", "user1"), client.nextStreamed(Duration.ZERO));
            assertEquals(new MupdateResponse.DeleteData("U01", "user2"), client.nextStreamed(Duration.ZERO));
            client.logout();
            server.verify();
        }
    }

    @Test
    void loginExchangeAsInTheCapture() throws Exception {
        var capture = Transcripts.connection("a2_mupdate_master_unauth_nonadmin.txt", "60888");
        try (ScriptedServer server = new ScriptedServer(ScriptedServer.fromTranscript(capture, Map.of("L01", "Q01")));
             MupdateClient client = connect(server)) {
            assertEquals(ok("A01", "Authenticated"), client.authenticateLogin("murder", "murder-FAKE-pw"));
            client.logout();
            server.verify();
        }
    }

    @Test
    void refusedLoginAndCommandsBeforeLoginAreReturnedNotThrown() throws Exception {
        // as in a2 (60882), without the capture's pipelining: our client waits for each answer
        List<Step> script = List.of(send(BANNER), expect("A01 AUTHENTICATE \"PLAIN\" {28+}\r\nAGFsaWNlAGFsaWNlLUZBS0UtcHc=\r\n"),
                send("A01 NO \"undefined error!\"\r\n"), expect("X0 LIST\r\n"), send("X0 BAD \"Please login first\"\r\n"),
                expect("Q01 LOGOUT\r\n"), send("Q01 OK \"bye-bye\"\r\n"));
        try (ScriptedServer server = new ScriptedServer(script); MupdateClient client = connect(server)) {
            assertEquals(new MupdateResponse.Completion("A01", Status.NO, "undefined error!"),
                    client.authenticatePlain("alice", "alice-FAKE-pw"));
            MupdateClient.Reply list = client.list();
            assertEquals(new MupdateResponse.Completion("X0", Status.BAD, "Please login first"), list.completion());
            assertFalse(list.ok());
            assertEquals(ok("Q01", "bye-bye"), client.logout());
            server.verify();
        }
    }

    @Test
    void saslChallengesBeyondTheAnswersAreCancelled() throws Exception {
        List<Step> script = List.of(send(BANNER), expect("A01 AUTHENTICATE \"LOGIN\"\r\n"), send("VXNlcm5hbWU6\r\n"),
                expect("dQ==\r\n"), send("UGFzc3dvcmQ6\r\n"), expect("cA==\r\n"), send("UGFzc3dvcmQ6\r\n"),
                expect("*\r\n"), send("A01 NO Client canceled authentication\r\n"));
        try (ScriptedServer server = new ScriptedServer(script); MupdateClient client = connect(server)) {
            SaslException e = assertThrows(SaslException.class, () -> client.authenticateLogin("u", "p"));
            assertTrue(e.getMessage().endsWith("the server answered NO Client canceled authentication"), e.getMessage());
            server.verify();
        }
    }

    // --- SCRAM against our own server side, whose nonces no script knows

    private static final String SCRAM_BANNER = "* AUTH \"SCRAM-SHA-256\" \"SCRAM-SHA-1\" \"PLAIN\"\r\n"
            + "* OK MUPDATE \"master\" \"Murder\" \"test\" \"(master)\"";

    private static SaslPeer.Dialect mupdate(UnaryOperator<String> challenge) {
        return new SaslPeer.Dialect(SCRAM_BANNER, Pattern.compile("A01 AUTHENTICATE \"([A-Z0-9-]+)\"(?: (\\S+))?"),
                challenge, step -> step instanceof SaslExchange.Success ? "A01 OK \"Authenticated\"" : "A01 NO \"no\"",
                line -> line.startsWith("Q01 ") ? "Q01 OK \"bye-bye\"" : "* BAD \"unexpected\"");
    }

    private static SaslExchange proxyServer(String mechanism) {
        ScramCredentials keys = (user, hash) -> Optional.of(
                ScramKeys.derive(hash, "murder-FAKE-pw".toCharArray(), "salt".getBytes(), 4096));
        return new SaslExchange(SaslMechanisms.server(mechanism, (u, p) -> false, keys).orElseThrow(),
                (authn, authz) -> authn.equals("murder"));
    }

    @Test
    void theStrongestOfferedMechanismLogsInAsProxy() throws Exception {
        try (SaslPeer peer = new SaslPeer(mupdate(UnaryOperator.identity()), MupdateClientTest::proxyServer);
             MupdateClient client = new MupdateClient("127.0.0.1", peer.port(), TIMEOUT)) {
            assertEquals(ok("A01", "Authenticated"), client.authenticate("murder", "murder-FAKE-pw", "alice"));
            client.logout();
            assertEquals(new SaslExchange.Success("murder", "alice"), peer.outcome());
            assertTrue(peer.received().get(0).startsWith("A01 AUTHENTICATE \"SCRAM-SHA-256\" {"), peer.received().get(0));
        }
    }

    @Test
    void aForgedServerSignatureIsCancelledAndThrown() throws Exception {
        UnaryOperator<String> forge = b64 -> {
            String text = new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
            return text.startsWith("v=") ? Base64.getEncoder().encodeToString("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".getBytes())
                    : b64;
        };
        try (SaslPeer peer = new SaslPeer(mupdate(forge), MupdateClientTest::proxyServer);
             MupdateClient client = new MupdateClient("127.0.0.1", peer.port(), TIMEOUT)) {
            SaslException e = assertThrows(SaslException.class, () -> client.authenticate("murder", "murder-FAKE-pw", ""));
            assertTrue(e.getMessage().contains("server signature does not verify"), e.getMessage());
            client.close();
            assertInstanceOf(SaslExchange.Failure.class, peer.outcome(), "we cancelled: the server never logged us in");
            assertEquals("*", peer.received().get(peer.received().size() - 1));
        }
    }

    @Test
    void noMechanismInCommonIsThrownBeforeAnythingIsSent() throws Exception {
        List<Step> script = List.of(send("* AUTH \"GSSAPI\"\r\n* OK MUPDATE \"m\" \"x\" \"y\" \"(master)\"\r\n"));
        try (ScriptedServer server = new ScriptedServer(script); MupdateClient client = connect(server)) {
            SaslException e = assertThrows(SaslException.class, () -> client.authenticate("murder", "pw", "alice"));
            assertTrue(e.getMessage().startsWith("no SASL mechanism in common"), e.getMessage());
            server.verify();
        }
    }

    @Test
    void rawCommandAndFind() throws Exception {
        List<Step> script = List.of(send(BANNER), expect(AUTH_PLAIN), send("A01 OK \"Authenticated\"\r\n"),
                expect("X0 FIND \"user.alice\"\r\n"),
                send("X0 MAILBOX {10+}\r\nuser.alice {18+}\r\n127.0.0.11!default {42+}\r\n" + ALICE_ACL + "\r\n"
                        + "X0 OK \"Search completed\"\r\n"),
                expect("X1 FIND {11+}\r\nuser.nosuch\r\n"), send("X1 OK \"Search completed\"\r\n"),
                expect("X2 FIND {8+}\r\nuser.bob\r\n"),
                send("X2 RESERVE {8+}\r\nuser.bob {18+}\r\n127.0.0.12!default\r\nX2 OK \"Search completed\"\r\n"));
        try (ScriptedServer server = new ScriptedServer(script); MupdateClient client = connect(server)) {
            client.authenticatePlain("murder", "murder", "murder-FAKE-pw");
            List<MupdateResponse> raw = client.command("FIND \"user.alice\"");
            assertEquals(List.of(new MupdateResponse.MailboxData("X0", "user.alice", DEFAULT_11, ALICE_ACL),
                    ok("X0", "Search completed")), raw);
            MupdateClient.Reply none = client.find("user.nosuch");
            assertTrue(none.ok());
            assertTrue(none.data().isEmpty());
            assertEquals(List.of(new MupdateResponse.ReserveData("X2", "user.bob", new Location("127.0.0.12", "default"))),
                    client.find("user.bob").data());
            server.verify();
        }
    }

    @Test
    void byeInsteadOfABannerFailsTheGreeting() throws Exception {
        try (ScriptedServer server = new ScriptedServer(List.of(send("* BYE \"Server Unable\"\r\n")));
             MupdateClient client = connect(server)) {
            IOException e = assertThrows(IOException.class, client::greeting);
            assertTrue(e.getMessage().contains("Server Unable"), e.getMessage());
        }
    }

    @Test
    void garbageFromTheServerIsAnIOException() throws Exception {
        try (ScriptedServer server = new ScriptedServer(List.of(send(BANNER), expect("X0 NOOP\r\n"),
                send("X0 WHATEVER this is\r\n")));
             MupdateClient client = connect(server)) {
            IOException e = assertThrows(IOException.class, client::noop);
            assertInstanceOf(MupdateProtocolException.class, e.getCause());
        }
    }

    @Test
    void serverClosingMidCommandIsAnEofException() throws Exception {
        try (ScriptedServer server = new ScriptedServer(List.of(send(BANNER), expect("X0 NOOP\r\n"),
                new ScriptedServer.Close()));
             MupdateClient client = connect(server)) {
            assertThrows(EOFException.class, client::noop);
            server.verify();
        }
    }

    // --- STARTTLS over a real handshake

    @TempDir
    static Path tmp;
    private static SSLContext serverTls;
    private static SSLContext clientTls;

    private static SSLContext wrongNameServerTls;

    @BeforeAll
    static void makeCertificates() throws Exception {
        KeyStore ks = keystore("mupdate", "SAN=ip:127.0.0.1,dns:localhost");
        serverTls = serverContext(ks);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("mupdate", ks.getCertificate("mupdate"));
        KeyStore other = keystore("other", "SAN=dns:master.example");
        trusted.setCertificateEntry("other", other.getCertificate("other"));
        tmf.init(trusted);
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);
        wrongNameServerTls = serverContext(other);
    }

    /** A self-signed EC key made by the JDK's keytool (the JDK has no public API for certificates). */
    private static KeyStore keystore(String alias, String san) throws Exception {
        Path file = tmp.resolve(alias + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", alias, "-dname", "CN=" + alias,
                "-ext", san, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertEquals(0, keytool.waitFor(), output);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, "changeit".toCharArray());
        }
        return ks;
    }

    private static SSLContext serverContext(KeyStore ks) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    @Test
    void startTlsThenAuthenticateUnderTls() throws Exception {
        String plainBanner = "* AUTH\r\n* STARTTLS\r\n* COMPRESS \"DEFLATE\"\r\n* PARTIAL-UPDATE\r\n"
                + "* OK MUPDATE \"m\" \"Cyrus IMAP\" \"3.6.1\" \"(master)\"\r\n";
        List<Step> script = List.of(send(plainBanner), expect("S01 STARTTLS\r\n"),
                send("S01 OK Begin TLS negotiation now\r\n"), new ScriptedServer.StartTls(serverTls), send(BANNER),
                expect(AUTH_PLAIN), send("A01 OK \"Authenticated\"\r\n"));
        try (ScriptedServer server = new ScriptedServer(script);
             MupdateClient client = new MupdateClient("127.0.0.1", server.port(), TIMEOUT, clientTls.getSocketFactory())) {
            assertTrue(client.greeting().has("STARTTLS"));
            assertTrue(client.greeting().authMechanisms().isEmpty());
            MupdateClient.Banner underTls = client.startTls();
            assertEquals(List.of("PLAIN", "LOGIN"), underTls.authMechanisms());
            assertEquals(underTls, client.greeting());
            assertEquals(ok("A01", "Authenticated"), client.authenticatePlain("murder", "murder", "murder-FAKE-pw"));
            server.verify();
        }
    }

    @Test
    void startTlsChecksTheServerName() throws Exception {
        // a trusted certificate, but for another name than the one we connected to
        List<Step> script = List.of(send(BANNER), expect("S01 STARTTLS\r\n"),
                send("S01 OK Begin TLS negotiation now\r\n"), new ScriptedServer.StartTls(wrongNameServerTls));
        try (ScriptedServer server = new ScriptedServer(script);
             MupdateClient client = new MupdateClient("127.0.0.1", server.port(), TIMEOUT)) {
            assertThrows(SSLHandshakeException.class, () -> client.startTls(clientTls.getSocketFactory()));
        }
    }

    @Test
    void startTlsRefusedIsAnIOException() throws Exception {
        List<Step> script = List.of(send(BANNER), expect("S01 STARTTLS\r\n"),
                send("S01 BAD \"Can't Starttls after authentication\"\r\n"));
        try (ScriptedServer server = new ScriptedServer(script);
             MupdateClient client = new MupdateClient("127.0.0.1", server.port(), TIMEOUT, clientTls.getSocketFactory())) {
            IOException e = assertThrows(IOException.class, client::startTls);
            assertTrue(e.getMessage().contains("Can't Starttls"), e.getMessage());
            server.verify();
        }
    }

    @Test
    void startTlsWithoutAFactoryIsAProgrammingError() throws Exception {
        try (ScriptedServer server = new ScriptedServer(List.of(send(BANNER)));
             MupdateClient client = connect(server)) {
            assertThrows(IllegalStateException.class, client::startTls);
        }
    }

    private static int indexOfSend(List<Step> script, String line) {
        for (int i = 0; i < script.size(); i++) {
            if (script.get(i) instanceof ScriptedServer.Send s && new String(s.bytes()).startsWith(line)) {
                return i;
            }
        }
        throw new IllegalArgumentException(line);
    }
}
