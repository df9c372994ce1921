package org.murder.store.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UidValidityTest {

    private static final long NOW = 1_796_000_000L; // December 2026

    @Test
    void theClockWhenItHasMovedOn() {
        assertEquals(NOW, UidValidity.next(0, NOW));
        assertEquals(NOW, UidValidity.next(NOW - 100, NOW));
    }

    @Test
    void deleteAndCreateInTheSameSecondStillChangesIt() {
        // the bug of issue 12: time(0) alone gave a recreated mailbox its predecessor's value
        long first = UidValidity.next(0, NOW);
        long second = UidValidity.next(first, NOW);
        long third = UidValidity.next(second, NOW);
        assertTrue(first < second && second < third);
    }

    @Test
    void aClockSetBackNeverRepeatsAValue() {
        assertEquals(NOW + 1, UidValidity.next(NOW, NOW - 3600));
        assertEquals(1, UidValidity.next(0, 0)); // an nz-number even from a broken clock
        assertEquals(1, UidValidity.next(0, -5));
    }

    @Test
    void staysANonZero32BitNumber() {
        assertEquals(UidValidity.MAX, UidValidity.next(UidValidity.MAX - 1, NOW));
        assertEquals(UidValidity.MAX, UidValidity.next(0, Long.MAX_VALUE));
        assertThrows(IllegalStateException.class, () -> UidValidity.next(UidValidity.MAX, NOW));
    }

    @Test
    void manyMailboxesInOneSecondAllDiffer() {
        long last = 0;
        java.util.Set<Long> given = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            last = UidValidity.next(last, NOW);
            assertTrue(given.add(last));
        }
        assertEquals(NOW + 9_999, last);
    }
}
