package org.murder.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ProxyAuthorizationTest {

    private static final Set<String> PROXIES = Set.of("feproxy");
    private static final Set<String> ADMINS = Set.of("murder");

    @Test
    void everyoneMayBeThemselves() {
        assertTrue(ProxyAuthorization.permitted("alice", "alice", PROXIES, ADMINS));
        assertTrue(ProxyAuthorization.permitted("alice", "", PROXIES, ADMINS));
        assertTrue(ProxyAuthorization.permitted("alice", null, PROXIES, ADMINS));
    }

    @Test
    void aFrontendsProxyIdentityAndAdminsMayActAsAnyone() {
        assertTrue(ProxyAuthorization.permitted("feproxy", "alice", PROXIES, ADMINS));
        assertTrue(ProxyAuthorization.permitted("murder", "alice", PROXIES, ADMINS));
    }

    @Test
    void anOrdinaryUserMayNotActAsAnother() {
        assertFalse(ProxyAuthorization.permitted("alice", "murder", PROXIES, ADMINS));
        assertFalse(ProxyAuthorization.permitted("alice", "bob", PROXIES, ADMINS));
        assertFalse(ProxyAuthorization.permitted("alice", "bob", Set.of(), Set.of()));
    }
}
