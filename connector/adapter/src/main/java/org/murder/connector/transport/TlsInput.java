package org.murder.connector.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * The decrypting side of a TLS connection: network bytes read from the socket in, application bytes out. Shared by
 * accepted and opened connections. Not thread-safe: the owner holds its input lock around every call.
 */
final class TlsInput {

    enum Status {
        /** Unwrapped what it could; read more. */
        OK,
        /**
         * The engine must send handshake data before it unwraps more, and the output cannot move yet: stop reading
         * until the socket drains, then call {@link #unwrap} again.
         */
        STALLED,
        /** The peer closed TLS. */
        CLOSED
    }

    private final SSLEngine engine;
    private ByteBuffer netIn;
    private ByteBuffer appIn;

    TlsInput(SSLEngine engine) {
        this.engine = engine;
        this.netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    SSLEngine engine() {
        return engine;
    }

    /** Reads from the socket; -1 at its end. */
    int readFrom(SocketChannel channel) throws IOException {
        return channel.read(netIn);
    }

    boolean hasNetworkInput() {
        return netIn.position() > 0;
    }

    /** True while the engine waits to send handshake data before it can read more. */
    boolean needsWrap() {
        return engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP;
    }

    /**
     * Unwraps what was read and hands the application bytes to {@code application} (what it leaves unread is kept
     * for the next call).
     *
     * @param flush sends the handshake output the engine produced
     * @param ended true once the connection ended (a failed flush aborts it)
     */
    Status unwrap(Runnable flush, BooleanSupplier ended, Consumer<ByteBuffer> application) throws SSLException {
        Status status = unwrap(flush, ended);
        appIn.flip();
        try {
            application.accept(appIn);
        } finally {
            appIn.compact();
        }
        return status;
    }

    private Status unwrap(Runnable flush, BooleanSupplier ended) throws SSLException {
        netIn.flip();
        try {
            while (true) {
                SSLEngineResult r = engine.unwrap(netIn, appIn);
                runTasks(engine, r.getHandshakeStatus());
                if (needsWrap()) {
                    flush.run();
                    if (r.getStatus() == SSLEngineResult.Status.OK && r.bytesConsumed() == 0
                            && r.bytesProduced() == 0 && !ended.getAsBoolean() && needsWrap()) {
                        // unwrap() only answers NEED_WRAP until our handshake output goes out, and it cannot now
                        // (cleartext output is still queued, or the socket is full): stop instead of spinning
                        return Status.STALLED;
                    }
                }
                if (ended.getAsBoolean()) {
                    return Status.OK;
                }
                switch (r.getStatus()) {
                    case BUFFER_OVERFLOW -> {
                        appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                        continue;
                    }
                    case BUFFER_UNDERFLOW -> {
                        if (netIn.limit() == netIn.capacity()) {
                            ByteBuffer bigger = ByteBuffer.allocate(
                                    Math.max(netIn.capacity() * 2, engine.getSession().getPacketBufferSize()));
                            bigger.put(netIn);
                            bigger.flip();
                            netIn = bigger;
                        }
                        return Status.OK;
                    }
                    case CLOSED -> {
                        return Status.CLOSED;
                    }
                    default -> {
                    }
                }
                if (!netIn.hasRemaining()) {
                    return Status.OK;
                }
            }
        } finally {
            netIn.compact();
        }
    }

    private static ByteBuffer grow(ByteBuffer buffer, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(buffer.capacity() + atLeast);
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }

    static void runTasks(SSLEngine engine, SSLEngineResult.HandshakeStatus status) {
        if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
            }
        }
    }
}
