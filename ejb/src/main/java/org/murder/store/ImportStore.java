package org.murder.store;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writing a mailbox as another server has it: messages under given UIDs with given MODSEQs, flags and internal
 * dates (a move's copy, docs/moves.md). Unlike {@link MessageStore}, nothing here takes new UIDs or MODSEQs, and
 * nothing goes into the shared index: the copy is not live while it is written.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class ImportStore {

    @PersistenceContext(unitName = "murder")
    EntityManager em;

    @Resource
    TransactionSynchronizationRegistry tx;

    /** A message as its source has it, its body already in a temp file of the copy's partition. */
    public record Imported(Spool.TempMessage file, long uid, long modSeq, MessageFlags flags, Instant internalDate,
                           MessageCacheData cache) {
    }

    /** A flag change as the source has it. */
    public record FlagsAt(MessageFlags flags, long modSeq) {
    }

    /** What the copy holds: UID → MODSEQ (once per pass: the delta is planned against it). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Map<Long, Long> modSeqs(long mailboxId) {
        Map<Long, Long> out = new HashMap<>();
        em.createQuery("SELECT m.uid, m.modSeq FROM StoreMessage m WHERE m.mailboxId = :box", Object[].class)
                .setParameter("box", mailboxId).getResultStream()
                .forEach(r -> out.put(((Number) r[0]).longValue(), ((Number) r[1]).longValue()));
        return out;
    }

    /** UID → MODSEQ of those of {@code uids} the copy holds: the rows of their ranges only, not the mailbox's. */
    private Map<Long, Long> modSeqs(long mailboxId, Collection<Long> uids) {
        Map<Long, Long> out = new HashMap<>();
        for (UidRange r : UidRange.covering(uids)) {
            em.createQuery("SELECT m.uid, m.modSeq FROM StoreMessage m WHERE m.mailboxId = :box"
                            + " AND m.uid BETWEEN :lo AND :hi", Object[].class)
                    .setParameter("box", mailboxId).setParameter("lo", r.lo()).setParameter("hi", r.hi())
                    .getResultStream().forEach(row -> out.put(((Number) row[0]).longValue(), ((Number) row[1]).longValue()));
        }
        return out;
    }

    /** The copy's message rows among {@code uids}, read by their ranges (a pass's cost follows what changed). */
    private List<StoreMessage> messages(long mailboxId, Collection<Long> uids) {
        java.util.Set<Long> wanted = new java.util.HashSet<>(uids);
        List<StoreMessage> out = new ArrayList<>();
        for (UidRange r : UidRange.covering(wanted)) {
            em.createQuery("SELECT m FROM StoreMessage m WHERE m.mailboxId = :box AND m.uid BETWEEN :lo AND :hi",
                            StoreMessage.class)
                    .setParameter("box", mailboxId).setParameter("lo", r.lo()).setParameter("hi", r.hi())
                    .getResultStream().filter(m -> wanted.contains(m.uid())).forEach(out::add);
        }
        return out;
    }

    /** A new hidden mailbox for a copy, with the source's UIDVALIDITY; the node's counter is raised past it. */
    public StoreMailbox createCopy(String hiddenName, String partition, String acl, long uidValidity) {
        StoreMailbox m = new StoreMailbox(hiddenName, partition, acl, uidValidity,
                java.util.UUID.randomUUID().toString().replace("-", ""));
        em.persist(m);
        StoreUidValidity counter = em.find(StoreUidValidity.class, StoreUidValidity.ID, LockModeType.PESSIMISTIC_WRITE);
        if (counter == null) {
            Long highest = em.createQuery("SELECT MAX(b.uidValidity) FROM StoreMailbox b", Long.class).getSingleResult();
            em.persist(new StoreUidValidity(Math.max(uidValidity, highest == null ? 0 : highest)));
        } else if (counter.lastGiven() < uidValidity) {
            counter.lastGiven(uidValidity);
        }
        em.flush();
        return m;
    }

    /** Adds messages under their own UIDs; UIDs the copy has already are skipped (a pass repeated after a crash). */
    public int importMessages(Spool spool, long mailboxId, List<Imported> messages) {
        StoreMailbox box = lock(mailboxId);
        Map<Long, Long> present = modSeqs(mailboxId, messages.stream().map(Imported::uid).toList());
        int added = 0;
        for (Imported message : messages) {
            if (present.containsKey(message.uid())) {
                continue;
            }
            Path linked;
            try {
                linked = linkReplacing(spool, message.file().path(), box, message.uid());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store message " + message.uid() + " in " + box.name(), e);
            }
            onRollback(() -> spool.delete(linked));
            StoreMessage row = new StoreMessage(box.id(), message.uid(), message.modSeq(), message.flags(),
                    message.internalDate(), message.file().size(), message.file().sha256());
            row.sentDate(message.cache());
            em.persist(row);
            MessageFacts.persist(em, row.id(), message.cache());
            box.counted(1, message.file().size());
            box.importHead(message.uid() + 1, message.modSeq());
            present.put(message.uid(), message.modSeq());
            added++;
        }
        return added;
    }

    /**
     * A file at the UID's name here can only be one an earlier attempt of the same import linked and did not commit
     * (the copy is not live: nobody else writes to it), so it is replaced.
     */
    private static Path linkReplacing(Spool spool, Path file, StoreMailbox box, long uid) throws IOException {
        try {
            return spool.link(file, box.partition(), box.id(), uid);
        } catch (FileAlreadyExistsException e) {
            spool.deleteQuietly(box.partition(), box.id(), uid);
            return spool.link(file, box.partition(), box.id(), uid);
        }
    }

    /** Sets flags and MODSEQs of messages the copy has. */
    public void importFlags(long mailboxId, Map<Long, FlagsAt> changes) {
        if (changes.isEmpty()) {
            return;
        }
        StoreMailbox box = lock(mailboxId);
        for (StoreMessage m : messages(mailboxId, changes.keySet())) {
            FlagsAt f = changes.get(m.uid());
            m.flags(f.flags());
            m.modSeq(f.modSeq());
            box.importHead(0, f.modSeq());
        }
    }

    /** Removes UIDs the source expunged, recorded at {@code modSeq} (QRESYNC's VANISHED). */
    public void importExpunge(Spool spool, long mailboxId, List<Long> uids, long modSeq) {
        if (uids.isEmpty()) {
            return;
        }
        StoreMailbox box = lock(mailboxId);
        List<Long> removed = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (StoreMessage m : messages(mailboxId, uids)) {
            MessageFacts.remove(em, m.id());
            em.remove(m);
            box.counted(-1, -m.size());
            em.persist(new StoreExpunged(mailboxId, m.uid(), modSeq, now));
            removed.add(m.uid());
        }
        box.importHead(0, modSeq);
        String partition = box.partition();
        onCommit(() -> removed.forEach(uid -> spool.deleteQuietly(partition, mailboxId, uid)));
    }

    /** UIDs the source expunged before the copy had them: only their record (QRESYNC), once. */
    public void recordExpunged(long mailboxId, List<Long> uids, long modSeq) {
        if (uids.isEmpty()) {
            return;
        }
        lock(mailboxId);
        java.util.Set<Long> known = new java.util.HashSet<>();
        for (UidRange r : UidRange.covering(uids)) {
            known.addAll(em.createQuery("SELECT e.uid FROM StoreExpunged e WHERE e.mailboxId = :box"
                            + " AND e.uid BETWEEN :lo AND :hi", Long.class).setParameter("box", mailboxId)
                    .setParameter("lo", r.lo()).setParameter("hi", r.hi()).getResultList());
        }
        long now = System.currentTimeMillis();
        for (long uid : uids) {
            if (known.add(uid)) {
                em.persist(new StoreExpunged(mailboxId, uid, modSeq, now));
            }
        }
    }

    /** The source's UIDNEXT and HIGHESTMODSEQ as last seen; the copy's never go below them. */
    public void importHead(long mailboxId, long uidNext, long highestModSeq) {
        lock(mailboxId).importHead(uidNext, highestModSeq);
    }

    /** The copy's ACL and special use, as the source has them. */
    public void importAttributes(long mailboxId, String acl, String specialUse) {
        StoreMailbox box = lock(mailboxId);
        box.acl(acl);
        box.specialUse(specialUse);
    }

    private StoreMailbox lock(long mailboxId) {
        StoreMailbox m = em.find(StoreMailbox.class, mailboxId, LockModeType.PESSIMISTIC_WRITE);
        if (m == null) {
            throw new IllegalArgumentException("no mailbox " + mailboxId);
        }
        return m;
    }

    private void onRollback(Runnable r) {
        TxHooks.onRollback(tx, r);
    }

    private void onCommit(Runnable r) {
        TxHooks.onCommit(tx, r);
    }
}
