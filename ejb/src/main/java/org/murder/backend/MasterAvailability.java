package org.murder.backend;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether this node's MUPDATE master answers, container-free. Once a call found it unreachable, calls fail at once for
 * {@code retryDelay} ({@code client_timeout}: at most one call at a time waits out a master that does not answer)
 * instead of each waiting: a CREATE is refused quickly, and nothing else a backend does needs the master. After the
 * delay one call may try again; a master never reached since this node started is always tried (the murder starting:
 * it is about to answer). The
 * transitions are returned so that whoever saw them can act: a backend reconciles with a master that
 * {@link Transition#RETURNED returned} (its map may have lost what happened meanwhile, or all of it).
 */
public final class MasterAvailability {

    public enum Transition {
        /** Nothing changed. */
        NONE,
        /** The first answer since this node started. */
        FIRST_CONTACT,
        /** An answer after the master was unreachable. */
        RETURNED,
        /** Unreachable, after it answered (or before it ever did). */
        LOST
    }

    private enum State { UNKNOWN, UP, DOWN }

    private final Duration retryDelay;
    private State state = State.UNKNOWN;
    private Instant since;
    private String why = "";
    private Instant lastTry = Instant.MIN;
    private boolean everReached;

    public MasterAvailability(Duration retryDelay) {
        this.retryDelay = retryDelay;
    }

    /** A call reached the master. */
    public synchronized Transition reached(Instant now) {
        State before = state;
        state = State.UP;
        everReached = true;
        if (before == State.UP) {
            return Transition.NONE;
        }
        since = now;
        why = "";
        return before == State.UNKNOWN ? Transition.FIRST_CONTACT : Transition.RETURNED;
    }

    /** A call could not reach the master (connect, login or an answer failed). */
    public synchronized Transition lost(String reason, Instant now) {
        lastTry = now;
        why = reason;
        if (state == State.DOWN) {
            return Transition.NONE;
        }
        state = State.DOWN;
        since = now;
        return Transition.LOST;
    }

    /**
     * Whether a call should try the master now: always unless it is known down and was tried less than
     * {@code retryDelay} ago (then the caller fails at once). A true answer while down counts as the try.
     */
    public synchronized boolean mayTry(Instant now) {
        if (state != State.DOWN || !everReached) {
            return true;
        }
        if (Duration.between(lastTry, now).compareTo(retryDelay) >= 0) {
            lastTry = now;
            return true;
        }
        return false;
    }

    /** Whether the master answered at least once since this node started (a master not up yet is no news). */
    public synchronized boolean everReached() {
        return everReached;
    }

    public synchronized boolean down() {
        return state == State.DOWN;
    }

    /** Since when the master has been unreachable, when it is. */
    public synchronized Optional<Instant> downSince() {
        return state == State.DOWN ? Optional.of(since) : Optional.empty();
    }

    /** Why the latest call could not reach it. */
    public synchronized String why() {
        return why;
    }
}
