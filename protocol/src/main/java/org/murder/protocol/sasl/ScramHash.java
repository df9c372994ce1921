package org.murder.protocol.sasl;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.spec.KeySpec;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** The hash functions of the SCRAM family we serve (RFC 5802 SHA-1, RFC 7677 SHA-256), all from the JDK. */
public enum ScramHash {
    SHA_256("SCRAM-SHA-256", "SHA-256", "HmacSHA256", "PBKDF2WithHmacSHA256", 32),
    SHA_1("SCRAM-SHA-1", "SHA-1", "HmacSHA1", "PBKDF2WithHmacSHA1", 20);

    private final String mechanism;
    private final String digest;
    private final String hmac;
    private final String pbkdf2;
    private final int length;

    ScramHash(String mechanism, String digest, String hmac, String pbkdf2, int length) {
        this.mechanism = mechanism;
        this.digest = digest;
        this.hmac = hmac;
        this.pbkdf2 = pbkdf2;
        this.length = length;
    }

    public String mechanism() {
        return mechanism;
    }

    /** Hi(): PBKDF2 with this hash's HMAC; the JDK encodes the password as UTF-8, as SCRAM wants. */
    byte[] saltedPassword(char[] normalizedPassword, byte[] salt, int iterations) {
        try {
            KeySpec spec = new PBEKeySpec(normalizedPassword, salt, iterations, length * 8);
            return SecretKeyFactory.getInstance(pbkdf2).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(pbkdf2 + " is part of every JDK", e);
        }
    }

    byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(hmac);
            mac.init(new SecretKeySpec(key, hmac));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hmac + " is part of every JDK", e);
        }
    }

    byte[] hash(byte[] data) {
        try {
            return MessageDigest.getInstance(digest).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(digest + " is part of every JDK", e);
        }
    }

    /** The hash of a mechanism name ({@code SCRAM-SHA-256}), case-insensitive. */
    public static java.util.Optional<ScramHash> forMechanism(String mechanism) {
        for (ScramHash h : values()) {
            if (h.mechanism.equalsIgnoreCase(mechanism)) {
                return java.util.Optional.of(h);
            }
        }
        return java.util.Optional.empty();
    }

    int length() {
        return length;
    }
}
