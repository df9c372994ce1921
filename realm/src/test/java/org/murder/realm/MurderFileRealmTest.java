package org.murder.realm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.murder.protocol.sasl.ScramHash;
import org.murder.protocol.sasl.ScramKeys;
import org.murder.protocol.sasl.StoredCredentials;
import org.murder.protocol.sasl.UserFile;
import org.wildfly.security.auth.permission.LoginPermission;
import org.wildfly.security.auth.server.SecurityDomain;
import org.wildfly.security.auth.server.ServerAuthenticationContext;
import org.wildfly.security.credential.SecretKeyCredential;
import org.wildfly.security.evidence.PasswordGuessEvidence;
import org.wildfly.security.permission.PermissionVerifier;

/** The realm inside a security domain, used as Authenticator and the HTTP BASIC mechanism use it. */
class MurderFileRealmTest {

    private static SecurityDomain domain(Path file) {
        return SecurityDomain.builder().addRealm("MurderRealm", new MurderFileRealm(file, java.time.Duration.ofMinutes(15))).build()
                .setDefaultRealmName("MurderRealm")
                .setPermissionMapper((identity, roles) -> PermissionVerifier.from(new LoginPermission()))
                .build();
    }

    private static ScramKeys scramKeys(SecurityDomain domain, String user, ScramHash hash) throws Exception {
        try (ServerAuthenticationContext ctx = domain.createNewAuthenticationContext()) {
            ctx.setAuthenticationName(user);
            if (!ctx.exists()) {
                return null;
            }
            SecretKeyCredential c = ctx.getCredential(SecretKeyCredential.class, hash.mechanism());
            return c == null ? null
                    : ScramKeys.decode(new String(c.getSecretKey().getEncoded(), StandardCharsets.US_ASCII)).orElseThrow();
        }
    }

    @Test
    void passwordsAndScramKeysComeFromTheHashedFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("murder-users.properties");
        UserFile.put(file, "alice", StoredCredentials.hash("alice-pw".toCharArray(), 4096));
        Files.writeString(file, "legacy=legacy-pw\n", java.nio.file.StandardOpenOption.APPEND);
        SecurityDomain domain = domain(file);

        assertEquals("alice", domain.authenticate("alice", new PasswordGuessEvidence("alice-pw".toCharArray())).getPrincipal().getName());
        assertThrows(SecurityException.class, () -> domain.authenticate("alice", new PasswordGuessEvidence("alice-p".toCharArray())));
        assertThrows(SecurityException.class, () -> domain.authenticate("nobody", new PasswordGuessEvidence("x".toCharArray())));
        domain.authenticate("legacy", new PasswordGuessEvidence("legacy-pw".toCharArray()));

        ScramKeys stored = StoredCredentials.parse(UserFile.read(file).get("alice")).keys(ScramHash.SHA_256).orElseThrow();
        assertEquals(stored, scramKeys(domain, "alice", ScramHash.SHA_256), "the file's keys, as they are");
        assertEquals(ScramHash.SHA_1, scramKeys(domain, "alice", ScramHash.SHA_1).hash());
        assertTrue(scramKeys(domain, "legacy", ScramHash.SHA_1).matches("legacy-pw".toCharArray()), "derived from a clear line");
        assertNull(scramKeys(domain, "nobody", ScramHash.SHA_256));

        // a change of the file is seen without a reload, and the password remembered before it no longer lets in
        domain.authenticate("alice", new PasswordGuessEvidence("alice-pw".toCharArray()));
        UserFile.put(file, "alice", StoredCredentials.hash("new-pw".toCharArray(), 4096));
        domain.authenticate("alice", new PasswordGuessEvidence("new-pw".toCharArray()));
        assertThrows(SecurityException.class, () -> domain.authenticate("alice", new PasswordGuessEvidence("alice-pw".toCharArray())));
        assertFalse(scramKeys(domain, "alice", ScramHash.SHA_256).equals(stored));
    }

    @Test
    void theCacheSettingIsSecondsAndZeroTurnsItOff() {
        assertEquals(java.time.Duration.ofSeconds(900), MurderFileRealm.cacheSeconds(null));
        assertEquals(java.time.Duration.ofSeconds(60), MurderFileRealm.cacheSeconds(" 60 "));
        assertEquals(java.time.Duration.ZERO, MurderFileRealm.cacheSeconds("0"));
        assertThrows(IllegalArgumentException.class, () -> MurderFileRealm.cacheSeconds("15m"));
    }
}
