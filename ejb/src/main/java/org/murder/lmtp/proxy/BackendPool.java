package org.murder.lmtp.proxy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.murder.connector.api.OutboundConnection;
import org.murder.connector.api.OutboundHandler;
import org.murder.protocol.lmtp.LmtpCommand;
import org.murder.protocol.lmtp.LmtpReply;

/**
 * LMTP connections to the backends, kept between transactions and shared by every client session of this node:
 * LHLO and AUTH once per connection, not per message. A lent connection comes back with {@link #release} after its
 * transaction; it is lent again after an {@code RSET}, whose {@code 250} also proves that the backend has not closed
 * it meanwhile (a broken one is dropped and the next tried, then a new one opened). At most {@code maxIdle} idle
 * connections per backend are kept, none longer than {@code idleTimeout}; {@link #sweep()} enforces that and
 * {@code proxy_timeout} on the connections in use. Nothing here blocks: a lease arrives as a callback.
 *
 * <p>Thread-safe.
 */
public final class BackendPool {

    /** Opens a connection without blocking ({@code OutboundConnections::open}). */
    @FunctionalInterface
    public interface Opener {
        OutboundConnection open(InetSocketAddress address, OutboundHandler handler);
    }

    /** The answer to {@link #acquire}. */
    public sealed interface Lease permits Lent, Refused {
    }

    /** A connection ready for {@code MAIL FROM}, the caller's until it calls {@link #release} or discards it. */
    public record Lent(BackendConnection connection) implements Lease {
    }

    /** No connection: the backend is down, refused us, or did not answer in time. */
    public record Refused(String why) implements Lease {
    }

    private final Opener opener;
    private final int maxIdle;
    private final long idleTimeoutNanos;
    private final Duration timeout;
    private final Map<String, Deque<BackendConnection>> idle = new HashMap<>();
    private final Set<BackendConnection> open = ConcurrentHashMap.newKeySet();

    /**
     * @param maxIdle     idle connections kept per backend
     * @param idleTimeout how long one is kept unused
     * @param timeout     how long a backend may take to connect, greet or answer ({@code proxy_timeout})
     */
    public BackendPool(Opener opener, int maxIdle, Duration idleTimeout, Duration timeout) {
        this.opener = opener;
        this.maxIdle = Math.max(0, maxIdle);
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.timeout = timeout;
    }

    /** Lends a connection to {@code backend}: a pooled one that answers RSET, else a new one once logged in. */
    public void acquire(BackendProfile backend, Consumer<Lease> then) {
        BackendConnection pooled = takeIdle(backend.server());
        if (pooled == null) {
            openNew(backend, then);
            return;
        }
        boolean sent = pooled.send(new LmtpCommand.Rset(), new BackendConnection.ReplyHandler() {
            @Override
            public void reply(LmtpReply reply) {
                if (reply.code() == 250) {
                    then.accept(new Lent(pooled));
                } else {
                    pooled.discard("RSET answered " + reply.code());
                    acquire(backend, then);
                }
            }

            @Override
            public void failed(String why) {
                acquire(backend, then); // closed while idle (the backend's own timeout): try the next
            }
        });
        if (!sent) {
            acquire(backend, then);
        }
    }

    private void openNew(BackendProfile backend, Consumer<Lease> then) {
        BackendConnection c = new BackendConnection(backend, timeout, this::forget);
        open.add(c);
        c.open(opener, failure -> then.accept(failure.<Lease>map(Refused::new).orElseGet(() -> new Lent(c))));
    }

    /**
     * Takes back a connection after a finished (or reset-able) transaction. One that is not idle — a reply still
     * awaited, a message half sent — cannot be reused and is closed.
     */
    public void release(BackendConnection c) {
        if (!c.isIdle()) {
            c.discard("returned to the pool in the middle of a command");
            return;
        }
        c.markIdle();
        BackendConnection surplus = null;
        synchronized (idle) {
            Deque<BackendConnection> q = idle.computeIfAbsent(c.profile().server(), k -> new ArrayDeque<>());
            q.addFirst(c);
            if (q.size() > maxIdle) {
                surplus = q.pollLast();
            }
        }
        if (surplus != null) {
            surplus.quit();
        }
    }

    private BackendConnection takeIdle(String server) {
        synchronized (idle) {
            Deque<BackendConnection> q = idle.get(server);
            while (q != null && !q.isEmpty()) {
                BackendConnection c = q.pollFirst(); // the most recently used: the least likely to have timed out
                if (c.isOpen()) {
                    return c;
                }
            }
            return null;
        }
    }

    private void forget(BackendConnection c) {
        open.remove(c);
        synchronized (idle) {
            Deque<BackendConnection> q = idle.get(c.profile().server());
            if (q != null) {
                q.remove(c);
            }
        }
    }

    /** Closes idle connections past their time and fails those whose backend is overdue. Call it every second or so. */
    public void sweep() {
        long now = System.nanoTime();
        List<BackendConnection> expired = new ArrayList<>();
        synchronized (idle) {
            for (Deque<BackendConnection> q : idle.values()) {
                for (Iterator<BackendConnection> it = q.iterator(); it.hasNext(); ) {
                    BackendConnection c = it.next();
                    if (now - c.idleSince() > idleTimeoutNanos) {
                        it.remove();
                        expired.add(c);
                    }
                }
            }
        }
        expired.forEach(BackendConnection::quit);
        for (BackendConnection c : List.copyOf(open)) {
            c.checkTimeout(now);
        }
    }

    /** Idle connections kept for {@code server}. */
    public int idleCount(String server) {
        synchronized (idle) {
            Deque<BackendConnection> q = idle.get(server);
            return q == null ? 0 : q.size();
        }
    }

    /** Connections open (idle, lent, or logging in). */
    public int openCount() {
        return open.size();
    }

    /** Closes every connection (the application stops). */
    public void close() {
        List.copyOf(open).forEach(BackendConnection::quit);
    }
}
