package org.murder.protocol.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import javax.security.sasl.SaslException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SaslClientExchangeTest {

    private static final List<String> ALL = SaslMechanisms.supported();
    private static final byte[] SALT_256 = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    private static final byte[] SALT_1 = Base64.getDecoder().decode("QSXCR+Q6sek8bf92");

    /** The backend's users: the frontend's proxy identity and two end users. */
    private static final PasswordVerifier PASSWORDS = (user, pw) -> switch (user) {
        case "frontend" -> new String(pw).equals("proxy-FAKE-pw");
        case "alice" -> new String(pw).equals("alice-FAKE-pw");
        case "a,b=c" -> new String(pw).equals("odd-FAKE-pw");
        default -> false;
    };
    private static final ScramCredentials KEYS = (user, hash) -> Optional.ofNullable(switch (user) {
                case "frontend" -> ScramKeys.derive(hash, "proxy-FAKE-pw".toCharArray(), b("salt-f"), 4096);
                case "alice" -> ScramKeys.derive(hash, "alice-FAKE-pw".toCharArray(), b("salt-a"), 4096);
                case "a,b=c" -> ScramKeys.derive(hash, "odd-FAKE-pw".toCharArray(), b("salt-o"), 4096);
                case "jörg" -> ScramKeys.derive(hash, "fi pässwörd".toCharArray(), b("salt-j"), 4096);
                default -> null;
    });
    /** Cyrus's rule: everyone as themselves, the proxy identity as anyone. */
    private static final BiPredicate<String, String> PROXY_SERVERS =
            (authn, authz) -> authn.equals(authz) || authn.equals("frontend");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(b(s));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }

    private static SaslClientExchange client(List<String> offered, String authcid, String password, String authzid)
            throws SaslException {
        return new SaslClientExchange(offered, authcid, password.toCharArray(), authzid);
    }

    /** Both ends of one exchange, as they end. */
    private record Outcome(SaslExchange.Step server, SaslClientExchange.Step client) {
    }

    /**
     * Plays the exchange line by line, as a protocol session would: the server's challenges to the client, its
     * answers back; the client cancels on Failed; the server's success reaches the client's {@code success}.
     */
    private static Outcome run(SaslClientExchange client, SaslExchange server, boolean saslIr) {
        SaslExchange.Step s = server.start(saslIr ? client.initialResponse() : Optional.empty());
        for (int rounds = 0; rounds < 10; rounds++) {
            if (s instanceof SaslExchange.Success) {
                return new Outcome(s, client.success(Optional.empty()));
            }
            if (s instanceof SaslExchange.Failure) {
                return new Outcome(s, null);
            }
            SaslClientExchange.Step c = client.step(((SaslExchange.Challenge) s).base64());
            if (c instanceof SaslClientExchange.Failed) {
                return new Outcome(server.line("*"), c);
            }
            s = server.line(((SaslClientExchange.Respond) c).base64());
        }
        throw new AssertionError("the exchange does not end");
    }

    private static SaslExchange server(String mechanism) {
        return new SaslExchange(SaslMechanisms.server(mechanism, PASSWORDS, KEYS).orElseThrow(), PROXY_SERVERS);
    }

    // --- round trips against our own server side

    /** Random nonces on both sides: every one of many exchanges succeeds (no nonce or proof the other side misreads). */
    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-256", "SCRAM-SHA-1"})
    void manyExchangesWithRandomNoncesAllSucceed(String mechanism) throws Exception {
        for (int i = 0; i < 3000; i++) {
            SaslClientExchange c = client(List.of(mechanism), "frontend", "proxy-FAKE-pw", "alice");
            Outcome o = run(c, server(mechanism), i % 2 == 0);
            assertEquals(new SaslExchange.Success("frontend", "alice"), o.server(), "exchange " + i);
            assertEquals(new SaslClientExchange.Done(mechanism), o.client(), "exchange " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"})
    void theProxyIdentityActsForTheUser(String mechanism) throws Exception {
        for (boolean saslIr : new boolean[] {true, false}) {
            SaslClientExchange c = client(List.of(mechanism), "frontend", "proxy-FAKE-pw", "alice");
            assertEquals(mechanism, c.mechanism());
            Outcome o = run(c, server(mechanism), saslIr);
            assertEquals(new SaslExchange.Success("frontend", "alice"), o.server(), "SASL-IR " + saslIr);
            assertEquals(new SaslClientExchange.Done(mechanism), o.client(), "SASL-IR " + saslIr);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN"})
    void withoutAnAuthzidTheUserActsAsItself(String mechanism) throws Exception {
        SaslClientExchange c = client(List.of(mechanism), "alice", "alice-FAKE-pw", "");
        Outcome o = run(c, server(mechanism), true);
        assertEquals(new SaslExchange.Success("alice", "alice"), o.server());
        assertEquals(new SaslClientExchange.Done(mechanism), o.client());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"})
    void anAuthzidTheServerRefusesIsAnAuthorizationFailure(String mechanism) throws Exception {
        // alice proves her password, but only a proxy server may act as someone else
        SaslClientExchange c = client(List.of(mechanism), "alice", "alice-FAKE-pw", "frontend");
        Outcome o = run(c, server(mechanism), true);
        assertEquals(SaslExchange.Reason.AUTHORIZATION_FAILED, ((SaslExchange.Failure) o.server()).reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN"})
    void aWrongPasswordIsRefusedByTheServer(String mechanism) throws Exception {
        SaslClientExchange c = client(List.of(mechanism), "alice", "wrong", "");
        Outcome o = run(c, server(mechanism), true);
        assertEquals(SaslExchange.Reason.AUTHENTICATION_FAILED, ((SaslExchange.Failure) o.server()).reason());
    }

    @Test
    void nonAsciiPasswordsArePreparedAsTheServerDoes() throws Exception {
        // U+FB01 "ﬁ" → "fi" (NFKC), U+00A0 → space, U+00AD (soft hyphen) → nothing
        SaslClientExchange c = client(List.of("SCRAM-SHA-256"), "jörg", "\uFB01\u00A0p\u00ADässwörd", "");
        Outcome o = run(c, server("SCRAM-SHA-256"), true);
        assertEquals(new SaslExchange.Success("jörg", "jörg"), o.server());
        assertInstanceOf(SaslClientExchange.Done.class, o.client());
    }

    @Test
    void anAuthzidWithEqualsAndCommaIsEscaped() throws Exception {
        SaslClientExchange c = new SaslClientExchange(new ScramSaslClient(ScramHash.SHA_256, "a,b=c",
                "odd-FAKE-pw".toCharArray(), "bob=x,y", () -> "fixedNONCE"));
        String first = c.initialResponse().orElseThrow();
        assertEquals("n,a=bob=3Dx=2Cy,n=a=2Cb=3Dc,r=fixedNONCE", unb64(first));
        // and our server reads both names back
        SaslExchange s = new SaslExchange(SaslMechanisms.server("SCRAM-SHA-256", PASSWORDS, KEYS).orElseThrow(),
                (authn, authz) -> true);
        SaslExchange.Step step = s.start(Optional.of(first));
        while (step instanceof SaslExchange.Challenge challenge) {
            step = s.line(((SaslClientExchange.Respond) c.step(challenge.base64())).base64());
        }
        assertEquals(new SaslExchange.Success("a,b=c", "bob=x,y"), step);
        assertEquals(new SaslClientExchange.Done("SCRAM-SHA-256"), c.success(Optional.empty()));
    }

    @Test
    void plainSendsAuthzidNulAuthcidNulPassword() throws Exception {
        assertEquals(Optional.of(b64("alice\0frontend\0proxy-FAKE-pw")),
                client(List.of("PLAIN"), "frontend", "proxy-FAKE-pw", "alice").initialResponse());
        assertEquals(Optional.of(b64("\0alice\0pässwörd")), client(List.of("PLAIN"), "alice", "pässwörd", "").initialResponse());
    }

    @Test
    void plainWithoutInitialResponseAnswersTheEmptyChallenge() throws Exception {
        SaslClientExchange c = client(List.of("PLAIN"), "alice", "pw", "");
        assertEquals(new SaslClientExchange.Respond(b64("\0alice\0pw")), c.step(""));
        assertEquals(new SaslClientExchange.Done("PLAIN"), c.success(Optional.empty()));
    }

    @Test
    void loginAnswersTwoPromptsWhateverTheySay() throws Exception {
        SaslClientExchange c = client(List.of("LOGIN"), "alice", "pw", "");
        assertEquals(Optional.empty(), c.initialResponse());
        assertEquals(new SaslClientExchange.Respond(b64("alice")), c.step(b64("User Name")));
        assertEquals(new SaslClientExchange.Respond(b64("pw")), c.step(b64("Password:")));
        assertInstanceOf(SaslClientExchange.Failed.class, client(List.of("LOGIN"), "alice", "pw", "").success(Optional.empty()));
        assertEquals(new SaslClientExchange.Done("LOGIN"), c.success(Optional.empty()));
    }

    // --- the RFCs' test vectors: user "user", password "pencil"

    @Test
    void rfc7677ScramSha256() {
        SaslClientExchange c = new SaslClientExchange(new ScramSaslClient(ScramHash.SHA_256, "user",
                "pencil".toCharArray(), "", () -> "rOprNGfwEbeRWgbNEkqO"));
        assertEquals("SCRAM-SHA-256", c.mechanism());
        assertEquals("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", unb64(c.initialResponse().orElseThrow()));
        var fin = (SaslClientExchange.Respond) c.step(
                b64("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        assertEquals("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", unb64(fin.base64()));
        assertEquals(new SaslClientExchange.Respond(""), c.step(b64("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
        assertEquals(new SaslClientExchange.Done("SCRAM-SHA-256"), c.success(Optional.empty()));
    }

    @Test
    void rfc5802ScramSha1() {
        SaslClientExchange c = new SaslClientExchange(new ScramSaslClient(ScramHash.SHA_1, "user",
                "pencil".toCharArray(), "", () -> "fyko+d2lbbFgONRv9qkxdawL"));
        assertEquals("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL", unb64(c.initialResponse().orElseThrow()));
        var fin = (SaslClientExchange.Respond) c.step(
                b64("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"));
        assertEquals("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
                unb64(fin.base64()));
        // the final data in the success reply itself, for protocols that carry it there
        assertEquals(new SaslClientExchange.Done("SCRAM-SHA-1"),
                c.success(Optional.of(b64("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="))));
    }

    @Test
    void theVectorsAlsoHoldAgainstOurServer() throws Exception {
        var server = new ScramSaslServer(ScramHash.SHA_256, (u, h) -> Optional.of(
                ScramKeys.derive(h, "pencil".toCharArray(), SALT_256, 4096)), () -> "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
        var client = new ScramSaslClient(ScramHash.SHA_256, "user", "pencil".toCharArray(), "", () -> "rOprNGfwEbeRWgbNEkqO");
        byte[] first = client.evaluateChallenge(new byte[0]);
        byte[] fin = client.evaluateChallenge(server.evaluateResponse(first));
        assertArrayEquals(new byte[0], client.evaluateChallenge(server.evaluateResponse(fin)));
        assertTrue(client.isComplete());
    }

    // --- mutual authentication and broken servers

    /** A SHA-1 exchange with the RFC 5802 vector up to the server-final message. */
    private static SaslClientExchange atServerFinal() {
        SaslClientExchange c = new SaslClientExchange(new ScramSaslClient(ScramHash.SHA_1, "user",
                "pencil".toCharArray(), "", () -> "fyko+d2lbbFgONRv9qkxdawL"));
        c.initialResponse();
        assertInstanceOf(SaslClientExchange.Respond.class,
                c.step(b64("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=" + Base64.getEncoder().encodeToString(SALT_1)
                        + ",i=4096")));
        return c;
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=rmF9pqV8S7suAoZWja4dJRkFsKA=", "v=AAAA", "v=!!", "v=", "e=invalid-proof", "x=1", ""})
    void aForgedOrMissingServerSignatureFails(String serverFinal) {
        SaslClientExchange c = atServerFinal();
        var failed = assertInstanceOf(SaslClientExchange.Failed.class, c.step(b64(serverFinal)));
        assertTrue(failed.reason().startsWith("SCRAM-SHA-1: "), failed.reason());
        assertThrows(IllegalStateException.class, () -> c.success(Optional.empty()), "the exchange is over");
    }

    @Test
    void aForgedSignatureNamesTheProblem() {
        var failed = (SaslClientExchange.Failed) atServerFinal().step(b64("v=rmF9pqV8S7suAoZWja4dJRkFsKA="));
        assertTrue(failed.reason().contains("server signature does not verify"), failed.reason());
        var error = (SaslClientExchange.Failed) atServerFinal().step(b64("e=invalid-proof"));
        assertTrue(error.reason().contains("invalid-proof"), error.reason());
    }

    @Test
    void aSuccessBeforeTheServerProvedItselfFails() {
        // a server (or someone in between) that says OK without the server-final message
        assertInstanceOf(SaslClientExchange.Failed.class, atServerFinal().success(Optional.empty()));
        assertInstanceOf(SaslClientExchange.Failed.class,
                atServerFinal().success(Optional.of(b64("v=rmF9pqV8S7suAoZWja4dJRkFsKA="))));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "r=someoneElsesNonce123,s=QSXCR+Q6sek8bf92,i=4096", // does not extend our nonce
        "r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096", // adds nothing to it
        "m=ext,r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=4096",
        "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92",
        "r=fyko+d2lbbFgONRv9qkxdawLx,i=4096,s=QSXCR+Q6sek8bf92",
        "r=fyko+d2lbbFgONRv9qkxdawLx,s=!!!,i=4096",
        "r=fyko+d2lbbFgONRv9qkxdawLx,s=,i=4096",
        "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=0",
        "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=-1",
        "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=99999999", // above our limit: a server making us spin
        "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=4096\0",
        ""})
    void aBrokenServerFirstMessageFails(String serverFirst) {
        SaslClientExchange c = new SaslClientExchange(new ScramSaslClient(ScramHash.SHA_1, "user",
                "pencil".toCharArray(), "", () -> "fyko+d2lbbFgONRv9qkxdawL"));
        c.initialResponse();
        assertInstanceOf(SaslClientExchange.Failed.class, c.step(b64(serverFirst)));
    }

    @Test
    void serverFirstExtensionsAreIgnored() {
        SaslClientExchange c = new SaslClientExchange(new ScramSaslClient(ScramHash.SHA_1, "user",
                "pencil".toCharArray(), "", () -> "fyko+d2lbbFgONRv9qkxdawL"));
        c.initialResponse();
        assertInstanceOf(SaslClientExchange.Respond.class,
                c.step(b64("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096,x=later")));
    }

    @Test
    void scramIsClientFirst() throws Exception {
        SaslClientExchange c = client(List.of("SCRAM-SHA-256"), "alice", "pw", "");
        assertInstanceOf(SaslClientExchange.Failed.class, c.step(b64("r=abc,s=c2FsdA==,i=4096")));
    }

    @Test
    void aChallengeThatIsNotBase64Fails() throws Exception {
        SaslClientExchange c = client(List.of("SCRAM-SHA-256"), "alice", "pw", "");
        c.initialResponse();
        var failed = assertInstanceOf(SaslClientExchange.Failed.class, c.step("r=abc"));
        assertTrue(failed.reason().contains("not base64"), failed.reason());
    }

    @Test
    void aChallengeAfterPlainFails() throws Exception {
        SaslClientExchange c = client(List.of("PLAIN"), "alice", "pw", "");
        c.initialResponse();
        assertInstanceOf(SaslClientExchange.Failed.class, c.step(""));
        assertThrows(IllegalStateException.class, () -> c.step(""));
    }

    @Test
    void theExchangeIsUsedOnce() throws Exception {
        SaslClientExchange c = client(List.of("PLAIN"), "alice", "pw", "");
        c.initialResponse();
        assertThrows(IllegalStateException.class, c::initialResponse);
        c.success(Optional.empty());
        assertThrows(IllegalStateException.class, () -> c.success(Optional.empty()));
        assertThrows(IllegalStateException.class, () -> c.step(""));
    }

    @Test
    void thePasswordArrayIsCopied() throws Exception {
        char[] pw = "proxy-FAKE-pw".toCharArray();
        SaslClientExchange c = new SaslClientExchange(List.of("SCRAM-SHA-256"), "frontend", pw, "alice");
        java.util.Arrays.fill(pw, '\0');
        Outcome o = run(c, server("SCRAM-SHA-256"), true);
        assertEquals(new SaslExchange.Success("frontend", "alice"), o.server());
    }

    // --- which mechanism

    @Test
    void theStrongestMechanismInCommonIsChosen() throws Exception {
        assertEquals("SCRAM-SHA-256", client(List.of("PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256"), "u", "p", "").mechanism());
        assertEquals("SCRAM-SHA-1", client(List.of("LOGIN", "PLAIN", "SCRAM-SHA-1", "GSSAPI"), "u", "p", "x").mechanism());
        assertEquals("SCRAM-SHA-256", client(List.of("scram-sha-256", "plain"), "u", "p", "").mechanism());
        assertEquals("PLAIN", client(List.of("PLAIN"), "u", "p", "alice").mechanism());
        assertEquals("PLAIN", client(List.of("LOGIN", "PLAIN"), "u", "p", "").mechanism(), "LOGIN only if nothing else");
        assertEquals("LOGIN", client(List.of("LOGIN", "CRAM-MD5"), "u", "p", "").mechanism());
    }

    @Test
    void ourPreferenceDecidesAndRestricts() throws Exception {
        List<String> offered = List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN");
        assertEquals("PLAIN", new SaslClientExchange(offered, List.of("PLAIN", "SCRAM-SHA-256"), "u", "p".toCharArray(), "")
                .mechanism());
        assertEquals("SCRAM-SHA-1", new SaslClientExchange(offered, List.of("GSSAPI", "SCRAM-SHA-1"), "u",
                "p".toCharArray(), "").mechanism(), "names we do not implement are skipped");
        // no password in the clear: SCRAM only, and the server has only PLAIN
        assertThrows(SaslException.class, () -> new SaslClientExchange(List.of("PLAIN"),
                List.of("SCRAM-SHA-256", "SCRAM-SHA-1"), "u", "p".toCharArray(), ""));
        assertEquals("LOGIN", new SaslClientExchange(List.of("LOGIN", "PLAIN"), List.of("LOGIN"), "u", "p".toCharArray(), "")
                .mechanism());
    }

    @Test
    void nothingInCommonIsAClearFailure() {
        SaslException e = assertThrows(SaslException.class,
                () -> client(List.of("GSSAPI", "CRAM-MD5"), "frontend", "p", "alice"));
        assertEquals("no SASL mechanism in common: the server offers [GSSAPI, CRAM-MD5], we use "
                + "[SCRAM-SHA-256, SCRAM-SHA-1, PLAIN, LOGIN]", e.getMessage());
        assertThrows(SaslException.class, () -> client(List.of(), "frontend", "p", ""));
    }

    @Test
    void loginCannotCarryAnAuthzid() {
        SaslException e = assertThrows(SaslException.class, () -> client(List.of("LOGIN"), "frontend", "p", "alice"));
        assertTrue(e.getMessage().contains("LOGIN cannot carry an authorization identity"), e.getMessage());
        assertEquals(Optional.empty(), SaslMechanisms.client("LOGIN", "frontend", "p".toCharArray(), "alice"));
        assertEquals(Optional.empty(), SaslMechanisms.client("GSSAPI", "frontend", "p".toCharArray(), ""));
    }
}
