package org.murder.connector.transport;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * Whether the heap is running short, judged by what the last garbage collection left (live data, not garbage
 * waiting to be collected): past the threshold a listener refuses new connections with the protocol's
 * "unavailable" answer, so the sessions it has keep working instead of the whole node failing.
 */
public final class MemoryGuard {

    private final double threshold;
    private final List<MemoryPoolMXBean> pools;

    /** @param percent the share of the heap in use after a collection past which new connections are refused; 0 or 100: never */
    public MemoryGuard(int percent) {
        this.threshold = percent <= 0 || percent >= 100 ? Double.MAX_VALUE : percent / 100.0;
        this.pools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()).toList();
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
        return threshold != Double.MAX_VALUE && usedAfterCollection() > threshold;
    }
}
