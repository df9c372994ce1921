package org.murder.connector.api;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One client connection, owned by the resource adapter for its whole life. Endpoints (MDBs) answer
 * through it; long-lived session state hangs off {@link #attachment()}, never off a pooled bean.
 * Thread-safe: the master's stream writers and the command worker may write concurrently.
 */
public interface Connection {

    long id();

    /** The listener's protocol name, e.g. {@code mupdate}. */
    String protocol();

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    /** Queues bytes for sending; never blocks. Bytes from one call are never interleaved with another's. */
    void write(byte[] bytes);

    /**
     * Waits while more than the listener's high-water mark of output is queued, so a writer of a
     * large response cannot fill memory faster than the client reads.
     *
     * @return false if the connection closed or the timeout passed first
     */
    boolean awaitWritable(Duration timeout);

    /**
     * Hands the rest of the current command's response to a producer (see {@link ResponseProducer}); the endpoint
     * method returns at once. Input that follows is dispatched only after the producer has finished.
     */
    void stream(ResponseProducer producer);

    /**
     * Closes the connection after this long without input from the client (the endpoint hears
     * {@link ProtocolListener#onTimeout} first, to say goodbye); {@link Duration#ZERO} never. Endpoints change it
     * as the session goes on (a short one before login, Cyrus's autologout after).
     */
    void idleTimeout(Duration timeout);

    /**
     * Holds the client's next commands for this long (the answer to the current one still goes at once): Cyrus's
     * pause after a failed login, which slows password guessing without holding a thread.
     */
    void pauseInput(Duration pause);

    /** Bytes queued but not yet handed to the socket. */
    long outboundBacklog();

    /**
     * True while more than the listener's high-water mark of output is queued: a relay (a frontend passing a
     * backend's answer on) stops reading its source and asks {@link #whenWritable} to be told when to go on.
     */
    boolean congested();

    /**
     * Runs {@code action} once the queued output has drained to half the high-water mark (or the connection has
     * closed): at once on the calling thread when that is already so, otherwise later on a worker thread. How a
     * relay resumes reading its source without a thread waiting for a slow client.
     */
    void whenWritable(Runnable action);

    /**
     * Holds the dispatch of the client's next commands until {@link #releaseInput()}: a command answered by
     * another server (a frontend's proxied command) keeps the session's order without a worker waiting for
     * that server. Input still arrives into the connection's bounded queue, then reading stops. A connection that
     * closes releases itself, so its disconnect is always heard. Any thread.
     */
    void holdInput();

    /** Dispatches the commands that waited; idempotent; any thread. */
    void releaseInput();

    /** Flushes what was written, then closes. */
    void close();

    boolean isOpen();

    /** True when the listener has TLS material configured and this connection is not yet encrypted. */
    boolean tlsAvailable();

    boolean isTls();

    /**
     * Sends {@code clearResponse} (the tagged OK to STARTTLS) in the clear, then switches both
     * directions to TLS. Input the client pipelined after the STARTTLS command is discarded, never
     * read as commands (RFC 3207 section 5 / RFC 2595 section 3.1).
     *
     * @throws IllegalStateException when no TLS material is configured or TLS is already on
     */
    void startTls(byte[] clearResponse);

    /**
     * RFC 4978 COMPRESS=DEFLATE: {@code clearResponse} (the tagged OK) goes out uncompressed, everything written after
     * it is compressed, and what the client sends from now on is decompressed before it is decoded; inside TLS when
     * TLS is on. Commands the client pipelined after COMPRESS are discarded (it must wait for the answer).
     *
     * @throws IllegalStateException when compression is already on
     */
    default void startCompression(byte[] clearResponse) {
        throw new UnsupportedOperationException("no compression on this connection");
    }

    /** Whether COMPRESS is active. */
    default boolean isCompressed() {
        return false;
    }

    /**
     * The next complete input line is handed to {@link ProtocolListener#onContinuation} instead of
     * being parsed as a command (SASL exchanges).
     */
    void expectContinuation(boolean expect);

    /**
     * Changes how the input that follows is read, before the reply that lets the client send it: LMTP's
     * DATA, for instance, is switched on before the 354 goes out. The signal is the protocol's own.
     */
    void signalDecoder(Object signal);

    /** Session state of the endpoint's choosing. */
    Object attachment();

    void attach(Object attachment);
}
