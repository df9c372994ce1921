package org.murder.protocol.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.security.sasl.Sasl;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SaslMechanismsTest {

    /** The capture's credentials: murder / murder-FAKE-pw. */
    private final List<char[]> seenPasswords = new ArrayList<>();
    private final PasswordVerifier verifier = (user, password) -> {
        seenPasswords.add(password);
        return user.equals("murder") && new String(password).equals("murder-FAKE-pw")
                || user.equals("jörg") && new String(password).equals("pässwörd");
    };

    private SaslServer server(String mechanism) {
        return SaslMechanisms.server(mechanism, verifier, ScramCredentials.NONE).orElseThrow();
    }

    private static byte[] b64(String line) throws SaslException {
        return Base64Lines.decode(line);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void namesAndLookup() {
        assertEquals(List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN"), SaslMechanisms.supported());
        assertEquals("PLAIN", server("plain").getMechanismName());
        assertEquals("LOGIN", server("Login").getMechanismName());
        assertEquals("SCRAM-SHA-256", server("scram-sha-256").getMechanismName());
        assertEquals("SCRAM-SHA-1", server("SCRAM-SHA-1").getMechanismName());
        assertTrue(SaslMechanisms.server("CRAM-MD5", verifier, ScramCredentials.NONE).isEmpty());
        assertTrue(SaslMechanisms.server("", verifier, ScramCredentials.NONE).isEmpty());
    }

    // --- PLAIN

    @Test
    void plainWithTheCapturedInitialResponse() throws Exception {
        SaslServer s = server("PLAIN");
        assertNull(s.evaluateResponse(b64("AG11cmRlcgBtdXJkZXItRkFLRS1wdw==")));
        assertTrue(s.isComplete());
        assertEquals("murder", s.getAuthorizationID());
        assertEquals("murder", ((PasswordSaslServer) s).authenticationId());
        assertEquals("auth", s.getNegotiatedProperty(Sasl.QOP));
    }

    @Test
    void plainWithAuthzidEqualToAuthcidMeansNoProxy() throws Exception {
        SaslServer s = server("PLAIN");
        assertNull(s.evaluateResponse(b64("bXVyZGVyAG11cmRlcgBtdXJkZXItRkFLRS1wdw==")));
        assertEquals("murder", s.getAuthorizationID());
    }

    @Test
    void plainWithAnotherAuthzidActsAsIt() throws Exception {
        SaslServer s = server("PLAIN");
        assertNull(s.evaluateResponse(utf8("cyrus\0murder\0murder-FAKE-pw")));
        assertEquals("cyrus", s.getAuthorizationID());
        assertEquals("murder", ((PasswordSaslServer) s).authenticationId());
    }

    @Test
    void plainWithoutInitialResponseSendsAnEmptyChallenge() throws Exception {
        SaslServer s = server("PLAIN");
        assertArrayEquals(new byte[0], s.evaluateResponse(new byte[0]));
        assertFalse(s.isComplete());
        assertNull(s.evaluateResponse(utf8("\0jörg\0pässwörd")));
        assertEquals("jörg", s.getAuthorizationID());
    }

    @Test
    void plainWrongPasswordFailsAndStaysFailed() {
        SaslServer s = server("PLAIN");
        SaslException e = assertThrows(SaslException.class, () -> s.evaluateResponse(utf8("\0murder\0wrong")));
        assertEquals("authentication failed", e.getMessage());
        assertFalse(s.isComplete());
        assertThrows(SaslException.class, () -> s.evaluateResponse(utf8("\0murder\0murder-FAKE-pw")));
        assertThrows(IllegalStateException.class, s::getAuthorizationID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"murder", "\0murder", "\0murder\0pw\0x", "\0\0murder-FAKE-pw", "\0murder\0", "a\0b\0c\0d"})
    void plainMalformedResponsesFail(String response) {
        assertThrows(SaslException.class, () -> server("PLAIN").evaluateResponse(utf8(response)));
    }

    @Test
    void plainTwoEmptyResponsesFail() throws Exception {
        SaslServer s = server("PLAIN");
        s.evaluateResponse(new byte[0]);
        assertThrows(SaslException.class, () -> s.evaluateResponse(new byte[0]));
    }

    @Test
    void plainInvalidUtf8Fails() {
        byte[] bad = {0, 'm', 0, (byte) 0xc3, (byte) 0x28};
        assertThrows(SaslException.class, () -> server("PLAIN").evaluateResponse(bad));
        byte[] badUser = {0, (byte) 0xff, 0, 'p'};
        assertThrows(SaslException.class, () -> server("PLAIN").evaluateResponse(badUser));
    }

    @Test
    void passwordArrayIsWipedAfterVerification() throws Exception {
        server("PLAIN").evaluateResponse(utf8("\0murder\0murder-FAKE-pw"));
        assertEquals(1, seenPasswords.size());
        for (char c : seenPasswords.get(0)) {
            assertEquals('\0', c);
        }
    }

    @Test
    void completedExchangeRefusesMoreSteps() throws Exception {
        SaslServer s = server("PLAIN");
        s.evaluateResponse(utf8("\0murder\0murder-FAKE-pw"));
        assertThrows(IllegalStateException.class, () -> s.evaluateResponse(new byte[0]));
        assertThrows(IllegalStateException.class, () -> s.wrap(new byte[1], 0, 1));
        assertThrows(IllegalStateException.class, () -> s.unwrap(new byte[1], 0, 1));
    }

    @Test
    void incompleteExchangeHasNoIdentityOrProperties() {
        SaslServer s = server("LOGIN");
        assertThrows(IllegalStateException.class, s::getAuthorizationID);
        assertThrows(IllegalStateException.class, () -> s.getNegotiatedProperty(Sasl.QOP));
    }

    // --- LOGIN

    @Test
    void loginAsInTheCapture() throws Exception {
        SaslServer s = server("LOGIN");
        assertEquals("VXNlcm5hbWU6", Base64Lines.encode(s.evaluateResponse(new byte[0])));
        assertEquals("UGFzc3dvcmQ6", Base64Lines.encode(s.evaluateResponse(b64("bXVyZGVy"))));
        assertNull(s.evaluateResponse(b64("bXVyZGVyLUZBS0UtcHc=")));
        assertTrue(s.isComplete());
        assertEquals("murder", s.getAuthorizationID());
    }

    @Test
    void loginInitialResponseIsTheUserName() throws Exception {
        SaslServer s = server("LOGIN");
        assertEquals("Password:", new String(s.evaluateResponse(utf8("jörg")), StandardCharsets.US_ASCII));
        assertNull(s.evaluateResponse(utf8("pässwörd")));
        assertEquals("jörg", s.getAuthorizationID());
    }

    @Test
    void loginWrongPasswordFails() throws Exception {
        SaslServer s = server("LOGIN");
        s.evaluateResponse(new byte[0]);
        s.evaluateResponse(utf8("murder"));
        assertThrows(SaslException.class, () -> s.evaluateResponse(utf8("nope")));
        assertFalse(s.isComplete());
    }

    @Test
    void loginEmptyUserNameOrPasswordFails() throws Exception {
        SaslServer s = server("LOGIN");
        s.evaluateResponse(new byte[0]);
        assertThrows(SaslException.class, () -> s.evaluateResponse(new byte[0]));
        SaslServer t = server("LOGIN");
        t.evaluateResponse(utf8("murder"));
        assertThrows(SaslException.class, () -> t.evaluateResponse(new byte[0]));
    }

    // --- base64 lines

    @Test
    void base64DecodesAndEncodes() throws Exception {
        assertEquals("murder", new String(Base64Lines.decode("bXVyZGVy"), StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[0], Base64Lines.decode("="));
        assertArrayEquals(new byte[0], Base64Lines.decode(""));
        assertEquals("bXVyZGVyLUZBS0UtcHc=", Base64Lines.encode(utf8("murder-FAKE-pw")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bXVyZGVy LUZ", "bXVyZGV", "bXVy=GVy", "bXVyZGV!", "====", "bXVyZGVyL===", "a===",
            "bXVyZGVy\r", "ü123", "*", "bXVyZGVy\n"})
    void invalidBase64IsRejectedWithAClearMessage(String line) {
        SaslException e = assertThrows(SaslException.class, () -> Base64Lines.decode(line));
        assertTrue(e.getMessage().startsWith("invalid base64"), e.getMessage());
    }

    @Test
    void cancelIsAStarAlone() {
        assertTrue(Base64Lines.isCancel("*"));
        assertFalse(Base64Lines.isCancel("**"));
        assertFalse(Base64Lines.isCancel(" *"));
        assertFalse(Base64Lines.isCancel(""));
    }
}
