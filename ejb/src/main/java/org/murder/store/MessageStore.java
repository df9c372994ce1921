package org.murder.store;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Messages in mailboxes, transactionally. Every method that adds a message links its file into the
 * mailbox's spool directory (fsynced) before the transaction commits, and unlinks it if the
 * transaction rolls back; every method that removes messages unlinks their files only after commit.
 * UIDs and MODSEQs come from the mailbox row, locked for the transaction.
 */
@Stateless
public class MessageStore {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(MessageStore.class.getName());

    /** How many occupied UIDs one append skips before it gives up (a crash leaves at most a few). */
    private static final int MAX_TAKEN_UIDS = 100;

    @jakarta.ejb.EJB
    MailboxIndexes indexes;

    @jakarta.inject.Inject
    MessageCaches caches;

    @jakarta.inject.Inject
    SortKeyFiles sortKeyFiles;

    @PersistenceContext(unitName = "murder")
    EntityManager em;

    @Resource
    TransactionSynchronizationRegistry tx;

    /** What an append produced. */
    public record Appended(long mailboxId, long uidValidity, long uid, long modSeq) {
    }

    /** A message to add: its fsynced file, flags, date and parsed facts. */
    public record NewMessage(Spool.TempMessage file, MessageFlags flags, Instant internalDate, MessageCacheData cache) {
    }

    public Optional<StoreMailbox> mailbox(String name) {
        return em.createNamedQuery("StoreMailbox.byName", StoreMailbox.class).setParameter("name", name)
                .getResultStream().findFirst();
    }

    private StoreMailbox lockMailbox(long mailboxId) {
        StoreMailbox m = em.find(StoreMailbox.class, mailboxId, LockModeType.PESSIMISTIC_WRITE);
        if (m == null) {
            throw new IllegalArgumentException("no mailbox " + mailboxId);
        }
        if (m.frozen()) {
            // under the lock the freeze took too: a write either committed before it or is refused (docs/moves.md)
            throw new MailboxFrozenException(m.name());
        }
        return m;
    }

    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public Appended append(Spool spool, long mailboxId, NewMessage message) {
        return appendAll(spool, mailboxId, List.of(message)).get(0);
    }

