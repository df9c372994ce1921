package org.murder.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.murder.store.MessageStore.IndexRow;

class MailboxIndexesTest {

    private static IndexRow row(long uid, long modSeq, boolean seen) {
        return new IndexRow(uid + 1000, uid, modSeq, MessageFlags.of(seen, false, false, false, false, List.of()), 10,
                Instant.EPOCH);
    }

    /** A mailbox in memory: rows by UID, each with its MODSEQ, as the database would answer. */
    private static final class Box {
        final List<IndexRow> rows = new ArrayList<>();
        long modSeq;
        final AtomicInteger fullReads = new AtomicInteger();
        final AtomicInteger deltaReads = new AtomicInteger();

        Box(int n) {
            for (int u = 1; u <= n; u++) {
                rows.add(row(u, ++modSeq, false));
            }
        }

        final LongFunction<List<IndexRow>> loader = since -> {
            (since == 0 ? fullReads : deltaReads).incrementAndGet();
            return rows.stream().filter(r -> r.modSeq() > since).toList();
        };

        List<IndexRow> index(MailboxIndexes cache) {
            return cache.index(7, modSeq, rows.size(), loader);
        }

        void append() {
            long uid = rows.get(rows.size() - 1).uid() + 1;
            rows.add(row(uid, ++modSeq, false));
        }

        void see(int position) {
            IndexRow r = rows.get(position);
            rows.set(position, row(r.uid(), ++modSeq, true));
        }

        void expunge(int position) {
            rows.remove(position);
            ++modSeq;
        }
    }

    @Test
    void aBigMailboxIsReadWholeOnceThenOnlyItsChanges() {
        MailboxIndexes cache = new MailboxIndexes();
        Box box = new Box(MailboxIndexes.MIN_ROWS + 10);
        List<IndexRow> first = box.index(cache);
        assertEquals(box.rows, first);
        assertSame(first, box.index(cache), "unchanged: the same shared list");
        assertEquals(1, box.fullReads.get());

        box.append();
        box.see(3);
        box.append();
        assertEquals(box.rows, box.index(cache));
        assertEquals(1, box.fullReads.get());
        assertEquals(1, box.deltaReads.get());

        box.expunge(5);
        assertEquals(box.rows, box.index(cache), "an expunge shows in the count: read whole");
        assertEquals(2, box.fullReads.get());

        box.expunge(0);
        box.append();
        assertEquals(box.rows, box.index(cache), "one gone and one new: the count alone would match, the merge does not");
    }

    @Test
    void smallMailboxesAreNotKept() {
        MailboxIndexes cache = new MailboxIndexes();
        Box box = new Box(10);
        box.index(cache);
        box.index(cache);
        assertEquals(2, box.fullReads.get());
    }

    @Test
    void forgetDropsTheEntry() {
        MailboxIndexes cache = new MailboxIndexes();
        Box box = new Box(MailboxIndexes.MIN_ROWS);
        box.index(cache);
        cache.forget(7);
        box.index(cache);
        assertEquals(2, box.fullReads.get());
    }

    @Test
    void mergeReplacesByUidAndInsertsInOrder() {
        List<IndexRow> cached = List.of(row(1, 1, false), row(3, 2, false), row(5, 3, false));
        List<IndexRow> changed = List.of(row(3, 9, true), row(6, 10, false));
        assertEquals(List.of(row(1, 1, false), row(3, 9, true), row(5, 3, false), row(6, 10, false)),
                MailboxIndexes.merge(cached, changed));
        assertEquals(cached, MailboxIndexes.merge(cached, List.of()));
        assertEquals(changed, MailboxIndexes.merge(List.of(), changed));
    }
}
