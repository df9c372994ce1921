package org.murder.connector.api;

/**
 * What every protocol's message listener shares: the connection's life cycle, continuation lines,
 * and input the codec could not accept. The adapter calls one method at a time per connection, in
 * the order the input arrived.
 */
public interface ProtocolListener {

    /** A client connected: send the greeting. */
    void onConnect(Connection connection);

    /** A line answering a continuation request (e.g. a SASL response), CRLF removed. */
    void onContinuation(Connection connection, String line);

    /**
     * Input that is not a command: malformed, or over a configured bound. The connection stays
     * usable; the endpoint answers with the protocol's error.
     *
     * @param tag the command's tag when it could be read, else empty
     */
    void onBadInput(Connection connection, String tag, String message);

    /**
     * The next part of a streamed response ({@link Connection#stream}): called through the endpoint so that the
     * producer runs in the endpoint's context.
     *
     * @return what {@link ResponseProducer#produce} returned
     */
    default boolean onProduce(Connection connection, ResponseProducer producer) {
        return producer.produce(connection);
    }

    /**
     * No input for the connection's idle timeout ({@link Connection#idleTimeout}): say why (e.g. IMAP's
     * {@code * BYE}), the transport closes the connection after this call.
     */
    default void onTimeout(Connection connection) {
    }

    /** The connection is gone (client closed, error, or {@link Connection#close()}). */
    void onDisconnect(Connection connection);
}
