package org.murder.store;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.murder.store.MessageStore.IndexRow;

/**
 * The newest {@link MailboxIndex} of each mailbox in use, one per mailbox for the whole node. A version is valid
 * for the mailbox's HIGHESTMODSEQ: every change (append, flags, expunge) takes a new MODSEQ, so a newer one brings
 * only the rows changed and the UIDs expunged since, applied to the chunks they touch. A message count that still
 * differs after that (records of expunges forgotten, a reconstruct) makes the index be read whole again.
 *
 * <p>A mailbox some session has selected stays (its sessions share its versions); the others are kept while
 * their rows fit a bound, least recently used first to go.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class MailboxIndexes {

    /** Mailboxes nobody has selected are kept up to about this many rows (≈ 32 bytes each)… */
    static final int MAX_IDLE_ROWS = 1_000_000;
    /** …and up to this many mailboxes. */
    static final int MAX_IDLE_MAILBOXES = 5_000;

    /** What the database says of a mailbox: its HIGHESTMODSEQ and message count, or that it is gone. */
    public record Head(long highestModSeq, long messages) {
        public static final Head GONE = new Head(-1, 0);
    }

    /** Reads what the index is built from. */
    public interface Source {
        Head head(long mailboxId);

        /** Rows with a MODSEQ above the argument, in UID order (0: all rows). */
        List<IndexRow> changedSince(long mailboxId, long modSeq);

        /** UIDs expunged with a MODSEQ above the argument, ascending. */
        long[] expungedSince(long mailboxId, long modSeq);
    }

    /** A version refreshed longer ago than this is read whole again: the records of expunges may be gone. */
    static final long DELTA_HORIZON_MILLIS = 24L * 3600 * 1000;

    private static final class Entry {
        volatile MailboxIndex index;
        long refreshedAt;
        /** Changes of this node that came before the one they follow, by the MODSEQ they start from. */
        final java.util.TreeMap<Long, Change> pending = new java.util.TreeMap<>();
        int users;
        volatile long lastUse;
        /** A session is reading the whole mailbox: the others wait for its version rather than read it too. */
        boolean loading;
    }

    /** How long a session waits for another's whole read of a mailbox before it reads for itself. */
    static final long LOAD_WAIT_NANOS = 60_000_000_000L;

    private final Map<Long, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong();

    /** The newest version known, without asking the database (null when the mailbox is not loaded). */
    public MailboxIndex known(long mailboxId) {
        Entry e = entries.get(mailboxId);
        if (e == null) {
            return null;
        }
        e.lastUse = clock.incrementAndGet();
        return e.index;
    }

    /** The index as of the database's current state: the newest version, brought up to date if it is behind. */
    public MailboxIndex current(long mailboxId, Source source) {
        Head head = source.head(mailboxId);
        if (head.highestModSeq() < 0) {
            forget(mailboxId);
            return MailboxIndex.EMPTY;
        }
        Entry e = entries.computeIfAbsent(mailboxId, k -> new Entry());
        e.lastUse = clock.incrementAndGet();
        MailboxIndex base;
        long refreshedAt;
        boolean loader = false;
        synchronized (e) {
            applyPending(e);
            // this node's own changes reach the index in memory a moment after their commit (applyIfNext): wait a
            // little for them rather than read the mailbox's changes from the database
            long deadline = System.nanoTime() + 100_000_000L;
            while (e.index != null && e.index.highestModSeq() < head.highestModSeq() && System.nanoTime() < deadline) {
                try {
                    e.wait(5);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
                applyPending(e);
            }
            // many sessions opening a big mailbox at once (a node's start, a client's reconnect storm) read it
            // once: the first reads it whole, the others wait for that version and bring it up to date from there
            long loadDeadline = System.nanoTime() + LOAD_WAIT_NANOS;
            while (e.index == null && e.loading && System.nanoTime() < loadDeadline) {
                try {
                    e.wait(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            applyPending(e);
            base = e.index;
            if (base != null && (base.highestModSeq() > head.highestModSeq()
                    || base.highestModSeq() == head.highestModSeq() && base.size() == head.messages())) {
                // as new as what was just read, or the same
                return base;
            }
            refreshedAt = e.refreshedAt;
            if (base == null) {
                e.loading = true;
                loader = true;
            }
        }
        try {
            return refresh(mailboxId, source, e, base, refreshedAt, head);
        } finally {
            if (loader) {
                synchronized (e) {
                    e.loading = false;
                    e.notifyAll();
                }
            }
        }
    }

    private MailboxIndex refresh(long mailboxId, Source source, Entry e, MailboxIndex base, long refreshedAt, Head head) {
        // the database is read without the entry's lock, so this node's deliveries never wait for it
        long nowMillis = System.currentTimeMillis();
        MailboxIndex read = null;
        if (base != null && base.highestModSeq() < head.highestModSeq() && nowMillis - refreshedAt < DELTA_HORIZON_MILLIS) {
            // rows and expunges since: complete while the records of expunges are (see expunge_days). The count
            // is not compared: deliveries committed between the reads make it differ, and are applied again
            // (idempotently) at the next refresh, which starts from the older MODSEQ read here
            long since = base.highestModSeq();
            read = base.apply(source.changedSince(mailboxId, since), source.expungedSince(mailboxId, since),
                    head.highestModSeq());
        }
        if (read == null) {
            // first use, a change that took no MODSEQ (reconstruct), or a version too old for the records
            read = MailboxIndex.of(source.changedSince(mailboxId, 0), head.highestModSeq());
        }
        MailboxIndex now;
        synchronized (e) {
            MailboxIndex moved = e.index;
            if (moved != null && moved != base && moved.highestModSeq() >= read.highestModSeq()) {
                now = moved; // others brought it as far meanwhile: keep theirs (its chunks are the ones shared)
            } else {
                e.index = read;
                e.refreshedAt = nowMillis;
                e.pending.headMap(read.highestModSeq()).clear();
                applyPending(e);
                now = e.index;
            }
            e.notifyAll();
        }
        trim();
        return now;
    }

    /**
     * A change this node just committed, applied in memory when it is the very next one the kept version lacks
     * (its MODSEQs follow the version's): a delivery to a selected mailbox then costs no database read. Anything
     * else (out of order, not kept) is left to {@link #current}, which reads what changed.
     *
     * @param upserts  rows added or changed, in UID order
     * @param removed  UIDs expunged, ascending
     * @param fromModSeq the mailbox's HIGHESTMODSEQ before the change
     * @param toModSeq   after it
     */
    public void applyIfNext(long mailboxId, List<IndexRow> upserts, long[] removed, long fromModSeq, long toModSeq) {
        Entry e = entries.get(mailboxId);
        if (e == null || toModSeq <= fromModSeq) {
            return;
        }
        synchronized (e) {
            MailboxIndex cached = e.index;
            if (cached == null || fromModSeq < cached.highestModSeq()) {
                return; // already in (a read got it first)
            }
            // concurrent deliveries commit in MODSEQ order but may report out of it: one that comes early waits
            // for the one before it, so the version still never needs a database read
            e.pending.put(fromModSeq, new Change(upserts, removed, toModSeq));
            if (e.pending.size() > MAX_PENDING) {
                e.pending.clear(); // a change got lost: the next read brings the version up to date
            }
            applyPending(e);
            e.notifyAll();
        }
    }

    /** A change waiting for the one before it. */
    private record Change(List<IndexRow> upserts, long[] removed, long toModSeq) {
    }

    /** Changes that came early are kept up to this many. */
    static final int MAX_PENDING = 256;

    private static void applyPending(Entry e) {
        MailboxIndex index = e.index;
        Change next;
        while (index != null && (next = e.pending.remove(index.highestModSeq())) != null) {
            index = index.apply(next.upserts(), next.removed(), next.toModSeq());
        }
        e.pending.headMap(index == null ? 0 : index.highestModSeq()).clear();
        if (index != e.index) {
            e.index = index;
            e.refreshedAt = System.currentTimeMillis();
        }
    }

    /** A session selected the mailbox: its index stays while any session has it selected. */
    public void use(long mailboxId) {
        Entry e = entries.computeIfAbsent(mailboxId, k -> new Entry());
        synchronized (e) {
            e.users++;
        }
    }

    /** A session that selected the mailbox left it. */
    public void release(long mailboxId) {
        Entry e = entries.get(mailboxId);
        if (e != null) {
            synchronized (e) {
                e.users = Math.max(0, e.users - 1);
            }
        }
    }

    /** Forget a mailbox (deleted, reconstructed): the next use reads it whole. */
    public void forget(long mailboxId) {
        entries.remove(mailboxId);
    }

    /** How many sessions have the mailbox selected (tests, status). */
    public int users(long mailboxId) {
        Entry e = entries.get(mailboxId);
        return e == null ? 0 : e.users;
    }

    /** Drops the least recently used mailboxes nobody has selected while they exceed the bounds (after a load). */
    /** Selections over all mailboxes, and how many mailboxes have one (status). */
    public long[] selections() {
        long users = 0;
        long mailboxes = 0;
        for (Entry e : entries.values()) {
            if (e.users > 0) {
                users += e.users;
                mailboxes++;
            }
        }
        return new long[] {users, mailboxes};
    }

    private void trim() {
        while (true) {
            long idleRows = 0;
            int idle = 0;
            Map.Entry<Long, Entry> oldest = null;
            for (Map.Entry<Long, Entry> candidate : entries.entrySet()) {
                Entry e = candidate.getValue();
                MailboxIndex i = e.index;
                if (e.users == 0 && i != null) {
                    idleRows += i.size();
                    idle++;
                    if (oldest == null || e.lastUse < oldest.getValue().lastUse) {
                        oldest = candidate;
                    }
                }
            }
            if (oldest == null || idleRows <= MAX_IDLE_ROWS && idle <= MAX_IDLE_MAILBOXES) {
                return;
            }
            entries.remove(oldest.getKey(), oldest.getValue());
        }
    }
}
