package org.murder.frontend;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;

/** The frontend copy's persistence. */
@Stateless
public class MapCopyStore {

    @PersistenceContext(unitName = "murder")
    EntityManager em;

    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public MapCopyStateEntity state() {
        MapCopyStateEntity s = em.find(MapCopyStateEntity.class, MapCopyStateEntity.ID);
        if (s == null) {
            s = new MapCopyStateEntity();
            em.persist(s);
        }
        return s;
    }

    /** Applies one change message (already checked to be the next version). */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public void apply(MailboxRecord r) {
        LocalMailboxEntity row = em.find(LocalMailboxEntity.class, r.name());
        if (r.kind() == MailboxKind.DELETED) {
            if (row != null) {
                em.remove(row);
            }
        } else if (row == null) {
            em.persist(new LocalMailboxEntity(r));
        } else {
            row.update(r);
        }
        state().appliedVersion(r.version());
    }

    /** Makes the copy equal to a snapshot, writing only what differs. */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public int replaceAll(long version, List<MailboxRecord> snapshot, String epoch) {
        Map<String, LocalMailboxEntity> local = new HashMap<>();
        em.createNamedQuery("LocalMailboxEntity.all", LocalMailboxEntity.class).getResultStream()
                .forEach(e -> local.put(e.toRecord().name(), e));
        int changed = 0;
        for (MailboxRecord r : snapshot) {
            LocalMailboxEntity row = local.remove(r.name());
            if (row == null) {
                em.persist(new LocalMailboxEntity(r));
                changed++;
            } else if (!row.toRecord().equals(r)) {
                row.update(r);
                changed++;
            }
        }
        for (LocalMailboxEntity gone : local.values()) {
            em.remove(gone);
            changed++;
        }
        MapCopyStateEntity s = state();
        s.appliedVersion(version);
        s.masterEpoch(epoch);
        s.resynced(Instant.now());
        return changed;
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<MailboxRecord> all() {
        return em.createNamedQuery("LocalMailboxEntity.all", LocalMailboxEntity.class).getResultStream()
                .map(LocalMailboxEntity::toRecord).toList();
    }

    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public void recordNodeStatus(NodeStatus status) {
        NodeStatusEntity e = em.find(NodeStatusEntity.class, status.node());
        if (e == null) {
            e = new NodeStatusEntity(status.node());
            em.persist(e);
        }
        e.report(status.appliedVersion(), status.mailboxes(), status.reportedAt());
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<NodeStatus> nodeStatuses() {
        return em.createNamedQuery("NodeStatusEntity.all", NodeStatusEntity.class).getResultStream()
                .map(NodeStatusEntity::toStatus).toList();
    }
}
