package org.murder.routing;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.murder.backend.MailboxService;
import org.murder.config.MurderSettings;
import org.murder.frontend.MapCopy;

/** The routing seam: where a mailbox (internal name) is served from, from this node's store and map copy. */
@ApplicationScoped
public class MailboxLocator {

    @Inject
    MurderSettings settings;

    @EJB
    MailboxService mailboxes;

    @EJB
    MapCopy copy;

    @EJB
    org.murder.map.MailboxMap master;

    public Route locate(String internalName) {
        boolean backend = settings.hasRole(MurderSettings.Role.BACKEND);
        boolean frontend = copy.enabled();
        boolean local = backend && mailboxes.find(internalName).isPresent();
        if (!frontend || local) {
            return Routing.route(new Routing.Known(settings.servername(), backend, frontend, local,
                    java.util.Optional.empty(), true));
        }
        // a frontend that is also the master asks the authoritative map itself: never behind, never unsynchronized
        boolean isMaster = settings.hasRole(MurderSettings.Role.MASTER);
        return Routing.route(new Routing.Known(settings.servername(), backend, frontend, false,
                isMaster ? master.find(internalName) : copy.find(internalName),
                isMaster || copy.synchronizedWithMaster(), copy.unsynchronizedWhy()));
    }
}
