package org.murder.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.murder.store.MessageStore.IndexRow;

class MailboxIndexesTest {

    static IndexRow row(long uid, long modSeq, boolean seen) {
        return new IndexRow(uid + 1000, uid, modSeq, MessageFlags.of(seen, false, false, false, false, List.of()), 10,
                Instant.ofEpochSecond(1_700_000_000L + uid));
    }

    /** A mailbox as the database would answer: rows by UID with their MODSEQ, and records of expunges. */
    static class Box implements MailboxIndexes.Source {
        final List<IndexRow> rows = new ArrayList<>();
        final List<long[]> expunged = new ArrayList<>();
        long modSeq;
        boolean gone;
        boolean forgetExpunges;
        final AtomicInteger fullReads = new AtomicInteger();
        final AtomicInteger deltaReads = new AtomicInteger();

        Box(int n) {
            for (int u = 1; u <= n; u++) {
                rows.add(row(u, ++modSeq, false));
            }
        }

        @Override
        public MailboxIndexes.Head head(long mailboxId) {
            return gone ? MailboxIndexes.Head.GONE : new MailboxIndexes.Head(modSeq, rows.size());
        }

        @Override
        public List<IndexRow> changedSince(long mailboxId, long since) {
            (since == 0 ? fullReads : deltaReads).incrementAndGet();
            return rows.stream().filter(r -> r.modSeq() > since).toList();
        }

        @Override
        public long[] expungedSince(long mailboxId, long since) {
            return forgetExpunges ? new long[0]
                    : expunged.stream().filter(e -> e[1] > since).mapToLong(e -> e[0]).sorted().toArray();
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
            expunged.add(new long[] {rows.remove(position).uid(), ++modSeq});
        }
    }

    @Test
    void aMailboxIsReadWholeOnceThenOnlyItsChanges() {
        MailboxIndexes indexes = new MailboxIndexes();
        Box box = new Box(3000);
        MailboxIndex first = indexes.current(7, box);
        assertEquals(box.rows, first.rows());
        assertSame(first, indexes.current(7, box), "unchanged: the same shared version");
        assertEquals(1, box.fullReads.get());

        box.append();
        box.see(3);
        box.append();
        MailboxIndex second = indexes.current(7, box);
        assertEquals(box.rows, second.rows());
        assertEquals(1, box.fullReads.get());
        assertEquals(1, box.deltaReads.get());

        box.expunge(5);
        box.expunge(0);
        box.append();
        assertEquals(box.rows, indexes.current(7, box).rows(), "expunges come from their records, not a whole read");
        assertEquals(1, box.fullReads.get());
        assertSame(indexes.known(7), indexes.current(7, box));
    }

