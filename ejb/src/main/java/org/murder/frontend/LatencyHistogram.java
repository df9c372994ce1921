package org.murder.frontend;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Change-to-copy latency (master's send to the frontend's apply), in 1 ms buckets up to 10 s, for the
 * benchmark and the console. Lock-free; cheap enough to keep on in production.
 */
public final class LatencyHistogram {

    private static final int BUCKETS = 10_001;
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final LongAdder total = new LongAdder();

    public void record(long millis) {
        counts.incrementAndGet((int) Math.max(0, Math.min(BUCKETS - 1, millis)));
        total.increment();
    }

    public long count() {
        return total.sum();
    }

    /** The smallest bucket at or below which {@code fraction} of the samples lie; -1 when empty. */
    public long percentile(double fraction) {
        long n = total.sum();
        if (n == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(fraction * n);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return i;
            }
        }
        return BUCKETS - 1;
    }

    public void reset() {
        for (int i = 0; i < BUCKETS; i++) {
            counts.set(i, 0);
        }
        total.reset();
    }
}
