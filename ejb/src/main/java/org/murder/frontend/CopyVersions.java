package org.murder.frontend;

/**
 * The one rule of the local copy: a change message is applied only when it is the next version. Older
 * or equal versions are already in the copy (JMS redelivery, or covered by the snapshot it started
 * from); a jump means a message was lost, and only a snapshot can repair that.
 */
public final class CopyVersions {

    public enum Action { IGNORE, APPLY, RESYNC }

    private CopyVersions() {
    }

    public static Action decide(long applied, long incoming) {
        if (incoming <= applied) {
            return Action.IGNORE;
        }
        return incoming == applied + 1 ? Action.APPLY : Action.RESYNC;
    }

    /**
     * Whether a copy that the master is ahead of has missed something: it was already at the same
     * version on the previous check, so no message arrived during a whole check period.
     *
     * @param behindSince the copy's version at the previous check when it was behind then, else -1
     */
    public static boolean stalled(long applied, long masterVersion, long behindSince) {
        return masterVersion > applied && behindSince == applied;
    }

    /**
     * Whether the copy was made from another map than the master's now: the master names another epoch (its database
     * was reset or replaced: its versions count from 0 again and could pass the copy's without a gap), or, from a
     * master that names none, its version is below the copy's (it lost changes the copy has).
     *
     * @param copyEpoch the epoch the copy was last synchronised from, empty when unknown
     */
    public static boolean otherMap(String copyEpoch, long applied, String masterEpoch, long masterVersion) {
        if (!copyEpoch.isEmpty() && !masterEpoch.isEmpty()) {
            return !copyEpoch.equals(masterEpoch);
        }
        return masterVersion < applied;
    }
}
