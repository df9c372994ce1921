package org.murder.protocol.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SaslExchangeTest {

    private static final PasswordVerifier ALICE = (user, pw) -> user.equals("alice") && new String(pw).equals("secret");

    private static SaslExchange exchange(String mechanism) {
        return new SaslExchange(SaslMechanisms.server(mechanism, ALICE, ScramCredentials.NONE).orElseThrow(),
                (authn, authz) -> authn.equals(authz) || authn.equals("frontend"));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void plainWithAnInitialResponseSucceedsAtOnce() {
        assertEquals(new SaslExchange.Success("alice", "alice"), exchange("PLAIN").start(Optional.of(b64("\0alice\0secret"))));
    }

    @Test
    void plainWithoutOneAsksThenSucceeds() {
        SaslExchange x = exchange("PLAIN");
        assertEquals(new SaslExchange.Challenge(""), x.start(Optional.empty()));
        assertEquals(new SaslExchange.Success("alice", "alice"), x.line(b64("\0alice\0secret")));
        assertThrows(IllegalStateException.class, () -> x.line("="));
    }

    @Test
    void loginTakesTwoLines() {
        SaslExchange x = exchange("LOGIN");
        assertInstanceOf(SaslExchange.Challenge.class, x.start(Optional.empty()));
        assertInstanceOf(SaslExchange.Challenge.class, x.line(b64("alice")));
        assertEquals(new SaslExchange.Success("alice", "alice"), x.line(b64("secret")));
    }

    @Test
    void failuresSayWhy() {
        assertEquals(SaslExchange.Reason.AUTHENTICATION_FAILED,
                ((SaslExchange.Failure) exchange("PLAIN").start(Optional.of(b64("\0alice\0wrong")))).reason());
        assertEquals(SaslExchange.Reason.MALFORMED, ((SaslExchange.Failure) exchange("PLAIN").start(Optional.of("%%%"))).reason());
        SaslExchange cancelled = exchange("PLAIN");
        cancelled.start(Optional.empty());
        assertEquals(SaslExchange.Reason.CANCELLED, ((SaslExchange.Failure) cancelled.line("*")).reason());
        // alice may not act as bob; a proxy (here "frontend") may — the rule is the caller's
        assertEquals(SaslExchange.Reason.AUTHORIZATION_FAILED,
                ((SaslExchange.Failure) exchange("PLAIN").start(Optional.of(b64("bob\0alice\0secret")))).reason());
    }
}
