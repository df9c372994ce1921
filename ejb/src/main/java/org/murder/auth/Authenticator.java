package org.murder.auth;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.logging.Level;
import java.util.logging.Logger;
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
