package org.murder.protocol.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.security.sasl.SaslException;

/**
 * RFC 5802 / RFC 7677 SCRAM without channel binding (we do not offer the -PLUS variants, so a client's {@code y}
 * flag is accepted and {@code p=} refused). Three steps: client-first → server-first, client-final (proof checked)
 * → server-final, then the client's empty acknowledgement completes it (see {@link AuthenticatingSaslServer}).
 *
 * <p>An unknown user gets made-up keys and fails only at the proof, so the exchange does not tell whether the
 * user exists.</p>
 */
public final class ScramSaslServer implements AuthenticatingSaslServer {

    private enum Step { FIRST, FINAL, ACKNOWLEDGE, COMPLETE, FAILED }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ScramHash hash;
    private final ScramCredentials credentials;
    private final Supplier<String> serverNonce;
    private Step step = Step.FIRST;
    private boolean challengedForFirst;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private String authcid;
    private String authzid;
    private ScramKeys keys;
    private boolean knownUser;

    ScramSaslServer(ScramHash hash, ScramCredentials credentials) {
        this(hash, credentials, ScramSyntax::randomNonce);
    }

    /** With a chosen server nonce, for the RFC's test vectors. */
    ScramSaslServer(ScramHash hash, ScramCredentials credentials, Supplier<String> serverNonce) {
        this.hash = Objects.requireNonNull(hash, "hash");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.serverNonce = Objects.requireNonNull(serverNonce, "serverNonce");
    }

    @Override
    public byte[] evaluateResponse(byte[] response) throws SaslException {
        byte[] r = response == null ? new byte[0] : response;
        try {
            switch (step) {
                case FIRST:
                    if (r.length == 0 && !challengedForFirst) {
                        // no initial response: SCRAM is client-first, so ask for it with an empty challenge
                        challengedForFirst = true;
                        return new byte[0];
                    }
                    byte[] first = clientFirst(ascii(r, "client-first-message"));
                    step = Step.FINAL;
                    return first;
                case FINAL:
                    byte[] fin = clientFinal(ascii(r, "client-final-message"));
                    step = Step.ACKNOWLEDGE;
                    return fin;
                case ACKNOWLEDGE:
                    if (r.length != 0) {
                        throw new SaslException("SCRAM expects an empty response after the server's final message");
                    }
                    step = Step.COMPLETE;
                    return null;
                case COMPLETE:
                    throw new IllegalStateException(getMechanismName() + " authentication already completed");
                default:
                    throw new SaslException(getMechanismName() + " authentication already failed");
            }
        } catch (SaslException | RuntimeException e) {
            if (step != Step.COMPLETE) {
                step = Step.FAILED;
            }
            throw e;
        }
    }

