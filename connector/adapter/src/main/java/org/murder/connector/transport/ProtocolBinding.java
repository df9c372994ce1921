package org.murder.connector.transport;

import org.murder.connector.api.Connection;
import org.murder.connector.api.ProtocolListener;

/** What the transport needs to know of one protocol: framing, a few fixed lines, and how to dispatch. */
public interface ProtocolBinding {

    String name();

    Class<? extends ProtocolListener> listenerType();

    InputDecoder newDecoder(TransportSettings settings);

    /** An item read as a continuation line (SASL responses), or null if it cannot be one. */
    String continuationLine(Object item);

    /** Sent (then the connection closed) to a client beyond the connection limit. */
    byte[] tooManyConnections();

    /** Sent (then the connection closed) when no endpoint can take the connection, or its greeting failed. */
    byte[] unavailable();

    /** Calls the endpoint's method for one decoded item (parsing it first where the decoder did not). */
    void dispatch(ProtocolListener endpoint, Connection connection, Object item);

    /**
     * The transport is done with a decoded item: it was dispatched (the command has been handled) or will never be
     * (the connection went first). Frees what the item holds, such as its literals' files.
     */
    default void release(Object item) {
    }
}
