package org.murder.auth;

import java.util.Set;

/**
 * Who may act as whom after SASL (Cyrus's rule): everyone as themselves; only the users in {@code proxyservers}
 * (the frontends' proxy identity) and the admins as someone else. IMAP and LMTP decide alike: a Cyrus frontend
 * logs in to both with {@code proxy_authname}, to IMAP with the client's user as authzid.
 */
public final class ProxyAuthorization {

    private ProxyAuthorization() {
    }

    /**
     * @param authn the authenticated (password-checked) identity
     * @param authz the identity asked for; empty or equal to {@code authn} when not proxying
     */
    public static boolean permitted(String authn, String authz, Set<String> proxyServers, Set<String> admins) {
        return authz == null || authz.isEmpty() || authz.equals(authn) || proxyServers.contains(authn)
                || admins.contains(authn);
    }
}
