package org.murder.protocol.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Supplier;

import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;

/**
 * RFC 5802 / RFC 7677 SCRAM, client side, without channel binding ({@code n}: we never offer or use -PLUS). Three
 * steps: (empty challenge) → client-first with the authzid in the GS2 header; server-first → client-final with the
 * proof; server-final → an empty answer once the server's signature verifies. Complete only then: a server that
 * cannot prove it knows the keys does not get a completed exchange (mutual authentication).
 */
final class ScramSaslClient implements SaslClient {

    /**
     * The largest iteration count we compute: Hi() is the client's CPU, so a server could otherwise make us spin.
     * Far above Cyrus's 4096 and RFC 7677's recommendations.
     */
    static final int MAX_ITERATIONS = 1 << 20;

    private enum Step { FIRST, SERVER_FIRST, SERVER_FINAL, COMPLETE, FAILED }

    /**
     * ClientKey and ServerKey per password, salt and iteration count, as RFC 5802 section 5.1 allows a client to keep
     * them for the next authentication to the same server: a frontend logs its proxy identity in at a backend for
     * every proxied session, and each would otherwise cost a PBKDF2. Bounded; the password is only a keyed hash here.
     */
    private static final class DerivedKeys {
        private static final int MAX = 256;
        private static final java.util.Map<String, ScramKeys.ClientKeys> KEYS =
                new java.util.LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(java.util.Map.Entry<String, ScramKeys.ClientKeys> eldest) {
                        return size() > MAX;
                    }
                };

