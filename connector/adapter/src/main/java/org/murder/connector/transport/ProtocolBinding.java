package org.murder.connector.transport;

import org.murder.connector.api.Connection;
import org.murder.connector.api.ProtocolListener;
import org.murder.protocol.wire.FrameDecoder;

/** What the transport needs to know of one protocol: framing, a few fixed lines, and how to dispatch. */
public interface ProtocolBinding {

    String name();

    Class<? extends ProtocolListener> listenerType();

    FrameDecoder newDecoder(TransportSettings settings);

    /** Sent when a synchronizing literal is accepted. */
    byte[] continuation();

    /** Sent (then the connection closed) to a client beyond the connection limit. */
    byte[] tooManyConnections();

    /** Parses one frame and calls the endpoint's matching method. */
    void dispatch(ProtocolListener endpoint, Connection connection, byte[] frame);
}
