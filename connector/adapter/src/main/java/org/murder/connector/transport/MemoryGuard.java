package org.murder.connector.transport;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Whether the heap is running short, judged by what garbage collection left in use: past the threshold a listener
 * refuses new connections with the protocol's "unavailable" answer, so the sessions it has keep working instead of
 * the whole node failing.
 * <p>
 * What a young collection of G1 leaves in the old generation still holds garbage that only a later marking finds, so
 * a reading past the threshold is confirmed by a full collection (the whole JVM pauses for it whichever thread asks,
 * so the caller's thread may) before anything is refused; a confirmation holds for {@link #CONFIRMATION_NANOS}, and
 * one is made at most that often, shared by every listener of the JVM.
 */
public final class MemoryGuard {

    /** How long a full collection's verdict holds, and how often one may be made. */
    static final long CONFIRMATION_NANOS = 10_000_000_000L;

    private record Confirmation(double live, long at) {
    }

    /** The JVM's last confirmation: every listener's guard looks at the same heap. */
    private static final AtomicReference<Confirmation> LAST = new AtomicReference<>();

    private final double threshold;
    private final List<MemoryPoolMXBean> pools;
    private final DoubleSupplier reading;
    private final Runnable collect;
    private final LongSupplier clock;
    private final AtomicReference<Confirmation> last;

    /** @param percent the share of the heap in use after a collection past which new connections are refused; 0 or 100: never */
    public MemoryGuard(int percent) {
        this.threshold = percent <= 0 || percent >= 100 ? Double.MAX_VALUE : percent / 100.0;
        this.pools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()).toList();
        this.reading = this::usedAfterCollection;
        this.collect = System::gc;
        this.clock = System::nanoTime;
        this.last = LAST;
    }

    /** For tests: the reading, the full collection and the clock given. */
    MemoryGuard(int percent, DoubleSupplier reading, Runnable collect, LongSupplier clock) {
        this.threshold = percent <= 0 || percent >= 100 ? Double.MAX_VALUE : percent / 100.0;
        this.pools = List.of();
        this.reading = reading;
        this.collect = collect;
        this.clock = clock;
        this.last = new AtomicReference<>();
    }

    /** The share of the heap the last collections left in use, 0..1 (0 when the JVM does not say). */
    public double usedAfterCollection() {
        long used = 0;
        long max = 0;
        for (MemoryPoolMXBean p : pools) {
            MemoryUsage after = p.getCollectionUsage();
            MemoryUsage now = p.getUsage();
            if (after == null || now == null) {
                continue;
            }
            used += after.getUsed();
            long poolMax = now.getMax() > 0 ? now.getMax() : now.getCommitted();
            max += poolMax;
        }
        long heapMax = Runtime.getRuntime().maxMemory();
        if (heapMax > 0 && heapMax != Long.MAX_VALUE) {
            max = heapMax;
        }
        return max <= 0 ? 0 : (double) used / max;
    }

    public boolean runningShort() {
        if (threshold == Double.MAX_VALUE || reading.getAsDouble() <= threshold) {
            return false;
        }
        long now = clock.getAsLong();
        Confirmation c = last.get();
        if (c != null && now - c.at() < CONFIRMATION_NANOS) {
            return c.live() > threshold;
        }
        Confirmation mine = new Confirmation(1.0, now); // refuses while this one's collection runs
        if (!last.compareAndSet(c, mine)) {
            return last.get().live() > threshold; // another listener confirms just now
        }
        collect.run();
        Confirmation done = new Confirmation(reading.getAsDouble(), clock.getAsLong());
        last.set(done);
        return done.live() > threshold;
    }
}
