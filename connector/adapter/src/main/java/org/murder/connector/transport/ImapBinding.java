package org.murder.connector.transport;

import java.nio.charset.StandardCharsets;
import org.murder.connector.api.Connection;
import org.murder.connector.api.ImapListener;
import org.murder.connector.api.ProtocolListener;
import org.murder.protocol.imap.ImapCommandParser;
import org.murder.protocol.imap.ImapParseResult;
import java.util.Optional;
import java.util.logging.Logger;
import org.murder.protocol.imap.ImapParserContext;
import org.murder.protocol.wire.FrameDecoder;
import org.murder.protocol.wire.LiteralSpill;
import org.murder.protocol.wire.SpilledFrame;

/** IMAP on the transport: the same line-and-literal framing as MUPDATE, IMAP's parser. */
public final class ImapBinding extends FrameBinding {

    private static final Logger LOG = Logger.getLogger(ImapBinding.class.getName());

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
        LiteralSpill spill = settings.literalSpill().orElse(null);
        // after login the frame bound counts what stays in memory; a literal just under the spill threshold must fit
        int raisedFrame = spill == null ? settings.maxFrameSize()
                : (int) Math.min(Integer.MAX_VALUE - 8,
                        Math.max(settings.maxFrameSize(), (long) spill.threshold() + settings.maxLineLength()));
        return new FrameInputDecoder(new FrameDecoder(settings.maxLineLength(),
                Math.min(PRE_AUTH_LITERAL, settings.maxLiteralSize()), Math.min(PRE_AUTH_FRAME, settings.maxFrameSize()),
                spill),
                continuation(), ImapListener.AUTHENTICATED,
                settings.maxLiteralSize(), raisedFrame).literalMinus(ImapListener.LITERAL_MINUS);
    }

    @Override
    void dispatchFrame(ProtocolListener endpoint, Connection connection, byte[] frame) {
        ImapListener imap = (ImapListener) endpoint;
        ImapParseResult r = ImapCommandParser.parse(frame, parserContext(connection));
        if (r instanceof ImapParseResult.Parsed p) {
            imap.onCommand(connection, p.command());
        } else {
            imap.onRefused(connection, r);
        }
    }

    @Override
    void dispatchFrame(ProtocolListener endpoint, Connection connection, SpilledFrame frame) {
        // the files stay until the transport releases the frame, after this returns: an endpoint that needs one longer
        // (a proxy still sending it) retains it
        ImapListener imap = (ImapListener) endpoint;
        ImapParseResult r = ImapCommandParser.parse(frame, parserContext(connection));
        if (r instanceof ImapParseResult.Parsed p) {
            imap.onCommand(connection, p.command());
        } else {
            imap.onRefused(connection, r);
        }
    }

    /**
     * What the session has switched on that changes parsing (UTF-8 mailbox names after ENABLE IMAP4rev2 or
     * UTF8=ACCEPT), asked when the frame is dispatched — after every command before it has run, so a command pipelined
     * behind an ENABLE is read as the ENABLE left the session.
     */
    private static ImapParserContext parserContext(Connection connection) {
        return connection.attachment() instanceof ImapListener.Session s ? s.parserContext() : ImapParserContext.DEFAULT;
    }

    @Override
    void spillFailed(ProtocolListener endpoint, Connection connection, FrameInputDecoder.SpillFailed failed) {
        LOG.warning(() -> "MURDER-RA-031 IMAP connection " + connection.id() + ": " + failed.reason());
        ImapParseResult answer = failed.tag().isEmpty()
                ? new ImapParseResult.Malformed(Optional.empty(), "Cannot store the literal now")
                : new ImapParseResult.Refused(failed.tag(), "Cannot store the literal now", Optional.of("SERVERBUG"));
        ((ImapListener) endpoint).onRefused(connection, answer);
    }
}
