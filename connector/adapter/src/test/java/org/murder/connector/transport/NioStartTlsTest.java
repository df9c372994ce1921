package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.murder.connector.api.Connection;
import org.murder.protocol.mupdate.MupdateCommand;
import org.murder.protocol.mupdate.MupdateResponses;

/** STARTTLS over real sockets: a throw-away PKCS#12 made by keytool, a trust-all client. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NioStartTlsTest {

    private static final String GREETING = RecordingEndpoint.GREETING;
    private static final String AFTER_TLS = "* OK MUPDATE \"test\" \"murder\" \"0\" \"(master)\" [tls]";

    @TempDir
    static Path dir;
    static SSLContext serverContext;
    static SSLContext clientContext;

    @BeforeAll
    static void keyStore() throws Exception {
        serverContext = selfSigned(dir);
        clientContext = TlsContexts.trustAll();
    }

    /** A server context with a throw-away self-signed certificate for localhost / 127.0.0.1, made by keytool. */
    static SSLContext selfSigned(Path dir) throws Exception {
        Path ks = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool timed out");
        assertEquals(0, p.exitValue(), "keytool: " + out);
        return TlsContexts.fromKeyStore(ks, "changeit".toCharArray());
    }

    /** Answers STARTTLS with startTls(OK) then the banner again; a second STARTTLS with NO. */
    static RecordingEndpoint tlsEndpoint() {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        endpoint.onCommand = (c, cmd) -> {
            if (cmd instanceof MupdateCommand.StartTls) {
                startTls(c, cmd);
            } else if (cmd instanceof MupdateCommand.ListMailboxes) {
                c.write(NioTransportTest.pattern(0, 1024 * 1024));
                c.write(MupdateResponses.ok(cmd.tag(), "done"));
            } else {
                c.write(MupdateResponses.ok(cmd.tag(), "done"));
            }
        };
        return endpoint;
    }

    private static void startTls(Connection c, MupdateCommand cmd) {
        if (!c.tlsAvailable()) {
            try {
                c.startTls(MupdateResponses.ok(cmd.tag(), "again?"));
                c.write(MupdateResponses.bad(cmd.tag(), "startTls did not refuse"));
            } catch (IllegalStateException expected) {
                c.write(MupdateResponses.no(cmd.tag(), "TLS already active"));
            }
            return;
        }
        c.startTls(MupdateResponses.ok(cmd.tag(), "Begin TLS negotiation now"));
        c.write((AFTER_TLS + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static Harness harness(RecordingEndpoint endpoint) throws IOException {
        return new Harness(endpoint, Harness.settings(100, serverContext, 256 * 1024), 4);
    }

    @Test
    void startTlsUpgradesThenCommandsUnderTlsArriveDecoded() throws Exception {
        RecordingEndpoint endpoint = tlsEndpoint();
        try (Harness h = harness(endpoint); LineClient client = h.connect()) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            assertTrue(c.tlsAvailable());
            assertFalse(c.isTls());
            client.send("S1 STARTTLS\r\n");
            assertEquals("S1 OK \"Begin TLS negotiation now\"", client.readLine());
            client.startTls(clientContext);
            assertEquals(AFTER_TLS, client.readLine());
            assertTrue(c.isTls());
            assertFalse(c.tlsAvailable());

            client.send("T1 NOOP\r\n");
            assertEquals("T1 OK \"done\"", client.readLine());
            StringBuilder pipelined = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                pipelined.append('P').append(i).append(" FIND user.p").append(i).append("\r\n");
            }
            client.send(pipelined.toString());
            for (int i = 0; i < 100; i++) {
                assertEquals("P" + i + " OK \"done\"", client.readLine());
            }
            client.send("L1 FIND {10}\r\n");
            assertEquals("+ go ahead", client.readLine());
            client.send("user.alice\r\n");
            assertEquals("L1 OK \"done\"", client.readLine());
            client.send("S2 STARTTLS\r\n");
            assertEquals("S2 NO \"TLS already active\"", client.readLine());

            List<String> expected = new ArrayList<>(List.of("connect", "STARTTLS S1", "NOOP T1 [tls]"));
            for (int i = 0; i < 100; i++) {
                expected.add("FIND P" + i + " user.p" + i + " [tls]");
            }
            expected.add("FIND L1 user.alice [tls]");
            expected.add("STARTTLS S2 [tls]");
            assertEquals(expected, endpoint.log(c).events());

            client.close();
            assertTrue(endpoint.log(c).awaitDisconnect(10));
            Thread.sleep(200);
            assertEquals(1, endpoint.log(c).disconnects.get());
            assertEquals(0, endpoint.overlaps.get());
        }
    }

    /** RFC 3207 section 5: a command pipelined after STARTTLS in the same packet is never executed. */
    @Test
    void commandInjectedAfterStartTlsInTheSamePacketIsNeverExecuted() throws Exception {
        RecordingEndpoint endpoint = tlsEndpoint();
        try (Harness h = harness(endpoint); LineClient client = h.connect()) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            client.send("A STARTTLS\r\nB NOOP\r\n");
            assertEquals("A OK \"Begin TLS negotiation now\"", client.readLine());
            client.startTls(clientContext);
            assertEquals(AFTER_TLS, client.readLine());
            client.send("C NOOP\r\n");
            assertEquals("C OK \"done\"", client.readLine());
            assertEquals(List.of("connect", "STARTTLS A", "NOOP C [tls]"), endpoint.log(c).events());
        }
    }

    /** The same injection, the second command arriving in its own packet before STARTTLS is handled. */
    @Test
    void commandInjectedAfterStartTlsInALaterCleartextPacketIsNeverExecuted() throws Exception {
        RecordingEndpoint endpoint = tlsEndpoint();
        endpoint.onCommand = (c, cmd) -> {
            if (cmd instanceof MupdateCommand.StartTls) {
                Thread.sleep(300); // the injected packet is read while STARTTLS waits for its turn
                startTls(c, cmd);
            } else {
                c.write(MupdateResponses.ok(cmd.tag(), "done"));
            }
        };
        try (Harness h = harness(endpoint); LineClient client = h.connect()) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            client.send("A STARTTLS\r\n");
            Thread.sleep(50);
            client.send("B NOOP\r\nB2 FI");
            assertEquals("A OK \"Begin TLS negotiation now\"", client.readLine());
            client.startTls(clientContext);
            assertEquals(AFTER_TLS, client.readLine());
            client.send("C NOOP\r\n");
            assertEquals("C OK \"done\"", client.readLine());
            assertEquals(List.of("connect", "STARTTLS A", "NOOP C [tls]"), endpoint.log(c).events());
        }
    }

    /** Cleartext sent after the switch goes to the TLS engine: the connection dies, nothing is executed. */
    @Test
    void cleartextCommandAfterTheSwitchIsNeverExecutedAndTheConnectionCloses() throws Exception {
        RecordingEndpoint endpoint = tlsEndpoint();
        try (Harness h = harness(endpoint); LineClient client = h.connect()) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            client.send("A STARTTLS\r\n");
            assertEquals("A OK \"Begin TLS negotiation now\"", client.readLine());
            client.send("B NOOP\r\n");
            assertTrue(endpoint.log(c).awaitDisconnect(10), "the connection is dropped");
            Thread.sleep(200);
            assertEquals(List.of("connect", "STARTTLS A", "disconnect"), endpoint.log(c).events());
            assertEquals(0, h.listener.connectionCount());
        }
    }

    @Test
    void largeTlsResponsesArriveIntact() throws Exception {
        RecordingEndpoint endpoint = tlsEndpoint();
        try (Harness h = harness(endpoint); LineClient client = new LineClient(h.address(), 32 * 1024)) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            client.send("S1 STARTTLS\r\n");
            assertEquals("S1 OK \"Begin TLS negotiation now\"", client.readLine());
            client.startTls(clientContext);
            assertEquals(AFTER_TLS, client.readLine());
            for (int round = 0; round < 3; round++) {
                client.send("BIG" + round + " LIST\r\n");
                if (round == 1) {
                    Thread.sleep(300); // let the megabyte queue behind a full socket
                }
                NioTransportTest.assertPattern(0, client.readExactly(1024 * 1024));
                assertEquals("BIG" + round + " OK \"done\"", client.readLine());
            }
            // and a megabyte written in many small writes by another thread, then close: all before EOF
            for (int i = 0; i < 1024; i++) {
                c.write(NioTransportTest.pattern(i * 1024L, 1024));
            }
            c.close();
            NioTransportTest.assertPattern(0, client.readExactly(1024 * 1024));
            assertTrue(client.atEof());
            assertTrue(endpoint.log(c).awaitDisconnect(10));
        }
    }

    /**
     * Output written after startTls() must be encrypted even when the cleartext OK cannot be sent at
     * once (the socket is full of earlier output because the client is not reading yet).
     */
    @Test
    void outputWrittenAfterStartTlsIsEncryptedEvenWhenTheOkIsQueuedBehindAFullSocket() throws Exception {
        RecordingEndpoint endpoint = tlsEndpoint();
        String filler = "* FILLER " + "f".repeat(1000);
        int fillerLines = 8 * 1024; // 8 MB: more than the socket buffers hold
        endpoint.onCommand = (c, cmd) -> {
            if (cmd instanceof MupdateCommand.StartTls) {
                for (int i = 0; i < fillerLines; i++) {
                    c.write((filler + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                assertTrue(c.outboundBacklog() > 0, "test premise: the OK cannot go out at once");
                startTls(c, cmd);
            } else {
                c.write(MupdateResponses.ok(cmd.tag(), "done"));
            }
        };
        try (Harness h = harness(endpoint); LineClient client = new LineClient(h.address(), 32 * 1024)) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            client.send("S1 STARTTLS\r\n");
            Thread.sleep(300);
            for (int i = 0; i < fillerLines; i++) {
                assertEquals(filler, client.readLine());
            }
            assertEquals("S1 OK \"Begin TLS negotiation now\"", client.readLine());
            client.startTls(clientContext);
            assertEquals(AFTER_TLS, client.readLine());
            client.send("T1 NOOP\r\n");
            assertEquals("T1 OK \"done\"", client.readLine());
            assertEquals(List.of("connect", "STARTTLS S1", "NOOP T1 [tls]"), endpoint.log(c).events());
        }
    }

    /**
     * A client that sends its ClientHello (and more) before reading the OK, while the OK is still queued
     * behind earlier output, must not wedge the selector thread that serves every other connection.
     */
    @Test
    void eagerClientHelloWhileTheOkIsQueuedDoesNotWedgeTheSelector() throws Exception {
        RecordingEndpoint endpoint = tlsEndpoint();
        endpoint.onCommand = (c, cmd) -> {
            if (cmd instanceof MupdateCommand.StartTls) {
                for (int i = 0; i < 8 * 1024; i++) {
                    c.write(NioTransportTest.pattern(0, 1024));
                }
                startTls(c, cmd);
            } else {
                c.write(MupdateResponses.ok(cmd.tag(), "done"));
            }
        };
        try (Harness h = harness(endpoint);
             LineClient eager = new LineClient(h.address(), 32 * 1024);
             LineClient other = h.connect()) {
            assertEquals(GREETING, eager.readLine());
            Connection c = endpoint.connectionOf(eager);
            assertEquals(GREETING, other.readLine());
            eager.send("S1 STARTTLS\r\n");
            Thread.sleep(300); // STARTTLS handled; its OK sits behind 8 MB the client does not read
            ByteBuffer hello = clientHello();
            byte[] bytes = new byte[hello.remaining() + 100 * 1024];
            hello.get(bytes, 0, hello.remaining());
            eager.send(bytes); // a ClientHello and then 100 KB that are not TLS, in one write
            Thread.sleep(300);
            for (int i = 0; i < 5; i++) {
                other.send("N" + i + " NOOP\r\n");
                assertEquals("N" + i + " OK \"done\"", other.readLine(), "the other connection is still served");
            }
            ThreadMXBeanCheck.assertSelectorIdle(h, "after an eager ClientHello");
            assertTrue(c.isOpen());

            // the client finally reads: the OK and the server's handshake go out, the input held back
            // meanwhile is unwrapped, found not to be TLS, and the server drops the connection by itself
            // (with input unread, so the client may see a reset before it has read everything)
            eager.socket().setSoTimeout(5_000);
            long read = 0;
            try {
                while (true) {
                    eager.readExactly(1);
                    read++;
                }
            } catch (IOException closedOrTimedOut) {
                // EOF, reset, or (without the server dropping us) the timeout
            }
            assertTrue(read > 0, "the client could read again");
            assertTrue(endpoint.log(c).awaitDisconnect(10), "held-back input processed once output moved");
            assertEquals(List.of("connect", "STARTTLS S1", "disconnect"), endpoint.log(c).events());
            ThreadMXBeanCheck.assertSelectorIdle(h, "after the eager client was dropped");
        }
    }

    /** A TLS ClientHello record as an SSLEngine in client mode produces it. */
    private static ByteBuffer clientHello() throws IOException {
        SSLEngine client = clientContext.createSSLEngine("127.0.0.1", 1);
        client.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        SSLEngineResult r = client.wrap(ByteBuffer.allocate(0), out);
        if (r.bytesProduced() == 0) {
            fail("no ClientHello produced: " + r);
        }
        out.flip();
        return out;
    }
}
