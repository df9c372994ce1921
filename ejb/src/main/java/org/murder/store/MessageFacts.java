package org.murder.store;

import jakarta.persistence.EntityManager;

/**
 * A message's parsed facts in the database — {@link StoreMessageCache} and {@link StoreSortKey} — written and removed
 * together, in the caller's transaction.
 */
public final class MessageFacts {

    private MessageFacts() {
    }

    public static void persist(EntityManager em, long messageId, MessageCacheData data) {
        em.persist(new StoreMessageCache(messageId, data));
        if (!data.sortFields().isEmpty()) {
            em.persist(new StoreSortKey(messageId, data.sortFields()));
        }
    }

    public static void remove(EntityManager em, long messageId) {
        StoreMessageCache c = em.find(StoreMessageCache.class, messageId);
        if (c != null) {
            em.remove(c);
        }
        StoreSortKey k = em.find(StoreSortKey.class, messageId);
        if (k != null) {
            em.remove(k);
        }
    }

    /** Every message's facts of a mailbox, before its messages' rows go. */
    public static void removeMailbox(EntityManager em, long mailboxId) {
        em.createQuery("DELETE FROM StoreMessageCache c WHERE c.messageId IN "
                + "(SELECT m.id FROM StoreMessage m WHERE m.mailboxId = :box)").setParameter("box", mailboxId).executeUpdate();
        em.createQuery("DELETE FROM StoreSortKey k WHERE k.messageId IN "
                + "(SELECT m.id FROM StoreMessage m WHERE m.mailboxId = :box)").setParameter("box", mailboxId).executeUpdate();
    }
}
