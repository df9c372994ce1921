package org.murder.connector.transport;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.murder.connector.api.Connection;
import org.murder.connector.api.MupdateListener;
import org.murder.protocol.mupdate.MupdateCommand;
import org.murder.protocol.mupdate.MupdateResponses;

/**
 * A test MUPDATE endpoint: greets, answers {@code tag OK "done"} (or what a test plugs in), and records every
 * call per connection, checking that the transport never calls it twice at once for one connection.
 */
final class RecordingEndpoint implements MupdateListener {

    static final String GREETING = "* OK MUPDATE \"test\" \"murder\" \"0\" \"(master)\"";

    @FunctionalInterface
    interface CommandHandler {
        void handle(Connection connection, MupdateCommand command) throws Exception;
    }

    /** What the endpoint saw on one connection. */
    static final class Log {
        final List<String> events = new ArrayList<>();
        final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        final AtomicBoolean busy = new AtomicBoolean();
        final AtomicInteger disconnects = new AtomicInteger();
        final CountDownLatch disconnected = new CountDownLatch(1);

        synchronized List<String> events() {
            return List.copyOf(events);
        }

        synchronized void add(String event) {
            events.add(event);
            queue.add(event);
        }

        /** The next event, waiting at most {@code seconds}; null on timeout. */
        String next(int seconds) throws InterruptedException {
            return queue.poll(seconds, TimeUnit.SECONDS);
        }

        boolean awaitDisconnect(int seconds) throws InterruptedException {
            return disconnected.await(seconds, TimeUnit.SECONDS);
        }
    }

    final BlockingQueue<Connection> connected = new LinkedBlockingQueue<>();
    final Map<Long, Log> logs = new ConcurrentHashMap<>();
    /** Calls that overlapped another call for the same connection: must stay 0. */
    final AtomicInteger overlaps = new AtomicInteger();
    final AtomicInteger totalDisconnects = new AtomicInteger();

    volatile CommandHandler onCommand = (c, cmd) -> c.write(MupdateResponses.ok(cmd.tag(), "done"));

    Log log(Connection c) {
        return logs.computeIfAbsent(c.id(), id -> new Log());
    }

    /**
     * The server side of {@code client}'s connection, once its onConnect ran (onConnects of different
     * connections run on different workers, so their order is not the clients' order).
     */
    Connection connectionOf(LineClient client) throws InterruptedException {
        SocketAddress clientAddress = client.socket().getLocalSocketAddress();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (Connection c : connected) {
                if (c.remoteAddress().equals(clientAddress)) {
                    return c;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no onConnect for " + clientAddress + " within 10 s");
    }

    static String describe(MupdateCommand cmd) {
        String name = cmd.getClass().getSimpleName().toUpperCase();
        if (cmd instanceof MupdateCommand.Find f) {
            return name + " " + cmd.tag() + " " + f.mailbox();
        }
        return name + " " + cmd.tag();
    }

    private void enter(Connection c) {
        if (!log(c).busy.compareAndSet(false, true)) {
            overlaps.incrementAndGet();
        }
    }

    private void exit(Connection c) {
        log(c).busy.set(false);
    }

    /** Makes onConnect throw, as an endpoint whose database is down might. */
    volatile boolean failGreeting;

    @Override
    public void onConnect(Connection connection) {
        enter(connection);
        try {
            log(connection).add("connect");
            if (failGreeting) {
                throw new IllegalStateException("greeting fails (test)");
            }
            connection.write((GREETING + "\r\n").getBytes(StandardCharsets.US_ASCII));
            connected.add(connection);
        } finally {
            exit(connection);
        }
    }

    @Override
    public void onCommand(Connection connection, MupdateCommand command) {
        enter(connection);
        try {
            log(connection).add(describe(command) + (connection.isTls() ? " [tls]" : ""));
            onCommand.handle(connection, command);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            exit(connection);
        }
    }

    @Override
    public void onContinuation(Connection connection, String line) {
        enter(connection);
        try {
            log(connection).add("continuation " + line);
            connection.write(("* CONTINUATION " + line + "\r\n").getBytes(StandardCharsets.UTF_8));
        } finally {
            exit(connection);
        }
    }

    @Override
    public void onBadInput(Connection connection, String tag, String message) {
        enter(connection);
        try {
            log(connection).add("bad " + tag + " " + message);
            connection.write(tag.isEmpty() ? ("* BAD \"" + message + "\"\r\n").getBytes(StandardCharsets.US_ASCII)
                    : MupdateResponses.bad(tag, message));
        } finally {
            exit(connection);
        }
    }

    @Override
    public void onDisconnect(Connection connection) {
        enter(connection);
        try {
            Log log = log(connection);
            log.add("disconnect");
            log.disconnects.incrementAndGet();
            totalDisconnects.incrementAndGet();
            log.disconnected.countDown();
        } finally {
            exit(connection);
        }
    }
}
