package org.murder.imap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongUnaryOperator;
import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.command.SortCriterion;
import org.murder.protocol.imap.response.EsearchResult;
import org.murder.protocol.imap.search.SearchKey;

/**
 * The live results of one selected mailbox (RFC 5267 §4: SEARCH and SORT with {@code RETURN (UPDATE)}): each keeps its
 * messages by UID, in the result's order, and is told as ADDTO and REMOVEFROM what the mailbox's changes did to it. A
 * session keeps a few ({@link #MAX_RESULTS}, {@link #MAX_MESSAGES} UIDs in all); past that a search is answered but not
 * kept ({@code NO [NOUPDATE]}, as §4.3 allows). They go with the selection.
 *
 * <p>Only criteria whose answer for a message depends on that message alone are kept live, so a change needs only the
 * changed and new messages searched again: no message numbers, no {@code *}, no {@code $}, no \Recent (and, on a
 * mailbox whose \Seen is the user's own set, no \Seen, which changes without the mailbox's index).
 */
final class LiveResults {

    /** Live results a session may keep on its mailbox (Dovecot keeps 10 too). */
    static final int MAX_RESULTS = 10;
    /** UIDs a session's live results may hold together. */
    static final int MAX_MESSAGES = 200_000;

    /** One live result: {@code sort} empty for SEARCH (ascending order). */
    static final class Live {
        final String tag;
        final boolean uid;
        final SearchKey key;
        final Optional<List<SortCriterion>> sort;
        /** UIDs in the result's order. */
        long[] uids;

        Live(String tag, boolean uid, SearchKey key, Optional<List<SortCriterion>> sort, long[] uids) {
            this.tag = tag;
            this.uid = uid;
            this.key = key;
            this.sort = sort;
            this.uids = uids;
        }
    }

    private final Map<String, Live> byTag = new LinkedHashMap<>();

    /** Why a result cannot be kept live, or empty when it can. */
    synchronized Optional<String> refusal(String tag, SearchKey key, int size, boolean sharedSeen) {
        if (!keepable(key, sharedSeen)) {
            return Optional.of("Search criteria cannot be kept up to date");
        }
        if (byTag.size() >= MAX_RESULTS) {
            return Optional.of("Too many live results");
        }
        if (held() + size > MAX_MESSAGES) {
            return Optional.of("Live results too large");
        }
        return Optional.empty();
    }

    /** Whether a tag names a live result already (a second one under it is BAD). */
    synchronized boolean has(String tag) {
        return byTag.containsKey(tag);
    }

    synchronized void add(Live live) {
        byTag.put(live.tag, live);
    }

    /** CANCELUPDATE: false (and nothing cancelled) when a tag names no live result. */
    synchronized boolean cancel(List<String> tags) {
        if (!byTag.keySet().containsAll(tags)) {
            return false;
        }
        tags.forEach(byTag::remove);
        return true;
    }

    synchronized boolean isEmpty() {
        return byTag.isEmpty();
    }

    synchronized List<Live> all() {
        return new ArrayList<>(byTag.values());
    }

    private int held() {
        return byTag.values().stream().mapToInt(l -> l.uids.length).sum();
    }

    static boolean keepable(SearchKey key, boolean sharedSeen) {
        return !key.anyKey(k -> k instanceof SearchKey.SequenceNumbers || k instanceof SearchKey.Recent
                || k instanceof SearchKey.New || k instanceof SearchKey.Old
                || k instanceof SearchKey.Uid u && (u.set().lastResult() || u.set().usesStar())
                || sharedSeen && k instanceof SearchKey.Flag f && f.flag().equalsIgnoreCase("\\Seen"));
    }

    /** What a change did to one result: REMOVEFROMs (told before the EXPUNGEs) and ADDTOs (after EXISTS). */
    record Changes(List<EsearchResult.Update> removed, List<EsearchResult.Update> added) {
        boolean isEmpty() {
            return removed.isEmpty() && added.isEmpty();
        }
    }

    /**
     * The updates that turn the result {@code before} into {@code after} (UIDs, each in its result's order; the messages
     * both hold keep their relative order, as SEARCH's ascending order and SORT's fixed keys ensure). REMOVEFROM runs are
     * numbered as the client applies them one after the other; ADDTO positions are those in {@code after}, so applied in
     * order they build it.
     *
     * @param oldNumber a removed message's number as the client knows it (its UID, or its number before the EXPUNGEs)
     * @param newNumber an added message's number (its UID, or its number once EXISTS has been told)
     */
    static Changes diff(long[] before, long[] after, LongUnaryOperator oldNumber, LongUnaryOperator newNumber) {
        java.util.Set<Long> kept = new java.util.HashSet<>(after.length * 2);
        for (long u : after) {
            kept.add(u);
        }
        java.util.Set<Long> was = new java.util.HashSet<>(before.length * 2);
        for (long u : before) {
            was.add(u);
        }
        List<EsearchResult.Update> removed = runs(before, u -> !kept.contains(u), oldNumber, false);
        List<EsearchResult.Update> added = runs(after, u -> !was.contains(u), newNumber, true);
        return new Changes(removed, added);
    }

    private static List<EsearchResult.Update> runs(long[] list, java.util.function.LongPredicate member,
                                                   LongUnaryOperator number, boolean add) {
        List<EsearchResult.Update> out = new ArrayList<>();
        int gone = 0;
        for (int i = 0; i < list.length; ) {
            if (!member.test(list[i])) {
                i++;
                continue;
            }
            int j = i;
            while (j < list.length && member.test(list[j])) {
                j++;
            }
            long[] numbers = new long[j - i];
            for (int k = i; k < j; k++) {
                numbers[k - i] = number.applyAsLong(list[k]);
            }
            // removals: where the run is once the runs before it are gone; additions: where it is in the new result
            long position = add ? i + 1 : i - gone + 1;
            out.add(new EsearchResult.Update(add, position, SequenceSet.of(numbers)));
            gone += j - i;
            i = j;
        }
        return out;
    }

    /** The UIDs of {@code uids} not in {@code gone} nor in {@code recheck}, ascending (the unchanged members). */
    static long[] unchanged(long[] uids, java.util.Set<Long> gone, java.util.Set<Long> recheck) {
        long[] out = new long[uids.length];
        int n = 0;
        for (long u : uids) {
            if (!gone.contains(u) && !recheck.contains(u)) {
                out[n++] = u;
            }
        }
        long[] sorted = Arrays.copyOf(out, n);
        Arrays.sort(sorted);
        return sorted;
    }

    /** Ascending merge of two ascending UID arrays without repeats. */
    static long[] merge(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            long next = j >= b.length || i < a.length && a[i] <= b[j] ? a[i++] : b[j++];
            if (n == 0 || out[n - 1] != next) {
                out[n++] = next;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Drops every live result (the selection ends). */
    synchronized void clear() {
        byTag.clear();
    }
}
