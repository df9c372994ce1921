package org.murder.protocol.sasl;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the user file keeps for one user: for every SCRAM hash we serve, salt, iteration count, StoredKey and
 * ServerKey (RFC 5802 section 3), written {@code SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey> SCRAM-SHA-1$…}.
 * SCRAM uses them as they are; PLAIN and LOGIN check a password by deriving StoredKey again with the stored salt
 * and iteration count (PBKDF2, as Cyrus does with its SCRAM secrets), so no clear password is needed anywhere.
 *
 * <p>A value that is not in that form is a clear password, as earlier versions wrote them: still accepted (PLAIN
 * compares, SCRAM derives keys with a fresh salt) until {@code ./murder adduser} or {@code ./murder hashusers}
 * rewrites it.</p>
 */
public final class StoredCredentials {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SALT_BYTES = 16;

    private final Map<ScramHash, ScramKeys> keys;
    private final byte[] clear;
    /** A user file read again makes new credentials: a changed password is never answered from the old memo. */
    private final PasswordMemo memo = new PasswordMemo();

    private StoredCredentials(Map<ScramHash, ScramKeys> keys, byte[] clear) {
        this.keys = keys;
        this.clear = clear;
    }

    /** The credentials of a user file's value: hashed words, else a clear password. */
    public static StoredCredentials parse(String value) {
        Map<ScramHash, ScramKeys> found = new EnumMap<>(ScramHash.class);
        for (String word : value.trim().split(" +")) {
            Optional<ScramKeys> k = ScramKeys.decode(word);
            if (k.isEmpty() || found.put(k.get().hash(), k.get()) != null) {
                return new StoredCredentials(Map.of(), value.getBytes(StandardCharsets.UTF_8));
            }
        }
        return new StoredCredentials(found, null);
    }

    /** Fresh credentials for a password: keys for every SCRAM hash, each with its own random salt. */
    public static StoredCredentials hash(char[] password, int iterations) {
        Map<ScramHash, ScramKeys> keys = new EnumMap<>(ScramHash.class);
        for (ScramHash h : ScramHash.values()) {
            keys.put(h, ScramKeys.derive(h, password, salt(), iterations));
        }
        return new StoredCredentials(keys, null);
    }

    /** Whether this is the hashed form (false: a clear password of an earlier version's file). */
    public boolean hashed() {
        return clear == null;
    }

    /** The value to write to the user file: the hashed words, strongest first. Only for hashed credentials. */
    public String encode() {
        if (!hashed()) {
            throw new IllegalStateException("a clear password is never written back");
        }
        return keys.values().stream().map(ScramKeys::encode).collect(Collectors.joining(" "));
    }

    /**
     * {@link #verify(char[])}, a success remembered for {@code remember} ({@link PasswordMemo}): the same password
     * again within that time is let in without the PBKDF2.
     */
    public boolean verify(char[] password, java.time.Duration remember) {
        if (!hashed()) {
            return verify(password);
        }
        if (memo.remembers(password)) {
            return true;
        }
        boolean ok = verify(password);
        if (ok) {
            memo.remember(password, remember);
        }
        return ok;
    }

    /** Whether the password is this user's (PLAIN, LOGIN, HTTP BASIC). Constant time in the comparison. */
    public boolean verify(char[] password) {
        if (!hashed()) {
            ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
            byte[] given = Arrays.copyOf(b.array(), b.limit());
            Arrays.fill(b.array(), (byte) 0);
            try {
                return MessageDigest.isEqual(given, clear);
            } finally {
                Arrays.fill(given, (byte) 0);
            }
        }
        // the strongest hash kept: ScramHash lists SHA-256 first
        return keys.values().iterator().next().matches(password);
    }

    /**
     * The SCRAM keys for one hash: the stored ones; for a clear password, derived with a fresh salt each time
     * (as before hashing). Empty when the file has no keys for that hash.
     */
    public Optional<ScramKeys> keys(ScramHash hash) {
        if (hashed()) {
            return Optional.ofNullable(keys.get(hash));
        }
        CharBuffer decoded = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(clear));
        char[] password = Arrays.copyOf(decoded.array(), decoded.limit());
        Arrays.fill(decoded.array(), '\0');
        try {
            return Optional.of(ScramKeys.derive(hash, password, salt(), ScramKeys.DEFAULT_ITERATIONS));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static byte[] salt() {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return salt;
    }

    @Override
    public String toString() {
        return hashed() ? "StoredCredentials" + keys.keySet() : "StoredCredentials[clear]";
    }
}
