package org.murder.connector.outbound;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.security.auth.Subject;
import org.murder.connector.MurderResourceAdapter;
import org.murder.connector.api.OutboundConnection;
import org.murder.connector.api.OutboundConnections;
import org.murder.connector.api.OutboundHandler;
import org.murder.connector.transport.OutboundSettings;
import org.murder.connector.transport.TlsContexts;

/**
 * The outbound connection definition: the container binds an {@link OutboundConnections} in JNDI
 * ({@code java:/murder/OutboundConnections}, see the RAR's {@code META-INF/ironjacamar.xml}).
 *
 * <p>Thin on purpose. A backend connection lives as long as its client's session and is driven by events, so it is
 * not a pooled JCA connection: a pool would cap sessions at its max-pool-size and tie handles to the calling
 * thread's transaction. The factory hands the adapter's non-blocking transport ({@code NioConnector}) to callers;
 * the bound on connections, connect time-out and TLS trust are this definition's config properties. The managed
 * connection below exists because the contract asks for one; it holds no socket.
 */
@ConnectionDefinition(
        connectionFactory = OutboundConnections.class,
        connectionFactoryImpl = OutboundConnectionFactory.class,
        connection = OutboundConnections.class,
        connectionImpl = OutboundManagedConnection.Handle.class)
public class OutboundManagedConnectionFactory implements ManagedConnectionFactory, ResourceAdapterAssociation {

    private static final long serialVersionUID = 1L;

    private transient ResourceAdapter resourceAdapter;
    private transient PrintWriter logWriter;

    // a frontend keeps one connection per proxied session per backend (as Cyrus's proxyd): 10,000 sessions
    // (imap_connections_max) and the LMTP pool must fit, with room for a session on two backends
    @ConfigProperty(defaultValue = "25000", description = "outbound connections open at once, at most")
    private Integer maxConnections = 25000;

    @ConfigProperty(defaultValue = "10000", description = "milliseconds a connect may take")
    private Integer connectTimeoutMillis = 10_000;

    @ConfigProperty(defaultValue = "262144", description = "output queued per connection past which write() says wait")
    private Integer highWater = 256 * 1024;

    @ConfigProperty(defaultValue = "", description = "CAs trusted for STARTTLS to other nodes (PEM or PKCS#12); "
            + "empty: the JDK's (Cyrus: tls_client_ca_file)")
    private String tlsClientTrustStore = "";

    @ConfigProperty(defaultValue = "", description = "password of a PKCS#12 tlsClientTrustStore")
    private String tlsClientTrustStorePassword = "";

    @ConfigProperty(defaultValue = "false", description = "trust any certificate, no host name check: tests only")
    private Boolean tlsClientTrustAll = false;

    /** Opens on the transport this definition's settings describe (the adapter starts it on first use). */
    OutboundConnection open(InetSocketAddress address, OutboundHandler handler) {
        if (!(resourceAdapter instanceof MurderResourceAdapter ra)) {
            throw new IllegalStateException("MURDER-RA-026 the outbound connection definition is not associated "
                    + "with the murder resource adapter");
        }
        try {
            return ra.outbound(this, this::settings).open(address, handler);
        } catch (ResourceException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    OutboundSettings settings() throws ResourceException {
        return new OutboundSettings(maxConnections, Duration.ofMillis(connectTimeoutMillis), highWater, tls(),
                !tlsClientTrustAll);
    }

    private SSLContext tls() throws ResourceException {
        try {
            if (tlsClientTrustAll) {
                return TlsContexts.trustAll();
            }
            if (!tlsClientTrustStore.isBlank()) {
                return TlsContexts.client(Path.of(tlsClientTrustStore), tlsClientTrustStorePassword.toCharArray());
            }
            return SSLContext.getDefault();
        } catch (Exception e) {
            throw new ResourceException("MURDER-RA-027 cannot load the outbound TLS trust store: " + e.getMessage(), e);
        }
    }

    @Override
    public Object createConnectionFactory(ConnectionManager cm) throws ResourceException {
        return new OutboundConnectionFactory(this, cm);
    }

    @Override
    public Object createConnectionFactory() throws ResourceException {
        return new OutboundConnectionFactory(this, null);
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        return new OutboundManagedConnection(this);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ManagedConnection matchManagedConnections(Set connections, Subject subject, ConnectionRequestInfo info) {
        for (Object c : connections) {
            if (c instanceof OutboundManagedConnection m && m.factory() == this) {
                return m;
            }
        }
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) {
        this.resourceAdapter = ra;
    }

    public Integer getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Integer getConnectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    public void setConnectTimeoutMillis(Integer connectTimeoutMillis) {
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    public Integer getHighWater() {
        return highWater;
    }

    public void setHighWater(Integer highWater) {
        this.highWater = highWater;
    }

    public String getTlsClientTrustStore() {
        return tlsClientTrustStore;
    }

    public void setTlsClientTrustStore(String tlsClientTrustStore) {
        this.tlsClientTrustStore = tlsClientTrustStore.trim();
    }

    public String getTlsClientTrustStorePassword() {
        return tlsClientTrustStorePassword;
    }

    public void setTlsClientTrustStorePassword(String tlsClientTrustStorePassword) {
        this.tlsClientTrustStorePassword = tlsClientTrustStorePassword;
    }

    public Boolean getTlsClientTrustAll() {
        return tlsClientTrustAll;
    }

    public void setTlsClientTrustAll(Boolean tlsClientTrustAll) {
        this.tlsClientTrustAll = tlsClientTrustAll;
    }

    // one transport per definition: identity, as the adapter keys its transports by it
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
