package org.murder.store;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.protocol.imap.sort.SortFields;
import org.murder.protocol.imap.sort.SortKeyFileFormat;
import org.murder.store.MessageStore.IndexRow;

/**
 * SORT's and THREAD's keys for the whole node, shared by every session as the mailbox index is: each message's
 * {@link SortFields} (computed at delivery and stored with its other parsed facts) kept parsed by mailbox and UID — a
 * UID's message never changes, and a new SORT then only compares, it never parses 100,000 stored strings again — and
 * the last few answers per mailbox, each valid for the one index version it was computed on, so a repeated SORT on an
 * unchanged mailbox is answered without sorting. The values that repeat in a mailbox (senders, base subjects, thread
 * roots) are kept once per mailbox. Bounded: past {@link #MAX_BYTES} the least recently used mailboxes go.
 * <p>
 * Keys the node has not kept are read from the mailbox's sort key file ({@link SortKeyFiles}: what was added since the
 * last read), so that the first SORT after a start reads one file — as Cyrus reads cyrus.cache — not 100,000 database
 * rows; keys read from the database after all are added to the file.
 */
@ApplicationScoped // a plain bean, as MessageCaches: SORT asks it for every message
public class SortFieldsCache {

    private static final Logger LOG = Logger.getLogger(SortFieldsCache.class.getName());

    /** About this many bytes of keys and answers are kept (a 100,000-message mailbox of threads takes ~30 MB). */
    static final long MAX_BYTES = 64_000_000L;
    /** What one message's keys cost beside their strings: the map's node and boxed UID, the record, its small parts. */
    private static final int OVERHEAD = 190;
    /** What one string costs beside its characters (header and array), and a pooled one its pool's node. */
    private static final int STRING = 40;
    private static final int POOLED = STRING + 48;
    /** Missing this many keys, a mailbox's stored keys are read in one query rather than one by one. */
    static final int BULK = 64;
    /** Answers kept per mailbox. */
    static final int ANSWERS = 4;
    /** A sort key file of this many segments is written again as one. */
    static final int MAX_SEGMENTS = 64;

    @EJB
    MessageStore store;

    @Inject
    Spool spool;

    @Inject
    MessageCaches caches;

    @Inject
    SortKeyFiles files;

    /** {@link #MAX_BYTES}, lower in tests. */
    long maxBytes = MAX_BYTES;

    private final Map<Long, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong clock = new AtomicLong();

    private static final class Entry {
        Map<Long, SortFields> byUid = new HashMap<>();
        /** One copy of each repeated value; {@link #bytes} counts each once. */
        Map<String, String> pool = new HashMap<>();
        final ArrayDeque<Answer> answers = new ArrayDeque<>();
        long bytes;
        long answersBytes;

        /** The kept copy of a value, kept now if new; counts what a new one costs. */
        String shared(String value) {
            if (value.isEmpty()) {
                return "";
            }
            String kept = pool.putIfAbsent(value, value);
            if (kept != null) {
                return kept;
            }
            pooledBytes += POOLED + value.length();
            return value;
        }

        long pooledBytes;
        volatile long lastUse;

        /** How far the sort key file has been read: the next read starts there. */
        long fileReadTo;
        /** Every key of the file up to {@link #fileReadTo} is in {@link #byUid} (false: read it whole next time). */
        boolean fileComplete = true;
    }

    /** An answer and the index version it holds for (weakly: a version no session holds is gone, and so is this). */
    private record Answer(WeakReference<MailboxIndex> view, Object request, Object value, long bytes) {
    }

