package org.murder.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.murder.backend.DeliveryMailboxes;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;
import org.murder.protocol.mupdate.Location;
import org.murder.routing.Route;

class RecipientRoutesTest {

    private static final Route BE1 = new Route.Remote(new Location("be1", "default"));
    private static final Route BE2 = new Route.Remote(new Location("be2", "default"));
    private static final Route UNSURE = new Route.Uncertain("not synchronized");

    private static Route route(Optional<String> user, List<String> folders, Map<String, Route> map) {
        return RecipientRoutes.route(DeliveryMailboxes.of(user, folders), n -> map.getOrDefault(n, new Route.Unknown()));
    }

    @Test
    void aUsersInboxDecides() {
        assertEquals(BE1, route(Optional.of("alice"), List.of(), Map.of("user.alice", BE1)));
    }

    @Test
    void aFolderThatExistsGoesWhereItIsEvenOnAnotherBackend() {
        assertEquals(BE2, route(Optional.of("alice"), List.of("lists"), Map.of("user.alice", BE1, "user.alice.lists", BE2)));
    }

    @Test
    void aFolderThatDoesNotExistFallsBackToTheInbox() {
        assertEquals(BE1, route(Optional.of("alice"), List.of("nope"), Map.of("user.alice", BE1)));
    }

    @Test
    void aDottedUserNameIsStoredWithACaret() {
        assertEquals(BE1, route(Optional.of("john.doe"), List.of(), Map.of("user.john^doe", BE1)));
    }

    @Test
    void aSharedFolderGoesWhereItIsAndIsUnknownOtherwise() {
        assertEquals(BE2, route(Optional.empty(), List.of("shared", "news"), Map.of("shared.news", BE2)));
        assertEquals(new Route.Unknown(), route(Optional.empty(), List.of("shared", "none"), Map.of()));
    }

    @Test
    void anUnknownUserIsUnknownButAnUncertainFolderKeepsItUncertain() {
        assertEquals(new Route.Unknown(), route(Optional.of("nobody"), List.of(), Map.of()));
        assertEquals(UNSURE, route(Optional.of("nobody"), List.of("x"), Map.of("user.nobody.x", UNSURE)));
        assertEquals(UNSURE, route(Optional.of("alice"), List.of(), Map.of("user.alice", UNSURE)));
    }

    @Test
    void theMastersAnswerRoutesLikeTheMap() {
        MailboxRecord onBe1 = new MailboxRecord("user.alice", "be1", "default", "", MailboxKind.ACTIVE, 1);
        assertEquals(BE1, RecipientRoutes.fromMaster(Optional.of(onBe1), "fe1", false));
        assertEquals(new Route.Unknown(), RecipientRoutes.fromMaster(Optional.empty(), "fe1", false));
        MailboxRecord reserved = new MailboxRecord("user.alice", "be1", "default", "", MailboxKind.RESERVED, 1);
        assertEquals(Route.Uncertain.class, RecipientRoutes.fromMaster(Optional.of(reserved), "fe1", false).getClass());
    }
}
