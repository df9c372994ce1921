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
 * Who has which mailbox selected on this node, so that a change by one session (or a delivery) reaches
 * every other session on the same mailbox: they resynchronise at their next command, or at once when
 * idling.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED) // in-memory only: no transaction per call
public class MailboxEvents {

    private final Map<Long, Set<Runnable>> watchers = new ConcurrentHashMap<>();

    public void watch(long mailboxId, Runnable onChange) {
        watchers.computeIfAbsent(mailboxId, k -> ConcurrentHashMap.newKeySet()).add(onChange);
    }

    public void unwatch(long mailboxId, Runnable onChange) {
        Set<Runnable> set = watchers.get(mailboxId);
        if (set != null) {
            set.remove(onChange);
        }
    }

    /** Something in the mailbox changed (after commit). */
    public void changed(long mailboxId) {
        Set<Runnable> set = watchers.get(mailboxId);
        if (set != null) {
            set.forEach(Runnable::run);
        }
    }
}
