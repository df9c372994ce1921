package org.murder.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class MoveStateTest {

    @Test
    void theHappyPathIsAllowed() {
        MoveState s = MoveState.COPYING;
        for (MoveState next : List.of(MoveState.COPYING, MoveState.FREEZING, MoveState.FINAL_SYNC, MoveState.SWITCHING,
                MoveState.RELEASING, MoveState.DONE)) {
            s = s.to(next);
        }
        assertEquals(MoveState.DONE, s);
        assertTrue(s.terminal());
    }

    @Test
    void onlyStatesBeforeTheSwitchRollBack() {
        for (MoveState s : MoveState.values()) {
            boolean before = EnumSet.of(MoveState.COPYING, MoveState.FREEZING, MoveState.FINAL_SYNC).contains(s);
            assertEquals(before, s.mayRollBack(), s.name());
            if (!before) {
                MoveState from = s;
                assertThrows(IllegalStateException.class, () -> from.to(MoveState.ROLLING_BACK));
            }
        }
        assertEquals(MoveState.FAILED, MoveState.ROLLING_BACK.to(MoveState.FAILED));
    }

    @Test
    void theSourceIsNeverReleasedBeforeTheSwitch() {
        for (MoveState s : EnumSet.of(MoveState.COPYING, MoveState.FREEZING, MoveState.FINAL_SYNC, MoveState.ROLLING_BACK)) {
            assertThrows(IllegalStateException.class, () -> s.to(MoveState.RELEASING), s.name());
        }
        assertThrows(IllegalStateException.class, () -> MoveState.COPYING.to(MoveState.SWITCHING));
        assertThrows(IllegalStateException.class, () -> MoveState.COPYING.to(MoveState.FINAL_SYNC));
    }

    @Test
    void terminalStatesGoNowhere() {
        for (MoveState t : EnumSet.of(MoveState.DONE, MoveState.FAILED)) {
            for (MoveState s : MoveState.values()) {
                assertThrows(IllegalStateException.class, () -> t.to(s));
            }
        }
        assertFalse(MoveState.SWITCHING.terminal());
    }

    @Test
    void aRollbackUnfreezesOnlyWhenTheSourceMayBeFrozen() {
        assertFalse(MoveState.COPYING.sourceMayBeFrozen());
        assertTrue(MoveState.FREEZING.sourceMayBeFrozen());
        assertTrue(MoveState.FINAL_SYNC.sourceMayBeFrozen());
    }
}
