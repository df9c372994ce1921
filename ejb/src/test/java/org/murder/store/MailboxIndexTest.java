package org.murder.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.store.MailboxIndexesTest.row;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.murder.store.MessageStore.IndexRow;

class MailboxIndexTest {

    private static List<IndexRow> rows(int n) {
        List<IndexRow> out = new ArrayList<>();
        for (int u = 1; u <= n; u++) {
            out.add(row(u * 2L, u, false));
        }
        return out;
    }

    @Test
    void positionsAndUidsOverManyChunks() {
        List<IndexRow> rows = rows(5000);
        MailboxIndex index = MailboxIndex.of(rows, 5000);
        assertEquals(5000, index.size());
        assertEquals(10000, index.maxUid());
        for (int i = 0; i < rows.size(); i += 37) {
            assertEquals(rows.get(i), index.row(i));
            assertEquals(i, index.indexOf(rows.get(i).uid()));
            assertEquals(-1, index.indexOf(rows.get(i).uid() + 1));
            assertEquals(i + 1, index.firstAtOrAbove(rows.get(i).uid() + 1));
        }
        assertEquals(0, index.firstAtOrAbove(0));
        assertEquals(5000, index.firstAtOrAbove(10001));
        assertEquals(5, index.countBetween(0, 10));
        assertEquals(0, index.countBetween(10, 10));
        assertEquals(rows, index.rows());
    }

    @Test
    void sentDatesStayWithTheirMessagesThroughChanges() {
        List<IndexRow> rows = new ArrayList<>();
        for (int u = 1; u <= 3 * MailboxIndex.CHUNK; u++) {
            IndexRow r = row(u, u, false);
            rows.add(new IndexRow(r.id(), r.uid(), r.modSeq(), r.flags(), r.size(), r.internalDate(),
                    u % 7 == 0 ? IndexRow.NO_SENT_DATE : 1_000_000L - u));
        }
        MailboxIndex index = MailboxIndex.of(rows, 5000)
                .apply(List.of(row(10, 5001, true)), new long[] {3, 4}, 5001); // a flag change and two expunges
        assertEquals(3 * MailboxIndex.CHUNK - 2, index.size());
        assertEquals(1_000_000L - 1, index.sentDate(0));
        assertEquals(1_000_000L - 5, index.sentDate(2), "after the expunged ones");
        assertEquals(IndexRow.NO_SENT_DATE, index.sentDate(index.indexOf(7)));
        assertEquals(IndexRow.NO_SENT_DATE, index.sentDate(index.indexOf(10)), "the flag change's row brings its own");
        assertEquals(1_000_000L - 3 * MailboxIndex.CHUNK, index.row(index.size() - 1).sentDate());
    }

    @Test
    void aChangeCopiesOnlyTheChunksItTouches() {
        MailboxIndex before = MailboxIndex.of(rows(10 * MailboxIndex.CHUNK), 100);
        MailboxIndex flag = before.apply(List.of(row(2, 101, true)), new long[0], 101);
        assertEquals(9, flag.sharedChunks(before), "a flag on the first message copies the first chunk only");
        MailboxIndex appended = flag.apply(List.of(row(100_000, 102, false)), new long[0], 102);
        assertEquals(9, appended.sharedChunks(flag), "a new message copies the last chunk only");
        assertEquals(10 * MailboxIndex.CHUNK + 1, appended.size());
        MailboxIndex expunged = appended.apply(List.of(), new long[] {4, 6}, 103);
        assertEquals(10 * MailboxIndex.CHUNK - 1, expunged.size());
        assertEquals(10, expunged.sharedChunks(appended), "of 11 chunks, the first is copied");
        assertTrue(flag.flags(0).seen());
        assertEquals(8, expunged.uid(1));
    }

