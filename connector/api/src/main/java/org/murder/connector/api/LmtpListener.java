package org.murder.connector.api;

import org.murder.protocol.lmtp.LmtpCommand;
import org.murder.protocol.lmtp.LmtpParseResult;

/** Message listener interface of LMTP (RFC 2033) endpoints. */
public interface LmtpListener extends ProtocolListener {

    /** The decoder signal that reads what follows as message data, up to the lone dot. */
    String START_DATA = "lmtp.start-data";

    void onCommand(Connection connection, LmtpCommand command);

    /** A command line the parser refused; answer with the reply it carries. */
    void onMalformed(Connection connection, LmtpParseResult.Malformed malformed);

    /** Message data, dot-unstuffed, in order; at most a few KiB each. */
    void onDataChunk(Connection connection, byte[] chunk);

    /**
     * The lone dot: the message is complete ({@code tooLarge}: it exceeded the limit and was read to its
     * end without being kept).
     */
    void onDataEnd(Connection connection, long size, boolean tooLarge);
}
