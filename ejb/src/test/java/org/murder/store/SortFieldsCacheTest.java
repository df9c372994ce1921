package org.murder.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.murder.protocol.imap.sort.SortFields;
import org.murder.store.MessageStore.IndexRow;

class SortFieldsCacheTest {

    @TempDir
    Path root;

    /** The database as the cache sees it: stored fields by UID (bulk) and by message id (one by one). */
    private final Map<Long, String> stored = new HashMap<>();
    private final Map<Long, MessageCacheData> facts = new HashMap<>();
    private final Map<Long, String> backfilled = new HashMap<>();
    private int bulkReads;
    private int singleReads;
    private SortFieldsCache cache;
    /** The sort key files of the node {@link #newCache} made last. */
    private SortKeyFiles files;

    @BeforeEach
    void setUp() {
        cache = newCache();
    }

    /** A cache as a (re)started node has it: nothing in memory, the same database and spool. */
    private SortFieldsCache newCache() {
        SortFieldsCache cache = new SortFieldsCache();
        cache.spool = new Spool(Map.of("default", root));
        files = new SortKeyFiles(cache.spool); // a node's own: a new cache is a restarted node
        cache.files = files;
        cache.caches = new MessageCaches();
        cache.store = new MessageStore() {
            @Override
            public Map<Long, String> sortFields(long mailboxId, long lowUid, long highUid, int wanted) {
                bulkReads++;
                Map<Long, String> out = new HashMap<>();
                stored.forEach((uid, f) -> {
                    if (uid >= lowUid && uid <= highUid) {
                        out.put(uid, f);
                    }
                });
                return out;
            }

            @Override
            public Optional<String> sortFields(long messageId) {
                singleReads++;
                return Optional.ofNullable(facts.get(messageId)).map(MessageCacheData::sortFields).filter(f -> !f.isEmpty());
            }

            @Override
            public void saveSortFields(Map<Long, String> byMessageId) {
                backfilled.putAll(byMessageId);
            }
        };
        return cache;
    }

    private static IndexRow row(long uid) {
        return new IndexRow(uid + 1000, uid, uid, MessageFlags.of(false, false, false, false, false, List.of()), 10,
                Instant.ofEpochSecond(uid));
    }

    private static String fields(String subject) {
        return SortFields.of(Map.of("subject", subject)).serialize();
    }

    private static List<IndexRow> rows(int n) {
        List<IndexRow> out = new ArrayList<>();
        for (long uid = 1; uid <= n; uid++) {
            out.add(row(uid));
        }
        return out;
    }

    @Test
    void aBigMailboxIsReadInOneQueryThenFromMemory() {
        List<IndexRow> rows = rows(200);
        rows.forEach(r -> stored.put(r.uid(), fields("s" + r.uid())));
        MailboxIndex view = MailboxIndex.of(rows, 200);
        SortFields[] first = cache.fields(7, 1, "default", view, rows);
        assertEquals("S17", first[16].subject().base());
        assertEquals(1, bulkReads);
        assertEquals(0, singleReads);
        SortFields[] again = cache.fields(7, 1, "default", view, rows);
        assertEquals("S200", again[199].subject().base());
        assertEquals(1, bulkReads, "the second time nothing is read");
        assertEquals(0, singleReads);
    }

    @Test
    void aFewMissingAreAskedForOneByOneAndOldOnesReadFromTheirFiles() throws IOException {
        List<IndexRow> rows = rows(3);
        facts.put(1001L, new MessageCacheData("", "", "", "", "", fields("from the database")));
        facts.put(1002L, new MessageCacheData("", "", "", "", "", "")); // stored before SORT existed
        Path dir = Files.createDirectories(root.resolve("7"));
        Files.writeString(dir.resolve("2."), "Subject: Re: from the file\r\n\r\nbody\r\n", StandardCharsets.US_ASCII);
        // UID 3 has neither facts nor a file: expunged meanwhile
        SortFields[] f = cache.fields(7, 1, "default", MailboxIndex.of(rows, 3), rows);
        assertEquals("FROM THE DATABASE", f[0].subject().base());
        assertEquals("FROM THE FILE", f[1].subject().base());
        assertEquals(SortFields.EMPTY, f[2]);
        assertEquals(0, bulkReads);
        assertEquals(Map.of(1002L, fields("Re: from the file")), backfilled, "what was read from a file is stored");
    }

