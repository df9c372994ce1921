package org.murder.connector.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One listening socket and the selector thread that serves all its connections. Commands run on the
 * {@code workers} executor (the container's work manager), never on the selector thread.
 */
public final class NioListener implements Runnable {

    private static final Logger LOG = Logger.getLogger(NioListener.class.getName());
    private static final long STOP_WAIT_SECONDS = 10;

    private final ProtocolBinding binding;
    private final TransportSettings settings;
    private final EndpointSource endpoints;
    private final Executor workers;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final InetSocketAddress boundAddress;
    private final ConcurrentLinkedQueue<Runnable> selectorTasks = new ConcurrentLinkedQueue<>();
    private final Set<NioConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);
    private volatile boolean running = true;
    private volatile Thread selectorThread;
    /** Released when the selector loop has closed everything (the listening socket included). */
    private final CountDownLatch finished = new CountDownLatch(1);

    /** Binds at once, so a port clash fails the activation instead of a later thread. */
    public NioListener(ProtocolBinding binding, TransportSettings settings, EndpointSource endpoints,
                       Executor workers) throws IOException {
        this.binding = binding;
        this.settings = settings;
        this.memory = new MemoryGuard(settings.shedPercent());
        this.endpoints = endpoints;
        this.workers = workers;
        this.selector = Selector.open();
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
    public void run() {
        selectorThread = Thread.currentThread();
        String oldName = selectorThread.getName();
        selectorThread.setName("murder-" + binding.name() + "-selector");
        try {
            while (running) {
                selector.select(1000);
                Runnable task;
                while ((task = selectorTasks.poll()) != null) {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.SEVERE, "MURDER-RA-007 " + binding.name() + " selector task failed", e);
                    }
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    handle(key);
                }
                selector.selectedKeys().clear();
                sweepIdle();
            }
        } catch (ClosedSelectorException e) {
            // stopped
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "MURDER-RA-004 " + binding.name() + " selector failed", e);
        } finally {
            selectorThread.setName(oldName);
            closeAll();
            finished.countDown();
        }
    }

    private void handle(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        try {
            if (key.isAcceptable()) {
                accept();
                return;
            }
            NioConnection c = (NioConnection) key.attachment();
            if (key.isValid() && key.isWritable()) {
                c.onWritable();
            }
            if (key.isValid() && key.isReadable()) {
                c.onReadable(scratch);
            }
        } catch (java.nio.channels.CancelledKeyException e) {
            // closed meanwhile
        } catch (RuntimeException | Error e) {
            // one connection's failure (even an Error such as running out of heap) must not end the listener: that
            // connection goes, the others and new ones are served; a JVM out of memory exits by its own option
            LOG.log(Level.SEVERE, "MURDER-RA-008 " + binding.name() + " connection failed; closing it", e);
            if (key.attachment() instanceof NioConnection c) {
                c.abort();
            } else if (key.isValid()) {
                key.cancel();
            }
        }
    }

    private final MemoryGuard memory;
    private long lastSweep = System.nanoTime();

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
                LOG.log(Level.WARNING, "MURDER-RA-013 idle check failed for " + c, e);
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
                if (connections.size() >= settings.maxConnections()) {
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

    /** Turns one interest bit on or off, from any thread. */
    void interest(SelectionKey key, int op, boolean on) {
        if (key == null || !key.isValid()) {
            return;
        }
        try {
            int ops = key.interestOps();
            if (((ops & op) != 0) == on) {
                return;
            }
            if (on) {
                key.interestOpsOr(op);
            } else {
                key.interestOpsAnd(~op);
            }
            if (Thread.currentThread() != selectorThread) {
                selector.wakeup();
            }
        } catch (java.nio.channels.CancelledKeyException e) {
            // closed meanwhile
        }
    }

    void cancel(SelectionKey key, SocketChannel ch) {
        if (key != null) {
            key.cancel();
        }
        try {
            ch.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }

    void closed(NioConnection c) {
        connections.remove(c);
    }

    void execute(Runnable r) {
        workers.execute(r);
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

    /**
     * Stops accepting, closes every connection; endpoints still hear their disconnects. On return the
     * port is free: a registered channel's socket is only really closed once the selector lets go of it,
     * so this waits (boundedly) for the selector thread to finish.
     */
    public void stop() {
        running = false;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        selector.wakeup();
        Thread t = selectorThread;
        if (t == null) {
            closeAll();
        } else if (t != Thread.currentThread()) {
            try {
                if (!finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warning(() -> "MURDER-RA-013 " + binding.name() + " selector did not stop within "
                            + STOP_WAIT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeAll() {
        for (NioConnection c : connections) {
            c.abort();
        }
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
