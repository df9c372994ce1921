package org.murder.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@code allowplaintext} as IMAP, LMTP and MUPDATE apply it. */
class PlaintextPolicyTest {

    @ParameterizedTest(name = "allowplaintext={0} tlsActive={1} tlsConfigured={2} -> {3}")
    @CsvSource({
            // TLS material, not negotiated: refused unless allowplaintext (Cyrus's SASL_SEC_NOPLAINTEXT)
            "false, false, true,  false",
            "true,  false, true,  true",
            // under TLS: always
            "false, true,  true,  true",
            "true,  true,  true,  true",
            // no TLS material at all: our out-of-the-box choice, plaintext is all there is
            "false, false, false, true",
            "true,  false, false, true",
    })
    void permitsPlaintextOnlyUnderTlsUnlessAllowedOrNoTlsConfigured(boolean allow, boolean active, boolean configured,
                                                                    boolean expected) {
        assertEquals(expected, PlaintextPolicy.permitsPlaintext(allow, active, configured));
    }

    @Test
    void passwordMechanismsNeedPermissionScramNeverDoes() {
        for (String m : List.of("PLAIN", "plain", "LOGIN", "Login")) {
            assertFalse(PlaintextPolicy.permitsMechanism(m, false), m);
            assertTrue(PlaintextPolicy.permitsMechanism(m, true), m);
        }
        for (String m : List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "scram-sha-256")) {
            assertTrue(PlaintextPolicy.permitsMechanism(m, false), m);
            assertTrue(PlaintextPolicy.permitsMechanism(m, true), m);
        }
    }

    @Test
    void offeredKeepsOrderAndDropsPasswordMechanismsWhenNotPermitted() {
        List<String> all = List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN");
        assertEquals(all, PlaintextPolicy.offered(all, true));
        assertEquals(List.of("SCRAM-SHA-256", "SCRAM-SHA-1"), PlaintextPolicy.offered(all, false));
        assertEquals(List.of(), PlaintextPolicy.offered(List.of("PLAIN", "LOGIN"), false));
    }
}