    private byte[] clientFirst(String message) throws SaslException {
        // gs2-header: cbind-flag "," [ "a=" saslname ] ","
        int comma1 = message.indexOf(',');
        int comma2 = comma1 < 0 ? -1 : message.indexOf(',', comma1 + 1);
        if (comma2 < 0) {
            throw new SaslException("SCRAM client-first-message lacks a GS2 header");
        }
        String flag = message.substring(0, comma1);
        if (flag.startsWith("p=")) {
            throw new SaslException("channel binding is not supported (no -PLUS mechanism was offered)");
        }
        if (!flag.equals("n") && !flag.equals("y")) {
            throw new SaslException("bad SCRAM channel-binding flag");
        }
        String authzField = message.substring(comma1 + 1, comma2);
        if (!authzField.isEmpty()) {
            if (!authzField.startsWith("a=")) {
                throw new SaslException("bad SCRAM authorization identity");
            }
            authzid = ScramSyntax.decodeName(authzField.substring(2));
        }
        gs2Header = message.substring(0, comma2 + 1);
        clientFirstBare = message.substring(comma2 + 1);
        String[] attrs = clientFirstBare.split(",", -1);
        if (attrs.length < 2 || attrs[0].startsWith("m=")) {
            throw new SaslException("SCRAM client-first-message: unsupported mandatory extension or missing fields");
        }
        if (!attrs[0].startsWith("n=") || !attrs[1].startsWith("r=")) {
            throw new SaslException("SCRAM client-first-message must start with n= and r=");
        }
        authcid = ScramSyntax.decodeName(attrs[0].substring(2));
        if (authcid.isEmpty()) {
            throw new SaslException("empty authentication identity");
        }
        String clientNonce = attrs[1].substring(2);
        if (!ScramSyntax.isNonce(clientNonce)) {
            throw new SaslException("bad SCRAM client nonce");
        }
        Optional<ScramKeys> found = credentials.lookup(authcid, hash);
        knownUser = found.isPresent() && found.get().hash() == hash;
        keys = knownUser ? found.get() : madeUpKeys();
        nonce = clientNonce + serverNonce.get();
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(keys.salt()) + ",i=" + keys.iterations();
        return serverFirst.getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] clientFinal(String message) throws SaslException {
        int proofAt = message.lastIndexOf(",p=");
        if (proofAt < 0) {
            throw new SaslException("SCRAM client-final-message lacks the proof");
        }
        String withoutProof = message.substring(0, proofAt);
        String[] attrs = withoutProof.split(",", -1);
        if (attrs.length < 2 || !attrs[0].startsWith("c=") || !attrs[1].startsWith("r=")) {
            throw new SaslException("SCRAM client-final-message must start with c= and r=");
        }
        String expectedBinding = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
        if (!attrs[0].substring(2).equals(expectedBinding)) {
            throw new SaslException("SCRAM channel binding does not match the GS2 header");
        }
        if (!attrs[1].substring(2).equals(nonce)) {
            throw new SaslException("SCRAM nonce mismatch");
        }
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(message.substring(proofAt + 3));
        } catch (IllegalArgumentException e) {
            throw new SaslException("SCRAM proof is not base64");
        }
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] clientSignature = keys.clientSignature(authMessage);
        if (proof.length != clientSignature.length) {
            throw new SaslException("authentication failed");
        }
        byte[] clientKey = ScramKeys.xor(proof, clientSignature);
        boolean match = MessageDigest.isEqual(hash.hash(clientKey), keys.storedKey());
        Arrays.fill(clientKey, (byte) 0);
        if (!knownUser) {
            // the client hears the same as for a wrong password; the log (SaslException's message) says which
            throw new SaslException("authentication failed: no " + hash.mechanism() + " keys for " + authcid);
        }
        if (!match) {
            throw new SaslException("authentication failed: wrong proof for " + authcid);
        }
        if (authzid == null || authzid.isEmpty()) {
            authzid = authcid;
        }
        return ("v=" + Base64.getEncoder().encodeToString(keys.serverSignature(authMessage))).getBytes(StandardCharsets.US_ASCII);
    }

    private ScramKeys madeUpKeys() {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] junk = new byte[hash.length()];
        RANDOM.nextBytes(junk);
        return new ScramKeys(hash, salt, ScramKeys.DEFAULT_ITERATIONS, junk, junk);
    }

    private static String ascii(byte[] bytes, String what) throws SaslException {
        String s = PasswordSaslServer.utf8(bytes, what);
        if (s.indexOf('\0') >= 0) {
            throw new SaslException(what + " contains NUL");
        }
        return s;
    }

    @Override
    public String authenticationId() {
        requireComplete();
        return authcid;
    }

    @Override
    public String getAuthorizationID() {
        requireComplete();
        return authzid;
    }

    @Override
    public String getMechanismName() {
        return hash.mechanism();
    }

    @Override
    public boolean isComplete() {
        return step == Step.COMPLETE;
    }

    @Override
    public byte[] unwrap(byte[] incoming, int offset, int len) {
        return NoSecurityLayer.refuse(getMechanismName(), isComplete());
    }

    @Override
    public byte[] wrap(byte[] outgoing, int offset, int len) {
        return NoSecurityLayer.refuse(getMechanismName(), isComplete());
    }

    @Override
    public Object getNegotiatedProperty(String propName) {
        return NoSecurityLayer.property(getMechanismName(), isComplete(), propName);
    }

    @Override
    public void dispose() {
        keys = null;
    }

    private void requireComplete() {
        if (step != Step.COMPLETE) {
            throw new IllegalStateException(getMechanismName() + " authentication not completed");
        }
    }
}
