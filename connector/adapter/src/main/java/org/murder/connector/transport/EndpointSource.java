package org.murder.connector.transport;

import org.murder.connector.api.ProtocolListener;

/** Where the transport gets the endpoint that handles a connection's input: an MDB in the container. */
public interface EndpointSource {

    /** An endpoint for one batch of calls; handed back through {@link #release}. */
    ProtocolListener acquire() throws Exception;

    void release(ProtocolListener endpoint);
}
