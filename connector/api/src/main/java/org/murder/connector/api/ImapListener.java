package org.murder.connector.api;

import org.murder.protocol.imap.ImapParseResult;
import org.murder.protocol.imap.command.ImapCommand;

/** Message listener interface of IMAP (RFC 3501 / 9051) endpoints. */
public interface ImapListener extends ProtocolListener {

    /**
     * Signal ({@link Connection#signalDecoder}) that the client has authenticated: literals up to the listener's
     * full bounds are taken from now on; before, only small ones (a password, a SASL response).
     */
    String AUTHENTICATED = "imap.authenticated";

    void onCommand(Connection connection, ImapCommand command);

    /** A command the parser refused: Malformed (answer BAD) or Refused (answer NO). */
    void onRefused(Connection connection, ImapParseResult refusal);
}
