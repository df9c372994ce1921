package org.murder.protocol.sasl;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;

/**
 * Shared state of the client mechanisms that send the password itself (PLAIN, LOGIN): no security layer, complete
 * once the password is sent (the server has nothing to prove), and the password wiped as soon as it is.
 */
abstract sealed class PasswordSaslClient implements SaslClient permits PlainSaslClient, LoginSaslClient {

    private final String mechanism;
    final String authcid;
    private char[] password;
    private boolean complete;
    private boolean failed;

    PasswordSaslClient(String mechanism, String authcid, char[] password) {
        this.mechanism = mechanism;
        this.authcid = Objects.requireNonNull(authcid, "authcid");
        this.password = password.clone();
    }

    /** One step; returns the response, having called {@link #passwordBytes()} when it sends the password. */
    abstract byte[] step(byte[] challenge) throws SaslException;

    @Override
    public final byte[] evaluateChallenge(byte[] challenge) throws SaslException {
        if (failed) {
            throw new SaslException(mechanism + " exchange already failed");
        }
        if (complete) {
            failed = true;
            throw new SaslException(mechanism + " has nothing more to send, but the server asks for more");
        }
        return step(challenge == null ? new byte[0] : challenge);
    }

    /** The password as UTF-8, once: the exchange completes with it and the clear copy is wiped. */
    final byte[] passwordBytes() {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        Arrays.fill(encoded.array(), (byte) 0);
        dispose();
        complete = true;
        return bytes;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public final String getMechanismName() {
        return mechanism;
    }

    @Override
    public final boolean isComplete() {
        return complete;
    }

    @Override
    public final byte[] unwrap(byte[] incoming, int offset, int len) {
        return NoSecurityLayer.refuse(mechanism, complete);
    }

    @Override
    public final byte[] wrap(byte[] outgoing, int offset, int len) {
        return NoSecurityLayer.refuse(mechanism, complete);
    }

    @Override
    public final Object getNegotiatedProperty(String propName) {
        return NoSecurityLayer.property(mechanism, complete, propName);
    }

    @Override
    public final void dispose() {
        Arrays.fill(password, '\0');
        password = new char[0];
    }
}
