package org.murder.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class UidRangeTest {

    @Test
    void nothingWantedNothingRead() {
        assertEquals(List.of(), UidRange.covering(List.of()));
    }

    @Test
    void aBatchOfConsecutiveUidsIsOneRange() {
        List<Long> batch = LongStream.rangeClosed(90_001, 90_100).boxed().toList();
        assertEquals(List.of(new UidRange(90_001, 90_100)), UidRange.covering(batch));
    }

    @Test
    void unorderedAndRepeatedUidsGiveTheSameRanges() {
        assertEquals(List.of(new UidRange(3, 9)), UidRange.covering(List.of(9L, 3L, 5L, 3L)));
    }

    @Test
    void farApartUidsAreSeparateRangesSoTheRowsBetweenAreNotRead() {
        // a flag change on the first and on the last message of a 100,000-message copy: two rows read, not 100,000
        assertEquals(List.of(new UidRange(1, 1), new UidRange(100_000, 100_000)),
                UidRange.covering(Set.of(1L, 100_000L)));
    }

    @Test
    void nearNeighboursShareARangeUpToTheGap() {
        long gap = UidRange.MAX_GAP;
        assertEquals(List.of(new UidRange(10, 10 + gap)), UidRange.covering(List.of(10L, 10 + gap)));
        assertEquals(List.of(new UidRange(10, 10), new UidRange(11 + gap, 11 + gap)),
                UidRange.covering(List.of(10L, 11 + gap)));
    }

    @Test
    void aRangeHoldsABoundedNumberOfTheWantedUids() {
        List<Long> many = LongStream.rangeClosed(1, 2_500).boxed().toList();
        assertEquals(List.of(new UidRange(1, 1_000), new UidRange(1_001, 2_000), new UidRange(2_001, 2_500)),
                UidRange.covering(many));
    }

    @Test
    void everyWantedUidIsCoveredAndTheRowsReadStayProportionalToThem() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            TreeSet<Long> wanted = new TreeSet<>();
            int n = 1 + random.nextInt(3_000);
            for (int i = 0; i < n; i++) {
                wanted.add(1 + (long) random.nextInt(100_000));
            }
            List<UidRange> ranges = UidRange.covering(wanted);
            for (long uid : wanted) {
                assertTrue(ranges.stream().anyMatch(r -> r.contains(uid)), "uid " + uid + " not covered");
            }
            long read = 0;
            List<Long> ends = new ArrayList<>();
            for (UidRange r : ranges) {
                read += r.hi() - r.lo() + 1;
                assertTrue(wanted.contains(r.lo()) && wanted.contains(r.hi()), "a range starts and ends at wanted UIDs");
                ends.add(r.lo());
                ends.add(r.hi());
            }
            assertEquals(ends.stream().sorted().toList(), ends, "ranges ascend and do not overlap");
            // at most MAX_GAP other rows between two wanted ones, and one query per MAX_WANTED wanted UIDs or gap
            assertTrue(read <= (long) wanted.size() * UidRange.MAX_GAP, "read " + read + " rows for " + wanted.size());
        }
    }

    @Test
    void anEmptyOrInvertedRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new UidRange(0, 5));
        assertThrows(IllegalArgumentException.class, () -> new UidRange(5, 4));
    }
}
