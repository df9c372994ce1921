package org.murder.protocol.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredCredentialsTest {

    @Test
    void theStoredKeysOfRfc7677AreWhatTheServerUses() throws Exception {
        // RFC 7677 section 3: user "user", password "pencil"; the keys go through the file's notation and back
        byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        String word = ScramKeys.derive(ScramHash.SHA_256, "pencil".toCharArray(), salt, 4096).encode();
        StoredCredentials stored = StoredCredentials.parse(word);
        assertTrue(stored.hashed());
        var s = new ScramSaslServer(ScramHash.SHA_256, (u, h) -> stored.keys(h), () -> "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
        assertEquals("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                new String(s.evaluateResponse("n,,n=user,r=rOprNGfwEbeRWgbNEkqO".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
        assertEquals("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", new String(s.evaluateResponse((
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=").getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
        assertNull(s.evaluateResponse(new byte[0]));
        assertTrue(s.isComplete());
    }

    @Test
    void hashedCredentialsCheckPasswordsAndKeepNoClearText() {
        StoredCredentials c = StoredCredentials.hash("sécret pw".toCharArray(), 4096);
        String encoded = c.encode();
        assertFalse(encoded.contains("sécret"), encoded);
        assertTrue(encoded.startsWith("SCRAM-SHA-256$4096:"), encoded);
        assertTrue(encoded.contains(" SCRAM-SHA-1$4096:"), encoded);
        StoredCredentials back = StoredCredentials.parse(encoded);
        assertTrue(back.hashed());
        assertEquals(encoded, back.encode());
        assertTrue(back.verify("sécret pw".toCharArray()));
        assertFalse(back.verify("secret pw".toCharArray()));
        assertFalse(back.verify(new char[0]));
        assertEquals(Optional.of(ScramKeys.decode(encoded.split(" ")[1]).orElseThrow()), back.keys(ScramHash.SHA_1));
        assertNotEquals(encoded, StoredCredentials.hash("sécret pw".toCharArray(), 4096).encode(), "a fresh salt each time");
    }

    @Test
    void aClearPasswordOfAnEarlierFileIsStillAccepted() {
        StoredCredentials c = StoredCredentials.parse("alice-pw");
        assertFalse(c.hashed());
        assertTrue(c.verify("alice-pw".toCharArray()));
        assertFalse(c.verify("alice-p".toCharArray()));
        ScramKeys k = c.keys(ScramHash.SHA_256).orElseThrow();
        assertTrue(k.matches("alice-pw".toCharArray()));
        // something that only looks like the hashed form stays a password
        assertFalse(StoredCredentials.parse("SCRAM-SHA-256$4096:abc").hashed());
        assertFalse(StoredCredentials.parse("SCRAM-SHA-256$4096:c2FsdA==$AAAA:AAAA").hashed(), "key of the wrong length");
    }

    @Test
    void theUserFileIsWrittenHashedWithMode0600(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("murder-users.properties");
        Files.writeString(file, "# users\nalice=alice-pw\nbob\\ smith=bob:pw\n");
        UserFile.put(file, "carol", StoredCredentials.hash("carol-pw".toCharArray(), 4096));
        UserFile.put(file, "alice", StoredCredentials.hash("new-pw".toCharArray(), 4096));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        UserFile users = new UserFile(file);
        assertTrue(users.lookup("alice").orElseThrow().verify("new-pw".toCharArray()));
        assertFalse(users.lookup("alice").orElseThrow().verify("alice-pw".toCharArray()));
        assertTrue(users.lookup("bob smith").orElseThrow().verify("bob:pw".toCharArray()));
        assertEquals(1, UserFile.migrate(file, 4096));
        String text = Files.readString(file);
        assertTrue(text.startsWith("# users\n"), text);
        assertFalse(text.contains("alice-pw") || text.contains("bob:pw") || text.contains("carol-pw"), text);
        assertTrue(users.lookup("bob smith").orElseThrow().hashed(), "read again after the change");
        assertTrue(users.lookup("bob smith").orElseThrow().verify("bob:pw".toCharArray()));
        assertTrue(users.lookup("carol").orElseThrow().verify("carol-pw".toCharArray()));
        assertEquals(0, UserFile.migrate(file, 4096));
        assertTrue(new UserFile(dir.resolve("none")).lookup("alice").isEmpty());
    }
}
