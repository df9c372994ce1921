package org.murder.move;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a move stands on its destination (docs/moves.md). Each state's allowed successors are listed here and
 * nowhere else; {@link #to} refuses any other transition, so a bug cannot, say, release the source before the
 * switch.
 */
public enum MoveState {
    /** Passes over the live source. */
    COPYING,
    /** Asking the source to freeze. */
    FREEZING,
    /** The last pass over the frozen source, with ACLs, quota and subscriptions. */
    FINAL_SYNC,
    /** DEACTIVATE at the master, the copy live here, ACTIVATE: forward only from here. */
    SWITCHING,
    /** Asking the source to remove its copy. */
    RELEASING,
    DONE,
    /** Deleting the copy here, unfreezing the source. */
    ROLLING_BACK,
    FAILED;

    private Set<MoveState> next() {
        return switch (this) {
            case COPYING -> EnumSet.of(COPYING, FREEZING, ROLLING_BACK);
            case FREEZING -> EnumSet.of(FINAL_SYNC, ROLLING_BACK);
            case FINAL_SYNC -> EnumSet.of(SWITCHING, ROLLING_BACK);
            case SWITCHING -> EnumSet.of(RELEASING);
            case RELEASING -> EnumSet.of(DONE);
            case ROLLING_BACK -> EnumSet.of(FAILED);
            case DONE, FAILED -> EnumSet.noneOf(MoveState.class);
        };
    }

    /** The state after this one, if the move may go there; else {@link IllegalStateException}. */
    public MoveState to(MoveState target) {
        if (!next().contains(target)) {
            throw new IllegalStateException("a move cannot go from " + this + " to " + target);
        }
        return target;
    }

    public boolean terminal() {
        return this == DONE || this == FAILED;
    }

    /** Whether a failure here may still be undone: before the switch, the source is the one live copy. */
    public boolean mayRollBack() {
        return next().contains(ROLLING_BACK);
    }

    /** Whether the source may be frozen now (so that a rollback must unfreeze it). */
    public boolean sourceMayBeFrozen() {
        return this != COPYING;
    }
}
