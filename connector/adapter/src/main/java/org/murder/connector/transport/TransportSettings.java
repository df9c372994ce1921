package org.murder.connector.transport;

import java.net.InetSocketAddress;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.murder.protocol.wire.LiteralSpill;

/**
 * One listener's settings.
 *
 * @param tls null when no TLS material is configured (then STARTTLS is not offered)
 * @param highWater output queued per connection before writers are asked to wait
 * @param maxMessageSize largest message a streaming protocol (LMTP DATA) accepts; Long.MAX_VALUE for none
 * @param shedPercent heap in use after a collection, in percent, past which new connections are refused (0: never)
 * @param maxPerAddress connections one client address may hold at once (0: no limit beside maxConnections)
 * @param literalSpill where literals past a threshold go instead of the heap (IMAP); empty: every literal in memory
 */
public record TransportSettings(
        InetSocketAddress address,
        int maxConnections,
        int maxLineLength,
        int maxLiteralSize,
        int maxFrameSize,
        SSLContext tls,
        int highWater,
        long maxMessageSize,
        int shedPercent,
        int maxPerAddress,
        Optional<LiteralSpill> literalSpill) {

    public TransportSettings(InetSocketAddress address, int maxConnections, int maxLineLength, int maxLiteralSize,
                             int maxFrameSize, SSLContext tls, int highWater, long maxMessageSize, int shedPercent,
                             int maxPerAddress) {
        this(address, maxConnections, maxLineLength, maxLiteralSize, maxFrameSize, tls, highWater, maxMessageSize,
                shedPercent, maxPerAddress, Optional.empty());
    }

    public TransportSettings(InetSocketAddress address, int maxConnections, int maxLineLength, int maxLiteralSize,
                             int maxFrameSize, SSLContext tls, int highWater, long maxMessageSize, int shedPercent) {
        this(address, maxConnections, maxLineLength, maxLiteralSize, maxFrameSize, tls, highWater, maxMessageSize,
                shedPercent, 0);
    }

    /** Past 90 % of the heap live, new connections are refused. */
    public static final int DEFAULT_SHED_PERCENT = 90;

    public TransportSettings(InetSocketAddress address, int maxConnections, int maxLineLength, int maxLiteralSize,
                             int maxFrameSize, SSLContext tls, int highWater, long maxMessageSize) {
        this(address, maxConnections, maxLineLength, maxLiteralSize, maxFrameSize, tls, highWater, maxMessageSize,
                DEFAULT_SHED_PERCENT);
    }

    public TransportSettings(InetSocketAddress address, int maxConnections, int maxLineLength, int maxLiteralSize,
                             int maxFrameSize, SSLContext tls, int highWater) {
        this(address, maxConnections, maxLineLength, maxLiteralSize, maxFrameSize, tls, highWater, Long.MAX_VALUE);
    }
}
