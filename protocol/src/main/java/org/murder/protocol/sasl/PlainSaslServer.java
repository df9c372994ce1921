package org.murder.protocol.sasl;

import java.util.Arrays;

import javax.security.sasl.SaslException;

/**
 * RFC 4616 PLAIN: {@code authzid NUL authcid NUL passwd}. Without an initial response the first step sends an
 * empty challenge (as Cyrus's PLAIN does) and the credentials come in the next one.
 */
final class PlainSaslServer extends PasswordSaslServer {

    private boolean challenged;

    PlainSaslServer(PasswordVerifier verifier) {
        super("PLAIN", verifier);
    }

    @Override
    byte[] step(byte[] response) throws SaslException {
        if (response.length == 0 && !challenged) {
            challenged = true;
            return new byte[0];
        }
        int first = indexOf(response, 0);
        int second = first < 0 ? -1 : indexOf(response, first + 1);
        if (second < 0 || indexOf(response, second + 1) >= 0) {
            throw new SaslException("PLAIN response must be authzid NUL authcid NUL password");
        }
        String authzid = utf8(Arrays.copyOfRange(response, 0, first), "authorization identity");
        String authcid = utf8(Arrays.copyOfRange(response, first + 1, second), "authentication identity");
        byte[] password = Arrays.copyOfRange(response, second + 1, response.length);
        if (password.length == 0) {
            throw new SaslException("empty password");
        }
        verifyAndComplete(authcid, authzid, password);
        return null;
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
