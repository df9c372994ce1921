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

    public Route locate(String internalName) {
        boolean backend = settings.hasRole(MurderSettings.Role.BACKEND);
        boolean frontend = copy.enabled();
        boolean local = backend && mailboxes.find(internalName).isPresent();
        return Routing.route(new Routing.Known(settings.servername(), backend, frontend, local,
                frontend && !local ? copy.find(internalName) : java.util.Optional.empty(), copy.synchronizedWithMaster()));
    }
}
