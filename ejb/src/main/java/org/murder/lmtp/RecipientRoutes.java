package org.murder.lmtp;

import java.util.Optional;
import org.murder.backend.DeliveryMailboxes;
import org.murder.map.MailboxRecord;
import org.murder.routing.Route;
import org.murder.routing.Routing;

/**
 * Where a frontend sends an LMTP recipient, container-free: to wherever its folder is, else wherever its INBOX is
 * (the backend that holds the mailbox makes the same choice again, with the post right, when it delivers).
 */
final class RecipientRoutes {

    private RecipientRoutes() {
    }

    /** Looks a mailbox up: the map copy, or the master. */
    @FunctionalInterface
    interface Locate<E extends Exception> {
        Route locate(String internalName) throws E;
    }

    static <E extends Exception> Route route(DeliveryMailboxes names, Locate<E> locate) throws E {
        Route folder = null;
        if (names.folder().isPresent()) {
            folder = locate.locate(names.folder().get());
            if (folder instanceof Route.Local || folder instanceof Route.Remote) {
                return folder;
            }
        }
        if (names.inbox().isEmpty()) {
            return folder != null ? folder : new Route.Unknown();
        }
        Route inbox = locate.locate(names.inbox().get());
        if (inbox instanceof Route.Unknown && folder instanceof Route.Uncertain) {
            return folder; // not knowing where the folder is, we cannot say the recipient does not exist
        }
        return inbox;
    }

    /**
     * The route the master's answer gives, asked after this node's store and map copy missed: the same rule as
     * the map copy's, with the master's record as a synchronized map.
     */
    static Route fromMaster(Optional<MailboxRecord> record, String servername, boolean backend) {
        return Routing.route(new Routing.Known(servername, backend, true, false, record, true));
    }
}
