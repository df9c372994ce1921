package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkDispatcherTest {

    @Test
    void manyTasksAreRunThroughAtMostTheGivenNumberOfSubmissions() {
        ArrayDeque<Runnable> submitted = new ArrayDeque<>();
        WorkDispatcher d = new WorkDispatcher(submitted::add, 3);
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int n = i;
            d.execute(() -> ran.add(n));
        }
        assertEquals(3, submitted.size(), "a selector never submits more than the bound, however many tasks");
        assertEquals(1000, d.queued());
        submitted.poll().run(); // one worker runs every queued task
        assertEquals(1000, ran.size());
        assertEquals(0, d.queued());
        submitted.forEach(Runnable::run); // the others find nothing and stop
        assertEquals(0, d.running());
    }

    @Test
    void aFailingTaskDoesNotStopTheOthers() {
        ArrayDeque<Runnable> submitted = new ArrayDeque<>();
        WorkDispatcher d = new WorkDispatcher(submitted::add, 1);
        AtomicInteger ran = new AtomicInteger();
        d.execute(() -> {
            throw new IllegalStateException("boom");
        });
        d.execute(ran::incrementAndGet);
        submitted.poll().run();
        assertEquals(1, ran.get());
        assertEquals(0, d.running());
    }

    @Test
    void noTaskIsLeftBehindUnderConcurrentSubmission() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        try {
            WorkDispatcher d = new WorkDispatcher(pool, 2);
            int n = 200_000;
            CountDownLatch done = new CountDownLatch(n);
            List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
            for (int s = 0; s < 4; s++) {
                int base = s * (n / 4);
                submitters.execute(() -> {
                    for (int i = 0; i < n / 4; i++) {
                        int v = base + i;
                        d.execute(() -> {
                            seen.add(v);
                            done.countDown();
                        });
                    }
                });
            }
            assertTrue(done.await(60, TimeUnit.SECONDS), "every task ran; left: " + done.getCount());
            assertEquals(n, seen.size());
            assertTrue(d.running() <= 2);
        } finally {
            pool.shutdownNow();
            submitters.shutdownNow();
        }
    }
}
