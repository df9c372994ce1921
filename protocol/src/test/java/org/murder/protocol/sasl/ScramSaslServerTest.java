package org.murder.protocol.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import javax.security.sasl.SaslException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScramSaslServerTest {

    // RFC 7677 section 3 and RFC 5802 section 5: user "user", password "pencil"
    private static final byte[] SALT_256 = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    private static final byte[] SALT_1 = Base64.getDecoder().decode("QSXCR+Q6sek8bf92");

    private static ScramCredentials pencil(byte[] salt) {
        return (user, hash) -> user.equals("user")
                ? Optional.of(ScramKeys.derive(hash, "pencil".toCharArray(), salt, 4096))
                : Optional.empty();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void rfc7677TestVector() throws Exception {
        var s = new ScramSaslServer(ScramHash.SHA_256, pencil(SALT_256), () -> "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
        assertEquals("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                str(s.evaluateResponse(ascii("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"))));
        assertEquals("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", str(s.evaluateResponse(ascii(
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="))));
        assertFalse(s.isComplete(), "the server's final message still has to reach the client");
        assertNull(s.evaluateResponse(new byte[0]));
        assertTrue(s.isComplete());
        assertEquals("user", s.authenticationId());
        assertEquals("user", s.getAuthorizationID());
        assertEquals("SCRAM-SHA-256", s.getMechanismName());
    }

    @Test
    void rfc5802TestVector() throws Exception {
        var s = new ScramSaslServer(ScramHash.SHA_1, pencil(SALT_1), () -> "3rfcNHYJY1ZVvWVs7j");
        assertEquals("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
                str(s.evaluateResponse(ascii("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"))));
        assertEquals("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", str(s.evaluateResponse(ascii(
                "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="))));
        assertNull(s.evaluateResponse(null));
        assertTrue(s.isComplete());
    }

    /** A client written from the RFC's formulas, to drive exchanges the vectors do not cover. */
    private static final class Client {
        final ScramHash hash;
        final String gs2;
        final String bare;
        String withoutProof;
        byte[] saltedPassword;
        String authMessage;

        Client(ScramHash hash, String gs2, String user) {
            this.hash = hash;
            this.gs2 = gs2;
            this.bare = "n=" + user + ",r=clientNONCE123";
        }

        byte[] first() {
            return ascii(gs2 + bare);
        }

        byte[] fin(byte[] serverFirst, String password) {
            String sf = str(serverFirst);
            String nonce = sf.substring(2, sf.indexOf(','));
            String salt = sf.substring(sf.indexOf(",s=") + 3, sf.indexOf(",i="));
            int i = Integer.parseInt(sf.substring(sf.indexOf(",i=") + 3));
            saltedPassword = hash.saltedPassword(ScramKeys.normalize(password.toCharArray()),
                    Base64.getDecoder().decode(salt), i);
            withoutProof = "c=" + Base64.getEncoder().encodeToString(ascii(gs2)) + ",r=" + nonce;
            authMessage = bare + "," + sf + "," + withoutProof;
            byte[] clientKey = hash.hmac(saltedPassword, ascii("Client Key"));
            byte[] signature = hash.hmac(hash.hash(clientKey), ascii(authMessage));
            byte[] proof = new byte[clientKey.length];
            for (int k = 0; k < proof.length; k++) {
                proof[k] = (byte) (clientKey[k] ^ signature[k]);
            }
            return ascii(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
        }

        String expectedServerFinal() {
            byte[] serverKey = hash.hmac(saltedPassword, ascii("Server Key"));
            return "v=" + Base64.getEncoder().encodeToString(hash.hmac(serverKey, ascii(authMessage)));
        }
    }

    private static ScramCredentials store(String user, String password) {
        return (u, hash) -> u.equals(user)
                ? Optional.of(ScramKeys.derive(hash, password.toCharArray(), ascii("salt-of-" + u), 4096))
                : Optional.empty();
    }

    @Test
    void withoutInitialResponseTheServerAsksForTheClientFirstMessage() throws Exception {
        var s = SaslMechanisms.server("SCRAM-SHA-256", (u, p) -> false, store("alice", "alice-pw")).orElseThrow();
        assertArrayEquals(new byte[0], s.evaluateResponse(new byte[0]));
        Client c = new Client(ScramHash.SHA_256, "n,,", "alice");
        byte[] fin = c.fin(s.evaluateResponse(c.first()), "alice-pw");
        assertEquals(c.expectedServerFinal(), str(s.evaluateResponse(fin)));
        assertNull(s.evaluateResponse(new byte[0]));
        assertEquals("alice", s.getAuthorizationID());
    }

    @Test
    void authzidAndEscapedNames() throws Exception {
        var s = new ScramSaslServer(ScramHash.SHA_256, store("a,b=c", "pw"));
        Client c = new Client(ScramHash.SHA_256, "y,a=bob=2Cjr,", "a=2Cb=3Dc");
        byte[] fin = c.fin(s.evaluateResponse(c.first()), "pw");
        assertEquals(c.expectedServerFinal(), str(s.evaluateResponse(fin)));
        assertNull(s.evaluateResponse(new byte[0]));
        assertEquals("a,b=c", s.authenticationId());
        assertEquals("bob,jr", s.getAuthorizationID());
    }

    @ParameterizedTest
    @ValueSource(strings = {"wrong", "alice-pw ", ""})
    void aWrongPasswordFails(String password) throws Exception {
        var s = new ScramSaslServer(ScramHash.SHA_256, store("alice", "alice-pw"));
        Client c = new Client(ScramHash.SHA_256, "n,,", "alice");
        byte[] fin = c.fin(s.evaluateResponse(c.first()), password);
        assertThrows(SaslException.class, () -> s.evaluateResponse(fin));
        assertFalse(s.isComplete());
        assertThrows(SaslException.class, () -> s.evaluateResponse(new byte[0]), "a failed exchange stays failed");
    }

    @Test
    void anUnknownUserLooksLikeAKnownOneUntilTheProof() throws Exception {
        var s = new ScramSaslServer(ScramHash.SHA_256, store("alice", "alice-pw"));
        Client c = new Client(ScramHash.SHA_256, "n,,", "mallory");
        String first = str(s.evaluateResponse(c.first()));
        assertTrue(first.matches("r=clientNONCE123[^,]+,s=[A-Za-z0-9+/=]+,i=4096"), first);
        byte[] fin = c.fin(ascii(first), "anything");
        assertThrows(SaslException.class, () -> s.evaluateResponse(fin));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "p=tls-unique,,n=user,r=abc", "x,,n=user,r=abc", "n,b=x,n=user,r=abc", "n,,m=ext,n=user,r=abc",
        "n,,r=abc,n=user", "n,,n=user", "n,,n=,r=abc", "n,,n=us=er,r=abc", "n,,n=user,r=", "n,,n=user,r=a b",
        "n,n=user,r=abc", "n", "", "n,,n=user,r=abc\0"})
    void malformedClientFirstMessagesFail(String message) {
        var s = new ScramSaslServer(ScramHash.SHA_256, pencil(SALT_256));
        assertThrows(SaslException.class, () -> {
            byte[] challenge = s.evaluateResponse(ascii(message));
            if (message.isEmpty()) {
                s.evaluateResponse(ascii(message)); // the second empty answer is the malformed one
            } else {
                throw new AssertionError("accepted: " + str(challenge));
            }
        });
        assertFalse(s.isComplete());
    }

    @Test
    void theFinalMessageMustMatchTheFirst() throws Exception {
        for (String tamper : new String[] {"nonce", "binding", "noproof", "badproof", "shortproof"}) {
            var s = new ScramSaslServer(ScramHash.SHA_256, store("alice", "alice-pw"));
            Client c = new Client(ScramHash.SHA_256, "n,,", "alice");
            String fin = str(c.fin(s.evaluateResponse(c.first()), "alice-pw"));
            String bad = switch (tamper) {
                case "nonce" -> fin.replace(",r=clientNONCE123", ",r=clientNONCE124");
                case "binding" -> fin.replace("c=biws", "c=eSws");
                case "noproof" -> fin.substring(0, fin.indexOf(",p="));
                case "badproof" -> fin.substring(0, fin.indexOf(",p=")) + ",p=!!!";
                default -> fin.substring(0, fin.indexOf(",p=")) + ",p=AAAA";
            };
            assertThrows(SaslException.class, () -> s.evaluateResponse(ascii(bad)), tamper);
        }
    }

    @Test
    void theAcknowledgementMustBeEmpty() throws Exception {
        var s = new ScramSaslServer(ScramHash.SHA_1, store("alice", "alice-pw"));
        Client c = new Client(ScramHash.SHA_1, "n,,", "alice");
        s.evaluateResponse(c.fin(s.evaluateResponse(c.first()), "alice-pw"));
        assertThrows(SaslException.class, () -> s.evaluateResponse(ascii("x")));
        assertFalse(s.isComplete());
        assertThrows(IllegalStateException.class, s::getAuthorizationID);
    }

    @Test
    void nonAsciiPasswordsAreNormalised() throws Exception {
        // U+00A0 (no-break space) maps to a space, U+00AD (soft hyphen) to nothing, "ﬁ" (U+FB01) to "fi" by NFKC
        var s = new ScramSaslServer(ScramHash.SHA_256, store("jörg", "fi pässwörd"));
        Client c = new Client(ScramHash.SHA_256, "n,,", "jörg");
        byte[] fin = c.fin(s.evaluateResponse(c.first()), "\uFB01\u00A0p\u00ADässwörd");
        assertEquals(c.expectedServerFinal(), str(s.evaluateResponse(fin)));
    }

    @Test
    void keysAreCopiedNotShared() {
        ScramKeys k = ScramKeys.derive(ScramHash.SHA_256, "pencil".toCharArray(), SALT_256, 4096);
        k.salt()[0] ^= 1;
        k.storedKey()[0] ^= 1;
        assertEquals(k, ScramKeys.derive(ScramHash.SHA_256, "pencil".toCharArray(), SALT_256, 4096));
        assertThrows(IllegalArgumentException.class, () -> new ScramKeys(ScramHash.SHA_1, new byte[0], 1, new byte[20], new byte[20]));
    }
}
