package org.murder.protocol.sasl;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a SCRAM server keeps of a password (RFC 5802 section 3): salt, iteration count, StoredKey and ServerKey.
 * Enough to check a client's proof and prove ourselves, not enough to log in as the user elsewhere.
 */
public record ScramKeys(ScramHash hash, byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {

    /** RFC 7677's recommended minimum, and Cyrus's default. */
    public static final int DEFAULT_ITERATIONS = 4096;

    public ScramKeys {
        Objects.requireNonNull(hash, "hash");
        if (salt.length == 0 || iterations < 1) {
            throw new IllegalArgumentException("SCRAM needs a salt and at least one iteration");
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    /** Derives the keys from a clear password; the caller wipes its array. */
    public static ScramKeys derive(ScramHash hash, char[] password, byte[] salt, int iterations) {
        ClientKeys derived = deriveForClient(hash, password, salt, iterations);
        Arrays.fill(derived.clientKey(), (byte) 0);
        return derived.keys();
    }

    /**
     * What a client derives from the password (RFC 5802 section 3): its ClientKey, for the proof, and the keys a
     * server keeps, to check the server's signature. The caller wipes {@code clientKey}.
     */
    record ClientKeys(byte[] clientKey, ScramKeys keys) {
    }

    /** SASLprep, Hi(), then the keys; the caller wipes its password array and the ClientKey. */
    static ClientKeys deriveForClient(ScramHash hash, char[] password, byte[] salt, int iterations) {
        char[] normalized = normalize(password);
        byte[] salted = hash.saltedPassword(normalized, salt, iterations);
        Arrays.fill(normalized, '\0');
        try {
            byte[] clientKey = hash.hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
            byte[] serverKey = hash.hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
            return new ClientKeys(clientKey, new ScramKeys(hash, salt, iterations, hash.hash(clientKey), serverKey));
        } finally {
            Arrays.fill(salted, (byte) 0);
        }
    }

    /** ClientSignature := HMAC(StoredKey, AuthMessage); the proof is ClientKey XOR ClientSignature. */
    byte[] clientSignature(byte[] authMessage) {
        return hash.hmac(storedKey, authMessage);
    }

    /** ServerSignature := HMAC(ServerKey, AuthMessage): how the server proves it knows the keys. */
    byte[] serverSignature(byte[] authMessage) {
        return hash.hmac(serverKey, authMessage);
    }

    /** Byte-wise XOR of two arrays of the same length (a proof from a key and a signature, and back). */
    static byte[] xor(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("XOR of arrays of different lengths");
        }
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    /**
     * The keys as one word, in PostgreSQL's notation: {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}
     * (base64). What the user file keeps of a password.
     */
    public String encode() {
        Base64.Encoder b64 = Base64.getEncoder();
        return hash.mechanism() + "$" + iterations + ":" + b64.encodeToString(salt) + "$" + b64.encodeToString(storedKey)
                + ":" + b64.encodeToString(serverKey);
    }

    /** The inverse of {@link #encode()}; empty when the word is not one (a clear password, another scheme). */
    public static Optional<ScramKeys> decode(String word) {
        Matcher m = ENCODED.matcher(word);
        if (!m.matches()) {
            return Optional.empty();
        }
        ScramHash hash = ScramHash.forMechanism(m.group(1)).orElse(null);
        Base64.Decoder b64 = Base64.getDecoder();
        try {
            byte[] storedKey = b64.decode(m.group(4));
            byte[] serverKey = b64.decode(m.group(5));
            int iterations = Integer.parseInt(m.group(2));
            if (hash == null || storedKey.length != hash.length() || serverKey.length != hash.length()) {
                return Optional.empty();
            }
            return Optional.of(new ScramKeys(hash, b64.decode(m.group(3)), iterations, storedKey, serverKey));
        } catch (IllegalArgumentException e) { // bad base64, iteration count out of range, empty salt
            return Optional.empty();
        }
    }

    private static final Pattern ENCODED =
            Pattern.compile("(SCRAM-SHA-[0-9]+)\\$([0-9]{1,9}):([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)");

    /**
     * Whether {@code password} is the one these keys were derived from: Hi() with the stored salt and iteration
     * count, then H(ClientKey) compared with StoredKey in constant time. What PLAIN and LOGIN check against.
     */
    public boolean matches(char[] password) {
        ScramKeys candidate = derive(hash, password, salt, iterations);
        return MessageDigest.isEqual(candidate.storedKey, storedKey);
    }

    /**
     * SASLprep (RFC 4013) as far as passwords in practice need it: non-ASCII spaces become a space, the
     * characters "commonly mapped to nothing" are dropped, then NFKC. ASCII passwords are unchanged.
     */
    static char[] normalize(char[] password) {
        boolean ascii = true;
        for (char ch : password) {
            if (ch >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return password.clone();
        }
        StringBuilder mapped = new StringBuilder(password.length);
        for (char ch : password) {
            if (ch == '\u00AD' || ch == '\u034F' || ch == '\u1806' || (ch >= '\u180B' && ch <= '\u180D')
                    || (ch >= '\u200B' && ch <= '\u200D') || ch == '\u2060' || (ch >= '\uFE00' && ch <= '\uFE0F')
                    || ch == '\uFEFF') {
                continue;
            }
            mapped.append(Character.isSpaceChar(ch) ? ' ' : ch);
        }
        return Normalizer.normalize(mapped, Normalizer.Form.NFKC).toCharArray();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramKeys k && hash == k.hash && iterations == k.iterations && Arrays.equals(salt, k.salt)
                && Arrays.equals(storedKey, k.storedKey) && Arrays.equals(serverKey, k.serverKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hash, iterations, Arrays.hashCode(salt), Arrays.hashCode(storedKey));
    }

    @Override
    public String toString() {
        return "ScramKeys[" + hash + ", " + iterations + " iterations]";
    }
}
