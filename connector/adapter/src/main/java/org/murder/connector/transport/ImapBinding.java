package org.murder.connector.transport;

import java.nio.charset.StandardCharsets;
import org.murder.connector.api.Connection;
import org.murder.connector.api.ImapListener;
import org.murder.connector.api.ProtocolListener;
import org.murder.protocol.imap.ImapCommandParser;
import org.murder.protocol.imap.ImapParseResult;

/** IMAP on the transport: the same line-and-literal framing as MUPDATE, IMAP's parser. */
public final class ImapBinding extends FrameBinding {

    public ImapBinding() {
        super("imap", ImapListener.class, "+ go ahead\r\n".getBytes(StandardCharsets.US_ASCII),
                "* BYE [UNAVAILABLE] Too many connections\r\n".getBytes(StandardCharsets.US_ASCII),
                "* BYE [UNAVAILABLE] Service not available\r\n".getBytes(StandardCharsets.US_ASCII));
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