        /** The keys, a copy the caller may wipe. */
        static ScramKeys.ClientKeys get(ScramHash hash, char[] password, byte[] salt, int iterations) {
            Base64.Encoder b64 = Base64.getEncoder();
            String key = hash + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                    + b64.encodeToString(PasswordMemo.mac(password));
            ScramKeys.ClientKeys known;
            synchronized (KEYS) {
                known = KEYS.get(key);
            }
            if (known == null) {
                known = ScramKeys.deriveForClient(hash, password, salt, iterations);
                synchronized (KEYS) {
                    KEYS.put(key, known);
                }
            }
            return new ScramKeys.ClientKeys(known.clientKey().clone(), known.keys());
        }
    }

    private final ScramHash hash;
    private final String authcid;
    private final String authzid;
    private final String clientNonce;
    private char[] password;
    private Step step = Step.FIRST;
    private String gs2Header;
    private String clientFirstBare;
    private byte[] serverSignature;

    ScramSaslClient(ScramHash hash, String authcid, char[] password, String authzid) {
        this(hash, authcid, password, authzid, ScramSyntax::randomNonce);
    }

    /** With a chosen client nonce, for the RFC's test vectors. */
    ScramSaslClient(ScramHash hash, String authcid, char[] password, String authzid, Supplier<String> clientNonce) {
        this.hash = Objects.requireNonNull(hash, "hash");
        this.authcid = Objects.requireNonNull(authcid, "authcid");
        this.authzid = Objects.requireNonNull(authzid, "authzid");
        this.password = password.clone();
        this.clientNonce = clientNonce.get();
        if (authcid.isEmpty()) {
            throw new IllegalArgumentException("SCRAM needs a user name");
        }
        if (!ScramSyntax.isNonce(this.clientNonce)) {
            throw new IllegalArgumentException("a SCRAM nonce is printable ASCII without ','");
        }
    }

    @Override
    public boolean hasInitialResponse() {
        return true;
    }

    @Override
    public byte[] evaluateChallenge(byte[] challenge) throws SaslException {
        byte[] c = challenge == null ? new byte[0] : challenge;
        try {
            switch (step) {
                case FIRST:
                    if (c.length != 0) {
                        throw new SaslException("SCRAM is client-first, but the server's first challenge is not empty");
                    }
                    step = Step.SERVER_FIRST;
                    return clientFirst();
                case SERVER_FIRST:
                    byte[] fin = clientFinal(text(c, "server-first-message"));
                    step = Step.SERVER_FINAL;
                    return fin;
                case SERVER_FINAL:
                    verify(text(c, "server-final-message"));
                    step = Step.COMPLETE;
                    return new byte[0];
                case COMPLETE:
                    throw new SaslException(getMechanismName() + " is complete, but the server asks for more");
                default:
                    throw new SaslException(getMechanismName() + " exchange already failed");
            }
        } catch (SaslException | RuntimeException e) {
            step = Step.FAILED;
            dispose();
            throw e;
        }
    }

    private byte[] clientFirst() {
        gs2Header = "n," + (authzid.isEmpty() ? "" : "a=" + ScramSyntax.encodeName(authzid)) + ",";
        clientFirstBare = "n=" + ScramSyntax.encodeName(authcid) + ",r=" + clientNonce;
        return (gs2Header + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] clientFinal(String serverFirst) throws SaslException {
        String[] attrs = serverFirst.split(",", -1);
        if (attrs[0].startsWith("m=")) {
            throw new SaslException("SCRAM server-first-message has a mandatory extension we do not know");
        }
        if (attrs.length < 3 || !attrs[0].startsWith("r=") || !attrs[1].startsWith("s=") || !attrs[2].startsWith("i=")) {
            throw new SaslException("SCRAM server-first-message must be r=, s=, i=");
        }
        String nonce = attrs[0].substring(2);
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length() || !ScramSyntax.isNonce(nonce)) {
            throw new SaslException("SCRAM server nonce does not extend ours");
        }
        byte[] salt;
        try {
            salt = Base64.getDecoder().decode(attrs[1].substring(2));
        } catch (IllegalArgumentException e) {
            throw new SaslException("SCRAM salt is not base64");
        }
        if (salt.length == 0) {
            throw new SaslException("SCRAM salt is empty");
        }
        int iterations = iterations(attrs[2].substring(2));
        ScramKeys.ClientKeys derived = DerivedKeys.get(hash, password, salt, iterations);
        dispose();
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8))
                + ",r=" + nonce;
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] clientKey = derived.clientKey();
        byte[] proof = ScramKeys.xor(clientKey, derived.keys().clientSignature(authMessage));
        Arrays.fill(clientKey, (byte) 0);
        serverSignature = derived.keys().serverSignature(authMessage);
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.US_ASCII);
    }

    private static int iterations(String count) throws SaslException {
        if (!count.matches("[1-9][0-9]{0,8}")) {
            throw new SaslException("SCRAM iteration count is not a positive number: " + count);
        }
        int i = Integer.parseInt(count);
        if (i > MAX_ITERATIONS) {
            throw new SaslException("SCRAM iteration count " + i + " is above our limit of " + MAX_ITERATIONS);
        }
        return i;
    }

    private void verify(String serverFinal) throws SaslException {
        String first = serverFinal.split(",", 2)[0];
        if (first.startsWith("e=")) {
            throw new SaslException("SCRAM server error: " + first.substring(2));
        }
        if (!first.startsWith("v=")) {
            throw new SaslException("SCRAM server-final-message must be v= or e=");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(first.substring(2));
        } catch (IllegalArgumentException e) {
            throw new SaslException("SCRAM server signature is not base64");
        }
        if (!MessageDigest.isEqual(signature, serverSignature)) {
            throw new SaslException("SCRAM server signature does not verify: the server does not know our keys");
        }
    }

    private static String text(byte[] challenge, String what) throws SaslException {
        String s = PasswordSaslServer.utf8(challenge, what);
        if (s.isEmpty() || s.indexOf('\0') >= 0) {
            throw new SaslException("SCRAM " + what + " is empty or contains NUL");
        }
        return s;
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

    /** Wipes the password (done once Hi() has used it, or on failure). */
    @Override
    public void dispose() {
        Arrays.fill(password, '\0');
        password = new char[0];
    }
}
