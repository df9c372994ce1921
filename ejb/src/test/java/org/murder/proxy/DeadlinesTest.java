package org.murder.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeadlinesTest {

    private final AtomicLong now = new AtomicLong();
    private final Deadlines deadlines = new Deadlines(now::get);
    private final List<String> ran = new ArrayList<>();

    @Test
    void aDeadlineRunsAtTheFirstSweepPastItsTimeAndOnce() {
        deadlines.arm(Duration.ofSeconds(2), () -> ran.add("a"));
        deadlines.arm(Duration.ofSeconds(5), () -> ran.add("b"));
        now.set(Duration.ofSeconds(2).toNanos() - 1);
        assertEquals(0, deadlines.sweep());
        now.set(Duration.ofSeconds(2).toNanos());
        assertEquals(1, deadlines.sweep());
        assertEquals(List.of("a"), ran);
        now.set(Duration.ofSeconds(60).toNanos());
        assertEquals(1, deadlines.sweep());
        assertEquals(0, deadlines.sweep());
        assertEquals(List.of("a", "b"), ran);
    }

    @Test
    void aCancelledDeadlineLeavesNothingBehind() {
        for (int i = 0; i < 10_000; i++) {
            deadlines.arm(Duration.ofMinutes(5), () -> ran.add("never")).cancel();
        }
        assertEquals(0, deadlines.armed(), "nothing kept until its time, as a cancelled scheduled task is");
        now.set(Duration.ofMinutes(6).toNanos());
        assertEquals(0, deadlines.sweep());
        assertEquals(List.of(), ran);
    }

    @Test
    void aFailingActionDoesNotStopTheOthers() {
        deadlines.arm(Duration.ZERO, () -> {
            throw new IllegalStateException("boom");
        });
        deadlines.arm(Duration.ZERO, () -> ran.add("ok"));
        assertEquals(2, deadlines.sweep());
        assertEquals(List.of("ok"), ran);
    }
}
