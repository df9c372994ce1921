package org.murder.protocol.imap.client;

import java.nio.ByteBuffer;

/**
 * Receives one response at a time from an {@link ImapResponseReader}, as events, so that a relay can pass a
 * 50 MB {@code BODY[]} on chunk by chunk without holding it; {@link ImapResponseCollector} turns the events back
 * into whole {@link ImapResponse}s where that is affordable. Per response the order is: {@code responseStart},
 * then {@code lineBytes} for each line, each line announcing a literal followed by {@code literalStart} and its
 * {@code literalChunk}s, then {@code responseEnd}. The bytes handed over, in order, are exactly what the server
 * sent. Buffers are read-only and valid only during the call: copy what you keep.
 */
public interface ImapResponseListener {

    /** The first line is complete and known to be well formed; its bytes follow in {@link #lineBytes}. */
    void responseStart(ImapResponseHead head);

    /** One line with its CRLF, including a literal's announcement ({@code {n}CRLF}) when it ends in one. */
    void lineBytes(ByteBuffer line);

    /** A literal of {@code size} bytes follows (in zero or more chunks); {@code binary} for {@code ~{n}}. */
    default void literalStart(long size, boolean binary) {
    }

    /** Part of a literal's payload, as it arrived from the network. */
    void literalChunk(ByteBuffer chunk);

    /** The response is complete. */
    void responseEnd();
}
