package org.murder.map;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.util.List;

/**
 * The master map's persistence: a batch of changes = one transaction that writes the rows and bumps the map
 * version. {@link MailboxMap} publishes them on the topic once this has committed ({@link MapTopicPublisher}).
 */
@Stateless
public class MapStore {

    @PersistenceContext(unitName = "murder")
    EntityManager em;

    /**
     * Writes changes in one transaction, numbering them with consecutive map versions in order, and
     * returns them as stored. Concurrent writers' changes are combined here (group commit), so one
     * commit and one fsync serve many clients.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public List<MailboxRecord> apply(List<MailboxRecord> changes) {
        MapVersionEntity v = em.find(MapVersionEntity.class, MapVersionEntity.ID, LockModeType.PESSIMISTIC_WRITE);
        if (v == null) {
            v = new MapVersionEntity();
            em.persist(v);
        }
        List<MailboxRecord> stored = new java.util.ArrayList<>(changes.size());
        for (MailboxRecord change : changes) {
            long version = v.version() + 1;
            v.version(version);
            MailboxRecord r = new MailboxRecord(change.name(), change.server(), change.partition(), change.acl(),
                    change.kind(), version);
            MailboxEntity row = em.find(MailboxEntity.class, change.name());
            if (change.kind() == MailboxKind.DELETED) {
                if (row != null) {
                    em.remove(row);
                }
            } else if (row == null) {
                em.persist(new MailboxEntity(r));
            } else {
                row.update(r);
            }
            // several changes to one name in a batch must reach the database in order
            em.flush();
            stored.add(r);
        }
        return stored;
    }

    /** The map as stored; its version row (and epoch) made on a fresh database. */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public Snapshot load() {
        MapVersionEntity v = em.find(MapVersionEntity.class, MapVersionEntity.ID, LockModeType.PESSIMISTIC_WRITE);
        if (v == null) {
            v = new MapVersionEntity();
            em.persist(v);
        }
        if (v.epoch().isEmpty()) {
            v.epoch(java.util.UUID.randomUUID().toString());
        }
        List<MailboxRecord> all = em.createNamedQuery("MailboxEntity.all", MailboxEntity.class)
                .getResultStream().map(MailboxEntity::toRecord).toList();
        return new Snapshot(v.version(), all, v.epoch().orElseThrow());
    }

    /**
     * All mailboxes at one map version of one map ({@code epoch}; empty from a master that names none, such as an
     * UPDATE stream's).
     */
    public record Snapshot(long version, List<MailboxRecord> mailboxes, String epoch) implements java.io.Serializable {
        public Snapshot {
            epoch = epoch == null ? "" : epoch;
        }
    }

    // ------------------------------------------------------------------ mailboxes on two backends

    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public List<MailboxConflict> conflicts() {
        return em.createNamedQuery("MailboxConflictEntity.all", MailboxConflictEntity.class).getResultStream()
                .map(MailboxConflictEntity::toConflict).toList();
    }

    /** Writes what {@link MailboxConflicts} changed, in one transaction. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void conflictsChanged(List<MailboxConflicts.Change> changes) {
        for (MailboxConflicts.Change change : changes) {
            MailboxConflictEntity row = em.find(MailboxConflictEntity.class, change.conflict().key());
            if (change instanceof MailboxConflicts.Resolved) {
                if (row != null) {
                    em.remove(row);
                }
            } else if (row == null) {
                em.persist(new MailboxConflictEntity(change.conflict()));
            } else {
                row.update(change.conflict());
            }
        }
    }
}
