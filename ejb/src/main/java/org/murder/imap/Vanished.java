package org.murder.imap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.PrimitiveIterator;
import java.util.function.IntToLongFunction;
import java.util.function.LongPredicate;

import org.murder.protocol.imap.ImapReader;
import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.command.QresyncParameters;

/**
 * Which UIDs a QRESYNC client is told are gone (RFC 7162 §3.2.5.2, §3.2.6): those of its known UIDs expunged since
 * its MODSEQ. When the expunge record may no longer reach back that far, every known UID not in the mailbox — the
 * RFC lets a server tell of UIDs that went earlier, or never were — narrowed by the client's seq-match data.
 */
final class Vanished {

    private Vanished() {
    }

    /**
     * @param known           the UIDs the client asks about, {@code *} meaning {@code lastUid}
     * @param lastUid         UIDNEXT − 1: no UID above it was ever given
     * @param expungedSince   UIDs expunged since the client's MODSEQ, ascending (what the record holds)
     * @param historyComplete the record holds every expunge since the client's MODSEQ
     * @param present         the mailbox's UIDs, ascending
     * @param floor           UIDs up to it are known not to have gone (see {@link #seqMatchFloor})
     */
    static Optional<SequenceSet> uids(SequenceSet known, long lastUid, long[] expungedSince, boolean historyComplete,
                                      long[] present, long floor) {
        long last = Math.min(lastUid, ImapReader.MAX_NUMBER);
        List<SequenceSet.Range> out = new ArrayList<>();
        if (historyComplete) {
            LongPredicate asked = known.matcher(last);
            long[] gone = Arrays.stream(expungedSince).filter(u -> u > floor && asked.test(u)).toArray();
            return gone.length == 0 ? Optional.empty() : Optional.of(SequenceSet.of(gone));
        }
        // the gaps the present UIDs leave in each known range: at most one more range than messages and ranges
        for (SequenceSet.Range r : known.normalized(last)) {
            long low = Math.max(r.first(), floor + 1);
            long high = r.last();
            int i = Arrays.binarySearch(present, low);
            i = i < 0 ? -i - 1 : i;
            while (low <= high) {
                long next = i < present.length ? present[i] : Long.MAX_VALUE;
                if (next > high) {
                    add(out, low, high);
                    break;
                }
                if (next > low) {
                    add(out, low, next - 1);
                }
                low = next + 1;
                i++;
            }
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(new SequenceSet(out));
    }

    private static void add(List<SequenceSet.Range> out, long low, long high) {
        if (!out.isEmpty() && out.get(out.size() - 1).last() + 1 == low) {
            out.set(out.size() - 1, new SequenceSet.Range(out.get(out.size() - 1).first(), high));
        } else {
            out.add(new SequenceSet.Range(low, high));
        }
    }

    /**
     * The highest UID of the client's (message number, UID) pairs that still holds: when message n is still UID u,
     * the n − 1 messages below u are the ones the client knew (UIDs only grow), so none of them went. 0 when none
     * holds. Work is bounded by the mailbox's size, whatever the client sent.
     *
     * @param uidAt the UID of message number n of the mailbox now (1 ≤ n ≤ count)
     */
    static long seqMatchFloor(QresyncParameters.SeqMatch match, int count, IntToLongFunction uidAt) {
        PrimitiveIterator.OfLong msns = numbers(match.msns().normalized(count));
        PrimitiveIterator.OfLong uids = numbers(match.uids().normalized(ImapReader.MAX_NUMBER));
        long floor = 0;
        while (msns.hasNext() && uids.hasNext()) {
            long msn = msns.nextLong();
            long uid = uids.nextLong();
            if (uidAt.applyAsLong((int) msn) == uid) {
                floor = Math.max(floor, uid);
            }
        }
        return floor;
    }

    /** The numbers of ascending ranges one at a time (a stream's flatMap would fill a buffer with a whole range). */
    private static PrimitiveIterator.OfLong numbers(List<SequenceSet.Range> ranges) {
        return new PrimitiveIterator.OfLong() {
            private int range;
            private long next = ranges.isEmpty() ? 0 : ranges.get(0).first();

            @Override
            public boolean hasNext() {
                return range < ranges.size();
            }

            @Override
            public long nextLong() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                long n = next;
                if (n == ranges.get(range).last()) {
                    range++;
                    next = range < ranges.size() ? ranges.get(range).first() : 0;
                } else {
                    next++;
                }
                return n;
            }
        };
    }
}
