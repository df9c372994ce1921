package org.murder.connector.outbound;

import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;
import org.murder.connector.api.OutboundConnection;
import org.murder.connector.api.OutboundConnections;
import org.murder.connector.api.OutboundHandler;

/**
 * The contract's managed connection: holds no socket (each {@link OutboundConnection} is the transport's, for a
 * session's life); its handle is one more view of the transport, for a caller that allocates through the connection
 * manager.
 */
final class OutboundManagedConnection implements ManagedConnection {

    private final OutboundManagedConnectionFactory factory;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private PrintWriter logWriter;

    OutboundManagedConnection(OutboundManagedConnectionFactory factory) {
        this.factory = factory;
    }

    OutboundManagedConnectionFactory factory() {
        return factory;
    }

    /** The handle: opens on the transport. */
    public static final class Handle implements OutboundConnections {
        private final OutboundManagedConnectionFactory factory;

        Handle(OutboundManagedConnectionFactory factory) {
            this.factory = factory;
        }

        @Override
        public OutboundConnection open(InetSocketAddress address, OutboundHandler handler) {
            return factory.open(address, handler);
        }
    }

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) {
        return new Handle(factory);
    }

    @Override
    public void destroy() {
    }

    @Override
    public void cleanup() {
    }

    @Override
    public void associateConnection(Object connection) {
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public XAResource getXAResource() throws ResourceException {
        throw new NotSupportedException("outbound connections are not transactional");
    }

    @Override
    public LocalTransaction getLocalTransaction() throws ResourceException {
        throw new NotSupportedException("outbound connections are not transactional");
    }

    @Override
    public ManagedConnectionMetaData getMetaData() {
        return new ManagedConnectionMetaData() {
            @Override
            public String getEISProductName() {
                return "Murder on Jakarta EE";
            }

            @Override
            public String getEISProductVersion() {
                return "0.1";
            }

            @Override
            public int getMaxConnections() {
                return factory.getMaxConnections();
            }

            @Override
            public String getUserName() {
                return "";
            }
        };
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }
}
