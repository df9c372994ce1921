package org.murder.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.config.MurderSettings;
import org.murder.connector.api.Connection;
import org.murder.protocol.sasl.AuthenticatingSaslServer;
import org.murder.protocol.sasl.SaslMechanisms;
import org.murder.protocol.sasl.ScramHash;
import org.murder.protocol.sasl.ScramKeys;
import org.wildfly.security.credential.PasswordCredential;
import org.wildfly.security.password.interfaces.ClearPassword;
import org.wildfly.security.auth.server.RealmUnavailableException;
import org.wildfly.security.auth.server.SecurityDomain;
import org.wildfly.security.evidence.PasswordGuessEvidence;

/**
 * Checks passwords against the application server's identity store: the Elytron security domain the
 * deployment is bound to ({@code murder} → MurderDomain, a file realm by default). Never a table of ours.
 */
@ApplicationScoped
public class Authenticator {

    private static final Logger LOG = Logger.getLogger(Authenticator.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    MurderSettings settings;

    /** The SASL mechanisms this node offers, strongest first. */
    public List<String> mechanisms() {
        return settings.saslMechanisms();
    }

    /** Those that may be used now: without a protected channel, not the ones that send the password. */
    public List<String> mechanisms(boolean plaintextAllowed) {
        return PlaintextPolicy.offered(mechanisms(), plaintextAllowed);
    }

    /** {@link PlaintextPolicy} on this connection with this node's {@code allowplaintext}: IMAP, LMTP and MUPDATE. */
    public boolean plaintextAllowed(Connection c) {
        return PlaintextPolicy.permitsPlaintext(settings.allowPlaintext(c.protocol()), c.isTls(), c.isTls() || c.tlsAvailable());
    }

    /** The mechanisms to offer on this connection now. */
    public List<String> mechanisms(Connection c) {
        return mechanisms(plaintextAllowed(c));
    }

    /** Whether the client must negotiate TLS before it may use this (offered or not) mechanism here. */
    public boolean needsTls(Connection c, String mechanism) {
        return !PlaintextPolicy.permitsMechanism(mechanism, plaintextAllowed(c));
    }

    /** A server for one exchange of an offered mechanism; empty when the mechanism is not offered. */
    public Optional<AuthenticatingSaslServer> saslServer(String mechanism) {
        if (mechanisms().stream().noneMatch(m -> m.equalsIgnoreCase(mechanism))) {
            return Optional.empty();
        }
        return SaslMechanisms.server(mechanism, this::verify, this::scramKeys);
    }

    /** Cyrus's proxy policy: only {@code proxyservers} and admins may act as (SASL authzid) someone else. */
    public boolean mayActAs(String authenticated, String authorized) {
        return ProxyAuthorization.permitted(authenticated, authorized, settings.proxyServers(), settings.admins());
    }

    /**
     * SCRAM keys for a user, derived from the clear password the realm keeps (as Cyrus derives them from
     * sasldb's), with a fresh salt each time. Empty for an unknown user or a realm that keeps only digests.
     */
    Optional<ScramKeys> scramKeys(String user, ScramHash hash) {
        SecurityDomain domain = SecurityDomain.getCurrent();
        if (domain == null) {
            return Optional.empty();
        }
        try (org.wildfly.security.auth.server.ServerAuthenticationContext ctx = domain.createNewAuthenticationContext()) {
            ctx.setAuthenticationName(user);
            if (!ctx.exists()) {
                return Optional.empty();
            }
            PasswordCredential credential = ctx.getCredential(PasswordCredential.class, ClearPassword.ALGORITHM_CLEAR);
            ClearPassword clear = credential == null ? null : credential.getPassword(ClearPassword.class);
            if (clear == null) {
                LOG.fine(() -> "no clear password for " + user + ": SCRAM impossible");
                return Optional.empty();
            }
            char[] password = clear.getPassword();
            try {
                byte[] salt = new byte[16];
                RANDOM.nextBytes(salt);
                return Optional.of(ScramKeys.derive(hash, password, salt, ScramKeys.DEFAULT_ITERATIONS));
            } finally {
                Arrays.fill(password, '\0');
            }
        } catch (RealmUnavailableException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot get SCRAM keys for " + user, e);
            return Optional.empty();
        }
    }

    /** Whether the identity store knows this user (for autocreate_post: no mailboxes for strangers). */
    public boolean exists(String user) {
        SecurityDomain domain = SecurityDomain.getCurrent();
        if (domain == null) {
            return false;
        }
        try (org.wildfly.security.auth.server.ServerAuthenticationContext ctx = domain.createNewAuthenticationContext()) {
            ctx.setAuthenticationName(user);
            return ctx.exists();
        } catch (RealmUnavailableException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot look up " + user, e);
            return false;
        }
    }

    public boolean verify(String user, char[] password) {
        SecurityDomain domain = SecurityDomain.getCurrent();
        if (domain == null) {
            LOG.severe("MURDER-AUTH-001 no Elytron security domain is associated with the deployment;"
                    + " check the ejb3 application-security-domain 'murder'");
            return false;
        }
        try {
            domain.authenticate(user, new PasswordGuessEvidence(password.clone()));
            return true;
        } catch (SecurityException e) {
            LOG.fine(() -> "authentication failed for " + user);
            return false;
        } catch (RealmUnavailableException e) {
            LOG.log(Level.WARNING, "MURDER-AUTH-002 identity store unavailable", e);
            return false;
        }
    }
}
