package org.murder.auth;

import java.util.List;
import org.murder.protocol.sasl.SaslMechanisms;

/**
 * Cyrus's {@code allowplaintext} for IMAP, LMTP and MUPDATE alike: a password may cross the wire in the clear
 * (IMAP LOGIN, SASL PLAIN and LOGIN) only under TLS, unless {@code allowplaintext} is on. Mechanisms that never send
 * the password (SCRAM) are always allowed, as libsasl's {@code SASL_SEC_NOPLAINTEXT} leaves them.
 *
 * <p>One departure from Cyrus, for a usable out-of-the-box node: a listener without TLS material (nothing to
 * negotiate) allows plaintext, because refusing it would leave LOGIN-only clients nothing at all. Configure TLS and
 * the rule bites; configure TLS and {@code allowplaintext: yes} and it does not.
 */
public final class PlaintextPolicy {

    private PlaintextPolicy() {
    }

    /**
     * @param allowPlaintext the {@code allowplaintext} setting
     * @param tlsActive      the connection already runs TLS (STARTTLS done, or implicit TLS)
     * @param tlsConfigured  the listener has TLS material (so the client could have negotiated it)
     */
    public static boolean permitsPlaintext(boolean allowPlaintext, boolean tlsActive, boolean tlsConfigured) {
        return tlsActive || allowPlaintext || !tlsConfigured;
    }

    /** Whether a SASL mechanism may be used on a connection where plaintext is (not) permitted. */
    public static boolean permitsMechanism(String mechanism, boolean plaintextPermitted) {
        return plaintextPermitted || !SaslMechanisms.isPlaintext(mechanism);
    }

    /** The mechanisms to offer ({@code AUTH=}, LHLO's {@code AUTH}, MUPDATE's {@code * AUTH}), order kept. */
    public static List<String> offered(List<String> mechanisms, boolean plaintextPermitted) {
        return mechanisms.stream().filter(m -> permitsMechanism(m, plaintextPermitted)).toList();
    }
}
