package org.murder.connector.transport;

import org.murder.connector.api.Connection;
import org.murder.connector.api.ProtocolListener;
import org.murder.protocol.wire.FrameDecoder;

/** A protocol framed as command lines with literals (MUPDATE, IMAP): only its parser and answers differ. */
abstract class FrameBinding implements ProtocolBinding {

    private final String name;
    private final Class<? extends ProtocolListener> listenerType;
    private final byte[] continuation;
    private final byte[] tooManyConnections;
    private final byte[] unavailable;

    FrameBinding(String name, Class<? extends ProtocolListener> listenerType, byte[] continuation, byte[] tooManyConnections,
                 byte[] unavailable) {
        this.name = name;
        this.listenerType = listenerType;
        this.continuation = continuation;
        this.tooManyConnections = tooManyConnections;
        this.unavailable = unavailable;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Class<? extends ProtocolListener> listenerType() {
        return listenerType;
    }

    /** What asks the client for a synchronizing literal. */
    final byte[] continuation() {
        return continuation;
    }

    @Override
    public InputDecoder newDecoder(TransportSettings settings) {
        return new FrameInputDecoder(
                new FrameDecoder(settings.maxLineLength(), settings.maxLiteralSize(), settings.maxFrameSize()), continuation);
    }

    @Override
    public final String continuationLine(Object item) {
        return FrameInputDecoder.line(item);
    }

    @Override
    public final byte[] tooManyConnections() {
        return tooManyConnections;
    }

    @Override
    public final byte[] unavailable() {
        return unavailable;
    }

    @Override
    public final void dispatch(ProtocolListener endpoint, Connection connection, Object item) {
        dispatchFrame(endpoint, connection, (byte[]) item);
    }

    /** Parses one frame and calls the endpoint's matching method. */
    abstract void dispatchFrame(ProtocolListener endpoint, Connection connection, byte[] frame);
}
