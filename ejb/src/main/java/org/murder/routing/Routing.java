package org.murder.routing;

import java.util.Locale;
import java.util.Optional;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;

/** The routing rule, container-free: what a node with these roles knows of a mailbox decides its route. */
public final class Routing {

    private Routing() {
    }

    /**
     * What a node knows when it routes one mailbox.
     *
     * @param unsynchronizedWhy why the map is not known to be complete, when {@code mapSynchronized} is false
     */
    public record Known(String servername, boolean backend, boolean frontend, boolean inLocalStore,
                        Optional<MailboxRecord> inMap, boolean mapSynchronized, String unsynchronizedWhy) {

        public Known(String servername, boolean backend, boolean frontend, boolean inLocalStore,
                     Optional<MailboxRecord> inMap, boolean mapSynchronized) {
            this(servername, backend, frontend, inLocalStore, inMap, mapSynchronized,
                    "the map copy is not synchronized with the master yet");
        }
    }

    public static Route route(Known k) {
        if (k.backend() && k.inLocalStore()) {
            return new Route.Local();
        }
        if (!k.frontend()) {
            // a backend alone knows only its own store
            return new Route.Unknown();
        }
        if (k.inMap().isEmpty()) {
            return k.mapSynchronized() ? new Route.Unknown() : new Route.Uncertain(k.unsynchronizedWhy());
        }
        MailboxRecord r = k.inMap().get();
        if (r.kind() == MailboxKind.RESERVED) {
            return new Route.Uncertain("the mailbox is being created or moved");
        }
        if (r.kind() != MailboxKind.ACTIVE) {
            return new Route.Unknown();
        }
        if (r.server().toLowerCase(Locale.ROOT).equals(k.servername().toLowerCase(Locale.ROOT))) {
            // the map says here, the store disagrees: a move or a create in flight, or a store to reconstruct
            return k.backend() ? new Route.Uncertain("the map places it on this server, whose store lacks it")
                    : new Route.Uncertain("the map places it on this server, which is not a backend");
        }
        return new Route.Remote(r.location());
    }
}
