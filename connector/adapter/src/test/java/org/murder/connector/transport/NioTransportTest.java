package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.murder.connector.api.Connection;
import org.murder.protocol.mupdate.MupdateCommand;
import org.murder.protocol.mupdate.MupdateResponses;

/** The transport over real sockets on 127.0.0.1, in the clear. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NioTransportTest {

    private static final String GREETING = RecordingEndpoint.GREETING;

    // ------------------------------------------------------------------ life cycle

    @Test
    void greetingArrivesAndClientCloseDisconnectsExactlyOnce() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        try (Harness h = new Harness(endpoint)) {
            Connection c;
            try (LineClient client = h.connect()) {
                assertEquals(GREETING, client.readLine());
                c = endpoint.connectionOf(client);
                assertTrue(c.isOpen());
                assertEquals("mupdate", c.protocol());
                assertEquals(h.address(), c.localAddress());
                assertEquals(client.socket().getLocalSocketAddress(), c.remoteAddress());
                client.send("T1 NOOP\r\n");
                assertEquals("T1 OK \"done\"", client.readLine());
            }
            RecordingEndpoint.Log log = endpoint.log(c);
            assertTrue(log.awaitDisconnect(10), "onDisconnect after the client closed");
            Thread.sleep(300); // a second disconnect would show up here
            assertEquals(1, log.disconnects.get());
            assertEquals(List.of("connect", "NOOP T1", "disconnect"), log.events());
            assertFalse(c.isOpen());
            assertEquals(0, h.listener.connectionCount());
            c.write("after close\r\n".getBytes(StandardCharsets.US_ASCII)); // ignored, no exception
            assertEquals(0, endpoint.overlaps.get());
        }
    }

    @Test
    void aFailedGreetingTellsTheClientAndHangsUp() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        endpoint.failGreeting = true;
        try (Harness h = new Harness(endpoint)) {
            try (LineClient client = h.connect()) {
                assertEquals("* BYE \"Service not available\"", client.readLine());
                assertTrue(client.atEof(), "the connection is closed after the BYE");
            }
            endpoint.failGreeting = false;
            try (LineClient client = h.connect()) {
                assertEquals(GREETING, client.readLine(), "the listener goes on serving");
            }
        }
    }

    @Test
    void serverCloseFlushesWrittenBytesBeforeEofAndDisconnectsExactlyOnce() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        byte[] tail = pattern(0, 3 * 1024 * 1024); // more than the socket buffers take at once
        endpoint.onCommand = (c, cmd) -> {
            if (cmd instanceof MupdateCommand.Logout) {
                c.write(MupdateResponses.bye("bye now"));
                c.write(tail);
                c.write(MupdateResponses.ok(cmd.tag(), "logged out"));
                c.close();
                c.write("never sent\r\n".getBytes(StandardCharsets.US_ASCII)); // after close: dropped
            }
        };
        try (Harness h = new Harness(endpoint); LineClient client = new LineClient(h.address(), 16 * 1024)) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            client.send("Q1 LOGOUT\r\n");
            Thread.sleep(200); // let the server queue output behind a full socket before we read
            assertEquals("* BYE \"bye now\"", client.readLine());
            assertPattern(0, client.readExactly(tail.length));
            assertEquals("Q1 OK \"logged out\"", client.readLine());
            assertTrue(client.atEof(), "EOF right after the last written bytes");
            RecordingEndpoint.Log log = endpoint.log(c);
            assertTrue(log.awaitDisconnect(10));
            Thread.sleep(300);
            assertEquals(1, log.disconnects.get());
            assertEquals(List.of("connect", "LOGOUT Q1", "disconnect"), log.events());
            assertEquals(0, h.listener.connectionCount());
        }
    }

    @Test
    void aClientThatHalfClosesStillGetsEveryAnswerThenEof() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        endpoint.onCommand = (c, cmd) -> {
            Thread.sleep(5); // answers come after the client has already shut its side
            c.write(MupdateResponses.ok(cmd.tag(), "done"));
        };
        try (Harness h = new Harness(endpoint); LineClient client = h.connect()) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            client.send("H1 NOOP\r\nH2 NOOP\r\nH3 NOOP\r\n");
            client.socket().shutdownOutput(); // as `printf ... | nc` does
            assertEquals("H1 OK \"done\"", client.readLine());
            assertEquals("H2 OK \"done\"", client.readLine());
            assertEquals("H3 OK \"done\"", client.readLine());
            assertTrue(client.atEof(), "the server closes once it has answered");
            RecordingEndpoint.Log log = endpoint.log(c);
            assertTrue(log.awaitDisconnect(10));
            Thread.sleep(300);
            assertEquals(1, log.disconnects.get());
            assertEquals(List.of("connect", "NOOP H1", "NOOP H2", "NOOP H3", "disconnect"), log.events());
            assertEquals(0, h.listener.connectionCount());
        }
    }

    // ------------------------------------------------------------------ ordering

    @Test
    void pipelinedCommandsInOnePacketArriveOneAtATimeAndInOrder() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        endpoint.onCommand = (c, cmd) -> {
            if (Integer.parseInt(cmd.tag().substring(1)) % 10 == 0) {
                Thread.sleep(2); // widen the window for an overlapping call
            }
            c.write(MupdateResponses.ok(cmd.tag(), "done"));
        };
        int n = 300; // more than the 64 queued frames that pause reading
        try (Harness h = new Harness(endpoint); LineClient client = h.connect()) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            StringBuilder packet = new StringBuilder();
            List<String> expected = new ArrayList<>(List.of("connect"));
            for (int i = 0; i < n; i++) {
                packet.append('P').append(i).append(" NOOP\r\n");
                expected.add("NOOP P" + i);
            }
            client.send(packet.toString());
            for (int i = 0; i < n; i++) {
                assertEquals("P" + i + " OK \"done\"", client.readLine());
            }
            assertEquals(expected, endpoint.log(c).events());
            assertEquals(0, endpoint.overlaps.get(), "calls for one connection overlapped");
        }
    }

    @Test
    void commandsWrittenOneByteAtATimeArriveWholeAndInOrder() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        try (Harness h = new Harness(endpoint); LineClient client = h.connect()) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            StringBuilder input = new StringBuilder();
            List<String> expected = new ArrayList<>(List.of("connect"));
            for (int i = 0; i < 12; i++) {
                if (i % 3 == 0) {
                    String box = "user.u" + i;
                    input.append('B').append(i).append(" FIND {").append(box.length()).append("+}\r\n")
                            .append(box).append("\r\n");
                    expected.add("FIND B" + i + " " + box);
                } else {
                    input.append('B').append(i).append(" FIND user.n").append(i).append("\r\n");
                    expected.add("FIND B" + i + " user.n" + i);
                }
            }
            for (byte b : input.toString().getBytes(StandardCharsets.US_ASCII)) {
                client.send(new byte[] {b});
                Thread.sleep(1);
            }
            for (int i = 0; i < 12; i++) {
                assertEquals("B" + i + " OK \"done\"", client.readLine());
            }
            assertEquals(expected, endpoint.log(c).events());
            assertEquals(0, endpoint.overlaps.get());
        }
    }

    @Test
    void slowCommandOnOneConnectionDoesNotBlockAnother() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch slowEntered = new CountDownLatch(1);
        endpoint.onCommand = (c, cmd) -> {
            if (cmd instanceof MupdateCommand.Find f && f.mailbox().equals("slow")) {
                slowEntered.countDown();
                assertTrue(release.await(20, TimeUnit.SECONDS));
            }
            c.write(MupdateResponses.ok(cmd.tag(), "done"));
        };
        try (Harness h = new Harness(endpoint); LineClient a = h.connect(); LineClient b = h.connect()) {
            assertEquals(GREETING, a.readLine());
            assertEquals(GREETING, b.readLine());
            Connection ca = endpoint.connectionOf(a);
            a.send("S1 FIND slow\r\nS2 NOOP\r\n");
            assertTrue(slowEntered.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 20; i++) {
                b.send("N" + i + " NOOP\r\n");
                assertEquals("N" + i + " OK \"done\"", b.readLine(), "B answered while A's command runs");
            }
            assertEquals(List.of("connect", "FIND S1 slow"), endpoint.log(ca).events(),
                    "A's next command waits for its slow one");
            release.countDown();
            assertEquals("S1 OK \"done\"", a.readLine());
            assertEquals("S2 OK \"done\"", a.readLine());
            assertEquals(0, endpoint.overlaps.get());
        }
    }

    // ------------------------------------------------------------------ writes

    @Test
    void concurrentWritesFromManyThreadsNeverInterleaveWithinOneWrite() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        int threads = 16;
        int writesPerThread = 400;
        try (Harness h = new Harness(endpoint); LineClient client = new LineClient(h.address(), 32 * 1024)) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            AtomicReference<Throwable> readerFailure = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    verifyBlocks(client, threads, writesPerThread);
                } catch (Throwable t) {
                    readerFailure.set(t);
                }
            });
            reader.start();
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread w = new Thread(() -> {
                    try {
                        start.await();
                        for (int s = 0; s < writesPerThread; s++) {
                            c.write(block(thread, s));
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                writers.add(w);
                w.start();
            }
            for (Thread w : writers) {
                w.join(30_000);
            }
            reader.join(40_000);
            assertFalse(reader.isAlive(), "reader did not finish");
            if (readerFailure.get() != null) {
                throw new AssertionError("output interleaved or lost", readerFailure.get());
            }
            assertEquals(0, c.outboundBacklog());
        }
    }

    /** One write: three lines naming (thread, seq, line), the middle one sometimes 64 KB long. */
    private static byte[] block(int thread, int seq) {
        StringBuilder sb = new StringBuilder();
        for (int line = 0; line < 3; line++) {
            int len = line == 1 && seq % 37 == 0 ? 64 * 1024 : (thread * 7 + seq * 13 + line) % 200 + 1;
            char ch = (char) ('a' + (thread + seq + line) % 26);
            sb.append("* W ").append(thread).append(' ').append(seq).append(' ').append(line).append(' ')
                    .append(String.valueOf(ch).repeat(len)).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void verifyBlocks(LineClient client, int threads, int writesPerThread) throws IOException {
        Pattern p = Pattern.compile("\\* W (\\d+) (\\d+) (\\d+) ([a-z]+)");
        int[] nextSeq = new int[threads];
        for (int total = 0; total < threads * writesPerThread; total++) {
            int thread = -1;
            int seq = -1;
            for (int line = 0; line < 3; line++) {
                String text = client.readLine();
                Matcher m = p.matcher(text);
                if (!m.matches()) {
                    throw new AssertionError("garbled line: " + abbreviate(text));
                }
                int t = Integer.parseInt(m.group(1));
                int s = Integer.parseInt(m.group(2));
                if (line == 0) {
                    thread = t;
                    seq = s;
                    if (s != nextSeq[t]) {
                        throw new AssertionError("thread " + t + ": write " + s + " arrived, expected " + nextSeq[t]);
                    }
                    nextSeq[t]++;
                } else if (t != thread || s != seq) {
                    throw new AssertionError("write " + thread + "/" + seq + " interleaved with " + t + "/" + s);
                }
                if (Integer.parseInt(m.group(3)) != line) {
                    throw new AssertionError("line " + m.group(3) + " where line " + line + " belongs");
                }
                String expected = new String(block(thread, seq), StandardCharsets.US_ASCII).split("\r\n")[line];
                if (!expected.equals(text)) {
                    throw new AssertionError("payload differs for " + thread + "/" + seq + "/" + line);
                }
            }
        }
    }

    // ------------------------------------------------------------------ framing

    @Test
    void synchronizingLiteralGetsGoAheadAndTheCommandArrivesWhole() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        try (Harness h = new Harness(endpoint); LineClient client = h.connect()) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            client.send("L1 FIND {10}\r\n");
            assertEquals("+ go ahead", client.readLine());
            Thread.sleep(100);
            assertEquals(List.of("connect"), endpoint.log(c).events(), "nothing dispatched before the literal");
            client.send("user.");
            Thread.sleep(50);
            client.send("alice\r\n");
            assertEquals("L1 OK \"done\"", client.readLine());
            assertEquals(List.of("connect", "FIND L1 user.alice"), endpoint.log(c).events());
        }
    }

    @Test
    void oversizeLineYieldsBadInputWithItsTagAndTheConnectionStaysUsable() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        try (Harness h = new Harness(endpoint); LineClient client = h.connect()) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            client.send("T1 FIND " + "x".repeat(Harness.MAX_LINE * 3) + "\r\n");
            assertEquals("T1 BAD \"line too long\"", client.readLine());
            client.send("T2 NOOP\r\n");
            assertEquals("T2 OK \"done\"", client.readLine());
            assertEquals(List.of("connect", "bad T1 line too long", "NOOP T2"), endpoint.log(c).events());
            assertTrue(c.isOpen());
        }
    }

    @Test
    void expectContinuationSendsTheNextLineToOnContinuation() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        endpoint.onCommand = (c, cmd) -> {
            if (cmd instanceof MupdateCommand.Authenticate) {
                c.expectContinuation(true);
                c.write("+ \r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                c.write(MupdateResponses.ok(cmd.tag(), "done"));
            }
        };
        try (Harness h = new Harness(endpoint); LineClient client = h.connect()) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            client.send("A1 AUTHENTICATE \"PLAIN\"\r\n");
            assertEquals("+ ", client.readLine());
            client.send("X1 NOOP\r\n"); // looks like a command: it is the SASL response
            assertEquals("* CONTINUATION X1 NOOP", client.readLine());
            client.send("X2 NOOP\r\n");
            assertEquals("X2 OK \"done\"", client.readLine());
            // the same, pipelined in one packet
            client.send("A2 AUTHENTICATE \"PLAIN\"\r\nY1 NOOP\r\nY2 NOOP\r\n");
            assertEquals("+ ", client.readLine());
            assertEquals("* CONTINUATION Y1 NOOP", client.readLine());
            assertEquals("Y2 OK \"done\"", client.readLine());
            assertEquals(List.of("connect", "AUTHENTICATE A1", "continuation X1 NOOP", "NOOP X2",
                    "AUTHENTICATE A2", "continuation Y1 NOOP", "NOOP Y2"), endpoint.log(c).events());
        }
    }

    // ------------------------------------------------------------------ back-pressure

    @Test
    void backPressureBoundsTheQueueWhileTheClientDoesNotReadThenEverythingArrivesInOrder() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        int highWater = 256 * 1024;
        int chunk = 64 * 1024;
        long total = 32L * 1024 * 1024;
        try (Harness h = new Harness(endpoint, Harness.settings(100, null, highWater), 4);
             LineClient client = new LineClient(h.address(), 32 * 1024)) {
            assertEquals(GREETING, client.readLine());
            Connection c = endpoint.connectionOf(client);
            long written = 0;
            long maxBacklog = 0;
            boolean stalled = false;
            long stallMillis = 0;
            while (written < total) {
                long t0 = System.nanoTime();
                if (!c.awaitWritable(Duration.ofMillis(300))) {
                    stallMillis = (System.nanoTime() - t0) / 1_000_000;
                    stalled = true;
                    break;
                }
                c.write(pattern(written, chunk));
                written += chunk;
                maxBacklog = Math.max(maxBacklog, c.outboundBacklog());
            }
            assertTrue(stalled, "awaitWritable never returned false although the client reads nothing ("
                    + written + " bytes written)");
            assertTrue(stallMillis >= 250 && stallMillis < 5_000, "awaitWritable took " + stallMillis + " ms");
            assertTrue(maxBacklog <= highWater + chunk, "queued " + maxBacklog + " bytes");
            assertTrue(c.outboundBacklog() > highWater && c.outboundBacklog() <= highWater + chunk);
            System.out.printf("back-pressure: stalled after %d KB written, %d KB queued in the transport%n",
                    written / 1024, c.outboundBacklog() / 1024);

            // while stalled the selector must not spin on OP_WRITE
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long cpu0 = mx.getThreadCpuTime(h.selector.getId());
            Thread.sleep(1_000);
            long cpuMillis = (mx.getThreadCpuTime(h.selector.getId()) - cpu0) / 1_000_000;
            assertTrue(cpuMillis < 200, "selector used " + cpuMillis + " ms CPU in 1 s while output was blocked");

            AtomicReference<Throwable> readerFailure = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    for (long off = 0; off < total; off += chunk) {
                        assertPattern(off, client.readExactly(chunk));
                    }
                    if (!client.atEof()) {
                        throw new AssertionError("bytes after the last chunk");
                    }
                } catch (Throwable t) {
                    readerFailure.set(t);
                }
            });
            reader.start();
            while (written < total) {
                assertTrue(c.awaitWritable(Duration.ofSeconds(10)), "writable again once the client reads");
                c.write(pattern(written, chunk));
                written += chunk;
                maxBacklog = Math.max(maxBacklog, c.outboundBacklog());
            }
            c.close();
            reader.join(30_000);
            assertFalse(reader.isAlive());
            if (readerFailure.get() != null) {
                throw new AssertionError(readerFailure.get());
            }
            assertTrue(maxBacklog <= highWater + chunk, "queued " + maxBacklog + " bytes");
            assertTrue(endpoint.log(c).awaitDisconnect(10));
            assertFalse(c.awaitWritable(Duration.ofMillis(10)), "false once closed");
        }
    }

    // ------------------------------------------------------------------ limits and stop

    @Test
    void connectionBeyondTheLimitGetsByeAndIsClosedThenSlotsAreReused() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        try (Harness h = new Harness(endpoint, Harness.settings(3, null, 256 * 1024), 4)) {
            List<LineClient> clients = new ArrayList<>();
            List<Connection> connections = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    LineClient client = h.connect();
                    clients.add(client);
                    assertEquals(GREETING, client.readLine());
                    connections.add(endpoint.connectionOf(client));
                }
                try (LineClient refused = h.connect()) {
                    assertEquals("* BYE \"Too many connections\"", refused.readLine());
                    assertTrue(refused.atEof());
                }
                assertEquals(3, h.listener.connectionCount());
                Thread.sleep(200);
                assertEquals(3, endpoint.connected.size(), "the endpoint never hears of the refused one");

                clients.remove(0).close();
                assertTrue(endpoint.log(connections.get(0)).awaitDisconnect(10));
                waitFor(() -> h.listener.connectionCount() == 2, "the closed connection is no longer counted");
                LineClient again = h.connect();
                clients.add(again);
                assertEquals(GREETING, again.readLine());
                assertNotNull(endpoint.connectionOf(again));
                again.send("T1 NOOP\r\n");
                assertEquals("T1 OK \"done\"", again.readLine());

                try (LineClient refused = h.connect()) {
                    assertEquals("* BYE \"Too many connections\"", refused.readLine());
                    assertTrue(refused.atEof());
                }
            } finally {
                for (LineClient client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void stopClosesEveryConnectionTheEndpointHearsEveryDisconnectAndThePortIsFree() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        Harness h = new Harness(endpoint);
        List<LineClient> clients = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                LineClient client = h.connect();
                clients.add(client);
                assertEquals(GREETING, client.readLine());
                connections.add(endpoint.connectionOf(client));
            }
            h.listener.stop();
            // the port is free as soon as stop() returns: a redeployment binds it again at once
            NioListener again = new NioListener(new MupdateBinding(), new TransportSettings(h.address(), 10,
                    Harness.MAX_LINE, Harness.MAX_LITERAL, Harness.MAX_FRAME, null, 1024), null, Runnable::run);
            again.stop();
            for (Connection c : connections) {
                assertTrue(endpoint.log(c).awaitDisconnect(10), "disconnect of " + c);
                assertFalse(c.isOpen());
            }
            for (LineClient client : clients) {
                try {
                    assertTrue(client.atEof(), "the client sees the connection closed");
                } catch (SocketException reset) {
                    // a reset is a close too
                }
            }
            h.selector.join(10_000);
            assertFalse(h.selector.isAlive(), "selector thread ended");
            assertEquals(0, h.listener.connectionCount());
            Thread.sleep(200);
            assertEquals(connections.size(), endpoint.totalDisconnects.get(), "one disconnect per connection");
            try {
                new LineClient(h.address()).close();
                fail("connected to a stopped listener");
            } catch (IOException expected) {
                // refused
            }
        } finally {
            for (LineClient client : clients) {
                client.close();
            }
            h.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    static byte[] pattern(long offset, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            long o = offset + i;
            b[i] = (byte) ((o * 31) ^ (o >>> 11));
        }
        return b;
    }

    static void assertPattern(long offset, byte[] actual) {
        for (int i = 0; i < actual.length; i++) {
            long o = offset + i;
            if (actual[i] != (byte) ((o * 31) ^ (o >>> 11))) {
                throw new AssertionError("wrong byte at offset " + o);
            }
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting: " + what);
            }
            Thread.sleep(10);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...(" + s.length() + " chars)";
    }
}
