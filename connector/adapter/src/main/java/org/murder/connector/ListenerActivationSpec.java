package org.murder.connector;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.Activation;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import org.murder.connector.api.ImapListener;
import org.murder.connector.api.LmtpListener;
import org.murder.connector.api.MupdateListener;
import org.murder.connector.api.Pop3Listener;
import org.murder.connector.transport.TlsContexts;
import org.murder.connector.transport.TransportSettings;
import org.murder.protocol.wire.LiteralSpill;

/**
 * One listener: which protocol, where, with which bounds and TLS material. MDBs fill it in through
 * {@code @ActivationConfigProperty}, usually from the node's settings ({@code ${mupdate_port:3905}}).
 */
@Activation(messageListeners = {MupdateListener.class, LmtpListener.class, ImapListener.class, Pop3Listener.class})
public class ListenerActivationSpec implements ActivationSpec {

    private static final Logger LOG = Logger.getLogger(ListenerActivationSpec.class.getName());

    private ResourceAdapter resourceAdapter;
    private String protocol = "mupdate";
    private String bindAddress = "127.0.0.1";
    private Integer port = 3905;
    private Integer maxConnections = 128;
    private Integer maxLineLength = 8192;
    private Integer maxLiteralSize = 64 * 1024;
    private Integer maxFrameSize = 256 * 1024;
    private Integer highWater = 256 * 1024;
    private Long maxMessageSize = 0L;
    private Integer memoryShedPercent = TransportSettings.DEFAULT_SHED_PERCENT;
    private Integer maxConnectionsPerAddress = 0;
    private String tlsCertificate = "";
    private String tlsKey = "";
    private String tlsKeyStore = "";
    private String tlsKeyStorePassword = "";
    private String literalSpillDirectory = "";
    private Integer literalSpillThreshold = 64 * 1024;

    @Override
    public void validate() throws InvalidPropertyException {
        if (port == null || port < 0 || port > 65535) {
            throw new InvalidPropertyException("port must be 0..65535, not " + port);
        }
        if (maxConnections == null || maxConnections < 1) {
            throw new InvalidPropertyException("maxConnections must be at least 1");
        }
        if (maxLineLength < 64 || maxLiteralSize < 0 || maxFrameSize < maxLineLength) {
            throw new InvalidPropertyException("inconsistent line/literal/frame bounds");
        }
        if (literalSpillThreshold == null || literalSpillThreshold < 0) {
            throw new InvalidPropertyException("literalSpillThreshold must not be negative");
        }
        if (tlsCertificate.isBlank() != tlsKey.isBlank()) {
            throw new InvalidPropertyException("tlsCertificate and tlsKey go together");
        }
    }

    TransportSettings toSettings() throws ResourceException {
        return new TransportSettings(new InetSocketAddress(bindAddress, port), maxConnections, maxLineLength,
                maxLiteralSize, maxFrameSize, tls(), highWater, maxMessageSize <= 0 ? Long.MAX_VALUE : maxMessageSize,
                memoryShedPercent, maxConnectionsPerAddress == null ? 0 : Math.max(0, maxConnectionsPerAddress),
                literalSpill());
    }

    /**
     * The directory literals past the threshold are written to, made 0700 if missing. Called when the listener starts:
     * no connection can hold a file then, so any left there (by a crash) are deleted.
     */
    private Optional<LiteralSpill> literalSpill() throws ResourceException {
        if (literalSpillDirectory.isBlank()) {
            return Optional.empty();
        }
        try {
            LiteralSpill spill = new LiteralSpill(Path.of(literalSpillDirectory), literalSpillThreshold);
            int stale = spill.deleteStale();
            if (stale > 0) {
                LOG.info(() -> "MURDER-RA-030 deleted " + stale + " literal file(s) left in " + spill.directory());
            }
            return Optional.of(spill);
        } catch (IOException | RuntimeException e) {
            throw new ResourceException("MURDER-RA-030 cannot use " + literalSpillDirectory + " for " + protocol
                    + " literals: " + e, e);
        }
    }

