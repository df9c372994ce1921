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

    /** One registry for the node: an MUPDATE one keeps what it knows of the master's reachability. */
    private volatile MurderRegistry registry;

    /**
     * With mupdate_server set, the murder is told over MUPDATE (works with any master, ours or Cyrus's);
     * a node that is itself the master uses its map directly; otherwise the backend stands alone.
     */
    @Produces
    public MurderRegistry registry() {
        MurderRegistry r = registry;
        if (r == null) {
            synchronized (this) {
                if (registry == null) {
                    registry = makeRegistry();
                }
                r = registry;
            }
        }
        return r;
    }

    private MurderRegistry makeRegistry() {
        if (!settings.mupdateServer().isEmpty()) {
            return MupdateRegistry.of(settings.mupdateServer(), settings.mupdatePort(), settings.mupdateAuthname(),
                    settings.mupdateUsername(), settings.mupdatePassword(), settings.servername(),
                    settings.clientTimeout(), settings.clientTimeout());
        }
        if (settings.hasRole(MurderSettings.Role.MASTER)) {
            return new LocalRegistry(map, settings.servername());
        }
        return new StandaloneRegistry();
    }

    @jakarta.annotation.PreDestroy
    void closeRegistry() {
        if (registry instanceof MupdateRegistry m) {
            m.closeWatch();
        }
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
