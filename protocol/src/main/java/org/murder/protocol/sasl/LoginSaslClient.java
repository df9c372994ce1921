package org.murder.protocol.sasl;

/**
 * The obsolete LOGIN mechanism, client side: the user name answers the first challenge, the password the second,
 * whatever the prompts say ({@code Username:}/{@code Password:} at Cyrus, other words elsewhere). It has no room for
 * an authorization identity.
 */
final class LoginSaslClient extends PasswordSaslClient {

    private boolean userSent;

    LoginSaslClient(String authcid, char[] password) {
        super("LOGIN", authcid, password);
        if (authcid.isEmpty()) {
            throw new IllegalArgumentException("LOGIN needs a user name");
        }
    }

    @Override
    public boolean hasInitialResponse() {
        return false;
    }

    @Override
    byte[] step(byte[] challenge) {
        if (!userSent) {
            userSent = true;
            return utf8(authcid);
        }
        return passwordBytes();
    }
}
