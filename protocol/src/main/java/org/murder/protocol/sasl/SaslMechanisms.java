package org.murder.protocol.sasl;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.security.sasl.SaslClient;

/** The SASL mechanisms we serve and use as a client, without going through the JDK's provider lookup. */
public final class SaslMechanisms {

    /** Every mechanism we implement, strongest first (the order of {@code * AUTH} and {@code AUTH=}). */
    private static final List<String> SUPPORTED = List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN");

    private SaslMechanisms() {
    }

    public static List<String> supported() {
        return SUPPORTED;
    }

    /** Whether the mechanism sends the password itself (so only under TLS, unless allowplaintext says otherwise). */
    public static boolean isPlaintext(String mechanismName) {
        String m = mechanismName.toUpperCase(Locale.ROOT);
        return m.equals("PLAIN") || m.equals("LOGIN");
    }

    /**
     * A fresh server for one exchange; empty for an unknown mechanism. Names are case-insensitive. The password
     * mechanisms check passwords with {@code verifier}; SCRAM gets the user's keys from {@code scram}.
     */
    public static Optional<AuthenticatingSaslServer> server(String mechanismName, PasswordVerifier verifier,
                                                            ScramCredentials scram) {
        switch (mechanismName.toUpperCase(Locale.ROOT)) {
            case "PLAIN":
                return Optional.of(new PlainSaslServer(verifier));
            case "LOGIN":
                return Optional.of(new LoginSaslServer(verifier));
            case "SCRAM-SHA-256":
                return Optional.of(new ScramSaslServer(ScramHash.SHA_256, scram));
            case "SCRAM-SHA-1":
                return Optional.of(new ScramSaslServer(ScramHash.SHA_1, scram));
            default:
                return Optional.empty();
        }
    }

    /**
     * A fresh client for one exchange, logging in as {@code authcid} and acting as {@code authzid} (empty: as
     * itself); empty for an unknown mechanism and for LOGIN with an authzid, which it cannot carry. Names are
     * case-insensitive; the password is copied (the caller wipes its array).
     */
    public static Optional<SaslClient> client(String mechanismName, String authcid, char[] password, String authzid) {
        switch (mechanismName.toUpperCase(Locale.ROOT)) {
            case "PLAIN":
                return Optional.of(new PlainSaslClient(authcid, password, authzid));
            case "LOGIN":
                return authzid.isEmpty() ? Optional.of(new LoginSaslClient(authcid, password)) : Optional.empty();
            case "SCRAM-SHA-256":
                return Optional.of(new ScramSaslClient(ScramHash.SHA_256, authcid, password, authzid));
            case "SCRAM-SHA-1":
                return Optional.of(new ScramSaslClient(ScramHash.SHA_1, authcid, password, authzid));
            default:
                return Optional.empty();
        }
    }
}