    /**
     * The keys of some messages of a mailbox (rows of {@code view}), in their order: from memory, else from the
     * mailbox's sort key file, else from the database (and then added to the file).
     */
    public SortFields[] fields(long mailboxId, long uidValidity, String partition, MailboxIndex view, List<IndexRow> rows) {
        Entry e = entry(mailboxId);
        SortFields[] out = new SortFields[rows.size()];
        List<Integer> missing = new ArrayList<>();
        synchronized (e) {
            for (int i = 0; i < out.length; i++) {
                out[i] = e.byUid.get(rows.get(i).uid());
                if (out[i] == null) {
                    missing.add(i);
                }
            }
            if (!missing.isEmpty()) {
                readFile(e, mailboxId, partition, uidValidity, rows, out, missing);
                if (e.fileComplete && files.segments(mailboxId) >= MAX_SEGMENTS) {
                    rewriteFile(e, mailboxId, partition, uidValidity); // deliveries' many small segments as one
                }
            }
        }
        if (missing.isEmpty()) {
            evict(mailboxId);
            return out; // a mailbox read before, or whose file held every key: nothing parsed one by one
        }
        boolean bulk = missing.size() >= BULK;
        Map<Long, String> read = new HashMap<>(missing.size() * 2);
        if (bulk) {
            // the UIDs missing are mostly a run (a mailbox not read yet, or the newest deliveries): one range query
            long low = rows.get(missing.get(0)).uid();
            long high = low;
            for (int i : missing) {
                low = Math.min(low, rows.get(i).uid());
                high = Math.max(high, rows.get(i).uid());
            }
            Map<Long, String> all = store.sortFields(mailboxId, low, high, missing.size());
            for (int i : missing) {
                String s = all.get(rows.get(i).uid());
                if (s != null) {
                    read.put(rows.get(i).uid(), s);
                }
            }
        }
        Map<Long, String> backfill = new HashMap<>();
        for (int i : missing) {
            IndexRow r = rows.get(i);
            if (read.containsKey(r.uid())) {
                continue;
            }
            // a delivery of the last moments (its facts not written yet), or one the bulk read could not see
            String s = caches.pending(r.id()).map(MessageCacheData::sortFields).filter(f -> !f.isEmpty())
                    .or(() -> bulk ? Optional.empty() : store.sortFields(r.id())).orElse(null);
            if (s == null) {
                try {
                    s = MessageCacheData.sortFields(spool.messagePath(partition, mailboxId, r.uid())).serialize();
                    backfill.put(r.id(), s);
                } catch (NoSuchFileException gone) {
                    out[i] = SortFields.EMPTY; // expunged meanwhile: sorts as a message without header, not kept
                    continue;
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            }
            read.put(r.uid(), s);
        }
        synchronized (e) {
            long pooled = e.pooledBytes;
            List<SortKeyFileFormat.Keys> toFile = new ArrayList<>();
            boolean allKept = true;
            for (int i : missing) {
                long uid = rows.get(i).uid();
                String s = read.get(uid);
                if (s == null) {
                    continue;
                }
                SortFields known = e.byUid.get(uid); // another session's SORT may have read it meanwhile
                if (known != null) {
                    out[i] = known;
                    continue;
                }
                boolean keep = e.bytes < maxBytes; // a mailbox past the bound alone: read again next time
                out[i] = parse(s, keep ? e::shared : UnaryOperator.identity());
                toFile.add(new SortKeyFileFormat.Keys(uid, out[i]));
                allKept &= keep;
                if (keep) {
                    e.byUid.put(uid, out[i]);
                    e.bytes += cost(out[i]);
                    bytes.addAndGet(cost(out[i]));
                }
            }
            e.bytes += e.pooledBytes - pooled;
            bytes.addAndGet(e.pooledBytes - pooled);
            if (!forgetExpunged(e, view, mailboxId, partition, uidValidity)) {
                appendToFile(e, mailboxId, partition, uidValidity, toFile, allKept);
            }
        }
        if (!backfill.isEmpty()) {
            try {
                store.saveSortFields(backfill);
            } catch (RuntimeException ex) {
                // derived data: the next SORT after a restart reads the files again
                LOG.log(Level.WARNING, "MURDER-STORE-003 cannot store the sort fields of " + backfill.size() + " messages", ex);
            }
        }
        evict(mailboxId);
        return out;
    }

    private static SortFields parse(String stored, UnaryOperator<String> shared) {
        try {
            return SortFields.deserialize(stored, shared);
        } catch (IllegalArgumentException damaged) {
            return SortFields.EMPTY;
        }
    }

    /** What one message's kept keys cost beside the pooled values: the record and its Message-ID, not pooled. */
    private static long cost(SortFields f) {
        return OVERHEAD + STRING + f.messageId().length() + 4L * f.references().size();
    }

    /** An answer computed on exactly this index version for an equal request, if one is kept. */
    public Optional<Object> answer(long mailboxId, MailboxIndex view, Object request) {
        Entry e = entries.get(mailboxId);
        if (e == null) {
            return Optional.empty();
        }
        synchronized (e) {
            for (Answer a : e.answers) {
                if (a.view.get() == view && a.request.equals(request)) {
                    e.lastUse = clock.incrementAndGet();
                    return Optional.of(a.value);
                }
            }
        }
        return Optional.empty();
    }

    /** Keeps an answer for {@link #answer}; {@code size} is about what it holds, in bytes. */
    public void remember(long mailboxId, MailboxIndex view, Object request, Object value, long size) {
        Entry e = entry(mailboxId);
        synchronized (e) {
            e.answers.removeIf(a -> a.view.get() == null || a.request.equals(request));
            while (e.answers.size() >= ANSWERS) {
                e.answers.removeLast();
            }
            e.answers.addFirst(new Answer(new WeakReference<>(view), request, value, size));
            long held = e.answers.stream().mapToLong(Answer::bytes).sum();
            bytes.addAndGet(held - e.answersBytes);
            e.answersBytes = held;
        }
        evict(mailboxId);
    }

    /** About how many bytes are kept, keys and answers (for tests and the bound). */
    long heldBytes() {
        return bytes.get();
    }

    private Entry entry(long mailboxId) {
        Entry e = entries.computeIfAbsent(mailboxId, k -> new Entry());
        e.lastUse = clock.incrementAndGet();
        return e;
    }

    /**
     * Keys of messages long expunged go once they outnumber the mailbox's own, and the pool is built again from the
     * keys left, so that values only expunged messages had go too.
     */
    private boolean forgetExpunged(Entry e, MailboxIndex view, long mailboxId, String partition, long uidValidity) {
        if (e.byUid.size() <= 2 * view.size() + 1024) {
            return false;
        }
        e.byUid.keySet().removeIf(uid -> uid <= view.maxUid() && view.indexOf(uid) < 0);
        e.pool.clear();
        e.pooledBytes = 0;
        long kept = 0;
        for (SortFields f : e.byUid.values()) {
            kept += cost(f);
            e.shared(f.subject().base());
            e.shared(f.from());
            e.shared(f.to());
            e.shared(f.cc());
            e.shared(f.displayFrom());
            e.shared(f.displayTo());
            f.references().forEach(e::shared);
        }
        kept += e.pooledBytes;
        bytes.addAndGet(kept - e.bytes);
        e.bytes = kept;
        if (e.fileComplete) {
            rewriteFile(e, mailboxId, partition, uidValidity);
        }
        return e.fileComplete;
    }

    /**
     * Reads what the mailbox's sort key file holds beyond what was read before (under the entry's lock): the keys
     * wanted go to {@code out} and leave {@code missing}; every key is kept while the bound allows.
     */
    private void readFile(Entry e, long mailboxId, String partition, long uidValidity, List<IndexRow> rows,
                          SortFields[] out, List<Integer> missing) {
        if (e.byUid.isEmpty()) { // sized for what is asked for: a first SORT of a big mailbox grows no table
            e.byUid = new HashMap<>(missing.size() * 4 / 3 + 16);
            Map<String, String> pool = new HashMap<>(Math.max(e.pool.size(), missing.size()) * 4 / 3 + 16);
            pool.putAll(e.pool);
            e.pool = pool;
        }
        Map<Long, Integer> overBound = new HashMap<>(); // the wanted keys of a mailbox past the bound alone
        long pooled = e.pooledBytes;
        boolean[] all = {true};
        long end = files.read(mailboxId, partition, uidValidity, e.fileComplete ? e.fileReadTo : 0,
                v -> e.bytes < maxBytes ? e.shared(v) : v,
                (uid, f) -> {
                    if (e.bytes < maxBytes) {
                        if (e.byUid.putIfAbsent(uid, f) == null) {
                            e.bytes += cost(f);
                            bytes.addAndGet(cost(f));
                        }
                        return;
                    }
                    if (all[0]) { // the file is read whole again next time, for what is not kept
                        all[0] = false;
                        for (int i : missing) {
                            overBound.put(rows.get(i).uid(), i);
                        }
                    }
                    Integer i = overBound.get(uid);
                    if (i != null) {
                        out[i] = f;
                    }
                });
        e.fileReadTo = Math.max(end, 0);
        e.fileComplete = end >= 0 && all[0];
        e.bytes += e.pooledBytes - pooled;
        bytes.addAndGet(e.pooledBytes - pooled);
        for (int i : missing) {
            if (out[i] == null) {
                out[i] = e.byUid.get(rows.get(i).uid());
            }
        }
        missing.removeIf(i -> out[i] != null);
    }

    /** Adds what was read from the database to the file, as a segment. */
    private void appendToFile(Entry e, long mailboxId, String partition, long uidValidity,
                              List<SortKeyFileFormat.Keys> keys, boolean allKept) {
        if (keys.isEmpty()) {
            return;
        }
        long[] at = files.append(mailboxId, partition, uidValidity, keys);
        if (at != null && at[0] == e.fileReadTo && e.fileComplete && allKept) {
            e.fileReadTo = at[1]; // these keys are in memory already
        }
    }

    private void rewriteFile(Entry e, long mailboxId, String partition, long uidValidity) {
        List<SortKeyFileFormat.Keys> keys = new ArrayList<>(e.byUid.size());
        e.byUid.forEach((uid, f) -> keys.add(new SortKeyFileFormat.Keys(uid, f)));
        keys.sort(java.util.Comparator.comparingLong(SortKeyFileFormat.Keys::uid));
        long end = files.rewrite(mailboxId, partition, uidValidity, keys);
        e.fileReadTo = Math.max(end, 0);
        e.fileComplete = end >= 0;
    }

    /** Forgets a mailbox's keys, in memory and on disk (its messages may no longer be what its UIDs were). */
    public void forget(long mailboxId, String partition) {
        Entry gone = entries.remove(mailboxId);
        if (gone != null) {
            synchronized (gone) {
                bytes.addAndGet(-(gone.bytes + gone.answersBytes));
            }
        }
        files.delete(mailboxId, partition);
    }

    /** Least recently used mailboxes go (never the one in use) until the bound holds. */
    private void evict(long inUse) {
        while (bytes.get() > maxBytes) {
            Map.Entry<Long, Entry> oldest = null;
            for (Map.Entry<Long, Entry> kv : entries.entrySet()) {
                if (kv.getKey() != inUse && (oldest == null || kv.getValue().lastUse < oldest.getValue().lastUse)) {
                    oldest = kv;
                }
            }
            if (oldest == null || !entries.remove(oldest.getKey(), oldest.getValue())) {
                return; // only the mailbox in use is left: it may exceed the bound alone
            }
            Entry gone = oldest.getValue();
            synchronized (gone) {
                bytes.addAndGet(-(gone.bytes + gone.answersBytes));
            }
        }
    }
}
