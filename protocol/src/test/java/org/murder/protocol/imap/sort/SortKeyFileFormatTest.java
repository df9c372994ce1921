package org.murder.protocol.imap.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class SortKeyFileFormatTest {

    private static final long UIDVALIDITY = 1_700_000_123L;

    private static SortFields fields(Random r, int i) {
        List<String> refs = new ArrayList<>();
        for (int k = r.nextInt(4); k > 0; k--) {
            refs.add("<" + r.nextInt(50) + "@thread.example>");
        }
        String[] names = {"", "ALICE", "BOB", "ÉLODIE ÇA", "\u65e5\u672c"};
        return new SortFields(r.nextInt(5) == 0 ? OptionalLong.empty() : OptionalLong.of(r.nextLong()),
                r.nextInt(6) == 0 ? BaseSubject.EMPTY : new BaseSubject("SUBJECT " + r.nextInt(20), r.nextBoolean()),
                names[r.nextInt(names.length)], "LIST", "", names[r.nextInt(names.length)], "LIST@EXAMPLE.ORG",
                r.nextInt(10) == 0 ? "" : "<" + i + "@example.org>", refs);
    }

    private static List<SortKeyFileFormat.Keys> keys(Random r, int from, int n) {
        List<SortKeyFileFormat.Keys> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            out.add(new SortKeyFileFormat.Keys(i, fields(r, i)));
        }
        return out;
    }

    private static byte[] file(List<List<SortKeyFileFormat.Keys>> segments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SortKeyFileFormat.header(UIDVALIDITY));
        segments.forEach(s -> out.writeBytes(SortKeyFileFormat.segment(s)));
        return out.toByteArray();
    }

    private static Map<Long, SortFields> read(byte[] file, long uidValidity, SortKeyFileFormat.Read[] seen) {
        Map<Long, SortFields> out = new LinkedHashMap<>();
        seen[0] = SortKeyFileFormat.read(ByteBuffer.wrap(file), uidValidity, UnaryOperator.identity(), out::put);
        return out;
    }

    @Test
    void segmentsReadBackAsWritten() {
        Random r = new Random(5);
        List<SortKeyFileFormat.Keys> a = keys(r, 1, 300);
        List<SortKeyFileFormat.Keys> b = keys(r, 301, 7);
        byte[] file = file(List.of(a, b, List.of()));
        SortKeyFileFormat.Read[] seen = new SortKeyFileFormat.Read[1];
        Map<Long, SortFields> back = read(file, UIDVALIDITY, seen);
        assertEquals(307, back.size());
        for (SortKeyFileFormat.Keys k : a) {
            assertEquals(k.fields(), back.get(k.uid()));
        }
        for (SortKeyFileFormat.Keys k : b) {
            assertEquals(k.fields(), back.get(k.uid()));
        }
        assertEquals(new SortKeyFileFormat.Read(file.length, 3, 307), seen[0]);
    }

    @Test
    void repeatedValuesGoThroughThePoolOncePerSegmentAndComeBackShared() {
        Random r = new Random(6);
        byte[] file = file(List.of(keys(r, 1, 500)));
        Map<String, String> pool = new HashMap<>();
        int[] asked = new int[1];
        List<SortFields> back = new ArrayList<>();
        SortKeyFileFormat.read(ByteBuffer.wrap(file), UIDVALIDITY, v -> {
            asked[0]++;
            return pool.computeIfAbsent(v, x -> x);
        }, (uid, f) -> back.add(f));
        assertEquals(pool.size(), asked[0], "each distinct value asked for once");
        SortFields first = back.stream().filter(f -> f.from().equals("ALICE")).findFirst().orElseThrow();
        SortFields later = back.stream().filter(f -> f.from().equals("ALICE")).skip(1).findFirst().orElseThrow();
        assertSame(first.from(), later.from());
        assertSame(pool.get("LIST"), later.to());
    }

    @Test
    void aFileCutAnywhereInItsLastSegmentReadsUpToTheSegmentBefore() {
        Random r = new Random(7);
        byte[] whole = file(List.of(keys(r, 1, 40), keys(r, 41, 30)));
        int firstEnd = SortKeyFileFormat.HEADER + SortKeyFileFormat.segment(keys(new Random(7), 1, 40)).length;
        SortKeyFileFormat.Read[] seen = new SortKeyFileFormat.Read[1];
        for (int cut = firstEnd; cut < whole.length; cut++) {
            Map<Long, SortFields> back = read(Arrays.copyOf(whole, cut), UIDVALIDITY, seen);
            assertEquals(40, back.size(), "cut at " + cut);
            assertEquals(firstEnd, seen[0].validEnd());
            assertEquals(new SortKeyFileFormat.Read(firstEnd, 1, 0),
                    SortKeyFileFormat.validEnd(ByteBuffer.wrap(Arrays.copyOf(whole, cut)), UIDVALIDITY));
        }
    }

    @Test
    void aDamagedByteDropsItsSegmentAndWhatFollows() {
        Random r = new Random(8);
        byte[] file = file(List.of(keys(r, 1, 10), keys(r, 11, 10), keys(r, 21, 10)));
        int firstEnd = SortKeyFileFormat.HEADER + SortKeyFileFormat.segment(keys(new Random(8), 1, 10)).length;
        file[firstEnd + 40] ^= 0x10;
        SortKeyFileFormat.Read[] seen = new SortKeyFileFormat.Read[1];
        assertEquals(10, read(file, UIDVALIDITY, seen).size());
        assertEquals(new SortKeyFileFormat.Read(firstEnd, 1, 10), seen[0]);
    }

    @Test
    void anotherUidValidityOrAnotherFileReadsAsEmpty() {
        byte[] file = file(List.of(keys(new Random(9), 1, 10)));
        SortKeyFileFormat.Read[] seen = new SortKeyFileFormat.Read[1];
        assertTrue(read(file, UIDVALIDITY + 1, seen).isEmpty());
        assertEquals(0, seen[0].validEnd());
        assertTrue(read("not a sort key file at all".getBytes(), UIDVALIDITY, seen).isEmpty());
        assertTrue(read(new byte[0], UIDVALIDITY, seen).isEmpty());
    }

    @Test
    void randomBytesAfterAHeaderNeverThrow() {
        Random r = new Random(10);
        byte[] good = file(List.of(keys(r, 1, 20)));
        SortKeyFileFormat.Read[] seen = new SortKeyFileFormat.Read[1];
        for (int round = 0; round < 2000; round++) {
            byte[] f = good.clone();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                f[SortKeyFileFormat.HEADER + r.nextInt(f.length - SortKeyFileFormat.HEADER)] = (byte) r.nextInt(256);
            }
            byte[] cut = Arrays.copyOf(f, SortKeyFileFormat.HEADER + r.nextInt(f.length - SortKeyFileFormat.HEADER + 1));
            int n = read(cut, UIDVALIDITY, seen).size();
            assertTrue(n == 0 || n == 20);
            assertTrue(seen[0].validEnd() <= cut.length);
        }
    }

    @Test
    void segmentsAddedLaterAreReadFromWhereAnEarlierReadStopped() {
        Random r = new Random(11);
        List<SortKeyFileFormat.Keys> first = keys(r, 1, 25);
        byte[] before = file(List.of(first));
        List<SortKeyFileFormat.Keys> later = keys(r, 26, 5);
        byte[] after = Arrays.copyOf(before, before.length + SortKeyFileFormat.segment(later).length);
        System.arraycopy(SortKeyFileFormat.segment(later), 0, after, before.length, after.length - before.length);
        Map<Long, SortFields> back = new LinkedHashMap<>();
        ByteBuffer tail = ByteBuffer.wrap(after);
        tail.position(before.length);
        SortKeyFileFormat.Read r2 = SortKeyFileFormat.segments(tail, UnaryOperator.identity(), back::put);
        assertEquals(new SortKeyFileFormat.Read(after.length - before.length, 1, 5), r2);
        assertEquals(List.of(26L, 27L, 28L, 29L, 30L), List.copyOf(back.keySet()));
        assertEquals(later.get(2).fields(), back.get(28L));
        assertEquals(new SortKeyFileFormat.Read(after.length, 2, 0), SortKeyFileFormat.validEnd(ByteBuffer.wrap(after), UIDVALIDITY));
        assertEquals(0, SortKeyFileFormat.validEnd(ByteBuffer.wrap(after), UIDVALIDITY + 1).validEnd());
    }
}
