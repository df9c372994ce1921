package org.murder.connector.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLEngine;
import org.murder.connector.api.Connection;
import org.murder.connector.api.ProtocolListener;
import org.murder.connector.api.ResponseProducer;

/**
 * One socket. The selector thread reads, decrypts and frames input; frames wait in {@link #inbound}
 * and a worker hands them to the endpoint one at a time, in order. Any thread may write: output is
 * queued and flushed by whoever gets there first, the rest by the selector when the socket drains.
 * An idle connection holds no thread and only its small buffers.
 */
final class NioConnection implements Connection, SelectorLoop.Selectable {

    private static final Logger LOG = Logger.getLogger(NioConnection.class.getName());
    private static final int MAX_QUEUED_FRAMES = 64;
    /**
     * Commands whose literals went to disk that may wait behind the one running: a client that pipelines big
     * APPENDs is read no further until they are taken, so what one connection can hold on disk is bounded too.
     */
    static final int MAX_QUEUED_SPILLED = 2;
    private static final int BATCH = 32;

    private sealed interface Item permits Connect, Decoded, Bad, PeerClosed, Disconnect, Timeout {
    }

    private record Connect() implements Item {
    }

    private record Decoded(Object value) implements Item {
    }

    private record Bad(String tag, String reason) implements Item {
    }

    /** The client closed its side: answer what it sent before, then close ours (half-close). */
    private record PeerClosed() implements Item {
    }

    private record Disconnect() implements Item {
    }

    /** No input for the idle timeout: the endpoint says goodbye, then the connection closes. */
    private record Timeout() implements Item {
    }

    /**
     * When the client last sent or took bytes, and how long the connection may stay without (0: for ever): a long
     * download read steadily is activity, a client that neither sends nor reads is not.
     */
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile long idleTimeoutNanos;
    private boolean timedOut;

    private final NioListener listener;
    private final SocketChannel channel;
    private final long id;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private volatile SelectionKey key;

    // ---- input: guarded by inLock
    private final Object inLock = new Object();
    private final ArrayDeque<Item> inbound = new ArrayDeque<>();
    private InputDecoder decoder;
    private boolean dispatching;
    /** A proxied command is waiting for its answer: no more input is dispatched until it is released. */
    private boolean held;
    private boolean readPaused;
    private boolean inputEnded;
    /** The engine wants to wrap before it unwraps more, and our output cannot move yet: input waits. */
    private boolean unwrapStalled;
    private TlsInput tlsIn;
    /** RFC 4978 COMPRESS: what the client sends (after TLS, when TLS is on) is inflated before it is decoded. */
    private Inflation inflation;
    private volatile boolean expectContinuation;
    /** The current command's streamed response, if any: no input is dispatched until it is done. Worker only. */
    private volatile ResponseProducer producing;

    // ---- output: guarded by outLock
    private final Object outLock = new Object();
    private final SocketOutput output = new SocketOutput();
    private boolean closeRequested;
    /** The producer waits for the client to read: the next flush below the low-water mark resumes it. */
    private boolean parked;
    /** What {@link #whenWritable} was asked to run once the output drains. */
    private final java.util.List<Runnable> onDrained = new java.util.ArrayList<>(1);

    private volatile boolean open = true;
    private volatile Object attachment;

    NioConnection(NioListener listener, SocketChannel channel, long id) throws IOException {
        this.listener = listener;
        this.channel = channel;
        this.id = id;
        this.remote = (InetSocketAddress) channel.getRemoteAddress();
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.decoder = listener.binding().newDecoder(listener.settings());
    }

    void registered(SelectionKey key) {
        this.key = key;
        synchronized (inLock) {
            inbound.add(new Connect());
            scheduleLocked();
        }
    }

    // ------------------------------------------------------------------ input (selector thread)

    private final InputDecoder.Sink sink = new InputDecoder.Sink() {
        @Override
        public void item(Object item) {
            inbound.add(new Decoded(item));
        }

        @Override
        public void bad(String tag, String reason) {
            inbound.add(new Bad(tag, reason));
        }

        @Override
        public void writeNow(byte[] bytes) {
            write(bytes);
        }
    };

