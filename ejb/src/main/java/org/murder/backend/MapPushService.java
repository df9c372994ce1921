package org.murder.backend;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.List;
import java.util.logging.Logger;
import org.murder.config.MurderSettings;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;
import org.murder.store.MessageStore;

/**
 * The backend's full push of its mailbox list to the master — Cyrus's {@code ctl_mboxlist -m}, with
 * {@code -mw}'s dry run — run once at start-up (Cyrus's {@code mupdatepush} START entry) and on demand.
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class MapPushService {

    private static final Logger LOG = Logger.getLogger(MapPushService.class.getName());

    @Inject
    MurderRegistry registry;

    @Inject
    MurderSettings settings;

    @EJB
    MessageStore store;

    @EJB
    org.murder.move.MoveStore moves;

    @Resource
    TimerService timers;

    @PostConstruct
    void atStart() {
        if (settings.hasRole(MurderSettings.Role.BACKEND) && registry.joined()) {
            timers.createSingleActionTimer(2000, new TimerConfig("mupdate-push", false));
        }
    }

    @Timeout
    void pushAtStart() {
        try {
            List<MapPush.Step> done = push(false);
            LOG.info(() -> "MURDER-BE-004 start-up push to the MUPDATE master: " + done.size() + " change(s)");
        } catch (MurderRegistry.RegistryException e) {
            LOG.warning(() -> "MURDER-BE-005 start-up push to the MUPDATE master failed: " + e.getMessage()
                    + " (run ./murder push once it is reachable)");
        }
    }

    /** What a push would change; executed unless {@code dryRun}. */
    public List<MapPush.Step> push(boolean dryRun) throws MurderRegistry.RegistryException {
        try {
            // both lists must describe the same moment: no CREATE or DELETE in between
            return RegistryGuard.BACKEND.push(() -> pushNow(dryRun));
        } catch (RegistryGuard.BusyException e) {
            throw new MurderRegistry.RegistryException(e.getMessage(), true, e);
        }
    }

    private List<MapPush.Step> pushNow(boolean dryRun) throws MurderRegistry.RegistryException {
        // names a move has in hand (frozen here, or being brought here) are the move's to tell the master: a push
        // would otherwise bring a mailbox back to its old backend, or drop the reservation of its new one
        java.util.Set<String> inMotion = new java.util.HashSet<>(moves.namesInMotion());
        List<MailboxRecord> local = store.allMailboxes().stream()
                .peek(m -> {
                    if (m.frozen()) {
                        inMotion.add(m.name());
                    }
                })
                .filter(m -> !m.frozen())
                .map(m -> new MailboxRecord(m.name(), settings.servername(), m.partition(), m.acl(), MailboxKind.ACTIVE, 0))
                .toList();
        List<MailboxRecord> master = registry.listOwn().stream().filter(r -> !inMotion.contains(r.name())).toList();
        List<MapPush.Step> plan = MapPush.plan(local, master);
        if (!dryRun) {
            MapPush.execute(registry, plan);
        }
        return plan;
    }
}
