package org.murder.connector.api;

import java.net.InetSocketAddress;

/**
 * Opens connections from this node to another (a frontend to its backends' IMAP and LMTP, a backend to the MUPDATE
 * master) on the resource adapter's non-blocking transport: an open connection holds no thread, its input arrives as
 * events ({@link OutboundHandler}). The container binds it in JNDI ({@code java:/murder/OutboundConnections}); an EJB
 * takes it with {@code @Resource(lookup = "java:/murder/OutboundConnections")}.
 *
 * <p>Thread-safe; {@link #open} never blocks on the network.
 */
public interface OutboundConnections {

    /** Where the container binds the factory. */
    String JNDI_NAME = "java:/murder/OutboundConnections";

    /**
     * Starts connecting and returns at once. Exactly one of {@link OutboundHandler#onConnected} or
     * {@link OutboundHandler#onConnectFailed} follows (refused, unreachable, timed out, over the limit on outbound
     * connections, or closed before it connected); {@link OutboundHandler#onClosed} only ever follows
     * {@code onConnected}. Bytes written before the connection is up are sent once it is.
     *
     * @throws IllegalStateException when the transport has stopped (the adapter is being undeployed)
     */
    OutboundConnection open(InetSocketAddress address, OutboundHandler handler);
}
