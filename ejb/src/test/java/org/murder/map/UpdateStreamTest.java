package org.murder.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.murder.connector.api.Connection;
import org.murder.connector.api.ResponseProducer;

/** The UPDATE stream: the dump first, then changes as current state, a NOOP's barrier, and no waiting thread. */
class UpdateStreamTest {

    /** A connection whose client reads only when told to; tasks run when the test says. */
    static final class SlowClient implements Connection {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        long unread;
        final long highWater;
        final List<Runnable> whenDrained = new ArrayList<>();

        SlowClient(long highWater) {
            this.highWater = highWater;
        }

        String text() {
            return written.toString(StandardCharsets.US_ASCII);
        }

        void readAll() {
            unread = 0;
            List<Runnable> run = List.copyOf(whenDrained);
            whenDrained.clear();
            run.forEach(Runnable::run);
        }

        @Override public synchronized void write(byte[] bytes) {
            written.writeBytes(bytes);
            unread += bytes.length;
        }

        @Override public boolean congested() {
            return unread > highWater;
        }

        @Override public void whenWritable(Runnable action) {
            if (unread <= highWater / 2) {
                action.run();
            } else {
                whenDrained.add(action);
            }
        }

        @Override public long id() { return 1; }
        @Override public String protocol() { return "mupdate"; }
        @Override public InetSocketAddress remoteAddress() { return null; }
        @Override public InetSocketAddress localAddress() { return null; }
        @Override public boolean awaitWritable(Duration timeout) { throw new AssertionError("no thread may wait"); }
        @Override public void stream(ResponseProducer producer) { }
        @Override public void idleTimeout(Duration timeout) { }
        @Override public void pauseInput(Duration pause) { }
        @Override public long outboundBacklog() { return unread; }
        @Override public void holdInput() { }
        @Override public void releaseInput() { }
        @Override public void close() { }
        @Override public boolean isOpen() { return true; }
        @Override public boolean tlsAvailable() { return false; }
        @Override public boolean isTls() { return false; }
        @Override public void startTls(byte[] clearResponse) { }
        @Override public void expectContinuation(boolean expect) { }
        @Override public void signalDecoder(Object signal) { }
        @Override public Object attachment() { return null; }
        @Override public void attach(Object attachment) { }
    }

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final Map<String, MailboxRecord> map = new HashMap<>();

    private void runTasks() {
        for (int i = 0; i < 10_000 && !tasks.isEmpty(); i++) {
            tasks.poll().run();
        }
    }

    private MailboxRecord put(String name, String server) {
        MailboxRecord r = new MailboxRecord(name, server, "default", "anyone lrs", MailboxKind.ACTIVE, map.size() + 1);
        map.put(name, r);
        return r;
    }

    private UpdateStream stream(SlowClient c) {
        return new UpdateStream(c, "U01", Set.of(), n -> Optional.ofNullable(map.get(n)), tasks::add);
    }

    @Test
    void theDumpThenItsCompletionThenChangesAsTheyAreWhenSent() {
        SlowClient c = new SlowClient(1 << 20);
        UpdateStream s = stream(c);
        s.holdForDump();
        s.changed("user.early"); // during registration: must follow the dump
        put("user.early", "be1");
        runTasks();
        assertEquals("", c.text(), "nothing before the dump");
        s.sendDump(List.of(put("user.a", "be1")));
        runTasks();
        String t = c.text();
        assertTrue(t.indexOf("user.a") < t.indexOf("streaming starts") && t.indexOf("streaming starts") < t.indexOf("user.early"), t);
        put("user.early", "be2"); // changed twice before sending: one response, the current state
        s.changed("user.early");
        s.changed("user.early");
        map.remove("user.a");
        s.changed("user.a");
        runTasks();
        String after = c.text().substring(t.length());
        assertEquals(1, after.split("user.early", -1).length - 1, after);
        assertTrue(after.contains("be2"), after);
        assertTrue(after.contains("DELETE") && after.contains("user.a"), after);
    }

    @Test
    void aSubscriberThatDoesNotReadHoldsNoThreadAndGetsEverythingOnceItReads() {
        SlowClient c = new SlowClient(64 * 1024);
        UpdateStream s = stream(c);
        s.holdForDump();
        List<MailboxRecord> dump = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            dump.add(put("user.m" + i, "be1"));
        }
        s.sendDump(dump);
        runTasks();
        assertTrue(tasks.isEmpty() && !c.whenDrained.isEmpty(), "parked, waiting for the client, no task running");
        assertFalse(c.text().contains("streaming starts"));
        List<String> order = new ArrayList<>();
        s.afterQueued(() -> order.add("noop answered"));
        assertTrue(order.isEmpty(), "the NOOP's answer waits for what was queued before it");
        for (int i = 0; i < 1000 && !c.whenDrained.isEmpty(); i++) {
            c.readAll();
            runTasks();
        }
        assertTrue(c.text().contains("user.m9999") && c.text().contains("streaming starts"));
        assertEquals(List.of("noop answered"), order);
        List<String> idle = new ArrayList<>();
        s.afterQueued(() -> idle.add("at once"));
        assertEquals(List.of("at once"), idle, "nothing queued: the answer goes at once");
    }
}
