package org.murder.connector.transport;

import java.nio.charset.StandardCharsets;
import org.murder.connector.api.Connection;
import org.murder.connector.api.ImapListener;
import org.murder.connector.api.ProtocolListener;
import org.murder.protocol.imap.ImapCommandParser;
import org.murder.protocol.imap.ImapParseResult;
import org.murder.protocol.wire.FrameDecoder;

/** IMAP on the transport: the same line-and-literal framing as MUPDATE, IMAP's parser. */
public final class ImapBinding implements ProtocolBinding {

    private static final byte[] CONTINUATION = "+ go ahead\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOO_MANY = "* BYE [UNAVAILABLE] Too many connections\r\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    public String name() {
        return "imap";
    }

    @Override
    public Class<? extends ProtocolListener> listenerType() {
        return ImapListener.class;
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
        ImapListener imap = (ImapListener) endpoint;
        ImapParseResult r = ImapCommandParser.parse((byte[]) item);
        if (r instanceof ImapParseResult.Parsed p) {
            imap.onCommand(connection, p.command());
        } else {
            imap.onRefused(connection, r);
        }
    }
}
