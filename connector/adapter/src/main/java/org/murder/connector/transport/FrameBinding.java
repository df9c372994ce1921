package org.murder.connector.transport;

import org.murder.connector.api.Connection;
import org.murder.connector.api.ProtocolListener;
import org.murder.protocol.wire.FrameDecoder;
import org.murder.protocol.wire.SpilledFrame;

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
        if (item instanceof byte[] frame) {
            dispatchFrame(endpoint, connection, frame);
        } else if (item instanceof SpilledFrame frame) {
            dispatchFrame(endpoint, connection, frame);
        } else {
            FrameInputDecoder.SpillFailed failed = (FrameInputDecoder.SpillFailed) item;
            spillFailed(endpoint, connection, failed);
        }
    }

    @Override
    public final void release(Object item) {
        if (item instanceof SpilledFrame frame) {
            frame.release();
        }
    }

    /** Parses one frame and calls the endpoint's matching method. */
    abstract void dispatchFrame(ProtocolListener endpoint, Connection connection, byte[] frame);

    /** A frame whose large literals are in files (only where the decoder has a spill). */
    void dispatchFrame(ProtocolListener endpoint, Connection connection, SpilledFrame frame) {
        endpoint.onBadInput(connection, "", "literals in files are not taken here");
    }

    /** A literal could not be written to its file. */
    void spillFailed(ProtocolListener endpoint, Connection connection, FrameInputDecoder.SpillFailed failed) {
        endpoint.onBadInput(connection, failed.tag(), failed.reason());
    }
}
