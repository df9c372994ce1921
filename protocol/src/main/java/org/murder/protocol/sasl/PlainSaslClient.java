package org.murder.protocol.sasl;

import java.util.Arrays;
import java.util.Objects;

import javax.security.sasl.SaslException;

/**
 * RFC 4616 PLAIN, client side: {@code authzid NUL authcid NUL passwd} as the initial response, or as the answer to
 * the server's empty challenge when the command carried none.
 */
final class PlainSaslClient extends PasswordSaslClient {

    private final String authzid;

    PlainSaslClient(String authcid, char[] password, String authzid) {
        super("PLAIN", authcid, password);
        this.authzid = Objects.requireNonNull(authzid, "authzid");
        if (authcid.isEmpty() || authcid.indexOf('\0') >= 0 || authzid.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("PLAIN identities must be non-empty (authcid) and free of NUL");
        }
    }

    @Override
    public boolean hasInitialResponse() {
        return true;
    }

    @Override
    byte[] step(byte[] challenge) throws SaslException {
        if (challenge.length != 0) {
            throw new SaslException("PLAIN expects an empty challenge before its credentials");
        }
        byte[] z = utf8(authzid);
        byte[] c = utf8(authcid);
        byte[] password = passwordBytes();
        byte[] message = new byte[z.length + 1 + c.length + 1 + password.length];
        System.arraycopy(z, 0, message, 0, z.length);
        System.arraycopy(c, 0, message, z.length + 1, c.length);
        System.arraycopy(password, 0, message, z.length + 1 + c.length + 1, password.length);
        Arrays.fill(password, (byte) 0);
        return message;
    }
}
