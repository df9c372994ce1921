package org.murder.store;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;

/**
 * \Recent as Cyrus keeps it: per user and mailbox, the highest UID already shown to a read-write session. A
 * session that claims the UIDs up to the newest gets, as \Recent, those above the previous mark; the row lock
 * makes sure two sessions of one user never both see a message as \Recent (RFC 3501 2.3.2).
 */
@Stateless
public class RecentStore {

    @PersistenceContext(unitName = "murder")
    EntityManager em;

    /** The user's mark: UIDs above it are \Recent to whoever claims them. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public long recentUid(long mailboxId, String user) {
        StoreRecent r = em.find(StoreRecent.class, StoreSeen.key(mailboxId, user));
        return r == null ? 0 : r.recentUid();
    }

    /** Moves the mark up to {@code upTo} and returns where it was: this session's \Recent are above that. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public long claim(long mailboxId, String user, long upTo) {
        StoreRecent r = em.find(StoreRecent.class, StoreSeen.key(mailboxId, user), LockModeType.PESSIMISTIC_WRITE);
        if (r == null) {
            r = new StoreRecent(mailboxId, user);
            try {
                em.persist(r);
                em.flush();
            } catch (jakarta.persistence.PersistenceException anotherSessionInsertedIt) {
                throw new LostRace();
            }
        }
        long before = r.recentUid();
        if (upTo > before) {
            r.recentUid(upTo);
        }
        return before;
    }

    /**
     * The mark above which messages are \Recent to a session: a read-write session claims up to {@code upTo}
     * (once more if it lost the race with another session of the user creating the mark: the second try finds
     * the winner's row; past that nothing is \Recent to it, which RFC 3501 allows); a read-only one only looks.
     */
    public static long sessionMark(RecentStore store, long mailboxId, String user, long upTo, boolean readOnly) {
        if (readOnly) {
            return store.recentUid(mailboxId, user);
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                return store.claim(mailboxId, user, upTo);
            } catch (RuntimeException lostTheRace) {
                // the row exists now; try again
            }
        }
        return upTo;
    }

    /** Another session of the user created the mark first: an expected race, rolled back without a logged error. */
    @jakarta.ejb.ApplicationException(rollback = true)
    public static class LostRace extends RuntimeException {
        LostRace() {
            super("another session created the \\Recent mark first", null, false, false);
        }
    }

    /** The mailbox is gone: so are its users' marks. */
    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public void forget(long mailboxId) {
        em.createQuery("DELETE FROM StoreRecent r WHERE r.mailboxId = :box").setParameter("box", mailboxId).executeUpdate();
    }
}
