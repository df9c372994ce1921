package org.murder.store;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.murder.store.MessageStore.IndexRow;

/**
 * The indexes of big mailboxes, kept between SELECTs (Cyrus reads its mmap'ed cyrus.index; we would read
 * 100,000 rows from the database each time). An entry is valid for the mailbox's HIGHESTMODSEQ: every change
 * (append, flags, expunge) takes a new MODSEQ, so a newer one brings only the rows changed since, merged in by
 * UID. Rows gone (expunged) show as a count that no longer matches the mailbox's, and the index is read whole.
 * Entries are immutable lists shared by every session; the least recently used go when the rows exceed a bound.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class MailboxIndexes {

    /** Smaller mailboxes are read whole each time: cheap, and not worth the memory. */
    static final int MIN_ROWS = 1000;
    /** About 130 bytes a row: ≈ 50 MB at most. */
    static final int MAX_ROWS = 400_000;

    private record Entry(long modSeq, List<IndexRow> rows) {
    }

    private final Map<Long, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long rows;

    /**
     * The index of a mailbox whose HIGHESTMODSEQ and message count were just read.
     *
     * @param changedSince rows with a MODSEQ above the argument, in UID order (0: all rows)
     */
    public List<IndexRow> index(long mailboxId, long highestModSeq, long messages, LongFunction<List<IndexRow>> changedSince) {
        Entry cached;
        synchronized (this) {
            cached = entries.get(mailboxId);
        }
        List<IndexRow> index = null;
        if (cached != null && cached.modSeq() == highestModSeq && cached.rows().size() == messages) {
            return cached.rows();
        }
        if (cached != null && cached.modSeq() < highestModSeq) {
            List<IndexRow> merged = merge(cached.rows(), changedSince.apply(cached.modSeq()));
            if (merged.size() == messages) {
                index = merged;
            }
        }
        if (index == null) {
            index = List.copyOf(changedSince.apply(0));
        }
        remember(mailboxId, new Entry(highestModSeq, index));
        return index;
    }

    /** Forget a mailbox (deleted, reconstructed). */
    public synchronized void forget(long mailboxId) {
        Entry e = entries.remove(mailboxId);
        if (e != null) {
            rows -= e.rows().size();
        }
    }

    private synchronized void remember(long mailboxId, Entry entry) {
        forget(mailboxId);
        if (entry.rows().size() < MIN_ROWS || entry.rows().size() > MAX_ROWS) {
            return;
        }
        entries.put(mailboxId, entry);
        rows += entry.rows().size();
        var eldest = entries.entrySet().iterator();
        while (rows > MAX_ROWS && eldest.hasNext()) {
            var e = eldest.next();
            rows -= e.getValue().rows().size();
            eldest.remove();
        }
    }

    /** Both in UID order; a changed row replaces the cached row of its UID, a new UID is inserted in order. */
    static List<IndexRow> merge(List<IndexRow> cached, List<IndexRow> changed) {
        List<IndexRow> out = new ArrayList<>(cached.size() + changed.size());
        int i = 0;
        int j = 0;
        while (i < cached.size() || j < changed.size()) {
            if (j == changed.size()) {
                out.add(cached.get(i++));
            } else if (i == cached.size()) {
                out.add(changed.get(j++));
            } else {
                long a = cached.get(i).uid();
                long b = changed.get(j).uid();
                if (a < b) {
                    out.add(cached.get(i++));
                } else if (b < a) {
                    out.add(changed.get(j++));
                } else {
                    out.add(changed.get(j++));
                    i++;
                }
            }
        }
        return List.copyOf(out);
    }
}
