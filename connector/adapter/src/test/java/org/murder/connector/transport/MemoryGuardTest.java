package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MemoryGuardTest {

    private double before = 0.95; // what young collections leave: live data and old garbage
    private double after = 0.50;  // what a full collection leaves: live data
    private boolean collected;
    private long now = 1_000;
    private final AtomicInteger collections = new AtomicInteger();

    private MemoryGuard guard(int percent) {
        return new MemoryGuard(percent, () -> collected ? after : before, () -> {
            collections.incrementAndGet();
            collected = true;
        }, () -> now);
    }

    @Test
    void aHighReadingIsConfirmedByAFullCollectionBeforeAnythingIsRefused() {
        MemoryGuard g = guard(90);
        assertFalse(g.runningShort(), "old garbage, not live data");
        assertEquals(1, collections.get());
        collected = false; // garbage piles up again after young collections
        now += MemoryGuard.CONFIRMATION_NANOS / 2;
        assertFalse(g.runningShort(), "the confirmation holds for a while");
        assertEquals(1, collections.get());
        now += MemoryGuard.CONFIRMATION_NANOS;
        assertFalse(g.runningShort());
        assertEquals(2, collections.get(), "and is made again after it");
    }

    @Test
    void liveDataPastTheThresholdIsRefusedUntilAFullCollectionSaysOtherwise() {
        after = 0.93;
        MemoryGuard g = guard(90);
        assertTrue(g.runningShort());
        now += 1_000;
        assertTrue(g.runningShort());
        assertEquals(1, collections.get(), "at most one full collection per period");
        after = 0.40; // sessions closed
        collected = false;
        now += MemoryGuard.CONFIRMATION_NANOS;
        assertFalse(g.runningShort());
        assertEquals(2, collections.get());
    }

    @Test
    void aLowReadingNeedsNoCollectionAndZeroNeverRefuses() {
        before = 0.3;
        assertFalse(guard(90).runningShort());
        before = 0.99;
        assertFalse(guard(0).runningShort());
        assertEquals(0, collections.get());
    }
}
