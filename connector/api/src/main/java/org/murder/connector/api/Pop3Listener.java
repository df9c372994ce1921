package org.murder.connector.api;

import org.murder.protocol.pop3.Pop3Command;

/**
 * Message listener interface of POP3 (RFC 1939) endpoints. A line over the listener's bound arrives as
 * {@link ProtocolListener#onBadInput}; a SASL response (after {@link Connection#expectContinuation}) as
 * {@link ProtocolListener#onContinuation}.
 */
public interface Pop3Listener extends ProtocolListener {

    void onCommand(Connection connection, Pop3Command command);

    /** A line the parser refused (unknown command, bad argument, over 255 octets): answer {@code -ERR reason}. */
    void onMalformed(Connection connection, String reason);
}
