package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** Busy-loop detector: the selector thread's CPU time over one second of wall time. */
final class ThreadMXBeanCheck {

    private ThreadMXBeanCheck() {
    }

    static void assertSelectorIdle(Harness h, String when) throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getThreadCpuTime(h.selector.getId());
        Thread.sleep(1_000);
        long cpuMillis = (mx.getThreadCpuTime(h.selector.getId()) - cpu0) / 1_000_000;
        assertTrue(cpuMillis < 200, "selector used " + cpuMillis + " ms CPU in 1 s " + when);
    }
}
