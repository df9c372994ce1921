package org.murder.imap;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.config.MurderSettings;
import org.murder.protocol.imap.command.SortCriterion;
import org.murder.protocol.imap.search.SearchKey;
import org.murder.protocol.imap.sort.SortWarmUp;
import org.murder.store.MailboxIndex;
import org.murder.store.MessageFlags;
import org.murder.store.MessageStore.IndexRow;
import org.murder.store.model.Rights;

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

    @Inject
    SortCommands sorts;

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
                    searchAndDates(MESSAGES);
                }
                LOG.fine(() -> "SORT code warmed up in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "SORT warm-up failed (harmless)", e);
            }
        }, 5, TimeUnit.SECONDS);
    }

    /**
     * The session's side of a SORT by date over a flag search (SORT REVERSE DATE UNSEEN, the commonest a webmail
     * sends) on a made-up mailbox index: the search over the index's flags and the dates read from it. Every row has a
     * sent date, so no keys are asked for and nothing outside this method is touched.
     */
    int searchAndDates(int messages) {
        List<IndexRow> rows = new ArrayList<>(messages);
        for (int i = 0; i < messages; i++) {
            MessageFlags f = MessageFlags.of(i % 3 == 0, i % 7 == 0, i % 11 == 0, false,
                    false, List.of());
            rows.add(new IndexRow(i + 1L, i + 1L, i + 1L, f, 1000 + i,
                    Instant.ofEpochSecond(1_420_000_000L + i), 1_420_000_000L + i * 31L % messages));
        }
        MailboxIndex view = MailboxIndex.of(rows, messages);
        SelectedMailbox sel = new SelectedMailbox(-1, "warm-up", "warm-up", true, 1, "warm-up", view, false,
                Rights.parse("lr"), () -> { });
        MailboxIndex.Matches unseen = MessageSearch.run(sel,
                new SearchKey.Flag("\\Seen", false), null);
        return sorts.order(sel, view, unseen.positions(), List.of(new SortCriterion(SortCriterion.Key.DATE, true))).length;
    }
}
