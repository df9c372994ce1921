package org.murder.connector.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.murder.connector.api.OutboundConnection;
import org.murder.connector.api.OutboundHandler;

/**
 * One connection this node opened. The selector thread connects, reads and decrypts; what it read waits in
 * {@link #events} (boundedly: past {@link OutboundSettings#INPUT_QUEUE_LIMIT} the socket is not read) and a worker
 * hands it to the handler, one call at a time, in order. Any thread may write: output is queued and flushed by
 * whoever gets there first, the rest by the selector when the socket drains.
 *
 * <p>Locks: {@code inLock} (events, reading) may be held while taking {@code outLock} (output), never the reverse.
 */
final class NioOutboundConnection implements OutboundConnection, SelectorLoop.Selectable {

    private static final Logger LOG = Logger.getLogger(NioOutboundConnection.class.getName());
    private static final int BATCH = 32;

    private enum State { CONNECTING, CONNECTED, CLOSED }

    private sealed interface Event permits Connected, Input, Writable, Closed, ConnectFailed {
    }

    private record Connected() implements Event {
    }

    private record Input(ByteBuffer bytes) implements Event {
    }

    private record Writable() implements Event {
    }

    private record Closed(Throwable cause) implements Event {
    }

    private record ConnectFailed(Throwable cause) implements Event {
    }

    private final NioConnector connector;
    private final InetSocketAddress remote;
    private final OutboundHandler handler;
    private final long id;
    private volatile SocketChannel channel;
    private volatile SelectionKey key;
    private volatile long connectDeadline;
    private volatile State state = State.CONNECTING;
    private volatile Object attachment;

    // ---- input and events: guarded by inLock
    private final Object inLock = new Object();
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private long queuedInput;
    private boolean dispatching;
    /** Too much input waits for the handler: the transport stopped reading. */
    private boolean readPaused;
    /** The caller asked for no more input for now. */
    private volatile boolean suspended;
    private boolean inputEnded;
    private boolean unwrapStalled;
    private TlsInput tlsIn;
    /** RFC 4978 COMPRESS: what the server sends (after TLS, when TLS is on) is inflated before the handler sees it. */
    private Inflation inflation;

    // ---- output: guarded by outLock
    private final Object outLock = new Object();
    private final SocketOutput output = new SocketOutput();
    private boolean closeRequested;
    /** A write said "wait": onWritable is owed once the backlog is down to half the high-water mark. */
    private boolean writableOwed;

    NioOutboundConnection(NioConnector connector, InetSocketAddress remote, OutboundHandler handler, long id) {
        this.connector = connector;
        this.remote = remote;
        this.handler = handler;
        this.id = id;
    }

    // ------------------------------------------------------------------ connecting

    void connecting(SocketChannel channel, long deadline) {
        this.channel = channel;
        this.connectDeadline = deadline;
    }

    void registered(SelectionKey key) {
        this.key = key;
    }

    SocketChannel channel() {
        return channel;
    }

    long connectDeadline() {
        return connectDeadline;
    }

    boolean isConnecting() {
        return state == State.CONNECTING;
    }

    /** Failed before a socket was registered (limit, unresolved address, local error). */
    void connectFailed(Throwable cause) {
        end(cause, false);
    }

    @Override
    public void onConnectable() {
        try {
            if (!channel.finishConnect()) {
                return;
            }
        } catch (IOException e) {
            abort(e);
            return;
        }
        synchronized (inLock) {
            if (state != State.CONNECTING) {
                return;
            }
            state = State.CONNECTED;
            key.interestOps(0);
            updateReadInterestLocked();
            events.add(new Connected());
            scheduleLocked();
        }
        flush(); // what was written while connecting
    }

    // ------------------------------------------------------------------ input (selector thread)

