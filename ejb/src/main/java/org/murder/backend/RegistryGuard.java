package org.murder.backend;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps the full push to the master ({@link MapPushService}) apart from this backend's mailbox changes
 * (CREATE, DELETE, RENAME, SETACL, autocreate). A push compares two lists read one after the other, the
 * backend's and the master's; a change in between (the listeners accept clients while the start-up push runs)
 * made it delete a mailbox just created from the master, or bring back one just deleted. Cyrus avoids this by
 * pushing in START, before any service accepts; here changes run side by side, but never during a push.
 */
public final class RegistryGuard {

    /** The backend's one guard (one deployment per server). */
    public static final RegistryGuard BACKEND = new RegistryGuard(Duration.ofSeconds(60));

    /** A piece of work that may throw {@code E}. */
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    /** The guard was not obtained within its bound (a push hangs on an unreachable master). */
    public static final class BusyException extends Exception {
        BusyException(String message) {
            super(message);
        }
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
    private final Duration wait;

    public RegistryGuard(Duration wait) {
        this.wait = wait;
    }

    /** Runs a mailbox change; changes run concurrently with each other, never during a push. */
    public <T, E extends Exception> T change(Work<T, E> work) throws E, BusyException {
        return under(lock.readLock(), "a mailbox change", work);
    }

    /** Runs a push, alone. */
    public <T, E extends Exception> T push(Work<T, E> work) throws E, BusyException {
        return under(lock.writeLock(), "the push to the master", work);
    }

    private <T, E extends Exception> T under(Lock l, String what, Work<T, E> work) throws E, BusyException {
        boolean held;
        try {
            held = l.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusyException("interrupted waiting to start " + what);
        }
        if (!held) {
            throw new BusyException(what + " waited " + wait.toSeconds() + " s for the mailbox registry");
        }
        try {
            return work.run();
        } finally {
            l.unlock();
        }
    }
}
