package org.murder.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.config.MurderSettings;
import org.murder.connector.api.Connection;
import org.murder.protocol.sasl.SaslMechanisms;
import org.murder.protocol.sasl.SaslExchange;
import org.murder.protocol.sasl.ScramHash;
import org.murder.protocol.sasl.ScramKeys;
import org.wildfly.security.credential.SecretKeyCredential;
import org.wildfly.security.auth.server.RealmUnavailableException;
import org.wildfly.security.auth.server.SecurityDomain;
import org.wildfly.security.evidence.PasswordGuessEvidence;

/**
 * Checks passwords against the application server's identity store: the Elytron security domain the
 * deployment is bound to ({@code murder} → MurderDomain → MurderRealm, the node's hashed user file). Never a table
 * of ours.
 */
@ApplicationScoped
public class Authenticator {

    private static final Logger LOG = Logger.getLogger(Authenticator.class.getName());

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
    /**
     * One server-side SASL exchange of {@code mechanism}, its authorization checked by {@code mayActAs}. A SCRAM
     * exchange reads the user's keys through an Elytron authentication context that stays open until the exchange
     * has ended and is then closed as a success or a failure: closing it before (as a bare lookup) counted every SCRAM
     * login as a failed one, and after ten the realm's brute-force protection locked the user out.
     */
    public Optional<SaslExchange> exchange(String mechanism, java.util.function.BiPredicate<String, String> mayActAs) {
        if (mechanisms().stream().noneMatch(m -> m.equalsIgnoreCase(mechanism))) {
            return Optional.empty();
        }
        ScramLogin login = new ScramLogin();
        return SaslMechanisms.server(mechanism, this::verify, login).map(s -> new SaslExchange(s, mayActAs, login));
    }

    /** The Elytron side of one SCRAM exchange: its keys, then its outcome (see {@link #exchange}). */
    private final class ScramLogin implements org.murder.protocol.sasl.ScramCredentials, SaslExchange.Outcome {
        private org.wildfly.security.auth.server.ServerAuthenticationContext ctx;

        @Override
        public Optional<ScramKeys> lookup(String user, ScramHash hash) {
            SecurityDomain domain = SecurityDomain.getCurrent();
            if (domain == null) {
                LOG.warning(() -> "MURDER-AUTH-003 no security domain on this thread: no " + hash.mechanism() + " keys for " + user);
                return Optional.empty();
            }
            ctx = domain.createNewAuthenticationContext();
            try {
                ctx.setAuthenticationName(user);
                if (!ctx.exists()) {
                    return Optional.empty();
                }
                SecretKeyCredential credential = ctx.getCredential(SecretKeyCredential.class, hash.mechanism());
                if (credential == null) {
                    LOG.fine(() -> "no " + hash.mechanism() + " keys for " + user);
                    return Optional.empty();
                }
                return ScramKeys.decode(new String(credential.getSecretKey().getEncoded(), StandardCharsets.US_ASCII))
                        .filter(k -> k.hash() == hash);
            } catch (RealmUnavailableException | RuntimeException e) {
                LOG.log(Level.WARNING, "MURDER-AUTH-004 cannot get SCRAM keys for " + user, e);
                return Optional.empty();
            }
        }

        @Override
        public void succeeded() {
            if (ctx == null) {
                return; // PLAIN and LOGIN: Elytron checked the password itself
            }
            try {
                if (ctx.authorize()) {
                    ctx.succeed();
                }
            } catch (RealmUnavailableException | RuntimeException e) {
                LOG.log(Level.FINE, "recording a SCRAM login", e);
            } finally {
                ctx.close();
            }
        }

        @Override
        public void failed() {
            if (ctx != null) {
                ctx.close(); // an unfinished context closes as a failed login: the realm counts it
            }
        }
    }

    /** Cyrus's proxy policy: only {@code proxyservers} and admins may act as (SASL authzid) someone else. */
    public boolean mayActAs(String authenticated, String authorized) {
        return ProxyAuthorization.permitted(authenticated, authorized, settings.proxyServers(), settings.admins());
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
