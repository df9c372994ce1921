package org.murder.connector.transport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.murder.connector.api.OutboundConnection;
import org.murder.connector.api.OutboundConnections;
import org.murder.connector.api.OutboundHandler;

/**
 * The connecting side of the transport: opens connections to other nodes and serves them all from one selector
 * thread, as {@link NioListener} does for accepted ones. Handler calls run on the {@code workers} executor.
 */
public final class NioConnector extends SelectorLoop implements OutboundConnections {

    private static final Logger LOG = Logger.getLogger(NioConnector.class.getName());

    private final OutboundSettings settings;
    private final Set<NioOutboundConnection> connections = ConcurrentHashMap.newKeySet();
    /** Selector thread only: connections still connecting, for their time-outs. */
    private final Set<NioOutboundConnection> connecting = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();

    public NioConnector(OutboundSettings settings, Executor workers) throws IOException {
        super("outbound", workers);
        this.settings = settings;
    }

    @Override
    public OutboundConnection open(InetSocketAddress address, OutboundHandler handler) {
        if (!running()) {
            throw new IllegalStateException("MURDER-RA-020 the outbound transport has stopped");
        }
        NioOutboundConnection c = new NioOutboundConnection(this, address, handler, ids.incrementAndGet());
        if (connections.size() >= settings.maxConnections()) {
            LOG.warning(() -> "MURDER-RA-021 outbound connection limit " + settings.maxConnections()
                    + " reached; not connecting to " + address);
            c.connectFailed(new ConnectException("MURDER-RA-021 outbound connection limit "
                    + settings.maxConnections() + " reached"));
            return c;
        }
        SocketChannel ch;
        try {
            ch = SocketChannel.open();
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                ch.connect(address);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) { // RuntimeException: an unresolved address
            c.connectFailed(e);
            return c;
        }
        c.connecting(ch, System.nanoTime() + settings.connectTimeout().toNanos());
        connections.add(c);
        if (!running()) { // stop() raced with this open: closeConnections() may have run already
            c.abort(new IOException("MURDER-RA-023 the outbound transport stopped"));
            return c;
        }
        onSelector(() -> register(c));
        return c;
    }

    /** Selector thread. */
    private void register(NioOutboundConnection c) {
        if (!c.isOpen()) {
            return; // closed before it was registered
        }
        try {
            c.registered(c.channel().register(selector, SelectionKey.OP_CONNECT, c));
            connecting.add(c);
        } catch (IOException | RuntimeException e) {
            c.abort(e);
        }
    }

    @Override
    long selectTimeoutMillis() {
        long wait = 1000;
        long now = System.nanoTime();
        for (NioOutboundConnection c : connecting) {
            wait = Math.min(wait, Math.max(1, (c.connectDeadline() - now) / 1_000_000 + 1));
        }
        return wait;
    }

    @Override
    void afterSelect() {
        if (connecting.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (NioOutboundConnection c : connecting) {
            if (!c.isConnecting()) {
                connecting.remove(c);
            } else if (now - c.connectDeadline() >= 0) {
                connecting.remove(c);
                c.abort(new SocketTimeoutException("MURDER-RA-022 connect to " + c.remoteAddress()
                        + " timed out after " + settings.connectTimeout().toMillis() + " ms"));
            }
        }
    }

    void closed(NioOutboundConnection c) {
        connections.remove(c);
    }

    OutboundSettings settings() {
        return settings;
    }

    /** Connections open or connecting. */
    public int connectionCount() {
        return connections.size();
    }

    @Override
    void closeConnections() {
        IOException stopping = new IOException("MURDER-RA-023 the outbound transport stopped");
        for (NioOutboundConnection c : connections) {
            c.abort(stopping);
        }
        connecting.clear();
    }
}
