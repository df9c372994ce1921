package org.murder.connector.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One listening socket and the selector thread that serves all its connections. Commands run on the
 * {@code workers} executor (the container's work manager), never on the selector thread.
 */
public final class NioListener extends SelectorLoop {

    private static final Logger LOG = Logger.getLogger(NioListener.class.getName());

    private final ProtocolBinding binding;
    private final TransportSettings settings;
    private final EndpointSource endpoints;
    private final ServerSocketChannel server;
    private final InetSocketAddress boundAddress;
    private final Set<NioConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();

    /** Binds at once, so a port clash fails the activation instead of a later thread. */
    public NioListener(ProtocolBinding binding, TransportSettings settings, EndpointSource endpoints,
                       Executor workers) throws IOException {
        super(binding.name(), workers);
        this.binding = binding;
        this.settings = settings;
        this.memory = new MemoryGuard(settings.shedPercent());
        this.endpoints = endpoints;
        this.server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(settings.address(), 1024);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            boundAddress = (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            server.close();
            selector.close();
            throw e;
        }
        LOG.info(() -> "MURDER-RA-001 " + binding.name() + " listening on " + boundAddress
                + (settings.tls() != null ? " (STARTTLS available)" : ""));
    }

    @Override
    void handleOther(SelectionKey key) {
        if (key.isAcceptable()) {
            accept();
        }
    }
    private final MemoryGuard memory;
    private long lastSweep = System.nanoTime();

    @Override
    void afterSelect() {
        sweepIdle();
        if (!pausedConnections.isEmpty()) {
            long now = System.nanoTime();
            pausedConnections.removeIf(c -> c.resumeIfDue(now));
        }
    }

    /** Connections whose input waits (a failed login's pause), resumed by the selector's rounds. */
    private final Set<NioConnection> pausedConnections = ConcurrentHashMap.newKeySet();

    void paused(NioConnection c) {
        pausedConnections.add(c);
        selector.wakeup();
    }

    /** Every few seconds: connections past their idle timeout are told to go. */
    private void sweepIdle() {
        long now = System.nanoTime();
        if (now - lastSweep < 2_000_000_000L) {
            return;
        }
        lastSweep = now;
        for (NioConnection c : connections) {
            try {
                c.checkIdle(now);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "MURDER-RA-014 idle check failed for " + c, e);
            }
        }
    }
    private long lastShedLog;

    private void accept() {
        SocketChannel ch;
        try {
            while ((ch = server.accept()) != null) {
                NioConnection c;
                try {
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    // a peer that vanished without a FIN (a dead NAT, a pulled cable) is found by the kernel
                    ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                    c = new NioConnection(this, ch, ids.incrementAndGet());
                } catch (IOException e) {
                    ch.close(); // the peer vanished between accept and setup
                    continue;
                }
                if (memory.runningShort()) {
                    long now = System.nanoTime();
                    if (now - lastShedLog > 10_000_000_000L) {
                        lastShedLog = now;
                        LOG.warning(() -> "MURDER-RA-009 " + binding.name() + " heap " + Math.round(memory.usedAfterCollection() * 100)
                                + " % in use after collection (over " + settings.shedPercent() + " %); refusing new connections");
                    }
                    ch.write(ByteBuffer.wrap(binding.unavailable()));
                    ch.close();
                    continue;
                }
                if (settings.maxPerAddress() > 0 && !admitFrom(c.remoteAddress().getAddress())) {
                    LOG.warning(() -> "MURDER-RA-015 " + binding.name() + " limit of " + settings.maxPerAddress()
                            + " connections per address reached; refusing " + c.remoteAddress());
                    ch.write(ByteBuffer.wrap(binding.tooManyConnections()));
                    ch.close();
                    continue;
                }
                if (connections.size() >= settings.maxConnections()) {
                    release(c.remoteAddress().getAddress());
                    LOG.warning(() -> "MURDER-RA-005 " + binding.name() + " connection limit "
                            + settings.maxConnections() + " reached; refusing " + c.remoteAddress());
                    ch.write(ByteBuffer.wrap(binding.tooManyConnections()));
                    ch.close();
                    continue;
                }
                connections.add(c);
                SelectionKey key = ch.register(selector, SelectionKey.OP_READ, c);
                c.registered(key);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "MURDER-RA-006 accept failed on " + settings.address(), e);
        }
    }

    void closed(NioConnection c) {
        if (connections.remove(c)) {
            release(c.remoteAddress().getAddress());
        }
    }

    /** Connections open per client address, when a per-address limit is set. */
    private final java.util.Map<java.net.InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    private boolean admitFrom(java.net.InetAddress address) {
        int now = perAddress.merge(address, 1, Integer::sum);
        if (now > settings.maxPerAddress()) {
            release(address);
            return false;
        }
        return true;
    }

    private void release(java.net.InetAddress address) {
        if (settings.maxPerAddress() <= 0) {
            return;
        }
        perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    ProtocolBinding binding() {
        return binding;
    }

    TransportSettings settings() {
        return settings;
    }

    EndpointSource endpoints() {
        return endpoints;
    }

    /** The address actually bound (the real port when the settings asked for port 0). */
    public InetSocketAddress localAddress() {
        return boundAddress;
    }

    public int connectionCount() {
        return connections.size();
    }

    @Override
    void beforeStop() {
        closeServer(); // stop accepting at once
    }

    @Override
    void closeConnections() {
        for (NioConnection c : connections) {
            c.abort();
        }
        closeServer();
    }

    private void closeServer() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
