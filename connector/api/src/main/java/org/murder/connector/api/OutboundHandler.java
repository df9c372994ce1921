package org.murder.connector.api;

import java.nio.ByteBuffer;

/**
 * What happens on an {@link OutboundConnection}. The transport calls one method at a time per connection, in order,
 * on a worker thread of the adapter's work manager, never on its selector thread: a handler may call EJBs and do
 * short work (parse a response, relay bytes to the client), but must not wait for the network, because the calls for
 * this connection queue behind it (and a long wait holds one of a bounded set of worker threads).
 */
public interface OutboundHandler {

    /** The connection is up. */
    void onConnected(OutboundConnection connection);

    /**
     * Bytes as they came, in order, split anywhere (feed them to an incremental reader such as
     * {@code org.murder.protocol.imap.client.ImapResponseReader}). The buffer is the handler's: it may keep it.
     */
    void onInput(OutboundConnection connection, ByteBuffer input);

    /** The queued output, which had passed the high-water mark, has drained to half of it. */
    default void onWritable(OutboundConnection connection) {
    }

    /**
     * The connection is gone: the peer closed it ({@code cause} null), {@link OutboundConnection#close()} was called
     * (null), or an error ended it (the cause). The last call for this connection.
     */
    void onClosed(OutboundConnection connection, Throwable cause);

    /** The connection could not be opened; the only and last call for this connection. */
    void onConnectFailed(OutboundConnection connection, Throwable cause);
}
