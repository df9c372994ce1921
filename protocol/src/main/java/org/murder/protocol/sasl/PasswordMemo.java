package org.murder.protocol.sasl;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The last password that passed a check, remembered for a short while, as saslauthd's credential cache ({@code -c})
 * does for Cyrus: checking a password against SCRAM keys costs a PBKDF2 of 4,096 rounds, and a murder checks the
 * same ones over and over (a webmail logs in per page; every proxied session logs the frontend's identity in at its
 * backend). Only a success is remembered, as a keyed hash of the password (a key of this process, never written
 * anywhere), never the password: a wrong guess still costs the whole PBKDF2, and a guess that is not the remembered
 * password is never let in by it.
 */
public final class PasswordMemo {

    private static final String MAC = "HmacSHA256";
    private static final byte[] KEY = new byte[32];

    static {
        new SecureRandom().nextBytes(KEY);
    }

    private record Remembered(byte[] mac, long untilNanos) {
    }

    private final LongSupplier nanoClock;
    private volatile Remembered remembered;

    public PasswordMemo() {
        this(System::nanoTime);
    }

    PasswordMemo(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Whether {@code password} is the one remembered and its time has not run out. Constant time in the comparison. */
    public boolean remembers(char[] password) {
        Remembered r = remembered;
        if (r == null || nanoClock.getAsLong() - r.untilNanos() >= 0) {
            return false;
        }
        byte[] mac = mac(password);
        return MessageDigest.isEqual(mac, r.mac());
    }

    /** {@code password} just passed a full check: remembered for {@code duration} (nothing when not positive). */
    public void remember(char[] password, Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            return;
        }
        remembered = new Remembered(mac(password), nanoClock.getAsLong() + duration.toNanos());
    }

    /** A keyed hash of the password, of this process only: what stands for it in memory. */
    static byte[] mac(char[] password) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(new SecretKeySpec(KEY, MAC));
            mac.update(encoded);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC + " is part of every JDK", e);
        } finally {
            if (encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
        }
    }
}
