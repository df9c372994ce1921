package org.murder.connector.transport;

import java.nio.charset.StandardCharsets;
import org.murder.connector.api.Connection;
import org.murder.connector.api.MupdateListener;
import org.murder.connector.api.ProtocolListener;
import org.murder.protocol.mupdate.MupdateCommandParser;
import org.murder.protocol.mupdate.ParseResult;
import org.murder.protocol.mupdate.MupdateResponses;
import org.murder.protocol.wire.FrameDecoder;

/** MUPDATE (RFC 3656) on the transport. */
public final class MupdateBinding implements ProtocolBinding {

    private static final byte[] CONTINUATION = MupdateResponses.continuation();
    private static final byte[] TOO_MANY = MupdateResponses.bye("Too many connections");

    @Override
    public String name() {
        return "mupdate";
    }

    @Override
    public Class<? extends ProtocolListener> listenerType() {
        return MupdateListener.class;
    }

    @Override
    public InputDecoder newDecoder(TransportSettings settings) {
        return new FrameInputDecoder(
                new FrameDecoder(settings.maxLineLength(), settings.maxLiteralSize(), settings.maxFrameSize()), CONTINUATION);
    }

    @Override
    public String continuationLine(Object item) {
        return FrameInputDecoder.line(item);
    }

    @Override
    public byte[] tooManyConnections() {
        return TOO_MANY;
    }

    @Override
    public void dispatch(ProtocolListener endpoint, Connection connection, Object item) {
        byte[] frame = (byte[]) item;
        ParseResult result = MupdateCommandParser.parse(frame);
        if (result instanceof ParseResult.Parsed parsed) {
            ((MupdateListener) endpoint).onCommand(connection, parsed.command());
        } else if (result instanceof ParseResult.Malformed bad) {
            endpoint.onBadInput(connection, bad.tag().orElse(""), bad.message());
        } else {
            endpoint.onBadInput(connection, "", "Unrecognised input: "
                    + new String(frame, 0, Math.min(frame.length, 40), StandardCharsets.US_ASCII));
        }
    }
}
