package org.murder.connector.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;

/**
 * A connection's queued output and how it reaches the socket: in the clear, and after a switch through TLS. Shared
 * by accepted and opened connections. Not thread-safe: the owner holds its output lock around every call.
 */
final class SocketOutput {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Queue marker: everything before it goes in the clear, everything after through TLS. */
    private static final ByteBuffer TLS_SWITCH = ByteBuffer.allocate(0);

    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private long backlog;
    private SSLEngine engine;
    private SSLEngine pendingEngine;
    private ByteBuffer netOut;

    /** RFC 4978 COMPRESS: what is added from now on is queued compressed (under TLS, when TLS is on). */
    private Deflation deflation;

    void add(ByteBuffer bytes) {
        if (deflation != null && bytes.hasRemaining()) {
            bytes = deflation.compress(bytes);
        }
        backlog += bytes.remaining();
        queue.add(bytes);
    }

    /** What is queued so far goes out as it is; what is added from now on, compressed. */
    void startCompression() {
        if (deflation != null) {
            throw new IllegalStateException("compression already active");
        }
        deflation = new Deflation();
    }

    boolean compressed() {
        return deflation != null;
    }

    /** Bytes queued but not yet handed to the socket. */
    long backlog() {
        return backlog;
    }

    /** What is queued so far goes out in the clear; what is queued from now on, through {@code tls}. */
    void switchToTls(SSLEngine tls) {
        queue.add(TLS_SWITCH);
        pendingEngine = tls;
    }

    /** True once nothing is left to send (no pending switch either). */
    boolean drained() {
        return queue.isEmpty() && pendingEngine == null;
    }

    void clear() {
        queue.clear();
        backlog = 0;
        if (deflation != null) {
            deflation.end(); // the connection is over: the native stream goes now, not at finalization
            deflation = null;
        }
    }

    /**
     * Writes as much as the socket takes now.
     *
     * @return true when the socket would not take more (the selector must wait for OP_WRITE)
     */
    boolean flush(SocketChannel channel) throws IOException {
        boolean blocked = engine == null ? flushClear(channel) : flushTls(channel);
        if (!blocked && pendingEngine != null && queue.peek() == TLS_SWITCH) {
            // everything before the switch is out: from here on (including what was written after the switch and
            // is queued behind it), TLS
            queue.poll();
            engine = pendingEngine;
            pendingEngine = null;
            netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            netOut.flip();
            blocked = flushTls(channel);
        }
        return blocked;
    }

    private boolean flushClear(SocketChannel channel) throws IOException {
        while (!queue.isEmpty()) {
            ByteBuffer head = queue.peek();
            if (head == TLS_SWITCH) {
                return false; // flush() takes the switch; nothing behind it may go out in the clear
            }
            int n = channel.write(head);
            backlog -= n;
            if (head.hasRemaining()) {
                return true;
            }
            queue.poll();
        }
        return false;
    }

    private boolean flushTls(SocketChannel channel) throws IOException {
        while (true) {
            if (netOut.hasRemaining()) {
                channel.write(netOut);
                if (netOut.hasRemaining()) {
                    return true;
                }
            }
            SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP
                    || hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP_AGAIN) {
                return false; // the peer speaks next; input processing flushes again
            }
            boolean handshaking = hs != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                    && hs != SSLEngineResult.HandshakeStatus.FINISHED;
            if (!handshaking && queue.isEmpty()) {
                return false;
            }
            ByteBuffer src = handshaking ? EMPTY : queue.peek();
            netOut.clear();
            SSLEngineResult r;
            try {
                r = engine.wrap(src, netOut);
            } finally {
                netOut.flip();
            }
            TlsInput.runTasks(engine, r.getHandshakeStatus());
            if (src != EMPTY) {
                backlog -= r.bytesConsumed();
                if (!src.hasRemaining()) {
                    queue.poll();
                }
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                clear();
                if (netOut.hasRemaining()) {
                    channel.write(netOut);
                }
                return netOut.hasRemaining();
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(netOut.capacity() * 2);
                netOut.flip();
            }
        }
    }
}