    private SSLContext tls() throws ResourceException {
        try {
            if (!tlsKeyStore.isBlank()) {
                return TlsContexts.fromKeyStore(Path.of(tlsKeyStore), tlsKeyStorePassword.toCharArray());
            }
            if (!tlsCertificate.isBlank()) {
                return TlsContexts.fromPem(Path.of(tlsCertificate), Path.of(tlsKey));
            }
            return null;
        } catch (Exception e) {
            throw new ResourceException("MURDER-RA-007 cannot load TLS material for " + protocol + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) {
        this.resourceAdapter = ra;
    }

    public String getProtocol() {
        return protocol;
    }

    public void setProtocol(String protocol) {
        this.protocol = protocol.trim().toLowerCase(java.util.Locale.ROOT);
    }

    public String getBindAddress() {
        return bindAddress;
    }

    public void setBindAddress(String bindAddress) {
        this.bindAddress = bindAddress.trim();
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public Integer getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Integer getMaxLineLength() {
        return maxLineLength;
    }

    public void setMaxLineLength(Integer maxLineLength) {
        this.maxLineLength = maxLineLength;
    }

    public Integer getMaxLiteralSize() {
        return maxLiteralSize;
    }

    public void setMaxLiteralSize(Integer maxLiteralSize) {
        this.maxLiteralSize = maxLiteralSize;
    }

    public Integer getMaxFrameSize() {
        return maxFrameSize;
    }

    public void setMaxFrameSize(Integer maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    public Integer getHighWater() {
        return highWater;
    }

    public void setHighWater(Integer highWater) {
        this.highWater = highWater;
    }

    /** LMTP: the largest message accepted (Cyrus: maxmessagesize); 0 for no limit. */
    public Long getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(Long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public Integer getMaxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /** Connections one client address may hold at once (0: no limit beside maxConnections). */
    public void setMaxConnectionsPerAddress(Integer maxConnectionsPerAddress) {
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
    }

    public Integer getMemoryShedPercent() {
        return memoryShedPercent;
    }

    /** Heap in use after a collection, in percent, past which new connections are refused (0: never). */
    public void setMemoryShedPercent(Integer memoryShedPercent) {
        this.memoryShedPercent = memoryShedPercent;
    }

    public String getTlsCertificate() {
        return tlsCertificate;
    }

    public void setTlsCertificate(String tlsCertificate) {
        this.tlsCertificate = tlsCertificate.trim();
    }

    public String getTlsKey() {
        return tlsKey;
    }

    public void setTlsKey(String tlsKey) {
        this.tlsKey = tlsKey.trim();
    }

    public String getTlsKeyStore() {
        return tlsKeyStore;
    }

    public void setTlsKeyStore(String tlsKeyStore) {
        this.tlsKeyStore = tlsKeyStore.trim();
    }

    public String getTlsKeyStorePassword() {
        return tlsKeyStorePassword;
    }

    public void setTlsKeyStorePassword(String tlsKeyStorePassword) {
        this.tlsKeyStorePassword = tlsKeyStorePassword;
    }

    public String getLiteralSpillDirectory() {
        return literalSpillDirectory;
    }

    /** Where literals larger than {@link #getLiteralSpillThreshold()} go (IMAP's temp_path); blank: kept in memory. */
    public void setLiteralSpillDirectory(String literalSpillDirectory) {
        this.literalSpillDirectory = literalSpillDirectory.trim();
    }

    public Integer getLiteralSpillThreshold() {
        return literalSpillThreshold;
    }

    public void setLiteralSpillThreshold(Integer literalSpillThreshold) {
        this.literalSpillThreshold = literalSpillThreshold;
    }

    @Override
    public String toString() {
        return protocol + "@" + bindAddress + ":" + port;
    }
}
