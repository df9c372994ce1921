package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.LongPredicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.murder.protocol.imap.SequenceSet.Range;

class SequenceSetTest {

    @ParameterizedTest
    @ValueSource(strings = {"1", "*", "1:*", "*:1", "5:3", "2,4:7,9,12:*", "4294967295", "1:4294967295", "3,3,3",
        "10:1,*:2,7"})
    void parseThenToStringGivesTheWireFormBack(String wire) {
        assertEquals(wire, SequenceSet.parse(wire).toString());
        assertEquals(SequenceSet.parse(wire), SequenceSet.parse(SequenceSet.parse(wire).toString()));
    }

    @Test
    void aRangeOfOneNumberPrintsAsTheNumber() {
        assertEquals("3,*", SequenceSet.parse("3:3,*:*").toString());
        assertEquals(SequenceSet.of(3), SequenceSet.parse("3:3"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",", "1,", ",1", "1,,2", ":", "1:", ":1", "1:2:3", "0", "0:5", "01", "1:02", "-1",
        "+1", "1 ", " 1", "a", "1a", "$$", "1:$", "$,1", "**", "*1", "4294967296", "99999999999", "1.5", "1;2"})
    void invalidSetsAreRejected(String wire) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SequenceSet.parse(wire));
        assertEquals("Invalid sequence set", e.getMessage());
    }

    @Test
    void atMostTenThousandRanges() {
        String ok = "1,".repeat(SequenceSet.MAX_RANGES - 1) + "1";
        assertEquals(SequenceSet.MAX_RANGES, SequenceSet.parse(ok).ranges().size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SequenceSet.parse(ok + ",2"));
        assertEquals("Sequence set too large", e.getMessage());
        assertEquals("Sequence set too large",
                ImapTesting.malformed("a UID FETCH " + ok + ",2:3 FLAGS").message());
        // a huge input is refused after MAX_RANGES ranges, not after reading all of it
        assertThrows(IllegalArgumentException.class, () -> SequenceSet.parse("1,".repeat(1_000_000) + "1"));
    }

    @Test
    void containsResolvesStarAndEitherOrder() {
        SequenceSet set = SequenceSet.parse("2,4:7,9,12:*");
        assertEquals(List.of(false, true, false, true, true, true, true, false, true, false, false, true, true),
                java.util.stream.LongStream.rangeClosed(1, 13).mapToObj(n -> set.contains(n, 13)).toList());
        assertTrue(SequenceSet.parse("5:3").contains(4, 10));
        assertTrue(SequenceSet.parse("*").contains(10, 10));
        assertFalse(SequenceSet.parse("*").contains(9, 10));
        // "559:*" with 500 as the highest UID still means 500 (RFC 3501 §6.4.8)
        assertTrue(SequenceSet.parse("559:*").contains(500, 500));
        assertFalse(SequenceSet.parse("559:*").contains(499, 500));
        assertFalse(SequenceSet.parse("1:*").contains(1, 0));
        assertFalse(SequenceSet.parse("1:*").contains(0, 10));
        assertFalse(SequenceSet.parse("5").contains(5, 4));
    }

    @Test
    void normalizedMergesSortsAndClamps() {
        assertEquals(List.of(new Range(1, 7), new Range(9, 9), new Range(12, 13)),
                SequenceSet.parse("12:*,7:4,2:3,1,9,5").normalized(13));
        assertEquals(List.of(new Range(1, 10)), SequenceSet.parse("1:*").normalized(10));
        assertEquals(List.of(new Range(3, 5)), SequenceSet.parse("3:100").normalized(5));
        assertEquals(List.of(), SequenceSet.parse("6:100").normalized(5));
        assertEquals(List.of(), SequenceSet.parse("1:*").normalized(0));
        assertEquals(List.of(new Range(5, 5)), SequenceSet.parse("*:10").normalized(5));
    }

    @Test
    void streamCountAndLargestNumber() {
        SequenceSet set = SequenceSet.parse("3,1:2,8:*");
        assertEquals(List.of(1L, 2L, 3L, 8L, 9L, 10L), set.stream(10).boxed().toList());
        assertEquals(6, set.count(10));
        assertEquals(OptionalLong.of(8), set.largestNumber());
        assertEquals(OptionalLong.empty(), SequenceSet.parse("*").largestNumber());
        assertTrue(set.usesStar());
        assertFalse(SequenceSet.parse("1:5").usesStar());
        assertEquals(4294967295L, SequenceSet.all().count(4294967295L));
    }

    @Test
    void matcherAgreesWithContainsOnRandomSets() {
        Random random = new Random(3501);
        for (int round = 0; round < 500; round++) {
            StringBuilder wire = new StringBuilder();
            int ranges = 1 + random.nextInt(8);
            for (int i = 0; i < ranges; i++) {
                if (i > 0) {
                    wire.append(',');
                }
                wire.append(number(random));
                if (random.nextBoolean()) {
                    wire.append(':').append(number(random));
                }
            }
            SequenceSet set = SequenceSet.parse(wire.toString());
            long max = random.nextInt(60);
            LongPredicate matcher = set.matcher(max);
            TreeSet<Long> streamed = new TreeSet<>(set.stream(max).boxed().toList());
            for (long n = 0; n <= 70; n++) {
                boolean expected = set.contains(n, max);
                assertEquals(expected, matcher.test(n), wire + " " + n + " max " + max);
                assertEquals(expected, streamed.contains(n), wire + " " + n + " max " + max);
            }
            assertEquals(streamed.size(), set.count(max));
        }
    }

    private static String number(Random random) {
        return random.nextInt(6) == 0 ? "*" : String.valueOf(1 + random.nextInt(64));
    }

    @Test
    void rangesRefuseImpossibleNumbers() {
        assertThrows(IllegalArgumentException.class, () -> new Range(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Range(1, 4294967296L));
        assertThrows(IllegalArgumentException.class, () -> new SequenceSet(List.of()));
        assertEquals("1:*", SequenceSet.all().toString());
        assertEquals("1:3", SequenceSet.of(1, 2, 3).toString());
    }

    @Test
    void builtSetsJoinRunsAndAreNotBoundLikeParsedOnes() {
        assertEquals("1:3,5,7:8,4", SequenceSet.of(1, 2, 3, 5, 7, 8, 4).toString(), "order kept (COPYUID pairs)");
        long[] sparse = new long[3 * SequenceSet.MAX_RANGES];
        for (int i = 0; i < sparse.length; i++) {
            sparse[i] = 2L * i + 1;
        }
        assertEquals(sparse.length, SequenceSet.of(sparse).ranges().size(), "a COPYUID of 30,000 sparse UIDs");
    }
}