    /**
     * Adds the messages in order under consecutive new UIDs (a UID whose name is taken is skipped), in one transaction:
     * all of them are committed, or none (MULTIAPPEND, RFC 3502) — a failure rolls back every row and unlinks every
     * file linked so far.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public List<Appended> appendAll(Spool spool, long mailboxId, List<NewMessage> messages) {
        return appendAll(spool, mailboxId, messages, false);
    }

    /**
     * {@link #appendAll(Spool, long, List)}, the quota checked first when asked: under the mailbox's lock, so that
     * what another write to it committed meanwhile counts, and before anything is linked or written
     * ({@link OverQuotaException}).
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public List<Appended> appendAll(Spool spool, long mailboxId, List<NewMessage> messages, boolean checkQuota) {
        StoreMailbox box = lockMailbox(mailboxId);
        if (checkQuota && overQuota(box, messages.stream().mapToLong(m -> m.file().size()).sum(), messages.size())) {
            throw new OverQuotaException(box.name());
        }
        long before = box.highestModSeq();
        long uidValidity = box.uidValidity();
        String partition = box.partition();
        List<Appended> out = new ArrayList<>(messages.size());
        List<IndexRow> added = new ArrayList<>(messages.size());
        for (NewMessage message : messages) {
            Linked linked;
            try {
                linked = linkAtNewUid(spool, message.file().path(), box);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store message in " + box.name(), e);
            }
            long uid = linked.uid();
            long modSeq = box.takeModSeq();
            onRollback(() -> spool.delete(linked.path()));
            StoreMessage row = new StoreMessage(box.id(), uid, modSeq, message.flags(), message.internalDate(),
                    message.file().size(), message.file().sha256());
            row.sentDate(message.cache());
            em.persist(row);
            onCommit(() -> {
                caches.offer(row.id(), message.cache());
                sortKeyFiles.delivered(mailboxId, uidValidity, partition, uid, message.cache().sortFields());
            });
            added.add(indexRow(row));
            box.counted(1, message.file().size());
            out.add(new Appended(box.id(), box.uidValidity(), uid, modSeq));
        }
        if (!added.isEmpty()) {
            indexAfterCommit(box.id(), added, new long[0], before, box.highestModSeq());
        }
        return out;
    }

    /** Whether adding {@code count} messages of {@code size} bytes in all would exceed the mailbox's quota root. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public boolean overQuota(StoreMailbox m, long size, long count) {
        if (m.quotaRoot() == null) {
            return false;
        }
        StoreQuota q = em.find(StoreQuota.class, m.quotaRoot());
        if (q == null || q.storageKb() == null && q.messageLimit() == null) {
            return false; // a root without limits: no need to add up its usage
        }
        Object[] usage = em.createQuery("SELECT COALESCE(SUM(b.totalSize), 0), COALESCE(SUM(b.messages), 0) "
                + "FROM StoreMailbox b WHERE b.quotaRoot = :root", Object[].class).setParameter("root", m.quotaRoot())
                .getSingleResult();
        long bytes = ((Number) usage[0]).longValue();
        long messages = ((Number) usage[1]).longValue();
        return (q.storageKb() != null && (bytes + size) / 1024 > q.storageKb())
                || (q.messageLimit() != null && messages + count > q.messageLimit());
    }

    /** Whether the mailbox left this backend by a move lately (docs/moves.md). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public boolean movedAway(String name) {
        return em.find(StoreMoved.class, name) != null && mailbox(name).isEmpty();
    }

    /** Whether a move froze the mailbox (docs/moves.md). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public boolean frozen(long mailboxId) {
        StoreMailbox m = em.find(StoreMailbox.class, mailboxId);
        return m != null && m.frozen();
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<StoreMailbox> allMailboxes() {
        // a move's copy still being made here is nobody's to list, push or reconstruct (docs/moves.md)
        return em.createNamedQuery("StoreMailbox.all", StoreMailbox.class).getResultStream().filter(m -> !m.hidden())
                .toList();
    }

    /** How many messages have a UID above {@code uid} (STATUS RECENT: those above the user's recent mark). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public long countAbove(long mailboxId, long uid) {
        return em.createQuery("SELECT COUNT(m) FROM StoreMessage m WHERE m.mailboxId = :mailbox AND m.uid > :uid", Long.class)
                .setParameter("mailbox", mailboxId).setParameter("uid", uid).getSingleResult();
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public long unseen(long mailboxId) {
        return em.createNamedQuery("StoreMessage.unseenCount", Long.class).setParameter("mailbox", mailboxId).getSingleResult();
    }

    /**
     * A message's index fields, read without building entities (the selected state of a big mailbox); {@code sentDate}
     * is what SORT (DATE) orders by ({@link StoreMessage#sentDate()}), {@link #NO_SENT_DATE} when not recorded.
     */
    public record IndexRow(long id, long uid, long modSeq, MessageFlags flags, long size, Instant internalDate,
                           long sentDate) {

        public static final long NO_SENT_DATE = Long.MIN_VALUE;

        public IndexRow(long id, long uid, long modSeq, MessageFlags flags, long size, Instant internalDate) {
            this(id, uid, modSeq, flags, size, internalDate, NO_SENT_DATE);
        }

        public boolean hasSentDate() {
            return sentDate != NO_SENT_DATE;
        }
    }

