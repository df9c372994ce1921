package org.murder.protocol.sasl;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;

/**
 * Shared state of the password mechanisms: they authenticate once, offer no security layer, and leave the
 * proxy-authorization decision (may {@link #authenticationId()} act as {@link #getAuthorizationID()}?) to the
 * caller.
 */
public abstract sealed class PasswordSaslServer implements AuthenticatingSaslServer permits PlainSaslServer, LoginSaslServer {

    private final String mechanism;
    private final PasswordVerifier verifier;
    private String authcid;
    private String authzid;
    private boolean complete;
    private boolean failed;

    PasswordSaslServer(String mechanism, PasswordVerifier verifier) {
        this.mechanism = mechanism;
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    /** One step of the exchange; returns the next challenge, or null once {@link #succeed} was called. */
    abstract byte[] step(byte[] response) throws SaslException;

    @Override
    public final byte[] evaluateResponse(byte[] response) throws SaslException {
        if (complete) {
            throw new IllegalStateException(mechanism + " authentication already completed");
        }
        if (failed) {
            throw new SaslException(mechanism + " authentication already failed");
        }
        try {
            return step(response == null ? new byte[0] : response);
        } catch (SaslException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /** Verifies the password (then wipes it) and completes the exchange, or fails it. */
    final void verifyAndComplete(String authcid, String authzid, byte[] password) throws SaslException {
        if (authcid.isEmpty()) {
            throw new SaslException("empty authentication identity");
        }
        char[] chars = utf8Chars(password);
        Arrays.fill(password, (byte) 0);
        boolean ok;
        try {
            ok = verifier.verify(authcid, chars);
        } finally {
            Arrays.fill(chars, '\0');
        }
        if (!ok) {
            throw new SaslException("authentication failed");
        }
        this.authcid = authcid;
        this.authzid = authzid == null || authzid.isEmpty() ? authcid : authzid;
        this.complete = true;
    }

    /** The identity whose password was checked. */
    @Override
    public final String authenticationId() {
        requireComplete();
        return authcid;
    }

    /** The identity to act as: the authzid if the client gave one, the authcid otherwise. */
    @Override
    public final String getAuthorizationID() {
        requireComplete();
        return authzid;
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
    public final byte[] unwrap(byte[] incoming, int offset, int len) throws SaslException {
        return NoSecurityLayer.refuse(mechanism, complete);
    }

    @Override
    public final byte[] wrap(byte[] outgoing, int offset, int len) throws SaslException {
        return NoSecurityLayer.refuse(mechanism, complete);
    }

    @Override
    public final Object getNegotiatedProperty(String propName) {
        return NoSecurityLayer.property(mechanism, complete, propName);
    }

    @Override
    public final void dispose() {
        authcid = null;
        authzid = null;
    }

    private void requireComplete() {
        if (!complete) {
            throw new IllegalStateException(mechanism + " authentication not completed");
        }
    }

    static String utf8(byte[] bytes, String what) throws SaslException {
        try {
            return decoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SaslException(what + " is not valid UTF-8");
        }
    }

    private static char[] utf8Chars(byte[] bytes) throws SaslException {
        try {
            CharBuffer cb = decoder().decode(ByteBuffer.wrap(bytes));
            char[] chars = new char[cb.remaining()];
            cb.get(chars);
            Arrays.fill(cb.array(), '\0');
            return chars;
        } catch (CharacterCodingException e) {
            throw new SaslException("password is not valid UTF-8");
        }
    }

    private static java.nio.charset.CharsetDecoder decoder() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