    @Test
    void applyAgreesWithAModelUnderRandomChanges() {
        Random random = new Random(42);
        TreeMap<Long, IndexRow> model = new TreeMap<>();
        rows(3000).forEach(r -> model.put(r.uid(), r));
        MailboxIndex index = MailboxIndex.of(new ArrayList<>(model.values()), 3000);
        long modSeq = 3000;
        long nextUid = 6001;
        for (int round = 0; round < 300; round++) {
            TreeMap<Long, IndexRow> upserts = new TreeMap<>();
            List<Long> removed = new ArrayList<>();
            List<Long> uids = new ArrayList<>(model.keySet());
            modSeq++;
            for (int k = random.nextInt(20); k > 0 && !uids.isEmpty(); k--) {
                long uid = uids.get(random.nextInt(uids.size()));
                if (removed.contains(uid)) {
                    continue; // the database has no row for an expunged UID
                }
                if (random.nextBoolean()) {
                    upserts.put(uid, row(uid, modSeq, random.nextBoolean()));
                } else {
                    removed.add(uid);
                    upserts.remove(uid);
                }
            }
            for (int k = random.nextInt(3); k > 0; k--) {
                long uid = nextUid++;
                upserts.put(uid, row(uid, modSeq, false));
            }
            removed.forEach(model::remove);
            upserts.values().forEach(r -> model.put(r.uid(), r));
            MailboxIndex next = index.apply(new ArrayList<>(upserts.values()),
                    removed.stream().mapToLong(Long::longValue).sorted().toArray(), modSeq);
            assertEquals(new ArrayList<>(model.values()), next.rows(), "round " + round);

            List<Long> seenRemoved = new ArrayList<>();
            List<Long> seenAdded = new ArrayList<>();
            List<Long> seenChanged = new ArrayList<>();
            MailboxIndex.diff(index, next, new MailboxIndex.Differences() {
                @Override
                public void removed(IndexRow old) {
                    seenRemoved.add(old.uid());
                }

                @Override
                public void changed(IndexRow old, IndexRow now) {
                    seenChanged.add(now.uid());
                }

                @Override
                public void added(IndexRow now) {
                    seenAdded.add(now.uid());
                }
            });
            assertEquals(removed.stream().sorted().toList(), seenRemoved);
            MailboxIndex previous = index;
            assertEquals(upserts.keySet().stream().filter(u -> previous.indexOf(u) < 0).toList(), seenAdded);
            assertEquals(upserts.keySet().stream().filter(u -> previous.indexOf(u) >= 0).toList(), seenChanged);
            index = next;
        }
    }

    @Test
    void keywordsAndFirstUnseen() {
        List<IndexRow> rows = new ArrayList<>(rows(3));
        rows.set(1, new IndexRow(7, 4, 2, MessageFlags.of(true, false, false, false, false, List.of("$Junk", "Work")), 1,
                rows.get(1).internalDate()));
        rows.set(0, row(2, 1, true));
        MailboxIndex index = MailboxIndex.of(rows, 3);
        assertEquals(List.of("$Junk", "Work"), List.copyOf(index.keywords()));
        assertEquals(2, index.firstUnseen());
        assertEquals(-1, MailboxIndex.EMPTY.firstUnseen());
        assertSame(index, index.apply(List.of(), new long[0], 3));
    }

    @Test
    void manyExpungesLayTheIndexOutAgain() {
        MailboxIndex index = MailboxIndex.of(rows(20 * MailboxIndex.CHUNK), 1);
        long modSeq = 1;
        // empty most chunks but one message each
        for (int k = 0; k < 20; k++) {
            List<Long> gone = new ArrayList<>();
            for (int i = 1; i < MailboxIndex.CHUNK; i++) {
                gone.add(2L * (k * MailboxIndex.CHUNK + i + 1));
            }
            index = index.apply(List.of(), gone.stream().mapToLong(Long::longValue).toArray(), ++modSeq);
        }
        assertEquals(20, index.size());
        assertEquals(20, index.rows().size());
        assertEquals(2, index.uid(0));
    }

    @Test
    void datesAndSizesAreReadForAnyPositionsAcrossChunks() {
        List<IndexRow> rows = new ArrayList<>();
        for (long uid = 1; uid <= 3 * MailboxIndex.CHUNK + 17; uid++) {
            rows.add(new IndexRow(uid, uid, uid, MessageFlags.NONE, 100 + uid, java.time.Instant.ofEpochSecond(5000 + uid),
                    uid % 5 == 0 ? IndexRow.NO_SENT_DATE : 9000 + uid));
        }
        MailboxIndex index = MailboxIndex.of(rows, 1);
        int[] positions = {0, 5, MailboxIndex.CHUNK, MailboxIndex.CHUNK + 1, 3 * MailboxIndex.CHUNK + 16, 2, 4};
        long[] internal = new long[positions.length];
        long[] sent = new long[positions.length];
        long[] sizes = new long[positions.length];
        index.dates(positions, internal, sent, sizes);
        for (int j = 0; j < positions.length; j++) {
            IndexRow r = rows.get(positions[j]);
            assertEquals(r.internalDate().getEpochSecond(), internal[j]);
            assertEquals(r.sentDate(), sent[j]);
            assertEquals(r.size(), sizes[j]);
        }
    }
}