    /**
     * The mailbox's index as of now: the node's shared version, brought up to date with only what changed since
     * (see {@link MailboxIndexes}); an empty index when the mailbox is gone.
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public MailboxIndex index(long mailboxId) {
        return indexes.current(mailboxId, source);
    }

    /** UIDs expunged with a MODSEQ above {@code modSeq}, ascending, as far as the expunge record still goes back. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public long[] expungedSince(long mailboxId, long modSeq) {
        return source.expungedSince(mailboxId, modSeq);
    }

    private final MailboxIndexes.Source source = new MailboxIndexes.Source() {
        @Override
        public MailboxIndexes.Head head(long mailboxId) {
            List<Object[]> r = em.createQuery("SELECT b.highestModSeq, b.messages FROM StoreMailbox b WHERE b.id = :id",
                    Object[].class).setParameter("id", mailboxId).getResultList();
            return r.isEmpty() ? MailboxIndexes.Head.GONE
                    : new MailboxIndexes.Head(((Number) r.get(0)[0]).longValue(), ((Number) r.get(0)[1]).longValue());
        }

        @Override
        public List<IndexRow> changedSince(long mailboxId, long modSeq) {
            return indexRows(mailboxId, modSeq);
        }

        @Override
        public long[] expungedSince(long mailboxId, long modSeq) {
            return em.createQuery("SELECT e.uid FROM StoreExpunged e WHERE e.mailboxId = :mailbox AND e.modSeq > :since"
                    + " ORDER BY e.uid", Long.class).setParameter("mailbox", mailboxId).setParameter("since", modSeq)
                    .getResultStream().mapToLong(Long::longValue).toArray();
        }
    };

    /**
     * Rows read per query when a whole mailbox is read: below the embedded database's in-memory result limit (H2's
     * MAX_MEMORY_ROWS, 40,000 rows per GB of heap), past which it copies the whole result to a temporary file before
     * returning its first row — a 100,000-message mailbox read in one query took three times as long.
     */
    static final int PAGE = 10_000;

    /**
     * Calls {@code window} with consecutive UID ranges covering {@code low..high}, each about {@link #PAGE} messages
     * when the range holds about {@code messages} evenly: by range, not LIMIT, which the database may meet by sorting
     * the whole result for each page.
     */
    private static void inUidWindows(long low, long high, long messages, java.util.function.BiConsumer<Long, Long> window) {
        long span = Math.max(PAGE, (high - low + 1) * PAGE / Math.max(1, messages));
        for (long from = low; from <= high; from += span) {
            window.accept(from, Math.min(high, from + span - 1));
        }
    }

    private List<IndexRow> indexRows(long mailboxId, long changedSince) {
        List<Object[]> head = em.createQuery("SELECT b.uidNext, b.messages FROM StoreMailbox b WHERE b.id = :id", Object[].class)
                .setParameter("id", mailboxId).getResultList();
        if (head.isEmpty()) {
            return List.of();
        }
        // a message delivered after the head was read lies beyond these windows and comes with the next delta
        long uidNext = ((Number) head.get(0)[0]).longValue();
        // a delta (changedSince > 0) is read in one window: it scans the mailbox either way and its rows are few
        long messages = changedSince > 0 ? 1 : ((Number) head.get(0)[1]).longValue();
        List<IndexRow> out = new ArrayList<>();
        inUidWindows(0, uidNext - 1, messages, (lo, hi) -> {
            int start = out.size();
            em.createQuery("SELECT m.id, m.uid, m.modSeq, m.seen, m.answered, m.flagged, m.deleted, m.draft, m.keywords,"
                    + " m.size, m.internalDate, m.sentDate FROM StoreMessage m WHERE m.mailboxId = :mailbox"
                    + " AND m.modSeq > :since AND m.uid BETWEEN :lo AND :hi", Object[].class)
                    .setParameter("mailbox", mailboxId).setParameter("since", changedSince).setParameter("lo", lo)
                    .setParameter("hi", hi).getResultStream().forEach(r -> {
                        String keywords = (String) r[8];
                        MessageFlags flags = MessageFlags.of((Boolean) r[3], (Boolean) r[4], (Boolean) r[5], (Boolean) r[6],
                                (Boolean) r[7], keywords == null || keywords.isBlank() ? List.of()
                                        : List.of(keywords.trim().split(" +")));
                        out.add(new IndexRow(((Number) r[0]).longValue(), ((Number) r[1]).longValue(),
                                ((Number) r[2]).longValue(), flags, ((Number) r[9]).longValue(),
                                Instant.ofEpochMilli(((Number) r[10]).longValue()),
                                r[11] == null ? IndexRow.NO_SENT_DATE : ((Number) r[11]).longValue()));
                    });
            out.subList(start, out.size()).sort(java.util.Comparator.comparingLong(IndexRow::uid));
        });
        return out;
    }