    @Test
    void answersHoldForTheirIndexVersionOnly() {
        List<IndexRow> rows = rows(3);
        MailboxIndex v1 = MailboxIndex.of(rows, 3);
        MailboxIndex v2 = MailboxIndex.of(rows, 4);
        int[] order = {2, 0, 1};
        cache.remember(7, v1, "SORT (DATE)", order, 3);
        assertSame(order, cache.answer(7, v1, "SORT (DATE)").orElseThrow());
        assertTrue(cache.answer(7, v2, "SORT (DATE)").isEmpty(), "another version");
        assertTrue(cache.answer(7, v1, "SORT (SUBJECT)").isEmpty(), "another request");
        assertTrue(cache.answer(8, v1, "SORT (DATE)").isEmpty(), "another mailbox");
        for (int i = 0; i < SortFieldsCache.ANSWERS; i++) {
            cache.remember(7, v1, "request " + i, new int[0], 0);
        }
        assertTrue(cache.answer(7, v1, "SORT (DATE)").isEmpty(), "only the last few are kept");
    }

    @Test
    void theLeastRecentlyUsedMailboxesGoPastTheBound() {
        List<IndexRow> rows = rows(100);
        rows.forEach(r -> stored.put(r.uid(), fields("x".repeat(200))));
        MailboxIndex view = MailboxIndex.of(rows, 100);
        cache.maxBytes = 50_000; // two mailboxes' worth
        for (long mailbox = 1; mailbox <= 5; mailbox++) {
            cache.fields(mailbox, 1, "default", view, rows);
            assertTrue(cache.heldBytes() <= 50_000, () -> "" + cache.heldBytes());
        }
        int before = bulkReads;
        cache.fields(5, 1, "default", view, rows);
        assertEquals(before, bulkReads, "the mailbox in use stays");
        cache.fields(1, 1, "default", view, rows);
        assertEquals(before + 1, bulkReads, "the oldest went");
    }

    @Test
    void keysAreKeptParsedAndTheirRepeatedValuesOnce() {
        List<IndexRow> rows = rows(100);
        rows.forEach(r -> stored.put(r.uid(), SortFields.of(Map.of("subject", "Re: weekly report",
                "from", "Ann <ann@example.org>", "message-id", "<" + r.uid() + "@example.org>")).serialize()));
        MailboxIndex view = MailboxIndex.of(rows, 100);
        SortFields[] first = cache.fields(7, 1, "default", view, rows);
        SortFields[] again = cache.fields(7, 1, "default", view, rows);
        assertSame(first[5], again[5], "the second SORT takes the parsed keys");
        assertSame(first[0].from(), first[99].from(), "one sender, one copy");
        assertSame(first[0].subject().base(), first[99].subject().base());
        assertEquals("<100@example.org>", again[99].messageId());
    }

    @Test
    void keysOfExpungedMessagesGoWithTheValuesOnlyTheyHad() {
        List<IndexRow> rows = rows(3000);
        rows.forEach(r -> stored.put(r.uid(), SortFields.of(Map.of("subject", "subject " + r.uid())).serialize()));
        cache.fields(7, 1, "default", MailboxIndex.of(rows, 3000), rows);
        long all = cache.heldBytes();
        List<IndexRow> left = new ArrayList<>(rows.subList(0, 10));
        left.add(row(3001));
        MailboxIndex smaller = MailboxIndex.of(left, 3001);
        facts.put(4001L, new MessageCacheData("", "", "", "", "", fields("newest")));
        cache.fields(7, 1, "default", smaller, List.of(row(3001)));
        assertTrue(cache.heldBytes() < all / 100, () -> all + " then " + cache.heldBytes());
        int before = bulkReads + singleReads;
        cache.fields(7, 1, "default", smaller, left);
        assertEquals(before, bulkReads + singleReads, "the keys of messages still there stay");
    }

