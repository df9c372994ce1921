package org.murder.move;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.logging.Logger;
import org.murder.config.MurderSettings;
import org.murder.store.MailboxIndexes;
import org.murder.store.RecentStore;
import org.murder.store.Spool;
import org.murder.store.StoreMailbox;
import org.murder.store.StoreMoved;
import org.murder.store.model.MailboxName;

/**
 * The source backend's part of a move (docs/moves.md): {@code XFREEZE}, {@code XUNFREEZE} and {@code XRELEASE}, each
 * one transaction, each idempotent (the destination repeats them after a failure or a restart).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class MoveSourceService {

    private static final Logger LOG = Logger.getLogger(MoveSourceService.class.getName());

    @PersistenceContext(unitName = "murder")
    EntityManager em;

    @Inject
    Spool spool;

    @Inject
    MurderSettings settings;

    @EJB
    RecentStore recent;

    @EJB
    MailboxIndexes indexes;

    @Resource
    TransactionSynchronizationRegistry tx;

    /** Refused: the answer is NO. */
    public static class StepRefused extends Exception {
        public StepRefused(String message) {
            super(message);
        }
    }

    /** The rows that move with {@code name}, locked: it alone, or for an INBOX its whole tree. */
    private List<StoreMailbox> tree(String name) {
        List<StoreMailbox> rows = MailboxName.isUserInbox(name)
                ? em.createNamedQuery("StoreMailbox.byPrefix", StoreMailbox.class).setParameter("name", name)
                        .setParameter("children", name + ".%").getResultList()
                : em.createNamedQuery("StoreMailbox.byName", StoreMailbox.class).setParameter("name", name).getResultList();
        // the same lock every write takes: a write committed before the freeze, or sees it
        return rows.stream().map(m -> em.find(StoreMailbox.class, m.id(), LockModeType.PESSIMISTIC_WRITE)).toList();
    }

    public void freeze(String name, String moveId) throws StepRefused {
        List<StoreMailbox> rows = tree(name);
        if (rows.isEmpty()) {
            throw new StepRefused("Mailbox does not exist");
        }
        for (StoreMailbox m : rows) {
            if (m.frozen() && !m.frozenFor().equals(moveId)) {
                throw new StepRefused("Mailbox " + m.name() + " is frozen by another move");
            }
        }
        rows.forEach(m -> m.frozenFor(moveId));
        LOG.info(() -> "MURDER-MOVE-010 " + name + " frozen for move " + moveId + " (" + rows.size() + " mailbox(es))");
    }

    /** Unfreezes what this move froze; nothing frozen (or no such mailbox) is fine: the rollback is done. */
    public void unfreeze(String name, String moveId) {
        for (StoreMailbox m : tree(name)) {
            if (moveId.equals(m.frozenFor())) {
                m.frozenFor(null);
            }
        }
        LOG.info(() -> "MURDER-MOVE-011 " + name + " unfrozen (move " + moveId + " rolled back)");
    }

    /**
     * The master points at the destination: the rows this move froze go, with their files after the commit (no MUPDATE
     * DELETE: the master's entry is the destination's now), and a tombstone per name. Nothing left to release is fine.
     */
    public void release(String name, String moveId, String location) throws StepRefused {
        List<StoreMailbox> rows = tree(name);
        for (StoreMailbox m : rows) {
            if (!moveId.equals(m.frozenFor())) {
                throw new StepRefused("Mailbox " + m.name() + " is not frozen by move " + moveId);
            }
        }
        long until = System.currentTimeMillis() + settings.moveSettings().tombstone().toMillis();
        for (StoreMailbox m : rows) {
            org.murder.store.MessageFacts.removeMailbox(em, m.id());
            em.createQuery("DELETE FROM StoreMessage s WHERE s.mailboxId = :box").setParameter("box", m.id()).executeUpdate();
            StoreMoved old = em.find(StoreMoved.class, m.name());
            if (old != null) {
                em.remove(old);
                em.flush();
            }
            em.persist(new StoreMoved(m.name(), location, until));
            em.remove(m);
            long id = m.id();
            String partition = m.partition();
            recent.forget(id);
            indexes.forget(id);
            afterCommit(() -> {
                try (var files = Files.walk(spool.mailboxDir(partition, id))) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(spool::delete);
                } catch (IOException e) {
                    LOG.fine(() -> "no spool directory for " + id);
                }
            });
        }
        if (MailboxName.isUserInbox(name) && !rows.isEmpty()) {
            // the user's subscriptions went with their INBOX
            String owner = name.substring("user.".length()).replace('^', '.');
            em.createQuery("DELETE FROM StoreSubscription s WHERE s.userName = :user").setParameter("user", owner).executeUpdate();
        }
        LOG.info(() -> "MURDER-MOVE-012 " + name + " released to " + location + " (" + rows.size() + " mailbox(es))");
    }

    /** Tombstones past their time go (hourly). */
    @jakarta.ejb.Schedule(hour = "*", minute = "41", persistent = false)
    public void forgetTombstones() {
        em.createQuery("DELETE FROM StoreMoved t WHERE t.until < :now").setParameter("now", System.currentTimeMillis())
                .executeUpdate();
    }

    private void afterCommit(Runnable r) {
        org.murder.store.TxHooks.onCommit(tx, r);
    }
}