    /** The mailbox's messages in UID order: the selected-state index. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<StoreMessage> messages(long mailboxId) {
        return em.createNamedQuery("StoreMessage.inMailbox", StoreMessage.class).setParameter("mailbox", mailboxId)
                .getResultList();
    }

    /** A message's parsed facts, if written or waiting to be (see {@link MessageCaches}). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Optional<MessageCacheData> cache(long messageId) {
        return caches.pending(messageId)
                .or(() -> Optional.ofNullable(em.find(StoreMessageCache.class, messageId)).map(StoreMessageCache::data));
    }

    /** A message's parsed facts; parsed from its file (and kept) when they are not stored. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public MessageCacheData cache(Path file, long messageId) throws IOException {
        Optional<MessageCacheData> known = cache(messageId);
        if (known.isPresent()) {
            return known.get();
        }
        MessageCacheData parsed = MessageCacheData.parse(file);
        caches.offer(messageId, parsed);
        return parsed;
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public boolean exists(long messageId) {
        return em.find(StoreMessage.class, messageId) != null;
    }

    /**
     * The stored sort fields of a mailbox's messages with UIDs from {@code lowUid} to {@code highUid}, UID →
     * {@link org.murder.protocol.imap.sort.SortFields}' stored form, in a few queries (SORT's first look at a big mailbox);
     * messages without them are left out. {@code wanted}: about how many messages the range holds.
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public java.util.Map<Long, String> sortFields(long mailboxId, long lowUid, long highUid, int wanted) {
        java.util.Map<Long, String> out = new java.util.HashMap<>();
        inUidWindows(lowUid, highUid, wanted, (from, to) -> {
            int before = out.size();
            em.createQuery("SELECT m.uid, k.fields FROM StoreMessage m, StoreSortKey k WHERE m.mailboxId = :mailbox"
                    + " AND m.uid BETWEEN :lo AND :hi AND k.messageId = m.id", Object[].class)
                    .setParameter("mailbox", mailboxId).setParameter("lo", from).setParameter("hi", to).getResultStream()
                    .forEach(r -> out.put(((Number) r[0]).longValue(), (String) r[1]));
            if (out.size() - before < Math.min(wanted, to - from + 1) / 2) {
                // messages stored before store_sort_key existed keep their keys in the wide row
                em.createQuery("SELECT m.uid, c.sortFields FROM StoreMessage m, StoreMessageCache c"
                        + " WHERE m.mailboxId = :mailbox AND m.uid BETWEEN :lo AND :hi AND c.messageId = m.id"
                        + " AND c.sortFields IS NOT NULL", Object[].class)
                        .setParameter("mailbox", mailboxId).setParameter("lo", from).setParameter("hi", to).getResultStream()
                        .forEach(r -> out.putIfAbsent(((Number) r[0]).longValue(), (String) r[1]));
            }
        });
        return out;
    }

    /** One message's stored sort fields, if any (store_sort_key, else the wide row's of an older message). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Optional<String> sortFields(long messageId) {
        StoreSortKey k = em.find(StoreSortKey.class, messageId);
        if (k != null) {
            return Optional.of(k.fields());
        }
        return em.createQuery("SELECT c.sortFields FROM StoreMessageCache c WHERE c.messageId = :id AND c.sortFields IS NOT NULL",
                String.class).setParameter("id", messageId).getResultStream().findFirst();
    }

    /** Stores the sort fields of messages whose facts lack them (written before SORT existed), by message id. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void saveSortFields(java.util.Map<Long, String> byMessageId) {
        byMessageId.forEach((id, fields) -> {
            if (em.find(StoreMessage.class, id) != null && em.find(StoreSortKey.class, id) == null) {
                em.persist(new StoreSortKey(id, fields));
            }
        });
    }

    /** Writes parsed facts of messages that still exist and have none stored (MessageCaches' batches). */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void saveCaches(java.util.Map<Long, MessageCacheData> batch) {
        batch.forEach((id, data) -> {
            if (em.find(StoreMessage.class, id) != null && em.find(StoreMessageCache.class, id) == null) {
                MessageFacts.persist(em, id, data);
            }
        });
    }

