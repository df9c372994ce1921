package org.murder.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;
import org.murder.protocol.mupdate.Location;

class RoutingTest {

    private static Optional<MailboxRecord> at(String server, MailboxKind kind) {
        return Optional.of(new MailboxRecord("user.bob", server, "default", "bob\tlrswipkxtecdan\t", kind, 7));
    }

    private static Route route(boolean backend, boolean frontend, boolean local, Optional<MailboxRecord> map, boolean synced) {
        return Routing.route(new Routing.Known("be1", backend, frontend, local, map, synced));
    }

    @Test
    void aBackendServesWhatItsStoreHolds() {
        assertInstanceOf(Route.Local.class, route(true, false, true, Optional.empty(), false));
        assertInstanceOf(Route.Local.class, route(true, true, true, at("be2", MailboxKind.ACTIVE), true),
                "the store wins over a map that is behind");
        assertInstanceOf(Route.Unknown.class, route(true, false, false, Optional.empty(), false),
                "a backend alone knows only its store");
    }

    @Test
    void aFrontendRoutesByItsMapCopy() {
        assertEquals(new Route.Remote(new Location("be2", "default")), route(false, true, false, at("be2", MailboxKind.ACTIVE), true));
        assertEquals(new Route.Remote(new Location("be2", "default")), route(true, true, false, at("be2", MailboxKind.ACTIVE), true),
                "a unified node proxies what another holds");
        assertInstanceOf(Route.Unknown.class, route(false, true, false, Optional.empty(), true));
    }

    @Test
    void whatCannotBeKnownNowIsUncertainNeverUnknown() {
        assertInstanceOf(Route.Uncertain.class, route(false, true, false, Optional.empty(), false), "map not synchronized");
        assertInstanceOf(Route.Uncertain.class, route(false, true, false, at("be2", MailboxKind.RESERVED), true), "being created");
        assertInstanceOf(Route.Uncertain.class, route(true, true, false, at("BE1", MailboxKind.ACTIVE), true),
                "the map says here (server names compare without case), the store lacks it");
        assertInstanceOf(Route.Uncertain.class, route(false, true, false, at("be1", MailboxKind.ACTIVE), true));
    }
}
