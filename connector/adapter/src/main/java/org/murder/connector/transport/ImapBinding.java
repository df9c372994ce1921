package org.murder.connector.transport;

import java.nio.charset.StandardCharsets;
import org.murder.connector.api.Connection;
import org.murder.connector.api.ImapListener;
import org.murder.connector.api.ProtocolListener;
import org.murder.protocol.imap.ImapCommandParser;
import org.murder.protocol.imap.ImapParseResult;
import org.murder.protocol.wire.FrameDecoder;

/** IMAP on the transport: the same line-and-literal framing as MUPDATE, IMAP's parser. */
public final class ImapBinding extends FrameBinding {

    public ImapBinding() {
        super("imap", ImapListener.class, "+ go ahead\r\n".getBytes(StandardCharsets.US_ASCII),
                "* BYE [UNAVAILABLE] Too many connections\r\n".getBytes(StandardCharsets.US_ASCII),
                "* BYE [UNAVAILABLE] Service not available\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** Largest literal taken before authentication: enough for a password or a SASL response, not a message. */
    public static final int PRE_AUTH_LITERAL = 8 * 1024;
    /** Largest command before authentication. */
    public static final int PRE_AUTH_FRAME = 16 * 1024;

    @Override
    public InputDecoder newDecoder(TransportSettings settings) {
        // 10,000 strangers must not be able to make the node hold 10,000 big literals in memory
        return new FrameInputDecoder(new FrameDecoder(settings.maxLineLength(),
                Math.min(PRE_AUTH_LITERAL, settings.maxLiteralSize()), Math.min(PRE_AUTH_FRAME, settings.maxFrameSize())),
                continuation(), ImapListener.AUTHENTICATED,
                settings.maxLiteralSize(), settings.maxFrameSize());
    }

    @Override
    void dispatchFrame(ProtocolListener endpoint, Connection connection, byte[] frame) {
        ImapListener imap = (ImapListener) endpoint;
        ImapParseResult r = ImapCommandParser.parse(frame);
        if (r instanceof ImapParseResult.Parsed p) {
            imap.onCommand(connection, p.command());
        } else {
            imap.onRefused(connection, r);
        }
    }
}
