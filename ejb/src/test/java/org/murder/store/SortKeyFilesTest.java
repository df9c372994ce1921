package org.murder.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.murder.protocol.imap.sort.SortFields;
import org.murder.protocol.imap.sort.SortKeyFileFormat;

class SortKeyFilesTest {

    @TempDir
    Path root;

    private SortKeyFiles files;

    @BeforeEach
    void setUp() throws IOException {
        files = new SortKeyFiles(new Spool(Map.of("default", root)));
        Files.createDirectories(root.resolve("3"));
    }

    private static List<SortKeyFileFormat.Keys> keys(int from, int n) {
        List<SortKeyFileFormat.Keys> out = new ArrayList<>();
        for (int uid = from; uid < from + n; uid++) {
            out.add(new SortKeyFileFormat.Keys(uid, SortFields.of(Map.of("subject", "s" + uid))));
        }
        return out;
    }

    private Map<Long, SortFields> read(SortKeyFiles f, long from, long[] end) {
        Map<Long, SortFields> out = new LinkedHashMap<>();
        end[0] = f.read(3, "default", 9, from, UnaryOperator.identity(), out::put);
        return out;
    }

    @Test
    void aReadFromWhereTheLastStoppedSeesOnlyWhatWasAddedSince() {
        long[] first = files.append(3, "default", 9, keys(1, 10));
        long[] second = files.append(3, "default", 9, keys(11, 5));
        assertEquals(first[1], second[0]);
        long[] end = new long[1];
        assertEquals(15, read(files, 0, end).size());
        assertEquals(second[1], end[0]);
        assertEquals(List.of(11L, 12L, 13L, 14L, 15L), List.copyOf(read(files, first[1], end).keySet()));
        assertTrue(read(files, second[1], end).isEmpty());
        assertEquals(2, files.segments(3));
    }

    @Test
    void anOffsetFromBeforeTheFileWasWrittenAgainReadsTheWholeFile() {
        long[] first = files.append(3, "default", 9, keys(1, 10));
        files.append(3, "default", 9, keys(11, 10));
        files.rewrite(3, "default", 9, keys(1, 20));
        long[] end = new long[1];
        Map<Long, SortFields> back = read(files, first[1] + 7, end); // inside the one segment now
        assertEquals(20, back.size());
        assertEquals(1, files.segments(3));
    }

    @Test
    void aFileOfAnotherUidValidityOrOfGarbageIsStartedAgain() throws IOException {
        Path file = root.resolve("3").resolve(SortKeyFiles.NAME);
        Files.write(file, "garbage that is no sort key file".getBytes());
        long[] at = new SortKeyFiles(new Spool(Map.of("default", root))).append(3, "default", 9, keys(1, 3));
        assertEquals(SortKeyFileFormat.HEADER, at[0]);
        long[] end = new long[1];
        assertEquals(3, read(new SortKeyFiles(new Spool(Map.of("default", root))), 0, end).size());
        assertEquals(Files.size(file), end[0]);
        Map<Long, SortFields> other = new LinkedHashMap<>();
        assertEquals(0, files.read(3, "default", 10, 0, UnaryOperator.identity(), other::put));
        assertTrue(other.isEmpty());
    }

    @Test
    void aDeletedMailboxsWaitingKeysAreNotWritten() {
        files.delivered(3, 9, "default", 1, SortFields.of(Map.of("subject", "x")).serialize());
        files.delete(3, "default");
        files.writeDelivered();
        assertTrue(Files.notExists(root.resolve("3").resolve(SortKeyFiles.NAME)));
        assertEquals(0, files.read(3, "default", 9, 0, UnaryOperator.identity(), (u, f) -> { }), "no file: nothing");
    }

    @Test
    void deliveriesAddToFilesThatExistOnlyAndAFileNobodySortsGoesAfterManyBatches() {
        String keys = SortFields.of(Map.of("subject", "x")).serialize();
        files.delivered(3, 9, "default", 1, keys);
        files.writeDelivered();
        assertTrue(Files.notExists(root.resolve("3").resolve(SortKeyFiles.NAME)), "made by a first SORT, not here");

        files.append(3, "default", 9, keys(1, 1));
        for (int uid = 2; uid <= SortKeyFiles.MAX_UNSORTED_SEGMENTS; uid++) {
            files.delivered(3, 9, "default", uid, keys);
            files.writeDelivered();
        }
        assertEquals(SortKeyFiles.MAX_UNSORTED_SEGMENTS, files.segments(3));
        assertTrue(Files.exists(root.resolve("3").resolve(SortKeyFiles.NAME)));
        files.delivered(3, 9, "default", 5000, keys);
        files.writeDelivered();
        assertTrue(Files.notExists(root.resolve("3").resolve(SortKeyFiles.NAME)));
    }
}
