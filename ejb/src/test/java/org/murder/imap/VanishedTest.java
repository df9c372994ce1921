package org.murder.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.command.QresyncParameters.SeqMatch;

class VanishedTest {

    private static final long[] PRESENT = {1, 2, 5, 6, 9, 10};

    private static String uids(SequenceSet known, long last, long[] expunged, boolean complete, long floor) {
        return Vanished.uids(known, last, expunged, complete, PRESENT, floor).map(SequenceSet::toString).orElse("");
    }

    @Test
    void withTheWholeRecordOnlyKnownUidsExpungedSinceAreTold() {
        long[] expunged = {3, 4, 7, 11};
        assertEquals("3:4,7,11", uids(SequenceSet.all(), 11, expunged, true, 0));
        assertEquals("4,7", uids(SequenceSet.parse("4:8"), 11, expunged, true, 0));
        assertEquals("", uids(SequenceSet.parse("1,2,5"), 11, expunged, true, 0));
        assertEquals("7,11", uids(SequenceSet.all(), 11, expunged, true, 5));
    }

    @Test
    void withoutItEveryKnownUidNotPresentIsTold() {
        assertEquals("3:4,7:8,11:12", uids(SequenceSet.all(), 12, new long[0], false, 0));
        assertEquals("3:4,7:8", uids(SequenceSet.parse("1:8"), 12, new long[0], false, 0));
        assertEquals("4,8,12", uids(SequenceSet.parse("4,8,12,20"), 12, new long[0], false, 0));
        assertEquals("", uids(SequenceSet.parse("1:2,5:6,9:10"), 12, new long[0], false, 0));
        assertEquals("7:8,11:12", uids(SequenceSet.all(), 12, new long[0], false, 6));
        assertEquals("", uids(SequenceSet.all(), 0, new long[0], false, 0));
    }

    @Test
    void aHugeKnownSetCostsOnlyItsGaps() {
        assertEquals("3:4,7:8,11:4294967295", assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> uids(SequenceSet.parse("1:4294967295"), Long.MAX_VALUE, new long[0], false, 0)));
    }

    @Test
    void theSeqMatchFloorIsTheHighestPairStillTrue() {
        // now: 1→1 2→2 3→5 4→6 5→9 6→10
        assertEquals(5, Vanished.seqMatchFloor(new SeqMatch(SequenceSet.parse("1:3"), SequenceSet.parse("1:2,5")), 6,
                n -> PRESENT[n - 1]));
        assertEquals(2, Vanished.seqMatchFloor(new SeqMatch(SequenceSet.parse("2,4"), SequenceSet.parse("2,5")), 6,
                n -> PRESENT[n - 1]));
        assertEquals(0, Vanished.seqMatchFloor(new SeqMatch(SequenceSet.parse("3"), SequenceSet.parse("3")), 6,
                n -> PRESENT[n - 1]));
        assertEquals(0, Vanished.seqMatchFloor(new SeqMatch(SequenceSet.parse("7:8"), SequenceSet.parse("11:12")), 6,
                n -> PRESENT[n - 1]));
        assertEquals(10, assertTimeoutPreemptively(Duration.ofSeconds(2), () -> Vanished.seqMatchFloor(
                new SeqMatch(SequenceSet.parse("1:4294967295"), SequenceSet.parse("1:2,5:6,9:4294967295")), 6,
                n -> PRESENT[n - 1])));
    }

    @Test
    void nothingGoneIsNoResponse() {
        assertEquals(Optional.empty(), Vanished.uids(SequenceSet.all(), 10, new long[0], true, PRESENT, 0));
    }
}
