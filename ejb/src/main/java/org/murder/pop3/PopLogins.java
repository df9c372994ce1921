package org.murder.pop3;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;

/** The maildrops' login stamps ({@link LoginDelay}), kept across restarts. */
@Stateless
public class PopLogins {

    @PersistenceContext(unitName = "murder")
    EntityManager em;

    /** The stamp of a maildrop; the epoch when it has none. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Instant last(long mailboxId) {
        StorePopLogin row = em.find(StorePopLogin.class, mailboxId);
        return row == null ? Instant.EPOCH : Instant.ofEpochMilli(row.lastLogin());
    }

    /** At QUIT: moves the stamp on for a session that logged in at {@code login}. */
    public void quit(long mailboxId, Instant login, Duration minPoll, int padding) {
        StorePopLogin row = em.find(StorePopLogin.class, mailboxId, LockModeType.PESSIMISTIC_WRITE);
        Instant last = row == null ? Instant.EPOCH : Instant.ofEpochMilli(row.lastLogin());
        long next = LoginDelay.afterQuit(last, login, minPoll, padding).toEpochMilli();
        if (row == null) {
            em.persist(new StorePopLogin(mailboxId, next));
        } else {
            row.lastLogin(next);
        }
    }
}