    @Test
    void sessionsOpeningAMailboxAtOnceReadItWholeOnce() throws Exception {
        MailboxIndexes indexes = new MailboxIndexes();
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        Box box = new Box(3000) {
            @Override
            public List<IndexRow> changedSince(long mailboxId, long since) {
                if (since == 0) {
                    reading.countDown();
                    try {
                        Thread.sleep(300); // a big mailbox's rows take a while
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.changedSince(mailboxId, since);
            }
        };
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<MailboxIndex>> opened = new ArrayList<>();
            opened.add(pool.submit(() -> indexes.current(7, box)));
            reading.await();
            for (int i = 0; i < 7; i++) {
                opened.add(pool.submit(() -> indexes.current(7, box)));
            }
            MailboxIndex first = opened.get(0).get();
            for (java.util.concurrent.Future<MailboxIndex> f : opened) {
                assertSame(first, f.get(), "every session shares the one version read");
            }
            assertEquals(1, box.fullReads.get(), "read whole once, not once per session");
            assertEquals(box.rows, first.rows());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedWholeReadLetsTheNextSessionRead() {
        MailboxIndexes indexes = new MailboxIndexes();
        AtomicInteger failures = new AtomicInteger(1);
        Box box = new Box(10) {
            @Override
            public List<IndexRow> changedSince(long mailboxId, long since) {
                if (failures.getAndDecrement() > 0) {
                    throw new IllegalStateException("database gone");
                }
                return super.changedSince(mailboxId, since);
            }
        };
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> indexes.current(7, box));
        assertEquals(box.rows, indexes.current(7, box).rows(), "no session is left waiting for a read that failed");
    }

    @Test
    void thisNodesNextChangeIsAppliedInMemoryWithoutARead() {
        MailboxIndexes indexes = new MailboxIndexes();
        Box box = new Box(3000);
        indexes.current(7, box);
        long before = box.modSeq;
        box.append();
        IndexRow appended = box.rows.get(box.rows.size() - 1);
        indexes.applyIfNext(7, List.of(appended), new long[0], before, box.modSeq);
        assertEquals(box.rows, indexes.known(7).rows());
        indexes.current(7, box);
        assertEquals(0, box.deltaReads.get(), "the delivery cost no database read");
        assertEquals(1, box.fullReads.get());

        // out of order (a MODSEQ the kept version does not follow from): left to the next read
        long skipped = box.modSeq;
        box.see(0);
        box.see(1);
        indexes.applyIfNext(7, List.of(box.rows.get(1)), new long[0], skipped + 1, box.modSeq);
        assertEquals(skipped, indexes.known(7).highestModSeq());
        assertEquals(box.rows, indexes.current(7, box).rows());
        assertEquals(1, box.deltaReads.get());
    }

    @Test
    void changesReportedOutOfOrderWaitForTheOneBefore() {
        MailboxIndexes indexes = new MailboxIndexes();
        Box box = new Box(3000);
        indexes.current(7, box);
        long m0 = box.modSeq;
        box.append();
        IndexRow first = box.rows.get(box.rows.size() - 1);
        box.append();
        IndexRow second = box.rows.get(box.rows.size() - 1);
        indexes.applyIfNext(7, List.of(second), new long[0], m0 + 1, m0 + 2); // its predecessor not yet reported
        assertEquals(m0, indexes.known(7).highestModSeq());
        indexes.applyIfNext(7, List.of(first), new long[0], m0, m0 + 1);
        assertEquals(m0 + 2, indexes.known(7).highestModSeq());
        assertEquals(box.rows, indexes.current(7, box).rows());
        assertEquals(0, box.deltaReads.get(), "no database read for either");
    }

    @Test
    void aChangeWithoutModSeqIsReadWhole() {
        MailboxIndexes indexes = new MailboxIndexes();
        Box box = new Box(50);
        indexes.current(7, box);
        box.rows.remove(10); // as a reconstruct might: the count changes, the MODSEQ does not
        assertEquals(box.rows, indexes.current(7, box).rows());
        assertEquals(2, box.fullReads.get());
    }

    @Test
    void aVersionNewerThanWhatWasReadIsKept() {
        MailboxIndexes indexes = new MailboxIndexes();
        Box box = new Box(50);
        MailboxIndex first = indexes.current(7, box);
        // a reader that read the head before another thread refreshed: it gets the newer version, not a reload
        MailboxIndexes.Source stale = new MailboxIndexes.Source() {
            @Override
            public MailboxIndexes.Head head(long mailboxId) {
                return new MailboxIndexes.Head(first.highestModSeq() - 1, 49);
            }

            @Override
            public List<IndexRow> changedSince(long mailboxId, long modSeq) {
                throw new AssertionError("no read needed");
            }

            @Override
            public long[] expungedSince(long mailboxId, long modSeq) {
                throw new AssertionError("no read needed");
            }
        };
        assertSame(first, indexes.current(7, stale));
    }

    @Test
    void aMailboxGoneIsEmptyAndForgotten() {
        MailboxIndexes indexes = new MailboxIndexes();
        Box box = new Box(5);
        indexes.current(7, box);
        box.gone = true;
        assertSame(MailboxIndex.EMPTY, indexes.current(7, box));
        assertNull(indexes.known(7));
    }

    @Test
    void forgetDropsTheEntry() {
        MailboxIndexes indexes = new MailboxIndexes();
        Box box = new Box(10);
        MailboxIndex first = indexes.current(7, box);
        indexes.forget(7);
        assertNotSame(first, indexes.current(7, box));
        assertEquals(2, box.fullReads.get());
    }

    @Test
    void mailboxesInUseStayAndIdleOnesGoPastTheBound() {
        MailboxIndexes indexes = new MailboxIndexes();
        Box big = new Box(MailboxIndexes.MAX_IDLE_ROWS / 2 + 1);
        indexes.use(1);
        indexes.current(1, big);
        indexes.current(2, big);
        indexes.current(3, big); // idle rows now over the bound: the least recently used idle one goes
        assertEquals(1, indexes.users(1));
        assertSame(indexes.known(1), indexes.current(1, big));
        assertNull(indexes.known(2));
        indexes.release(1);
        assertEquals(0, indexes.users(1));
    }
}
