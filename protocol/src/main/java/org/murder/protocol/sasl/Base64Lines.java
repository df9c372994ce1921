package org.murder.protocol.sasl;

import java.util.Base64;

import javax.security.sasl.SaslException;

/** The base64 lines of a SASL exchange on a line protocol (MUPDATE, IMAP, ManageSieve). */
public final class Base64Lines {

    private Base64Lines() {
    }

    /**
     * Decodes one client line. Strict: only the base64 alphabet, length a multiple of 4, padding only at the
     * end; {@code =} alone is an empty response (RFC 4959's convention, which Cyrus follows).
     *
     * @throws SaslException naming what is wrong, so the session can answer {@code NO}
     */
    public static byte[] decode(String line) throws SaslException {
        if (line.equals("=")) {
            return new byte[0];
        }
        if (line.length() % 4 != 0) {
            throw new SaslException("invalid base64: length " + line.length() + " is not a multiple of 4");
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/';
            boolean padding = c == '=' && i >= line.length() - 2 && (i == line.length() - 1 || line.charAt(i + 1) == '=');
            if (!alphabet && !padding) {
                throw new SaslException("invalid base64: unexpected character at position " + i);
            }
        }
        try {
            return Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException e) {
            throw new SaslException("invalid base64: " + e.getMessage());
        }
    }

    public static String encode(byte[] data) {
        return Base64.getEncoder().encodeToString(data);
    }

    /** A client cancels an exchange with a line holding only {@code *}. */
    public static boolean isCancel(String line) {
        return line.equals("*");
    }
}
