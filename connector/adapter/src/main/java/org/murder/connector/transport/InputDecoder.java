package org.murder.connector.transport;

import java.nio.ByteBuffer;

/**
 * One connection's input decoder: consumes whatever bytes are available (keeping partial input) and
 * hands complete items — a command frame, a line, a chunk of message data — to the sink, in order.
 * Runs on the selector thread; never blocks and never throws on bad input.
 */
public interface InputDecoder {

    void decode(ByteBuffer in, Sink sink);

    /** An endpoint's request to change how what follows is read (e.g. LMTP's DATA after a 354). */
    default void signal(Object signal) {
        throw new IllegalArgumentException("this decoder takes no signal: " + signal);
    }

    /**
     * The connection is gone (or its decoder replaced): let go of what a partial item holds, such as the file of a
     * literal still arriving. Called under the same lock as {@link #decode}.
     */
    default void close() {
    }

    /** Where decoded input goes. */
    interface Sink {

        /** A decoded item for the endpoint, dispatched in order through {@link ProtocolBinding#dispatch}. */
        void item(Object item);

        /** Input the decoder refused (over a bound); the endpoint answers with the protocol's error. */
        void bad(String tag, String reason);

        /** Bytes for the client right away, ahead of the endpoint (IMAP-style "+ go ahead"). */
        void writeNow(byte[] bytes);
    }
}