    /** Called by the selector thread when the socket is readable. */
    @Override
    public void onReadable(ByteBuffer scratch) {
        lastActivityNanos = System.nanoTime();
        try {
            synchronized (inLock) {
                int n;
                if (tlsIn == null) {
                    scratch.clear();
                    n = channel.read(scratch);
                    if (n > 0) {
                        scratch.flip();
                        decodeLocked(scratch);
                    }
                } else {
                    n = tlsIn.readFrom(channel);
                    if (n > 0 || tlsIn.hasNetworkInput()) {
                        unwrapLocked();
                    }
                }
                if (n < 0) {
                    peerClosedLocked();
                    return;
                }
                if (inboundFullLocked() && !readPaused) {
                    readPaused = true;
                    listener.interest(key, SelectionKey.OP_READ, false);
                }
                scheduleLocked();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "connection " + id + " read failed", e);
            abort();
        }
    }

    private void unwrapLocked() throws IOException {
        TlsInput.Status status = tlsIn.unwrap(this::flush, () -> inputEnded, app -> {
            try {
                decodeLocked(app);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (status == TlsInput.Status.STALLED) {
            unwrapStalled = true;
            listener.interest(key, SelectionKey.OP_READ, false);
        }
        if (status == TlsInput.Status.CLOSED) {
            endInputLocked();
        }
        flush(); // a finished handshake may release queued output
    }

    private void decodeLocked(ByteBuffer bytes) throws IOException {
        if (inflation == null) {
            decoder.decode(bytes, sink);
        } else {
            inflation.inflate(bytes, plain -> decoder.decode(plain, sink));
        }
    }

    private void peerClosedLocked() {
        if (inputEnded) {
            return;
        }
        inputEnded = true;
        decoder.close(); // a command cut off mid-literal never completes: its file goes now
        listener.interest(key, SelectionKey.OP_READ, false);
        inbound.add(new PeerClosed());
        if (held) {
            // a client that hangs up while another server answers for it is gone: its session (and the connections
            // it holds to that server) ends now, not whenever that server answers
            listener.execute(this::abort);
        }
        scheduleLocked();
    }

    private void endInputLocked() {
        decoder.close(); // the file of a literal still arriving goes with the connection
        if (inflation != null) {
            inflation.end();
            inflation = null;
        }
        if (!inputEnded) {
            inputEnded = true;
            open = false;
            synchronized (outLock) {
                unparkLocked(); // a response waiting for this client to read is abandoned, then the disconnect told
            }
            inbound.add(new Disconnect());
            scheduleLocked();
        }
        listener.cancel(key, channel);
        listener.closed(this);
    }

    // ------------------------------------------------------------------ dispatch (worker threads)

    private void scheduleLocked() {
        if (!dispatching && !inbound.isEmpty() && (!held || !open)) {
            dispatching = true;
            listener.execute(this::drain);
        }
    }

    private void drain() {
        ProtocolListener endpoint = null;
        boolean more = false;
        try {
            for (int i = 0; i < BATCH; i++) {
                if (producing != null) {
                    if (endpoint == null) {
                        endpoint = listener.endpoints().acquire();
                    }
                    Step step = produce(endpoint);
                    if (step == Step.PARKED) {
                        return; // dispatching stays on: the flush that drains the output resumes this drain
                    }
                    if (step == Step.MORE) {
                        continue;
                    }
                }
                if (pausedUntilNanos != 0 && open && System.nanoTime() < pausedUntilNanos) {
                    synchronized (inLock) {
                        if (!inbound.isEmpty()) {
                            paused = true;
                            listener.paused(this);
                            return; // dispatching stays on: the selector's round resumes this drain when it is time
                        }
                    }
                }
                Item item;
                synchronized (inLock) {
                    if (held && open) {
                        dispatching = false; // releaseInput schedules the next drain
                        resumeReadLocked();
                        return;
                    }
                    item = inbound.poll();
                    if (item == null) {
                        dispatching = false;
                        resumeReadLocked();
                        return;
                    }
                }
                if (endpoint == null) {
                    endpoint = listener.endpoints().acquire();
                }
                deliver(endpoint, item);
            }
            more = true;
        } catch (Exception e) {
            LOG.log(Level.WARNING, "MURDER-RA-002 endpoint unavailable for connection " + id + "; closing it", e);
            abandonProducer();
            synchronized (inLock) {
                inbound.forEach(this::releaseLocked);
                inbound.clear();
                dispatching = false;
            }
            write(listener.binding().unavailable());
            close();
        } finally {
            if (endpoint != null) {
                listener.endpoints().release(endpoint);
            }
            if (more) {
                synchronized (inLock) {
                    resumeReadLocked();
                    listener.execute(this::drain);
                }
            }
        }
    }

    private enum Step { MORE, DONE, PARKED }

    /** One part of the streamed response, unless the client has not read enough yet. */
    private Step produce(ProtocolListener endpoint) {
        synchronized (outLock) {
            if (open && output.backlog() > listener.settings().highWater()) {
                parked = true;
                return Step.PARKED;
            }
        }
        if (!open) {
            abandonProducer();
            return Step.DONE;
        }
        boolean more;
        try {
            more = endpoint.onProduce(this, producing);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "MURDER-RA-010 streamed response failed on connection " + id + "; closing it", e);
            abandonProducer();
            close();
            return Step.DONE;
        }
        if (!more) {
            producing = null;
            return Step.DONE;
        }
        return Step.MORE;
    }

    private void abandonProducer() {
        ResponseProducer p = producing;
        producing = null;
        if (p != null) {
            try {
                p.abandon();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "connection " + id + ": releasing an unfinished response failed", e);
            }
        }
    }

    /** Commands wait until then (a failed login's pause). */
    private volatile long pausedUntilNanos;
    private volatile boolean paused;

    @Override
    public void pauseInput(Duration pause) {
        pausedUntilNanos = System.nanoTime() + Math.max(0, pause.toNanos());
    }

    /** Selector thread: a paused connection whose time has come (or that closed) goes on. */
    boolean resumeIfDue(long now) {
        if (paused && (!open || now - pausedUntilNanos >= 0)) {
            paused = false;
            listener.execute(this::drain);
            return true;
        }
        return !paused;
    }

    @Override
    public void idleTimeout(Duration timeout) {
        idleTimeoutNanos = timeout.isNegative() ? 0 : timeout.toNanos();
        lastActivityNanos = System.nanoTime(); // a new limit counts from now
    }

    /** Selector thread, now and then: a connection quiet for longer than its limit is told to go. */
    void checkIdle(long now) {
        long limit = idleTimeoutNanos;
        if (limit <= 0 || now - lastActivityNanos < limit) {
            return;
        }
        boolean stalled;
        synchronized (outLock) {
            stalled = parked || output.backlog() > listener.settings().highWater();
        }
        if (stalled) {
            // it neither writes nor reads: nothing said to it would arrive
            LOG.fine(() -> "connection " + id + " idle and not reading; closing it");
            abort();
            return;
        }
        synchronized (inLock) {
            if (timedOut || inputEnded) {
                return;
            }
            timedOut = true;
            inbound.add(new Timeout());
            scheduleLocked();
        }
    }

    @Override
    public void stream(ResponseProducer producer) {
        if (producing != null) {
            throw new IllegalStateException("a response is already streaming on connection " + id);
        }
        producing = producer;
    }

    /** The client read enough (or the connection went): the parked producer goes on, on a worker. */
    private void unparkLocked() {
        boolean drained = !open || output.backlog() <= listener.settings().highWater() / 2;
        if (parked && drained) {
            parked = false;
            listener.execute(this::drain);
        }
        if (drained && !onDrained.isEmpty()) {
            for (Runnable r : onDrained) {
                listener.execute(r);
            }
            onDrained.clear();
        }
    }

    @Override
    public boolean congested() {
        synchronized (outLock) {
            return open && output.backlog() > listener.settings().highWater();
        }
    }

    @Override
    public void whenWritable(Runnable action) {
        synchronized (outLock) {
            if (open && output.backlog() > listener.settings().highWater() / 2) {
                onDrained.add(action);
                return;
            }
        }
        action.run();
    }

    @Override
    public void holdInput() {
        synchronized (inLock) {
            held = true;
        }
    }

    @Override
    public void releaseInput() {
        synchronized (inLock) {
            held = false;
            scheduleLocked();
        }
    }

    private void resumeReadLocked() {
        if (readPaused && inbound.size() < MAX_QUEUED_FRAMES / 2 && spilledQueuedLocked() < MAX_QUEUED_SPILLED
                && !inputEnded && !unwrapStalled) {
            readPaused = false;
            listener.interest(key, SelectionKey.OP_READ, true);
        }
    }

    private boolean inboundFullLocked() {
        return inbound.size() >= MAX_QUEUED_FRAMES || spilledQueuedLocked() >= MAX_QUEUED_SPILLED;
    }

    private int spilledQueuedLocked() {
        int n = 0;
        for (Item item : inbound) {
            if (item instanceof Decoded d && d.value() instanceof org.murder.protocol.wire.SpilledFrame) {
                n++;
            }
        }
        return n;
    }

    /** What a decoded item holds (its literals' files) goes once it has been handled, or will never be. */
    private void releaseLocked(Item item) {
        if (item instanceof Decoded d) {
            listener.binding().release(d.value());
        }
    }

    private void deliver(ProtocolListener endpoint, Item item) {
        try {
            if (item instanceof Decoded d) {
                try {
                    String line = expectContinuation ? listener.binding().continuationLine(d.value()) : null;
                    if (line != null) {
                        expectContinuation = false;
                        endpoint.onContinuation(this, line);
                    } else {
                        listener.binding().dispatch(endpoint, this, d.value());
                    }
                } finally {
                    // the command has been handled, whatever came of it: an endpoint that keeps a file retained it
                    listener.binding().release(d.value());
                }
            } else if (item instanceof Bad b) {
                expectContinuation = false;
                endpoint.onBadInput(this, b.tag(), b.reason());
            } else if (item instanceof Connect) {
                try {
                    endpoint.onConnect(this);
                } catch (RuntimeException e) {
                    // without its greeting the client would wait for ever: tell it, and hang up
                    LOG.log(Level.SEVERE, "MURDER-RA-003 endpoint failed to greet connection " + id, e);
                    write(listener.binding().unavailable());
                    close();
                }
            } else if (item instanceof PeerClosed) {
                close();
                endpoint.onDisconnect(this);
            } else if (item instanceof Disconnect) {
                endpoint.onDisconnect(this);
            } else if (item instanceof Timeout) {
                try {
                    endpoint.onTimeout(this);
                } finally {
                    close();
                    if (outboundBacklog() > 0) {
                        abort(); // the goodbye goes if the socket takes it now; the connection goes regardless
                    }
                }
            }
        } catch (RuntimeException e) {
            // an endpoint bug must not take the connection's other commands down with it
            LOG.log(Level.SEVERE, "MURDER-RA-003 endpoint failed on connection " + id, e);
        }
    }

    // ------------------------------------------------------------------ output (any thread)

    @Override
    public void write(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        boolean overflow;
        synchronized (outLock) {
            if (!open || closeRequested) {
                return;
            }
            overflow = output.backlog() + bytes.length > maxBacklog();
            if (!overflow) {
                output.add(ByteBuffer.wrap(bytes));
            }
        }
        if (overflow) {
            // streamed responses stop at the high-water mark; only a client that reads nothing for a long time
            // while others' changes are pushed to it gets here: it is cut off rather than filling the heap
            LOG.warning(() -> "MURDER-RA-011 connection " + id + " from " + remote + " does not read; over "
                    + maxBacklog() + " bytes queued, closing it");
            abort();
            return;
        }
        flush();
    }

    /** Writes as much as the socket takes now; the selector finishes the rest. */
    void flush() {
        boolean closeNow = false;
        synchronized (outLock) {
            long before = output.backlog();
            try {
                boolean blocked = output.flush(channel);
                listener.interest(key, SelectionKey.OP_WRITE, blocked);
                if (closeRequested && !blocked && output.drained()) {
                    closeNow = true;
                }
                outLock.notifyAll();
                if (output.backlog() < before) {
                    lastActivityNanos = System.nanoTime();
                }
                unparkLocked();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "connection " + id + " write failed", e);
                closeNow = true;
                output.clear();
                outLock.notifyAll();
            }
        }
        if (closeNow) {
            abort();
        }
    }

