package org.murder.protocol.sasl;

import java.security.SecureRandom;
import java.util.Base64;

import javax.security.sasl.SaslException;

/** What both sides of SCRAM write and read alike (RFC 5802 section 5.1): saslnames and nonces. */
final class ScramSyntax {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ScramSyntax() {
    }

    /** saslname: ',' is written "=2C" and '=' "=3D". */
    static String encodeName(String name) {
        return name.replace("=", "=3D").replace(",", "=2C");
    }

    /** The inverse of {@link #encodeName}; any other '=' is malformed. */
    static String decodeName(String s) throws SaslException {
        if (s.indexOf('=') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch != '=') {
                b.append(ch);
            } else if (s.startsWith("=2C", i)) {
                b.append(',');
                i += 2;
            } else if (s.startsWith("=3D", i)) {
                b.append('=');
                i += 2;
            } else {
                throw new SaslException("malformed SCRAM name");
            }
        }
        return b.toString();
    }

    /** A fresh nonce: 18 random bytes in base64, printable and free of ','. */
    static String randomNonce() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** Whether {@code s} may be (part of) a nonce: printable ASCII except ','. */
    static boolean isNonce(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < 0x21 || ch > 0x7e || ch == ',') {
                return false;
            }
        }
        return true;
    }
}