    @Test
    void aRestartedNodeReadsTheKeysFromTheMailboxsSortKeyFile() throws IOException {
        Files.createDirectories(root.resolve("7"));
        List<IndexRow> rows = rows(200);
        rows.forEach(r -> stored.put(r.uid(), fields("Re: s" + r.uid())));
        cache.fields(7, 1, "default", MailboxIndex.of(rows, 200), rows);
        assertEquals(1, bulkReads);
        assertTrue(Files.size(root.resolve("7").resolve(SortKeyFiles.NAME)) > 200 * 10);

        SortFieldsCache restarted = newCache();
        SortFields[] f = restarted.fields(7, 1, "default", MailboxIndex.of(rows, 200), rows);
        assertEquals(1, bulkReads, "all from the file");
        assertEquals(SortFields.deserialize(fields("Re: s17")), f[16]);
        assertTrue(f[16].subject().replyOrForward());

        List<IndexRow> more = rows(300); // 100 delivered since: from the database, then into the file
        more.subList(200, 300).forEach(r -> stored.put(r.uid(), fields("s" + r.uid())));
        restarted.fields(7, 1, "default", MailboxIndex.of(more, 300), more);
        assertEquals(2, bulkReads);
        SortFields[] all = newCache().fields(7, 1, "default", MailboxIndex.of(more, 300), more);
        assertEquals(2, bulkReads, "the later ones were added to the file");
        assertEquals("S300", all[299].subject().base());
        assertEquals(0, singleReads);
    }

    @Test
    void aCutOrForeignSortKeyFileIsMadeGoodFromTheDatabase() throws IOException {
        Files.createDirectories(root.resolve("7"));
        Path file = root.resolve("7").resolve(SortKeyFiles.NAME);
        List<IndexRow> first = rows(100);
        List<IndexRow> rows = rows(200);
        rows.forEach(r -> stored.put(r.uid(), fields("s" + r.uid())));
        cache.fields(7, 1, "default", MailboxIndex.of(first, 100), first);
        cache.fields(7, 1, "default", MailboxIndex.of(rows, 200), rows); // a second segment: UIDs 101..200
        long whole = Files.size(file);
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(whole - 5); // a crash while the second was written
        }
        assertEquals(2, bulkReads);
        SortFields[] f = newCache().fields(7, 1, "default", MailboxIndex.of(rows, 200), rows);
        assertEquals(3, bulkReads, "the cut segment's keys from the database");
        assertEquals("S150", f[149].subject().base());
        assertEquals(whole, Files.size(file), "and written again where the cut one was");
        newCache().fields(7, 1, "default", MailboxIndex.of(rows, 200), rows);
        assertEquals(3, bulkReads);

