package org.murder.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.murder.frontend.CopyVersions.Action;

class CopyVersionsTest {

    @Test
    void theNextVersionIsApplied() {
        assertEquals(Action.APPLY, CopyVersions.decide(0, 1));
        assertEquals(Action.APPLY, CopyVersions.decide(41, 42));
    }

    @Test
    void redeliveredOrSnapshotCoveredVersionsAreIgnored() {
        assertEquals(Action.IGNORE, CopyVersions.decide(42, 42));
        assertEquals(Action.IGNORE, CopyVersions.decide(42, 7));
    }

    @Test
    void aGapForcesAResync() {
        assertEquals(Action.RESYNC, CopyVersions.decide(42, 44));
        assertEquals(Action.RESYNC, CopyVersions.decide(0, 1000));
    }

    @Test
    void aCopyIsStalledOnlyWhenBehindForAWholePeriodWithoutProgress() {
        assertFalse(CopyVersions.stalled(10, 10, -1), "up to date");
        assertFalse(CopyVersions.stalled(10, 12, -1), "behind for the first time: messages may be in flight");
        assertTrue(CopyVersions.stalled(10, 12, 10), "behind at the same version twice");
        assertFalse(CopyVersions.stalled(11, 12, 10), "progress since the last check");
        assertFalse(CopyVersions.stalled(12, 12, 10), "caught up");
    }

    @Test
    void aCopyOfAnotherMapIsToldApartByItsEpochOrByAMasterBehindIt() {
        assertFalse(CopyVersions.otherMap("e1", 40, "e1", 45), "the same map, behind");
        assertTrue(CopyVersions.otherMap("e1", 40, "e2", 45), "a reset master counted past the copy's version");
        assertTrue(CopyVersions.otherMap("e1", 40, "e2", 3));
        assertTrue(CopyVersions.otherMap("", 40, "", 3), "no epochs: a master behind its copy lost changes");
        assertFalse(CopyVersions.otherMap("", 40, "e2", 41), "no epoch yet (a copy from an older master): versions decide");
        assertFalse(CopyVersions.otherMap("e1", 40, "", 40));
    }
}
