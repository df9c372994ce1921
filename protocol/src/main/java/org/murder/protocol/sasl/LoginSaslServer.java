package org.murder.protocol.sasl;

import java.nio.charset.StandardCharsets;

import javax.security.sasl.SaslException;

/**
 * The obsolete but ubiquitous LOGIN mechanism, with Cyrus's prompts {@code Username:} and {@code Password:}.
 * An initial response, if any, is taken as the user name.
 */
final class LoginSaslServer extends PasswordSaslServer {

    static final byte[] USERNAME_PROMPT = "Username:".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PASSWORD_PROMPT = "Password:".getBytes(StandardCharsets.US_ASCII);

    private boolean prompted;
    private String username;

    LoginSaslServer(PasswordVerifier verifier) {
        super("LOGIN", verifier);
    }

    @Override
    byte[] step(byte[] response) throws SaslException {
        if (username == null) {
            if (response.length == 0) {
                if (prompted) {
                    throw new SaslException("empty user name");
                }
                prompted = true;
                return USERNAME_PROMPT.clone();
            }
            username = utf8(response, "user name");
            if (username.indexOf('\0') >= 0) {
                throw new SaslException("user name contains NUL");
            }
            return PASSWORD_PROMPT.clone();
        }
        verifyAndComplete(username, null, response);
        return null;
    }
}
