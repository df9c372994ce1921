package org.murder.store.model;

/**
 * How a new mailbox's UIDVALIDITY is chosen. RFC 3501 and RFC 9051 §2.3.1.1 require a mailbox created under a name
 * an earlier mailbox had to get a different value, or a client would take the old mailbox's cached UIDs for the new
 * one's. Cyrus bumps past the deleted mailbox's tombstone; we keep no tombstones but one counter per node: every
 * mailbox the node makes gets a value greater than every earlier one, so no value ever comes back under any name —
 * a RENAME keeps its mailbox's value (as Cyrus does) and so cannot bring back the one a name had before either.
 *
 * <p>Time-based, as Cyrus's ({@code time(0)}): a node whose database was wiped still gives values its clients have
 * not seen. The value is an IMAP {@code nz-number} (1 to 2<sup>32</sup>-1); seconds since 1970 fit until 2106.
 */
public final class UidValidity {

    /** The largest {@code nz-number}. */
    public static final long MAX = 0xFFFF_FFFFL;

    private UidValidity() {
    }

    /**
     * The value for the next mailbox: the current time in seconds, or one more than the last value given when the
     * clock has not moved past it (several mailboxes in one second, or a clock set back).
     *
     * @param last       the last value this node gave, 0 for none
     * @param nowSeconds the current time, seconds since 1970
     * @throws IllegalStateException when {@code last} is already the largest value
     */
    public static long next(long last, long nowSeconds) {
        if (last >= MAX) {
            throw new IllegalStateException("UIDVALIDITY exhausted");
        }
        long now = Math.min(Math.max(nowSeconds, 1), MAX);
        return Math.max(now, last + 1);
    }
}
