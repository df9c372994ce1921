package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.connector.transport.NioTransportTest.pattern;
import static org.murder.connector.transport.NioTransportTest.waitFor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.murder.connector.api.OutboundConnection;

/** Connections this node opens, over real sockets on 127.0.0.1: the same non-blocking transport as accepted ones. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NioOutboundTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A plain blocking server on 127.0.0.1 whose one connection a test drives from a thread. */
    private static final class RawServer implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final Thread thread;

        RawServer(SocketTask task) throws IOException {
            thread = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        accepted.add(s);
                        if (task != null) {
                            task.run(s);
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "raw-server");
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() {
            return (InetSocketAddress) server.getLocalSocketAddress();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @FunctionalInterface
    private interface SocketTask {
        void run(Socket s) throws IOException;
    }

    @Test
    void greetingCommandAndReplyThenClose() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        try (Harness server = new Harness(endpoint); OutboundHarness out = new OutboundHarness()) {
            RecordingHandler handler = new RecordingHandler();
            OutboundConnection c = out.connector.open(server.address(), handler);
            c.write(ascii("A0 NOOP\r\n")); // written while connecting: sent once connected
            assertTrue(handler.awaitConnected());
            assertEquals(RecordingEndpoint.GREETING, handler.nextLine());
            assertEquals("A0 OK \"done\"", handler.nextLine());
            assertTrue(c.write(ascii("A1 NOOP\r\n")));
            assertEquals("A1 OK \"done\"", handler.nextLine());
            c.close();
            assertNull(handler.awaitClosed());
            assertFalse(c.isOpen());
            waitFor(() -> server.listener.connectionCount() == 0, "the server saw the close");
            assertEquals(0, out.connector.connectionCount());
            assertNull(handler.violation.get());
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void twoThousandOpenConnectionsHoldNoThreads() throws Exception {
        int n = 2_000;
        NioIdleConnectionsTest.CountingEndpoint endpoint = new NioIdleConnectionsTest.CountingEndpoint();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Harness server = new Harness(endpoint, Harness.settings(n + 10, null, 256 * 1024), 4);
             OutboundHarness out = new OutboundHarness(OutboundHarness.settings(n + 10, null))) {
            RecordingHandler warm = new RecordingHandler();
            OutboundConnection w = out.connector.open(server.address(), warm);
            assertEquals(RecordingEndpoint.GREETING, warm.nextLine());
            w.close();
            assertNull(warm.awaitClosed());
            Thread.sleep(200);
            int threadsBefore = threads.getThreadCount();

            List<RecordingHandler> handlers = new ArrayList<>();
            List<OutboundConnection> connections = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                RecordingHandler h = new RecordingHandler();
                handlers.add(h);
                connections.add(out.connector.open(server.address(), h));
            }
            for (RecordingHandler h : handlers) {
                assertEquals(RecordingEndpoint.GREETING, h.nextLine());
            }
            assertEquals(n, out.connector.connectionCount());
            waitFor(() -> server.listener.connectionCount() == n, n + " accepted");
            int threadsWith = threads.getThreadCount();
            System.out.printf("outbound connections: %d open; live threads %d before, %d with them%n",
                    n, threadsBefore, threadsWith);
            assertTrue(threadsWith - threadsBefore <= 5, "live threads grew from " + threadsBefore + " to "
                    + threadsWith + " with " + n + " open outbound connections");
            connections.forEach(OutboundConnection::close);
            for (RecordingHandler h : handlers) {
                assertNull(h.awaitClosed());
                assertNull(h.violation.get());
            }
            waitFor(() -> out.connector.connectionCount() == 0, "no outbound connection left");
            waitFor(() -> server.listener.connectionCount() == 0, "no accepted connection left");
        }
    }

    @Test
    void inputSplitAnywhereArrivesWholeAndInOrder() throws Exception {
        byte[] payload = pattern(0, 1 << 20);
        try (RawServer server = new RawServer(s -> {
            Random random = new Random(42);
            OutputStream o = s.getOutputStream();
            for (int at = 0; at < payload.length; ) {
                int len = Math.min(payload.length - at, 1 + random.nextInt(random.nextBoolean() ? 7 : 5000));
                o.write(payload, at, len);
                o.flush();
                at += len;
            }
            s.close();
        }); OutboundHarness out = new OutboundHarness()) {
            RecordingHandler handler = new RecordingHandler();
            out.connector.open(server.address(), handler);
            assertNull(handler.awaitClosed(), "the peer's close is onClosed without a cause");
            assertArrayEquals(payload, handler.received());
            assertTrue(handler.inputCalls.get() > 1);
            assertNull(handler.violation.get());
        }
    }

    @Test
    void suspendedReadingStopsReadsAndResumeDeliversTheRestInOrder() throws Exception {
        int total = 48 << 20;
        AtomicLong written = new AtomicLong();
        try (RawServer server = new RawServer(s -> {
            OutputStream o = s.getOutputStream();
            for (int at = 0; at < total; at += 64 * 1024) {
                o.write(pattern(at, 64 * 1024));
                written.addAndGet(64 * 1024);
            }
            s.close();
        }); OutboundHarness out = new OutboundHarness()) {
            RecordingHandler handler = new RecordingHandler() {
                private boolean once;

                @Override
                void input(OutboundConnection connection, byte[] bytes) {
                    if (receivedCount() >= (1 << 20) && !once) {
                        once = true;
                        connection.suspendReading(); // a proxy whose client stopped reading
                    }
                }
            };
            OutboundConnection c = out.connector.open(server.address(), handler);
            waitFor(c::isReadingSuspended, "suspended after 1 MB");
            // the peer fills our socket buffers and its own, then its write blocks
            long last = -1;
            while (written.get() != last) {
                last = written.get();
                Thread.sleep(500);
            }
            int got = handler.receivedCount();
            assertTrue(written.get() < total, "the peer could write everything: " + written.get());
            assertTrue(got < (1 << 20) + 128 * 1024, "input delivered after suspendReading: " + got);
            Thread.sleep(300);
            assertEquals(got, handler.receivedCount(), "no input while suspended");
            System.out.printf("suspended reading: %d KB delivered, the peer stalled after %d KB of %d KB%n",
                    got / 1024, written.get() / 1024, total / 1024);

            c.resumeReading();
            assertNull(handler.closed.get(60, TimeUnit.SECONDS));
            assertEquals(total, handler.receivedCount());
            assertArrayEquals(pattern(0, total), handler.received(), "every byte, in order");
            assertNull(handler.violation.get());
        }
    }

    @Test
    void writeReportsTheHighWaterMarkAndOnWritableFollowsTheDrain() throws Exception {
        try (RawServer server = new RawServer(null); OutboundHarness out = new OutboundHarness()) {
            RecordingHandler handler = new RecordingHandler();
            OutboundConnection c = out.connector.open(server.address(), handler);
            assertTrue(handler.awaitConnected());
            long sent = 0;
            byte[] chunk = new byte[64 * 1024];
            while (c.write(chunk)) { // the peer does not read: the socket buffers fill, then our queue
                sent += chunk.length;
                assertTrue(sent < (256 << 20), "write never reported the high-water mark");
            }
            sent += chunk.length;
            assertTrue(c.outboundBacklog() > 256 * 1024, "backlog " + c.outboundBacklog());
            assertEquals(0, handler.writables.get());

            waitFor(() -> !server.accepted.isEmpty(), "accepted");
            InputStream in = server.accepted.get(0).getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            while (read < sent) {
                read += in.read(buffer);
            }
            waitFor(() -> handler.writables.get() == 1, "onWritable after the peer read");
            assertEquals(0, c.outboundBacklog());
            assertEquals(sent, read);
            assertNull(handler.violation.get());
        }
    }

    @Test
    void connectingToAClosedPortFails() throws Exception {
        InetSocketAddress closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = (InetSocketAddress) s.getLocalSocketAddress();
        }
        try (OutboundHarness out = new OutboundHarness()) {
            RecordingHandler handler = new RecordingHandler();
            OutboundConnection c = out.connector.open(closed, handler);
            assertInstanceOf(ConnectException.class, handler.connectFailed.get(10, TimeUnit.SECONDS));
            assertFalse(c.isOpen());
            assertFalse(handler.closed.isDone());
            waitFor(() -> out.connector.connectionCount() == 0, "nothing left open");
        }
    }

    @Test
    void connectionsPastTheLimitFailToConnect() throws Exception {
        try (RawServer server = new RawServer(null);
             OutboundHarness out = new OutboundHarness(OutboundHarness.settings(2, null))) {
            RecordingHandler a = new RecordingHandler();
            RecordingHandler b = new RecordingHandler();
            RecordingHandler c = new RecordingHandler();
            out.connector.open(server.address(), a);
            out.connector.open(server.address(), b);
            out.connector.open(server.address(), c);
            Throwable refused = c.connectFailed.get(10, TimeUnit.SECONDS);
            assertTrue(refused.getMessage().contains("MURDER-RA-021"), refused.getMessage());
            assertTrue(a.awaitConnected());
            assertTrue(b.awaitConnected());
        }
    }

    @Test
    void stopClosesEveryConnectionAndEndsTheSelector() throws Exception {
        try (RawServer server = new RawServer(null); OutboundHarness out = new OutboundHarness()) {
            List<RecordingHandler> handlers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                RecordingHandler h = new RecordingHandler();
                handlers.add(h);
                out.connector.open(server.address(), h);
            }
            for (RecordingHandler h : handlers) {
                assertTrue(h.awaitConnected());
            }
            waitFor(() -> server.accepted.size() == 20, "20 accepted");
            out.stop();
            assertFalse(out.selector.isAlive(), "the selector loop ended");
            assertEquals(0, out.connector.connectionCount());
            for (RecordingHandler h : handlers) {
                assertNotNull(h.awaitClosed(), "stop() closes with a cause");
            }
            for (Socket s : server.accepted) {
                s.setSoTimeout(5_000);
                assertEquals(-1, s.getInputStream().read(), "the peer sees the close");
            }
            RecordingHandler late = new RecordingHandler();
            try {
                out.connector.open(server.address(), late);
                throw new AssertionError("open after stop()");
            } catch (IllegalStateException expected) {
                // stopped
            }
        }
    }

    @Test
    void startTlsEncryptsWhatFollows(@TempDir Path dir) throws Exception {
        RecordingEndpoint endpoint = NioStartTlsTest.tlsEndpoint();
        try (Harness server = new Harness(endpoint,
                Harness.settings(10, NioStartTlsTest.selfSigned(dir), 256 * 1024), 4);
             OutboundHarness out = new OutboundHarness(OutboundHarness.settings(10, TlsContexts.trustAll()))) {
            RecordingHandler handler = new RecordingHandler();
            OutboundConnection c = out.connector.open(server.address(), handler);
            assertEquals(RecordingEndpoint.GREETING, handler.nextLine());
            c.write(ascii("S1 STARTTLS\r\n"));
            assertEquals("S1 OK \"Begin TLS negotiation now\"", handler.nextLine());
            c.startTls();
            assertTrue(c.isTls());
            c.write(ascii("N1 NOOP\r\n"));
            assertEquals("* OK MUPDATE \"test\" \"murder\" \"0\" \"(master)\" [tls]", handler.nextLine());
            assertEquals("N1 OK \"done\"", handler.nextLine());
            c.write(ascii("L1 LIST\r\n")); // a megabyte back, through TLS
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (handler.receivedCount() < (1 << 20) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(handler.receivedCount() > (1 << 20));
            c.close();
            assertNull(handler.awaitClosed());
            assertNull(handler.violation.get());
        }
    }
}
