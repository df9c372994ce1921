package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.murder.connector.api.Connection;
import org.murder.connector.api.MupdateListener;
import org.murder.protocol.mupdate.MupdateCommand;
import org.murder.protocol.mupdate.MupdateResponses;

/** An idle connection holds no thread, only a little heap. */
class NioIdleConnectionsTest {

    private static final int WANTED = 2_000;

    /** Keeps nothing per connection, so the heap measured is the transport's. */
    static final class CountingEndpoint implements MupdateListener {
        final AtomicInteger connects = new AtomicInteger();
        final AtomicInteger disconnects = new AtomicInteger();

        @Override
        public void onConnect(Connection connection) {
            connection.write((RecordingEndpoint.GREETING + "\r\n").getBytes(StandardCharsets.US_ASCII));
            connects.incrementAndGet();
        }

        @Override
        public void onCommand(Connection connection, MupdateCommand command) {
            connection.write(MupdateResponses.ok(command.tag(), "done"));
        }

        @Override
        public void onContinuation(Connection connection, String line) {
        }

        @Override
        public void onBadInput(Connection connection, String tag, String message) {
        }

        @Override
        public void onDisconnect(Connection connection) {
            disconnects.incrementAndGet();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void idleConnectionsCostNoThreads() throws Exception {
        int n = connectionsTheFileDescriptorLimitAllows();
        CountingEndpoint endpoint = new CountingEndpoint();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Harness h = new Harness(endpoint, Harness.settings(n + 10, null, 256 * 1024), 4)) {
            // warm up: one connection, one command
            try (LineClient warm = h.connect()) {
                assertEquals(RecordingEndpoint.GREETING, warm.readLine());
                warm.send("W1 NOOP\r\n");
                assertEquals("W1 OK \"done\"", warm.readLine());
            }
            NioTransportTest.waitFor(() -> endpoint.disconnects.get() == 1, "warm-up disconnect");

            Path classes = Path.of(IdleClients.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-Xss256k", "-cp", classes.toString(),
                    IdleClients.class.getName(), "127.0.0.1", String.valueOf(h.address().getPort()),
                    String.valueOf(n)).redirectErrorStream(true).start();
            try {
                BlockingQueue<String> childOut = new LinkedBlockingQueue<>();
                Thread pump = new Thread(() -> {
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            childOut.add(line);
                        }
                    } catch (Exception e) {
                        childOut.add("pump failed: " + e);
                    }
                }, "idle-clients-stdout");
                pump.setDaemon(true);
                pump.start();

                // baseline: child process (and its reaper) and our pump already exist, no connection yet
                Thread.sleep(200);
                long heapBefore = usedHeapAfterGc();
                int threadsBefore = threads.getThreadCount();

                OutputStream childIn = child.getOutputStream();
                childIn.write("GO\n".getBytes(StandardCharsets.US_ASCII));
                childIn.flush();
                String ready = childOut.poll(120, TimeUnit.SECONDS);
                assertNotNull(ready, "the child did not open its connections in time");
                assertEquals("READY " + n, ready, "child: " + ready);
                NioTransportTest.waitFor(() -> h.listener.connectionCount() == n, n + " connections open");
                NioTransportTest.waitFor(() -> endpoint.connects.get() == n + 1, "every onConnect done");

                int threadsWith = threads.getThreadCount();
                long heapWith = usedHeapAfterGc();
                long perConnection = (heapWith - heapBefore) / n;
                System.out.printf("idle connections: %d open; live threads %d before, %d with them; "
                        + "heap %d KB before, %d KB with them: ~%d bytes per idle connection%n",
                        n, threadsBefore, threadsWith, heapBefore / 1024, heapWith / 1024, perConnection);
                assertTrue(threadsWith - threadsBefore <= 5, "live threads grew from " + threadsBefore + " to "
                        + threadsWith + " with " + n + " idle connections");
                ThreadMXBeanCheck.assertSelectorIdle(h, "with " + n + " idle connections");

                // the listener still serves a live connection among the idle ones
                try (LineClient live = h.connect()) {
                    assertEquals(RecordingEndpoint.GREETING, live.readLine());
                    live.send("L1 NOOP\r\n");
                    assertEquals("L1 OK \"done\"", live.readLine());
                }

                childIn.close(); // the child closes every connection and exits
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child exit");
                NioTransportTest.waitFor(() -> endpoint.disconnects.get() == n + 2, "every disconnect heard");
                NioTransportTest.waitFor(() -> h.listener.connectionCount() == 0, "no connection left");
            } finally {
                child.destroyForcibly();
            }
        }
    }

    private static int connectionsTheFileDescriptorLimitAllows() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long spare = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - 200;
            if (spare < WANTED) {
                int n = (int) Math.max(100, spare);
                System.out.printf("idle connections: the file descriptor limit (%d) allows only %d, not %d%n",
                        unix.getMaxFileDescriptorCount(), n, WANTED);
                return n;
            }
        }
        return WANTED;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
