package org.murder.imap;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A change to a mailbox on this node (after its commit) wakes the sessions idling on it; they tell their clients
 * what the mailbox's shared index now holds (the change went into it in memory after its commit, see
 * {@code MailboxIndexes.applyIfNext}). Sessions not idling compare their view with the newest version at their next
 * command; they register nothing, so nothing of theirs can be left behind.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED) // in-memory only: no transaction per call
public class MailboxEvents {

    private final Map<Long, Set<Runnable>> watchers = new ConcurrentHashMap<>();

    public void watch(long mailboxId, Runnable listener) {
        watchers.computeIfAbsent(mailboxId, k -> ConcurrentHashMap.newKeySet()).add(listener);
    }

    public void unwatch(long mailboxId, Runnable listener) {
        watchers.computeIfPresent(mailboxId, (k, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** How many listeners are registered (tests: a session gone leaves none). */
    public int watching(long mailboxId) {
        Set<Runnable> set = watchers.get(mailboxId);
        return set == null ? 0 : set.size();
    }

    /** Listeners over all mailboxes (status: sessions idling). */
    public int watching() {
        return watchers.values().stream().mapToInt(Set::size).sum();
    }

    /** Something in the mailbox changed and committed. */
    public void changed(long mailboxId) {
        Set<Runnable> set = watchers.get(mailboxId);
        if (set != null) {
            set.forEach(Runnable::run);
        }
    }
}