    /** A flag change on some UIDs; returns the messages changed, with their new MODSEQ. */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public List<StoreMessage> store(long mailboxId, List<Long> uids, FlagChange change, long unchangedSince,
                                    List<Long> failedModified) {
        StoreMailbox box = lockMailbox(mailboxId);
        long before = box.highestModSeq();
        List<StoreMessage> changed = new ArrayList<>();
        for (StoreMessage m : byUids(mailboxId, uids)) {
            long uid = m.uid();
            if (unchangedSince >= 0 && m.modSeq() > unchangedSince) {
                failedModified.add(uid);
                continue;
            }
            MessageFlags next = change.apply(m.flags());
            if (!next.sameAs(m.flags())) {
                m.flags(next);
                m.modSeq(box.takeModSeq());
                changed.add(m);
            }
        }
        if (!changed.isEmpty()) {
            indexAfterCommit(mailboxId, changed.stream().map(MessageStore::indexRow).toList(), new long[0], before,
                    box.highestModSeq());
        }
        return changed;
    }

    /** Removes messages (EXPUNGE / UID EXPUNGE / MOVE's second half); files go after commit. */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public List<Long> expunge(Spool spool, long mailboxId, List<Long> onlyUids) {
        StoreMailbox box = lockMailbox(mailboxId);
        List<StoreMessage> victims = onlyUids == null
                ? em.createNamedQuery("StoreMessage.deleted", StoreMessage.class).setParameter("mailbox", mailboxId).getResultList()
                : byUids(mailboxId, onlyUids);
        List<Long> gone = new ArrayList<>();
        long size = 0;
        for (StoreMessage m : victims) {
            MessageFacts.remove(em, m.id());
            em.remove(m);
            gone.add(m.uid());
            size += m.size();
        }
        if (!gone.isEmpty()) {
            long before = box.highestModSeq();
            long modSeq = box.takeModSeq();
            indexAfterCommit(mailboxId, List.of(), gone.stream().mapToLong(Long::longValue).sorted().toArray(), before, modSeq);
            long now = System.currentTimeMillis();
            gone.forEach(uid -> em.persist(new StoreExpunged(mailboxId, uid, modSeq, now)));
            box.counted(-gone.size(), -size);
            String partition = box.partition();
            List<Long> ids = victims.stream().map(StoreMessage::id).toList();
            onCommit(() -> {
                gone.forEach(uid -> spool.deleteQuietly(partition, mailboxId, uid));
                ids.forEach(caches::forget);
            });
        }
        return gone;
    }

    /** The rows of some UIDs, in UID order: one query over their range (not one per UID: STORE or COPY of 1:*). */
    private List<StoreMessage> byUids(long mailboxId, List<Long> uids) {
        if (uids.isEmpty()) {
            return List.of();
        }
        if (uids.size() == 1) {
            return em.createNamedQuery("StoreMessage.byUid", StoreMessage.class).setParameter("mailbox", mailboxId)
                    .setParameter("uid", uids.get(0)).getResultList();
        }
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (long u : uids) {
            lo = Math.min(lo, u);
            hi = Math.max(hi, u);
        }
        java.util.Set<Long> wanted = new java.util.HashSet<>(uids);
        return em.createQuery("SELECT m FROM StoreMessage m WHERE m.mailboxId = :mailbox AND m.uid BETWEEN :lo AND :hi"
                + " ORDER BY m.uid", StoreMessage.class).setParameter("mailbox", mailboxId).setParameter("lo", lo)
                .setParameter("hi", hi).getResultStream().filter(m -> wanted.contains(m.uid())).toList();
    }

    static IndexRow indexRow(StoreMessage m) {
        return new IndexRow(m.id(), m.uid(), m.modSeq(), m.flags(), m.size(), m.internalDate(), m.sentDate());
    }

    /** After commit, this change goes into the node's shared index in memory when it is the next one it lacks. */
    private void indexAfterCommit(long mailboxId, List<IndexRow> upserts, long[] removed, long before, long after) {
        onCommit(() -> indexes.applyIfNext(mailboxId, upserts, removed, before, after));
    }

