package org.murder.connector.api;

import org.murder.protocol.imap.ImapParseResult;
import org.murder.protocol.imap.ImapParserContext;
import org.murder.protocol.imap.command.ImapCommand;

/** Message listener interface of IMAP (RFC 3501 / 9051) endpoints. */
public interface ImapListener extends ProtocolListener {

    /**
     * Signal ({@link Connection#signalDecoder}) that the client has authenticated: literals up to the listener's
     * full bounds are taken from now on; before, only small ones (a password, a SASL response).
     */
    String AUTHENTICATED = "imap.authenticated";

    /**
     * Signal that the server advertises LITERAL- (RFC 7888 §5): non-synchronizing literals over 4096 octets are refused
     * from now on (the command answered BAD, its literal read and dropped).
     */
    String LITERAL_MINUS = "imap.literal-minus";

    /**
     * What an endpoint attaches to the connection ({@link Connection#attach}) may say how the session's next command
     * is parsed; a plain attachment (or none) means the defaults of RFC 3501.
     */
    interface Session {
        ImapParserContext parserContext();
    }

    void onCommand(Connection connection, ImapCommand command);

    /** A command the parser refused: Malformed (answer BAD) or Refused (answer NO). */
    void onRefused(Connection connection, ImapParseResult refusal);
}
