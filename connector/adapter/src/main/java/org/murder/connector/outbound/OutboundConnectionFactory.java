package org.murder.connector.outbound;

import jakarta.resource.Referenceable;
import jakarta.resource.spi.ConnectionManager;
import java.io.Serializable;
import java.net.InetSocketAddress;
import javax.naming.Reference;
import org.murder.connector.api.OutboundConnection;
import org.murder.connector.api.OutboundConnections;
import org.murder.connector.api.OutboundHandler;

/** What JNDI holds and EJBs get: opens connections on the adapter's transport (see the factory's note on pooling). */
public class OutboundConnectionFactory implements OutboundConnections, Serializable, Referenceable {

    private static final long serialVersionUID = 1L;

    private final transient OutboundManagedConnectionFactory mcf;
    private final transient ConnectionManager cm;
    private Reference reference;

    OutboundConnectionFactory(OutboundManagedConnectionFactory mcf, ConnectionManager cm) {
        this.mcf = mcf;
        this.cm = cm;
    }

    @Override
    public OutboundConnection open(InetSocketAddress address, OutboundHandler handler) {
        return mcf.open(address, handler);
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }
}