    /** COPY: the same files linked again into the target, new UIDs; returns source UID → target UID pairs. */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public List<long[]> copy(Spool spool, long fromMailboxId, List<Long> uids, long toMailboxId) {
        return copy(spool, fromMailboxId, uids, toMailboxId, false);
    }

    /** {@link #copy(Spool, long, List, long)}, the target's quota checked first when asked, as {@link #appendAll}. */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public List<long[]> copy(Spool spool, long fromMailboxId, List<Long> uids, long toMailboxId, boolean checkQuota) {
        StoreMailbox from = em.find(StoreMailbox.class, fromMailboxId);
        StoreMailbox to = lockMailbox(toMailboxId);
        List<StoreMessage> originals = byUids(fromMailboxId, uids);
        if (checkQuota && overQuota(to, originals.stream().mapToLong(StoreMessage::size).sum(), originals.size())) {
            throw new OverQuotaException(to.name());
        }
        long before = to.highestModSeq();
        long toUidValidity = to.uidValidity();
        String toPartition = to.partition();
        List<IndexRow> added = new ArrayList<>();
        List<long[]> pairs = new ArrayList<>();
        for (StoreMessage m : originals) {
            Linked linked;
            try {
                linked = linkAtNewUid(spool, spool.messagePath(from.partition(), from.id(), m.uid()), to, true);
            } catch (java.nio.file.NoSuchFileException expungedMeanwhile) {
                continue; // its expunge committed after we read the row; the UID taken stays unused
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy into " + to.name(), e);
            }
            long uid = linked.uid();
            long modSeq = to.takeModSeq();
            onRollback(() -> spool.delete(linked.path()));
            StoreMessage copy = new StoreMessage(to.id(), uid, modSeq, m.flags(), m.internalDate(), m.size(), m.sha256());
            copy.sentDate(m.sentDate());
            em.persist(copy);
            added.add(indexRow(copy));
            cache(m.id()).ifPresent(data -> onCommit(() -> {
                caches.offer(copy.id(), data);
                sortKeyFiles.delivered(toMailboxId, toUidValidity, toPartition, uid, data.sortFields());
            }));
            to.counted(1, m.size());
            pairs.add(new long[] {m.uid(), uid});
        }
        if (!added.isEmpty()) {
            try {
                spool.syncMailboxDir(to.partition(), to.id()); // every new name at once, before the commit
            } catch (IOException e) {
                throw new UncheckedIOException("cannot sync " + to.name(), e);
            }
            indexAfterCommit(to.id(), added, new long[0], before, to.highestModSeq());
        }
        return pairs;
    }

    /** A message file linked into a mailbox under a new UID. */
    private record Linked(long uid, Path path) {
    }

    /**
     * Links {@code file} under the mailbox's next UID. A file already at that UID's name (linked by a transaction
     * that crashed before its commit) is never replaced: its UID is skipped, and reconstruct indexes the file.
     */
    private static Linked linkAtNewUid(Spool spool, Path file, StoreMailbox box) throws IOException {
        return linkAtNewUid(spool, file, box, false);
    }

    /** @param durableFile the file's data is already on disk (COPY): only the names are synced, later, together */
    private static Linked linkAtNewUid(Spool spool, Path file, StoreMailbox box, boolean durableFile) throws IOException {
        for (int attempt = 1; ; attempt++) {
            long uid = box.takeUid();
            try {
                return new Linked(uid, durableFile ? spool.linkDurableFile(file, box.partition(), box.id(), uid)
                        : spool.link(file, box.partition(), box.id(), uid));
            } catch (FileAlreadyExistsException e) {
                LOG.warning(() -> "MURDER-STORE-001 " + box.name() + ": UID " + uid + " skipped: " + e.getMessage()
                        + " (./murder reconstruct indexes it)");
                if (attempt == MAX_TAKEN_UIDS) {
                    throw e;
                }
            }
        }
    }

    private void onRollback(Runnable r) {
        tx.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status != Status.STATUS_COMMITTED) {
                    r.run();
                }
            }
        });
    }

    private void onCommit(Runnable r) {
        tx.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    r.run();
                }
            }
        });
    }
}