        // a mailbox of the same id with another UIDVALIDITY: none of the file's keys are its
        stored.put(5L, fields("another message"));
        SortFields[] other = newCache().fields(7, 2, "default", MailboxIndex.of(rows, 200), rows);
        assertEquals(4, bulkReads);
        assertEquals("ANOTHER MESSAGE", other[4].subject().base());
    }

    @Test
    void aForgottenMailboxLosesItsKeysAndItsFile() throws IOException {
        Files.createDirectories(root.resolve("7"));
        List<IndexRow> rows = rows(100);
        rows.forEach(r -> stored.put(r.uid(), fields("s" + r.uid())));
        cache.fields(7, 1, "default", MailboxIndex.of(rows, 100), rows);
        cache.forget(7, "default");
        assertTrue(Files.notExists(root.resolve("7").resolve(SortKeyFiles.NAME)));
        assertEquals(0, cache.heldBytes());
        cache.fields(7, 1, "default", MailboxIndex.of(rows, 100), rows);
        assertEquals(2, bulkReads);
    }

    @Test
    void aMailboxPastTheBoundAloneIsReadFromItsFileEveryTimeNotFromTheDatabase() throws IOException {
        Files.createDirectories(root.resolve("7"));
        List<IndexRow> rows = rows(300);
        rows.forEach(r -> stored.put(r.uid(), fields("subject " + r.uid())));
        cache.fields(7, 1, "default", MailboxIndex.of(rows, 300), rows);
        assertEquals(1, bulkReads);
        SortFieldsCache small = newCache();
        small.maxBytes = 20_000; // about a third of the mailbox
        for (int round = 0; round < 2; round++) {
            SortFields[] f = small.fields(7, 1, "default", MailboxIndex.of(rows, 300), rows);
            assertEquals("SUBJECT 1", f[0].subject().base());
            assertEquals("SUBJECT 300", f[299].subject().base());
            assertEquals(1, bulkReads, "round " + round);
            assertEquals(0, singleReads);
        }
    }

    @Test
    void deliveredKeysAreAddedToTheFileAndReadFromItWithoutTheDatabase() throws IOException {
        Files.createDirectories(root.resolve("7"));
        List<IndexRow> rows = rows(150);
        rows.subList(0, 100).forEach(r -> stored.put(r.uid(), fields("old " + r.uid())));
        cache.fields(7, 1, "default", MailboxIndex.of(rows.subList(0, 100), 100), rows.subList(0, 100));
        assertEquals(1, bulkReads);
        // 50 deliveries: their keys go to the file in a batch, not to the database's bulk read
        for (IndexRow r : rows.subList(100, 150)) {
            files.delivered(7, 1, "default", r.uid(), fields("new " + r.uid()));
        }
        files.writeDelivered();
        SortFields[] f = cache.fields(7, 1, "default", MailboxIndex.of(rows, 150), rows);
        assertEquals(1, bulkReads, "the new ones read from the file's new segment");
        assertEquals(0, singleReads);
        assertEquals("NEW 150", f[149].subject().base());
        assertEquals("OLD 1", f[0].subject().base());
        SortFields[] restarted = newCache().fields(7, 1, "default", MailboxIndex.of(rows, 150), rows);
        assertEquals(1, bulkReads);
        assertEquals("NEW 120", restarted[119].subject().base());

        // delivered into a mailbox nobody has sorted since the start: the file's end is found first
        SortKeyFiles afterStart = new SortKeyFiles(new Spool(Map.of("default", root)));
        afterStart.delivered(7, 1, "default", 151, fields("newest"));
        afterStart.writeDelivered();
        List<IndexRow> more = rows(151);
        SortFields[] last = newCache().fields(7, 1, "default", MailboxIndex.of(more, 151), more);
        assertEquals(1, bulkReads);
        assertEquals("NEWEST", last[150].subject().base());
    }

    @Test
    void aSortWritesTheManySmallSegmentsOfDeliveriesAgainAsOne() throws IOException {
        Files.createDirectories(root.resolve("7"));
        List<IndexRow> rows = rows(100 + SortFieldsCache.MAX_SEGMENTS);
        rows.subList(0, 100).forEach(r -> stored.put(r.uid(), fields("old " + r.uid())));
        cache.fields(7, 1, "default", MailboxIndex.of(rows.subList(0, 100), 100), rows.subList(0, 100));
        for (IndexRow r : rows.subList(100, rows.size())) { // a batch each
            files.delivered(7, 1, "default", r.uid(), fields("new " + r.uid()));
            files.writeDelivered();
        }
        assertEquals(1 + SortFieldsCache.MAX_SEGMENTS, files.segments(7));
        SortFields[] f = cache.fields(7, 1, "default", MailboxIndex.of(rows, rows.size()), rows);
        assertEquals("NEW " + rows.size(), f[rows.size() - 1].subject().base());
        assertEquals(1, files.segments(7));
        assertEquals(1, bulkReads);
        SortFields[] restarted = newCache().fields(7, 1, "default", MailboxIndex.of(rows, rows.size()), rows);
        assertEquals("NEW 101", restarted[100].subject().base());
        assertEquals(1, bulkReads);
    }
}