    /** Output queued beyond which a connection is cut off: far above the high-water mark streamed responses keep to. */
    private long maxBacklog() {
        return Math.max(16L << 20, 64L * listener.settings().highWater());
    }

    @Override
    public boolean awaitWritable(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (outLock) {
            while (open && output.backlog() > listener.settings().highWater()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    outLock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return open;
        }
    }

    @Override
    public long outboundBacklog() {
        synchronized (outLock) {
            return output.backlog();
        }
    }

    @Override
    public void startTls(byte[] clearResponse) {
        if (listener.settings().tls() == null) {
            throw new IllegalStateException("no TLS material configured");
        }
        SSLEngine engine = listener.settings().tls().createSSLEngine(remote.getHostString(), remote.getPort());
        engine.setUseClientMode(false);
        synchronized (inLock) {
            if (tlsIn != null) {
                throw new IllegalStateException("TLS already active");
            }
            // what the client pipelined after STARTTLS was sent in the clear: never a command
            discardPipelinedLocked();
            decoder.close();
            decoder = listener.binding().newDecoder(listener.settings());
            tlsIn = new TlsInput(engine);
        }
        synchronized (outLock) {
            output.add(ByteBuffer.wrap(clearResponse));
            output.switchToTls(engine);
        }
        flush();
    }

    /** Drops the commands (and refusals) decoded but not yet run: what a client sent before a layer switch's answer. */
    private void discardPipelinedLocked() {
        inbound.removeIf(item -> {
            releaseLocked(item);
            return item instanceof Decoded || item instanceof Bad;
        });
    }

    @Override
    public void startCompression(byte[] clearResponse) {
        synchronized (inLock) {
            if (inflation != null) {
                throw new IllegalStateException("compression already active");
            }
            // the client must wait for the answer before it compresses: anything it pipelined is not a command. The
            // decoder stays: it carries the bounds raised at login (a new one would hold a logged-in client to the
            // small pre-login literals)
            discardPipelinedLocked();
            inflation = new Inflation();
        }
        synchronized (outLock) {
            output.add(ByteBuffer.wrap(clearResponse));
            output.startCompression();
        }
        flush();
    }

    @Override
    public boolean isCompressed() {
        synchronized (inLock) {
            return inflation != null;
        }
    }

    @Override
    public boolean tlsAvailable() {
        return listener.settings().tls() != null && !isTls();
    }

    @Override
    public boolean isTls() {
        synchronized (inLock) {
            return tlsIn != null;
        }
    }

    @Override
    public void signalDecoder(Object signal) {
        synchronized (inLock) {
            decoder.signal(signal);
        }
    }

    @Override
    public void expectContinuation(boolean expect) {
        this.expectContinuation = expect;
    }

    @Override
    public void close() {
        synchronized (outLock) {
            closeRequested = true;
        }
        flush();
    }

    @Override
    public void abort(Throwable cause) {
        abort();
    }

    /** Closes at once; the endpoint still hears {@code onDisconnect}. */
    void abort() {
        synchronized (outLock) {
            open = false;
            output.clear();
            outLock.notifyAll();
            unparkLocked();
        }
        synchronized (inLock) {
            endInputLocked();
            scheduleLocked(); // a connection that was held dispatches what waited, its disconnect last
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String protocol() {
        return listener.binding().name();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    SocketChannel channel() {
        return channel;
    }

    /** Selector thread: the socket drained. */
    @Override
    public void onWritable() {
        flush();
        try {
            synchronized (inLock) {
                if (!unwrapStalled || inputEnded
                        || tlsIn.needsWrap()) {
                    return;
                }
                // our handshake output went out: unwrap what was read meanwhile, then read again
                unwrapStalled = false;
                unwrapLocked();
                if (!unwrapStalled && !inputEnded) {
                    if (inboundFullLocked()) {
                        readPaused = true;
                    }
                    if (!readPaused) {
                        listener.interest(key, SelectionKey.OP_READ, true);
                    }
                }
                scheduleLocked();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "connection " + id + " read failed", e);
            abort();
        }
    }

    @Override
    public String toString() {
        return listener.binding().name() + "#" + id + " " + remote;
    }

}
