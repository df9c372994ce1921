package org.murder.imap;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.store.MailboxIndex;
import org.murder.store.MessageStore;

/**
 * A change to a mailbox on this node (after its commit): the mailbox's shared index is brought up to date once,
 * here, and the sessions idling on it hear of the new version. Sessions not idling compare their view with the
 * newest version at their next command; they register nothing, so nothing of theirs can be left behind.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED) // in-memory apart from the index's refresh
public class MailboxEvents {

    private static final Logger LOG = Logger.getLogger(MailboxEvents.class.getName());

    @EJB
    MessageStore store;

    private final Map<Long, Set<Consumer<MailboxIndex>>> watchers = new ConcurrentHashMap<>();

    public void watch(long mailboxId, Consumer<MailboxIndex> listener) {
        watchers.computeIfAbsent(mailboxId, k -> ConcurrentHashMap.newKeySet()).add(listener);
    }

    public void unwatch(long mailboxId, Consumer<MailboxIndex> listener) {
        watchers.computeIfPresent(mailboxId, (k, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** How many listeners are registered (tests: a session gone leaves none). */
    public int watching(long mailboxId) {
        Set<Consumer<MailboxIndex>> set = watchers.get(mailboxId);
        return set == null ? 0 : set.size();
    }

    /** Listeners over all mailboxes (status: sessions idling). */
    public int watching() {
        return watchers.values().stream().mapToInt(Set::size).sum();
    }

    /** Something in the mailbox changed and committed. */
    public void changed(long mailboxId) {
        MailboxIndex now = null;
        try {
            now = store.refreshIndex(mailboxId);
        } catch (RuntimeException e) {
            // the change is committed; sessions catch up at their next command, which reads the database again
            LOG.log(Level.WARNING, "MURDER-IMAP-006 cannot refresh the index of mailbox " + mailboxId, e);
        }
        Set<Consumer<MailboxIndex>> set = watchers.get(mailboxId);
        if (set != null) {
            for (Consumer<MailboxIndex> listener : set) {
                listener.accept(now);
            }
        }
    }
}
