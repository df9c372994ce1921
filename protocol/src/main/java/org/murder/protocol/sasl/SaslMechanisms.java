package org.murder.protocol.sasl;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.security.sasl.SaslServer;

/** The SASL mechanisms we serve, without going through the JDK's provider lookup. */
public final class SaslMechanisms {

    private static final List<String> NAMES = List.of("PLAIN", "LOGIN");

    private SaslMechanisms() {
    }

    /** Mechanism names in preference order, as advertised in {@code * AUTH}. */
    public static List<String> names() {
        return NAMES;
    }

    /** A fresh server for one exchange; empty for an unknown mechanism. Names are case-insensitive. */
    public static Optional<SaslServer> server(String mechanismName, PasswordVerifier verifier) {
        switch (mechanismName.toUpperCase(Locale.ROOT)) {
            case "PLAIN":
                return Optional.of(new PlainSaslServer(verifier));
            case "LOGIN":
                return Optional.of(new LoginSaslServer(verifier));
            default:
                return Optional.empty();
        }
    }
}
