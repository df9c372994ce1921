package org.murder.connector.transport;

import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The connecting side's settings.
 *
 * @param maxConnections outbound connections open (or connecting) at once; more fail to connect
 * @param connectTimeout how long a connect may take before it fails
 * @param highWater output queued per connection past which {@code write} asks the writer to wait
 * @param tls the client context STARTTLS uses (the node's trust store, the JDK's by default)
 * @param verifyHostname whether the peer's certificate must name the host connected to (off only with trust-all)
 */
public record OutboundSettings(int maxConnections, Duration connectTimeout, int highWater, SSLContext tls,
                               boolean verifyHostname) {

    /** Input read but not yet taken by the handler, per connection, past which the socket is not read. */
    static final int INPUT_QUEUE_LIMIT = 512 * 1024;

    /** Output queued beyond which a connection is cut off: far above the high-water mark writers keep to. */
    long maxBacklog() {
        return Math.max(16L << 20, 64L * highWater);
    }
}
