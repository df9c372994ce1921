package org.murder.protocol.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one fuzz input's decoding on a worker thread with a deadline and a small stack, so that a hang fails the
 * property (instead of the build) and a recursion that only a 1 MB stack survives shows up as the
 * {@link StackOverflowError} it would be on a server thread with less room. Whatever the task throws is rethrown
 * as it is.
 */
public final class WithinTime {

    /** Per input; {@code -Dfuzz.timeoutMillis} changes it (a slow or busy machine). */
    public static final Duration LIMIT = Duration.ofMillis(Long.getLong("fuzz.timeoutMillis", 5_000));

    /** Smaller than a platform thread's default, larger than any bounded decoder needs. */
    private static final long STACK_BYTES = 256 * 1024;

    private static ExecutorService worker = newWorker();

    private WithinTime() {
    }

    public static synchronized <T> T call(Callable<T> task) {
        Future<T> result = worker.submit(task);
        try {
            return result.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            worker.shutdownNow(); // the stuck thread is a daemon: it cannot keep the JVM alive
            worker = newWorker();
            throw new AssertionError("no result within " + LIMIT + ": the decoder hangs or is far from linear");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new AssertionError("checked exception from a decoder", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public static synchronized void run(Runnable task) {
        call(() -> {
            task.run();
            return null;
        });
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, r, "fuzz-worker", STACK_BYTES);
            t.setDaemon(true);
            return t;
        });
    }
}
