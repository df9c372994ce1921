package org.murder.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Some UIDs of a mailbox as a few {@code uid BETWEEN lo AND hi} ranges, so that a query reads the rows of those
 * messages, not the mailbox's: a move's batch of 100 UIDs is one range; flag changes spread over a mailbox of
 * 100,000 become as many ranges as they have runs. Neighbours at most {@link #MAX_GAP} apart share a range (one
 * query instead of two, at the cost of at most that many extra rows per join), and a range holds at most
 * {@link #MAX_WANTED} of the UIDs, so a query's answer stays bounded.
 *
 * @param lo lowest UID of the range
 * @param hi highest UID of the range
 */
public record UidRange(long lo, long hi) {

    static final int MAX_GAP = 16;
    static final int MAX_WANTED = 1_000;

    public UidRange {
        if (lo < 1 || hi < lo) {
            throw new IllegalArgumentException("bad range " + lo + ":" + hi);
        }
    }

    public static List<UidRange> covering(Collection<Long> uids) {
        List<UidRange> out = new ArrayList<>();
        long lo = 0;
        long hi = 0;
        int wanted = 0;
        for (long uid : new TreeSet<>(uids)) {
            if (wanted > 0 && (uid - hi > MAX_GAP || wanted >= MAX_WANTED)) {
                out.add(new UidRange(lo, hi));
                wanted = 0;
            }
            if (wanted == 0) {
                lo = uid;
            }
            hi = uid;
            wanted++;
        }
        if (wanted > 0) {
            out.add(new UidRange(lo, hi));
        }
        return out;
    }

    public boolean contains(long uid) {
        return uid >= lo && uid <= hi;
    }
}
