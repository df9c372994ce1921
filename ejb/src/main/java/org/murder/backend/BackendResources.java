package org.murder.backend;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.murder.config.MurderSettings;
import org.murder.map.MailboxMap;
import org.murder.store.Spool;
import org.murder.store.model.Namespace;

/** The backend's shared, configuration-made objects. */
@ApplicationScoped
public class BackendResources {

    @Inject
    MurderSettings settings;

    @EJB
    MailboxMap map;

    /**
     * With mupdate_server set, the murder is told over MUPDATE (works with any master, ours or Cyrus's);
     * a node that is itself the master uses its map directly; otherwise the backend stands alone.
     */
    @Produces
    public MurderRegistry registry() {
        if (!settings.mupdateServer().isEmpty()) {
            return MupdateRegistry.of(settings.mupdateServer(), settings.mupdatePort(), settings.mupdateAuthname(),
                    settings.mupdateUsername(), settings.mupdatePassword(), settings.servername());
        }
        if (settings.hasRole(MurderSettings.Role.MASTER)) {
            return new LocalRegistry(map, settings.servername());
        }
        return new StandaloneRegistry();
    }

    @Produces
    public Spool spool() {
        return new Spool(settings.partitions());
    }

    @Produces
    public Namespace namespace() {
        return Namespace.of(settings.unixHierarchySep(), false);
    }
}
