package org.murder.connector.api;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One connection this node opened to another (see {@link OutboundConnections}). Thread-safe: any thread may write,
 * suspend or close; input and life-cycle events go to the {@link OutboundHandler}.
 *
 * <p>Back-pressure in both directions, without a blocked thread: {@link #write} queues and says when the queue has
 * passed the high-water mark (then {@link OutboundHandler#onWritable} tells when it has drained to half of it); a
 * proxy whose own client does not read calls {@link #suspendReading()}, and the transport stops reading this socket,
 * so the peer's TCP window fills and the peer stops sending.
 */
public interface OutboundConnection {

    long id();

    InetSocketAddress remoteAddress();

    /**
     * Queues bytes for sending; never blocks. The array is not copied: do not change it afterwards. Past a hard
     * bound far above the high-water mark the connection is closed ({@code onClosed} with the cause) rather than
     * filling the heap.
     *
     * @return true while the queued output is at most the high-water mark; false asks the writer to wait for
     *         {@link OutboundHandler#onWritable}
     */
    boolean write(byte[] bytes);

    /** As {@link #write(byte[])} for the buffer's remaining bytes; the buffer is taken as it is, not copied. */
    boolean write(ByteBuffer bytes);

    /** Bytes queued but not yet handed to the socket. */
    long outboundBacklog();

    /**
     * Stops reading from the peer: once this returns, no more {@link OutboundHandler#onInput} until
     * {@link #resumeReading()} (input already read waits, in order). Idempotent; any thread.
     */
    void suspendReading();

    /** Delivers what was read meanwhile, in order, and reads again. Idempotent; any thread. */
    void resumeReading();

    /** True between {@link #suspendReading()} and {@link #resumeReading()}. */
    boolean isReadingSuspended();

    /**
     * Switches both directions to TLS (client side), for STARTTLS: call it once the peer's go-ahead (IMAP's tagged
     * OK, LMTP's 220) has been read and before anything else is written. Bytes written afterwards go out encrypted
     * once the handshake is done; a failed handshake (untrusted certificate, wrong host name) closes the connection
     * ({@code onClosed} with the cause). The peer is verified against the adapter's trust settings.
     *
     * @throws IllegalStateException when not connected, or TLS is already on
     */
    void startTls();

    /**
     * RFC 4978 COMPRESS=DEFLATE from here on, both ways (inside TLS when TLS is on): call it once the server's OK to
     * COMPRESS has been read and before anything else is written.
     *
     * @throws IllegalStateException when compression is already on
     */
    default void startCompression() {
        throw new UnsupportedOperationException("no compression on this connection");
    }

    boolean isTls();

    /** Sends what was written, then closes; {@code onClosed(connection, null)} follows. */
    void close();

    /** True from {@code open} until the connection is closed or failed to connect. */
    boolean isOpen();

    /** State of the caller's choosing (e.g. the proxy session this connection serves). */
    Object attachment();

    void attach(Object attachment);
}
