package org.murder.lmtp.proxy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.connector.api.OutboundConnection;
import org.murder.connector.api.OutboundHandler;
import org.murder.protocol.lmtp.LmtpCommand;
import org.murder.protocol.lmtp.LmtpCommandEncoder;
import org.murder.protocol.lmtp.LmtpProtocolException;
import org.murder.protocol.lmtp.LmtpReply;

/**
 * One LMTP connection from this frontend to a backend, driven by events: nothing here waits for the network. Every
 * command is written with the handler of its reply; replies come back in order (RFC 2920 pipelining, which LMTP
 * servers must offer, RFC 2033 §5), so the handlers form a queue. The connection first logs in (greeting, LHLO,
 * STARTTLS and AUTH as the backend's profile says), then serves one transaction after another for {@link BackendPool}.
 *
 * <p>Thread-safety: the transport calls the {@link OutboundHandler} methods one at a time; a transaction writes from
 * its client's worker threads. State is guarded by one lock, and no handler is ever called while it is held, so a
 * handler may write to this connection again (and take its own locks) freely.
 */
final class BackendConnection implements OutboundHandler {

    private static final Logger LOG = Logger.getLogger(BackendConnection.class.getName());

    /** Waits for one reply. Called on a transport worker, outside this connection's lock. */
    interface ReplyHandler {
        void reply(LmtpReply reply);

        /** The connection ended (or never came up) before that reply: {@code why} says how, for logs and replies. */
        void failed(String why);
    }

    private final BackendProfile profile;
    private final long timeoutNanos;
    private final Consumer<BackendConnection> gone;
    private final Object lock = new Object();
    private final ArrayDeque<ReplyHandler> awaited = new ArrayDeque<>();
    private final ReplyReader reader = new ReplyReader();
    private final BackendLogin login;

    private OutboundConnection connection;
    private Consumer<Optional<String>> setup;
    private boolean closed;
    /** When the awaited reply (or the drain of a congested body) is overdue; 0 when nothing is awaited. */
    private long deadline;
    private Runnable writable;
    private volatile long idleSince = System.nanoTime();

    /**
     * @param gone told once when the connection has ended, for whatever reason (the pool forgets it)
     */
    BackendConnection(BackendProfile profile, Duration timeout, Consumer<BackendConnection> gone) {
        this.profile = profile;
        this.timeoutNanos = timeout.toNanos();
        this.gone = gone;
        this.login = new BackendLogin(profile, this);
    }

    BackendProfile profile() {
        return profile;
    }

    /**
     * Connects and logs in; {@code then} hears empty once the connection is ready for a transaction, or why not.
     */
    void open(BackendPool.Opener opener, Consumer<Optional<String>> then) {
        synchronized (lock) {
            setup = then;
            awaited.add(login.greeting());
            deadline = System.nanoTime() + timeoutNanos; // covers connecting too
        }
        OutboundConnection c;
        try {
            c = opener.open(profile.address(), this);
        } catch (RuntimeException e) {
            fail("cannot connect: " + e.getMessage());
            return;
        }
        synchronized (lock) {
            connection = c;
        }
    }

    /** The login finished (called by {@link BackendLogin}). */
    void loggedIn() {
        Consumer<Optional<String>> then;
        synchronized (lock) {
            then = setup;
            setup = null;
        }
        if (then != null) {
            then.accept(Optional.empty());
        }
    }

    /**
     * Writes {@code command} and queues the handler of its reply.
     *
     * @return false when the connection has ended (the handler is not called)
     */
    boolean send(LmtpCommand command, ReplyHandler handler) {
        return send(LmtpCommandEncoder.encode(command), List.of(handler));
    }