    @Override
    public void onReadable(ByteBuffer scratch) {
        try {
            synchronized (inLock) {
                if (state != State.CONNECTED || inputEnded) {
                    return;
                }
                int n;
                if (tlsIn == null) {
                    scratch.clear();
                    n = channel.read(scratch);
                    if (n > 0) {
                        scratch.flip();
                        queueInputLocked(scratch);
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
                if (queuedInput >= OutboundSettings.INPUT_QUEUE_LIMIT && !readPaused) {
                    readPaused = true;
                    updateReadInterestLocked();
                }
                scheduleLocked();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "outbound connection " + id + " read failed", e);
            abort(e);
        }
    }

    private void queueInputLocked(ByteBuffer bytes) {
        if (!bytes.hasRemaining()) {
            return;
        }
        if (inflation != null) {
            try {
                inflation.inflate(bytes, this::queuePlainLocked);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return;
        }
        queuePlainLocked(bytes);
    }

    private void queuePlainLocked(ByteBuffer bytes) {
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
        copy.put(bytes).flip();
        queuedInput += copy.remaining();
        events.add(new Input(copy));
    }

    private void unwrapLocked() throws SSLException {
        TlsInput.Status status = tlsIn.unwrap(this::flush, () -> state == State.CLOSED, this::queueInputLocked);
        if (status == TlsInput.Status.STALLED) {
            unwrapStalled = true;
            updateReadInterestLocked();
        }
        if (status == TlsInput.Status.CLOSED) {
            peerClosedLocked();
            return;
        }
        flush(); // a finished handshake may release queued output
    }

    /** Selector thread: the socket drained. */
    @Override
    public void onWritable() {
        flush();
        try {
            synchronized (inLock) {
                if (!unwrapStalled || state != State.CONNECTED || tlsIn.needsWrap()) {
                    return;
                }
                // our handshake output went out: unwrap what was read meanwhile, then read again
                unwrapStalled = false;
                unwrapLocked();
                updateReadInterestLocked();
                scheduleLocked();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "outbound connection " + id + " read failed", e);
            abort(e);
        }
    }

    private void peerClosedLocked() {
        inputEnded = true;
        end(null, true);
    }

    private void updateReadInterestLocked() {
        if (state == State.CONNECTED) {
            connector.interest(key, SelectionKey.OP_READ,
                    !inputEnded && !readPaused && !suspended && !unwrapStalled);
        }
    }

    @Override
    public void suspendReading() {
        synchronized (inLock) {
            suspended = true;
            updateReadInterestLocked();
        }
    }

    @Override
    public void resumeReading() {
        synchronized (inLock) {
            suspended = false;
            updateReadInterestLocked();
            scheduleLocked();
        }
    }

    @Override
    public boolean isReadingSuspended() {
        return suspended;
    }

    // ------------------------------------------------------------------ handler calls (worker threads)

    private void scheduleLocked() {
        if (!dispatching && !events.isEmpty() && !(suspended && events.peek() instanceof Input)) {
            dispatching = true;
            connector.execute(this::drain);
        }
    }

    private void drain() {
        for (int i = 0; i < BATCH; i++) {
            Event event;
            synchronized (inLock) {
                event = events.peek();
                if (event == null || (suspended && event instanceof Input)) {
                    dispatching = false;
                    return;
                }
                events.poll();
                if (event instanceof Input in) {
                    queuedInput -= in.bytes().remaining();
                    if (readPaused && queuedInput < OutboundSettings.INPUT_QUEUE_LIMIT / 2) {
                        readPaused = false;
                        updateReadInterestLocked();
                    }
                }
            }
            deliver(event);
        }
        synchronized (inLock) {
            dispatching = false;
            scheduleLocked(); // the next batch, behind other connections' work
        }
    }

    private void deliver(Event event) {
        try {
            if (event instanceof Input in) {
                handler.onInput(this, in.bytes());
            } else if (event instanceof Connected) {
                handler.onConnected(this);
            } else if (event instanceof Writable) {
                if (state == State.CONNECTED) {
                    handler.onWritable(this);
                }
            } else if (event instanceof Closed c) {
                handler.onClosed(this, c.cause());
            } else if (event instanceof ConnectFailed f) {
                handler.onConnectFailed(this, f.cause());
            }
        } catch (RuntimeException e) {
            // the handler's state is unknown after a failure mid-stream: end the connection, and say why
            LOG.log(Level.SEVERE, "MURDER-RA-024 outbound handler failed on connection " + id + " to " + remote, e);
            if (!(event instanceof Closed) && !(event instanceof ConnectFailed)) {
                abort(e);
            }
        }
    }

    // ------------------------------------------------------------------ output (any thread)

    @Override
    public boolean write(byte[] bytes) {
        return write(ByteBuffer.wrap(bytes));
    }

    @Override
    public boolean write(ByteBuffer bytes) {
        long max = connector.settings().maxBacklog();
        boolean overflow;
        synchronized (outLock) {
            if (state == State.CLOSED || closeRequested) {
                return false;
            }
            overflow = output.backlog() + bytes.remaining() > max;
            if (!overflow && bytes.hasRemaining()) {
                output.add(bytes);
            }
        }
        if (overflow) {
            LOG.warning(() -> "MURDER-RA-025 outbound connection " + id + " to " + remote + " does not read; over "
                    + max + " bytes queued, closing it");
            abort(new IOException("MURDER-RA-025 over " + max + " bytes of output queued"));
            return false;
        }
        flush();
        synchronized (outLock) {
            if (output.backlog() <= connector.settings().highWater()) {
                return true;
            }
            writableOwed = true;
            return false;
        }
    }

    /** Writes as much as the socket takes now; the selector finishes the rest. */
    private void flush() {
        if (state != State.CONNECTED) {
            return; // queued until connected; dropped once closed
        }
        boolean closeNow = false;
        boolean writable = false;
        Throwable failure = null;
        synchronized (outLock) {
            try {
                boolean blocked = output.flush(channel);
                connector.interest(key, SelectionKey.OP_WRITE, blocked);
                closeNow = closeRequested && !blocked && output.drained();
                if (writableOwed && output.backlog() <= connector.settings().highWater() / 2) {
                    writableOwed = false;
                    writable = true;
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "outbound connection " + id + " write failed", e);
                failure = e;
                output.clear();
            }
        }
        if (failure != null) {
            abort(failure);
        } else if (closeNow) {
            end(null, false);
        } else if (writable) {
            synchronized (inLock) {
                if (state == State.CONNECTED) {
                    events.add(new Writable());
                    scheduleLocked();
                }
            }
        }
    }

    @Override
    public long outboundBacklog() {
        synchronized (outLock) {
            return output.backlog();
        }
    }

    @Override
    public void startTls() {
        SSLEngine engine = connector.settings().tls().createSSLEngine(remote.getHostString(), remote.getPort());
        engine.setUseClientMode(true);
        if (connector.settings().verifyHostname()) {
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
            engine.setSSLParameters(parameters);
        }
        synchronized (inLock) {
            if (state != State.CONNECTED) {
                throw new IllegalStateException("outbound connection " + id + " is not connected");
            }
            if (tlsIn != null) {
                throw new IllegalStateException("TLS already active on outbound connection " + id);
            }
            try {
                engine.beginHandshake(); // the client speaks first
            } catch (SSLException e) {
                abort(e);
                return;
            }
            tlsIn = new TlsInput(engine);
        }
        synchronized (outLock) {
            output.switchToTls(engine);
        }
        flush();
    }

    @Override
    public void startCompression() {
        synchronized (inLock) {
            if (state != State.CONNECTED) {
                throw new IllegalStateException("outbound connection " + id + " is not connected");
            }
            if (inflation != null) {
                throw new IllegalStateException("compression already active on outbound connection " + id);
            }
            inflation = new Inflation();
            // read after the server's OK but not yet handed on: already compressed (the server compresses from the
            // byte after its OK's CRLF; it sends nothing unasked before our next command, so the OK ended its read)
            java.util.List<Event> pending = new java.util.ArrayList<>(events);
            events.clear();
            queuedInput = 0;
            for (Event e : pending) {
                if (e instanceof Input in) {
                    queueInputLocked(in.bytes());
                } else {
                    events.add(e);
                }
            }
        }
        synchronized (outLock) {
            output.startCompression();
        }
    }

    @Override
    public boolean isTls() {
        synchronized (inLock) {
            return tlsIn != null;
        }
    }

    @Override
    public void close() {
        if (state == State.CONNECTING) {
            abort(new ClosedChannelException());
            return;
        }
        synchronized (outLock) {
            closeRequested = true;
        }
        flush();
    }

    /** Closes at once; the handler hears {@code onClosed} (or {@code onConnectFailed} while connecting). */
    @Override
    public void abort(Throwable cause) {
        end(cause, false);
    }

    /**
     * The one way a connection ends.
     *
     * @param keepInput the peer closed: what it sent before is still delivered, then {@code onClosed}
     */
    private void end(Throwable cause, boolean keepInput) {
        synchronized (outLock) {
            output.clear();
            closeRequested = true;
        }
        synchronized (inLock) {
            if (state == State.CLOSED) {
                return;
            }
            boolean wasConnected = state == State.CONNECTED;
            state = State.CLOSED;
            if (!keepInput) {
                events.removeIf(e -> e instanceof Input || e instanceof Writable);
                queuedInput = 0;
            }
            events.add(wasConnected ? new Closed(cause)
                    : new ConnectFailed(cause != null ? cause : new ClosedChannelException()));
            scheduleLocked();
        }
        if (channel != null) {
            connector.cancel(key, channel);
        }
        connector.closed(this);
    }

    @Override
    public boolean isOpen() {
        return state != State.CLOSED;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public String toString() {
        return "outbound#" + id + " " + remote + " " + state;
    }
}
