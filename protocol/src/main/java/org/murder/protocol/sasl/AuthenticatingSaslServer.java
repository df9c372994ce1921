package org.murder.protocol.sasl;

import javax.security.sasl.SaslServer;

/**
 * A server side of one of our mechanisms. None of our protocols (IMAP, LMTP, MUPDATE) carries data with its
 * success reply, so a mechanism with a final server message (SCRAM) sends it as one more challenge and completes
 * on the client's empty answer, as Cyrus does.
 */
public sealed interface AuthenticatingSaslServer extends SaslServer permits PasswordSaslServer, ScramSaslServer {

    /** The identity whose credentials were checked; {@link #getAuthorizationID()} is who it acts as. */
    String authenticationId();
}