    /** Writes {@code bytes} (a command, or the end of a message) and queues the handlers of the replies it asks for. */
    boolean send(byte[] bytes, List<? extends ReplyHandler> handlers) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            awaited.addAll(handlers);
            if (deadline == 0 && !awaited.isEmpty()) {
                deadline = System.nanoTime() + timeoutNanos;
            }
            connection.write(bytes);
            return true;
        }
    }

    /**
     * Writes part of a message body (already dot-stuffed). Bytes written to an ended connection are dropped: the
     * transaction hears of the end when it sends the final dot.
     *
     * @return true while the backend keeps up; false past the connection's high-water mark, and then
     *         {@code whenWritable} runs once it has drained (or the connection has ended)
     */
    boolean sendBody(byte[] bytes, Runnable whenWritable) {
        synchronized (lock) {
            if (closed) {
                return true;
            }
            if (connection.write(bytes)) {
                return true;
            }
            writable = whenWritable;
            if (deadline == 0) {
                deadline = System.nanoTime() + timeoutNanos; // a backend that stops reading is a backend that is down
            }
            return false;
        }
    }

    /** Upgrades to TLS after the backend's 220 to STARTTLS (called by {@link BackendLogin}). */
    void startTls() {
        OutboundConnection c;
        synchronized (lock) {
            c = connection;
        }
        c.startTls();
    }

    boolean isOpen() {
        synchronized (lock) {
            return !closed;
        }
    }

    /** Open, no reply awaited and no body stalled: fit to lend. */
    boolean isIdle() {
        synchronized (lock) {
            return !closed && awaited.isEmpty() && writable == null;
        }
    }

    long idleSince() {
        return idleSince;
    }

    void markIdle() {
        idleSince = System.nanoTime();
    }

    /** Ends the connection politely (an idle one the pool lets go). */
    void quit() {
        OutboundConnection c;
        synchronized (lock) {
            if (closed) {
                return;
            }
            c = connection;
        }
        if (c != null) {
            c.write(LmtpCommandEncoder.encode(new LmtpCommand.Quit()));
            c.close();
        }
        fail("closed by this frontend");
    }

    /** Ends the connection at once (one whose state is unknown, e.g. left mid-message). */
    void discard(String why) {
        fail(why);
    }

    /** Fails the connection if what it waits for is overdue ({@code proxy_timeout}). */
    void checkTimeout(long now) {
        boolean overdue;
        synchronized (lock) {
            overdue = !closed && deadline != 0 && now - deadline > 0;
        }
        if (overdue) {
            fail("no answer within " + Duration.ofNanos(timeoutNanos).toSeconds() + " s");
        }
    }

    // ------------------------------------------------------------------ OutboundHandler

    @Override
    public void onConnected(OutboundConnection c) {
        synchronized (lock) {
            connection = c;
        }
    }

    @Override
    public void onInput(OutboundConnection c, ByteBuffer input) {
        List<ReplyHandler> handlers = new ArrayList<>(1);
        List<LmtpReply> replies;
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                replies = reader.read(input);
            } catch (LmtpProtocolException e) {
                replies = null;
            }
            if (replies != null) {
                for (int i = 0; i < replies.size() && !awaited.isEmpty(); i++) {
                    handlers.add(awaited.poll());
                }
                deadline = awaited.isEmpty() && writable == null ? 0 : System.nanoTime() + timeoutNanos;
            }
        }
        if (replies == null) {
            fail("the backend's reply is malformed");
            return;
        }
        if (replies.size() > handlers.size()) {
            // e.g. 421 before closing an idle connection: whatever it says, the connection is done
            LmtpReply unexpected = replies.get(handlers.size());
            fail("unexpected reply " + unexpected.code() + " " + unexpected.text());
        }
        for (int i = 0; i < handlers.size(); i++) {
            handlers.get(i).reply(replies.get(i));
        }
    }

    @Override
    public void onWritable(OutboundConnection c) {
        Runnable r;
        synchronized (lock) {
            r = writable;
            writable = null;
            if (awaited.isEmpty()) {
                deadline = 0;
            }
        }
        if (r != null) {
            r.run();
        }
    }

    @Override
    public void onClosed(OutboundConnection c, Throwable cause) {
        fail(cause == null ? "the backend closed the connection" : "connection lost: " + describe(cause));
    }

    @Override
    public void onConnectFailed(OutboundConnection c, Throwable cause) {
        fail("cannot connect: " + describe(cause));
    }

    private static String describe(Throwable cause) {
        String m = cause.getMessage();
        return m == null ? cause.getClass().getSimpleName() : m;
    }

    /** Ends the connection once: every waiting party hears why, the pool forgets it. */
    void fail(String why) {
        List<ReplyHandler> handlers;
        Runnable r;
        Consumer<Optional<String>> then;
        OutboundConnection c;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            handlers = new ArrayList<>(awaited);
            awaited.clear();
            r = writable;
            writable = null;
            then = setup;
            setup = null;
            c = connection;
            deadline = 0;
        }
        LOG.log(Level.FINE, () -> "LMTP connection to " + profile + " ends: " + why);
        if (c != null) {
            c.close();
        }
        gone.accept(this);
        if (then != null) {
            then.accept(Optional.of(why));
        }
        for (ReplyHandler h : handlers) {
            h.failed(why);
        }
        if (r != null) {
            r.run();
        }
    }

    @Override
    public String toString() {
        return "LMTP to " + profile.server().toLowerCase(Locale.ROOT);
    }
}
