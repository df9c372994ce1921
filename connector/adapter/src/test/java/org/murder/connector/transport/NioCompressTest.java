package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.murder.connector.api.Connection;
import org.murder.protocol.mupdate.MupdateCommand;
import org.murder.protocol.mupdate.MupdateResponses;

/** RFC 4978 COMPRESS=DEFLATE over real sockets, in the clear and inside TLS; the client is java.util.zip. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NioCompressTest {

    private static final String GREETING = RecordingEndpoint.GREETING;

    @TempDir
    static Path dir;
    static SSLContext serverContext;

    @BeforeAll
    static void keyStore() throws Exception {
        serverContext = NioStartTlsTest.selfSigned(dir);
    }

    /** COMPRESS → startCompression(OK), a second one → NO; LIST → 1 MiB of pattern then OK; others OK. */
    static RecordingEndpoint compressEndpoint() {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        endpoint.onCommand = (c, cmd) -> {
            if (cmd instanceof MupdateCommand.Compress) {
                try {
                    c.startCompression(MupdateResponses.ok(cmd.tag(), "DEFLATE active"));
                } catch (IllegalStateException e) {
                    c.write(MupdateResponses.no(cmd.tag(), "[COMPRESSIONACTIVE] already"));
                }
            } else if (cmd instanceof MupdateCommand.StartTls) {
                c.startTls(MupdateResponses.ok(cmd.tag(), "Begin TLS negotiation now"));
            } else if (cmd instanceof MupdateCommand.ListMailboxes) {
                c.write(NioTransportTest.pattern(0, 1024 * 1024));
                c.write(MupdateResponses.ok(cmd.tag(), "done"));
            } else {
                c.write(MupdateResponses.ok(cmd.tag(), "done"));
            }
        };
        return endpoint;
    }

    private static Harness harness(RecordingEndpoint endpoint) throws IOException {
        return new Harness(endpoint, Harness.settings(100, serverContext, 256 * 1024), 4);
    }

    private static void talkCompressed(LineClient client, Connection c, RecordingEndpoint endpoint, String suffix)
            throws Exception {
        client.send("Z1 COMPRESS \"DEFLATE\"\r\n");
        assertEquals("Z1 OK \"DEFLATE active\"", client.readLine());
        client.startCompression();
        assertTrue(c.isCompressed());
        client.send("N1 NOOP\r\n");
        assertEquals("N1 OK \"done\"", client.readLine());
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
        client.send("B1 LIST\r\n");
        NioTransportTest.assertPattern(0, client.readExactly(1024 * 1024));
        assertEquals("B1 OK \"done\"", client.readLine());
        client.send("Z2 COMPRESS \"DEFLATE\"\r\n");
        assertEquals("Z2 NO \"[COMPRESSIONACTIVE] already\"", client.readLine());

        List<String> expected = new ArrayList<>(List.of("COMPRESS Z1" + suffix, "NOOP N1" + suffix));
        for (int i = 0; i < 100; i++) {
            expected.add("FIND P" + i + " user.p" + i + suffix);
        }
        expected.add("FIND L1 user.alice" + suffix);
        expected.add("LISTMAILBOXES B1" + suffix);
        expected.add("COMPRESS Z2" + suffix);
        List<String> events = endpoint.log(c).events();
        assertEquals(expected, events.subList(events.size() - expected.size(), events.size()));
    }

    @Test
    void afterCompressEveryCommandAndResponseIsDeflatedBothWays() throws Exception {
        RecordingEndpoint endpoint = compressEndpoint();
        try (Harness h = harness(endpoint); LineClient client = h.connect()) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            assertFalse(c.isCompressed());
            talkCompressed(client, c, endpoint, "");
        }
    }

    @Test
    void compressionInsideTls() throws Exception {
        RecordingEndpoint endpoint = compressEndpoint();
        try (Harness h = harness(endpoint); LineClient client = h.connect()) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            client.send("S1 STARTTLS\r\n");
            assertEquals("S1 OK \"Begin TLS negotiation now\"", client.readLine());
            client.startTls(TlsContexts.trustAll());
            talkCompressed(client, c, endpoint, " [tls]");
            assertTrue(c.isTls());
        }
    }

    /** A command the client pipelined after COMPRESS, uncompressed, is never executed. */
    @Test
    void aCommandPipelinedAfterCompressIsNeverExecuted() throws Exception {
        RecordingEndpoint endpoint = compressEndpoint();
        try (Harness h = harness(endpoint); LineClient client = h.connect()) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            client.send("Z1 COMPRESS \"DEFLATE\"\r\nB NOOP\r\n");
            assertEquals("Z1 OK \"DEFLATE active\"", client.readLine());
            client.startCompression();
            client.send("C NOOP\r\n");
            assertEquals("C OK \"done\"", client.readLine());
            assertEquals(List.of("connect", "COMPRESS Z1", "NOOP C"), endpoint.log(c).events());
        }
    }

    /** What is not DEFLATE after the switch ends the connection; nothing of it is executed. */
    @Test
    void uncompressedInputAfterTheSwitchClosesTheConnection() throws Exception {
        RecordingEndpoint endpoint = compressEndpoint();
        try (Harness h = harness(endpoint); LineClient client = h.connect()) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            client.send("Z1 COMPRESS \"DEFLATE\"\r\n");
            assertEquals("Z1 OK \"DEFLATE active\"", client.readLine());
            client.send("\u00ff\u00ff\u00ff\u00ff garbage that is no deflate stream\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(endpoint.log(c).awaitDisconnect(10), "the connection is dropped");
            assertEquals(List.of("connect", "COMPRESS Z1", "disconnect"), endpoint.log(c).events());
        }
    }
}
