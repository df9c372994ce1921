package org.murder.realm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Principal;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;
import org.murder.protocol.sasl.ScramHash;
import org.murder.protocol.sasl.StoredCredentials;
import org.murder.protocol.sasl.UserFile;
import org.wildfly.security.auth.SupportLevel;
import org.wildfly.security.auth.server.RealmIdentity;
import org.wildfly.security.auth.server.RealmUnavailableException;
import org.wildfly.security.auth.server.SecurityRealm;
import org.wildfly.security.credential.Credential;
import org.wildfly.security.credential.SecretKeyCredential;
import org.wildfly.security.evidence.Evidence;
import org.wildfly.security.evidence.PasswordGuessEvidence;

/**
 * The Elytron realm behind MurderDomain: the node's user file ({@code murder-users.properties} in the server's
 * configuration directory), whose entries keep SCRAM keys, never a password ({@link StoredCredentials}).
 *
 * <ul>
 * <li>A password (IMAP LOGIN, SASL PLAIN/LOGIN, HTTP BASIC) is checked as {@link PasswordGuessEvidence}.</li>
 * <li>SCRAM gets a user's keys as a {@link SecretKeyCredential} whose algorithm is the mechanism name
 * ({@code SCRAM-SHA-256}) and whose bytes are {@code ScramKeys.encode()}: JDK and Elytron types only, so the
 * deployment's copy of the protocol classes decodes what this module's copy encoded.</li>
 * </ul>
 * The file is read again whenever it changes: {@code ./murder adduser} needs no reload.
 */
public final class MurderFileRealm implements SecurityRealm {

    /** How long a password that passed is remembered (murder.conf's {@code auth_cache_seconds}, a system property). */
    static final String CACHE_SETTING = "auth_cache_seconds";
    private static final long DEFAULT_CACHE_SECONDS = 900;

    private final UserFile users;
    private final java.time.Duration remember;

    public MurderFileRealm() {
        this(Path.of(System.getProperty("jboss.server.config.dir", "."), "murder-users.properties"),
                cacheSeconds(System.getProperty(CACHE_SETTING)));
    }

    MurderFileRealm(Path file, java.time.Duration remember) {
        this.users = new UserFile(file);
        this.remember = remember;
    }

    static java.time.Duration cacheSeconds(String value) {
        if (value == null || value.isBlank()) {
            return java.time.Duration.ofSeconds(DEFAULT_CACHE_SECONDS);
        }
        try {
            return java.time.Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(CACHE_SETTING + " must be a number of seconds, not " + value, e);
        }
    }

    @Override
    public SupportLevel getCredentialAcquireSupport(Class<? extends Credential> type, String algorithm,
                                                    AlgorithmParameterSpec parameters) {
        return scramHash(type, algorithm).isPresent() ? SupportLevel.POSSIBLY_SUPPORTED : SupportLevel.UNSUPPORTED;
    }

    @Override
    public SupportLevel getEvidenceVerifySupport(Class<? extends Evidence> type, String algorithm) {
        return PasswordGuessEvidence.class.isAssignableFrom(type) ? SupportLevel.POSSIBLY_SUPPORTED : SupportLevel.UNSUPPORTED;
    }

    @Override
    public RealmIdentity getRealmIdentity(Principal principal) {
        return principal == null || principal.getName() == null ? RealmIdentity.NON_EXISTENT : new Identity(principal);
    }

    private static Optional<ScramHash> scramHash(Class<? extends Credential> type, String algorithm) {
        return type == SecretKeyCredential.class && algorithm != null ? ScramHash.forMechanism(algorithm) : Optional.empty();
    }

    private final class Identity implements RealmIdentity {

        private final Principal principal;

        Identity(Principal principal) {
            this.principal = principal;
        }

        private Optional<StoredCredentials> stored() throws RealmUnavailableException {
            try {
                return users.lookup(principal.getName());
            } catch (IOException | RuntimeException e) {
                throw new RealmUnavailableException("cannot read " + users.path() + ": " + e, e);
            }
        }

        @Override
        public Principal getRealmIdentityPrincipal() {
            return principal;
        }

        @Override
        public SupportLevel getCredentialAcquireSupport(Class<? extends Credential> type, String algorithm,
                                                        AlgorithmParameterSpec parameters) throws RealmUnavailableException {
            return scramHash(type, algorithm).isPresent() && stored().isPresent() ? SupportLevel.SUPPORTED : SupportLevel.UNSUPPORTED;
        }

        @Override
        public <C extends Credential> C getCredential(Class<C> type) {
            return null;
        }

        @Override
        public <C extends Credential> C getCredential(Class<C> type, String algorithm) throws RealmUnavailableException {
            return getCredential(type, algorithm, null);
        }

        @Override
        public <C extends Credential> C getCredential(Class<C> type, String algorithm, AlgorithmParameterSpec parameters)
                throws RealmUnavailableException {
            Optional<ScramHash> hash = scramHash(type, algorithm);
            if (hash.isEmpty()) {
                return null;
            }
            return stored().flatMap(c -> c.keys(hash.get()))
                    .map(k -> type.cast(new SecretKeyCredential(new SecretKeySpec(
                            k.encode().getBytes(StandardCharsets.US_ASCII), k.hash().mechanism()))))
                    .orElse(null);
        }

        @Override
        public SupportLevel getEvidenceVerifySupport(Class<? extends Evidence> type, String algorithm) throws RealmUnavailableException {
            return PasswordGuessEvidence.class.isAssignableFrom(type) && stored().isPresent()
                    ? SupportLevel.SUPPORTED : SupportLevel.UNSUPPORTED;
        }

        @Override
        public boolean verifyEvidence(Evidence evidence) throws RealmUnavailableException {
            if (!(evidence instanceof PasswordGuessEvidence guess)) {
                return false;
            }
            Optional<StoredCredentials> c = stored();
            return c.isPresent() && c.get().verify(guess.getGuess(), remember);
        }

        @Override
        public boolean exists() throws RealmUnavailableException {
            return stored().isPresent();
        }
    }
}
