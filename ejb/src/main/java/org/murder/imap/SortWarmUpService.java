package org.murder.imap;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.config.MurderSettings;
import org.murder.protocol.imap.sort.SortWarmUp;

/**
 * A backend compiles SORT's and THREAD's code a few seconds after it starts ({@link SortWarmUp}), on a managed
 * thread, so that the first SORT of a big mailbox costs what later ones do. Frontends pass SORT on and skip it.
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SortWarmUpService {

    private static final Logger LOG = Logger.getLogger(SortWarmUpService.class.getName());
    /** Made-up messages sorted: enough for the JIT to compile the loops, about a second of one core. */
    static final int MESSAGES = 20_000;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    MurderSettings settings;

    @PostConstruct
    void schedule() {
        if (!settings.hasRole(MurderSettings.Role.BACKEND)) {
            return;
        }
        scheduler.schedule(() -> {
            try {
                long t0 = System.nanoTime();
                for (int round = 0; round < 3; round++) {
                    SortWarmUp.run(MESSAGES);
                }
                LOG.fine(() -> "SORT code warmed up in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "SORT warm-up failed (harmless)", e);
            }
        }, 5, TimeUnit.SECONDS);
    }
}
