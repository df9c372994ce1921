package org.murder.connector.transport;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the transport's tasks (a connection's input, its end, an outbound event) on the work manager through at most
 * {@code maxWorkers} submissions at a time, each running queued tasks until none is left. The work manager's short
 * pool bounds the work it holds and blocks a submitter past that bound: a selector thread submitting one work per
 * task blocked there when thousands of connections closed at once (the proxied sessions of a benchmark, hung up
 * together), and with it every connection of the listener — for good. Here a selector only queues; it submits only
 * while fewer than {@code maxWorkers} are running, far below that bound. It also costs one submission per batch of
 * tasks rather than one per task.
 */
public final class WorkDispatcher implements Executor {

    private static final Logger LOG = Logger.getLogger(WorkDispatcher.class.getName());

    private final Executor workers;
    private final int maxWorkers;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger();

    /** @param workers where a worker runs (the work manager); {@code maxWorkers} of them at most at a time */
    public WorkDispatcher(Executor workers, int maxWorkers) {
        if (maxWorkers < 1) {
            throw new IllegalArgumentException("maxWorkers must be at least 1");
        }
        this.workers = workers;
        this.maxWorkers = maxWorkers;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        startWorker();
    }

    /** Tasks waiting for a worker. */
    public int queued() {
        return tasks.size();
    }

    /** Workers running now. */
    public int running() {
        return running.get();
    }

    private void startWorker() {
        while (!tasks.isEmpty()) {
            int r = running.get();
            if (r >= maxWorkers) {
                return; // a running worker takes the task, and looks again before it stops
            }
            if (running.compareAndSet(r, r + 1)) {
                try {
                    workers.execute(this::work);
                } catch (RuntimeException e) {
                    running.decrementAndGet();
                    throw e;
                }
                return;
            }
        }
    }

    private void work() {
        try {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    // one task's failure is its own connection's business; the others still run
                    LOG.log(Level.SEVERE, "MURDER-RA-040 a transport task failed", e);
                    if (e instanceof VirtualMachineError vme) {
                        throw vme;
                    }
                }
            }
        } finally {
            running.decrementAndGet();
            startWorker(); // a task queued after our last poll, while every worker was still counted
        }
    }
}
