package org.murder.move;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RecentMarkTest {

    @Test
    void theMarkLiesBelowTheRecentOnes() {
        assertEquals(9, MoveRunner.recentMark(Set.of(1L, 4L, 9L, 12L, 15L), 2));
        assertEquals(15, MoveRunner.recentMark(Set.of(1L, 4L, 9L, 12L, 15L), 0), "none recent: the mark is the newest");
        assertEquals(0, MoveRunner.recentMark(Set.of(1L, 4L), 2), "all recent");
        assertEquals(0, MoveRunner.recentMark(Set.of(), 0));
    }
}
