package org.murder.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.response.EsearchResult;
import org.murder.protocol.imap.search.SearchKey;

/** RFC 5267 §4.3's ADDTO and REMOVEFROM, and which criteria a live result may follow. */
class LiveResultsTest {

    private static EsearchResult.Update add(long position, long... numbers) {
        return new EsearchResult.Update(true, position, SequenceSet.of(numbers));
    }

    private static EsearchResult.Update remove(long position, long... numbers) {
        return new EsearchResult.Update(false, position, SequenceSet.of(numbers));
    }

    @Test
    void removalsAreNumberedAsTheyApplyAndAdditionsWhereTheyLand() {
        LiveResults.Changes c = LiveResults.diff(new long[] {3, 5, 7, 9, 11}, new long[] {3, 8, 9, 12, 13},
                u -> u, u -> u);
        assertEquals(List.of(remove(2, 5, 7), remove(3, 11)), c.removed());
        assertEquals(List.of(add(2, 8), add(4, 12, 13)), c.added());
    }

    @Test
    void sortedResultsKeepTheirOrderInTheSets() {
        // sort order 9, 3, 7; 5 arrives between 9 and 3, 7 leaves
        LiveResults.Changes c = LiveResults.diff(new long[] {9, 3, 7}, new long[] {9, 5, 3}, u -> u, u -> u);
        assertEquals(List.of(remove(3, 7)), c.removed());
        assertEquals(List.of(add(2, 5)), c.added());
        LiveResults.Changes two = LiveResults.diff(new long[] {4}, new long[] {9, 2, 4}, u -> u, u -> u);
        assertEquals(List.of(add(1, 9, 2)), two.added(), "a run in sort order, not ascending");
    }

    @Test
    void messageNumbersComeFromTheirSide() {
        // removed ones by their number before the EXPUNGEs, added ones by theirs after
        LiveResults.Changes c = LiveResults.diff(new long[] {10, 20}, new long[] {20, 30}, u -> u / 10, u -> u / 10 - 1);
        assertEquals(List.of(remove(1, 1)), c.removed());
        assertEquals(List.of(add(2, 2)), c.added());
        assertTrue(LiveResults.diff(new long[] {1, 2}, new long[] {1, 2}, u -> u, u -> u).isEmpty());
    }

    @Test
    void applyingTheUpdatesGivesTheNewResult() {
        Random random = new Random(5267);
        for (int round = 0; round < 500; round++) {
            List<Long> before = new ArrayList<>();
            List<Long> after = new ArrayList<>();
            for (long u = 1; u <= 30; u++) {
                boolean was = random.nextBoolean();
                boolean is = random.nextInt(4) > 0 ? was : !was;
                if (was) {
                    before.add(u);
                }
                if (is) {
                    after.add(u);
                }
            }
            LiveResults.Changes c = LiveResults.diff(before.stream().mapToLong(Long::longValue).toArray(),
                    after.stream().mapToLong(Long::longValue).toArray(), u -> u, u -> u);
            List<Long> client = new ArrayList<>(before);
            for (EsearchResult.Update u : c.removed()) {
                List<Long> gone = u.messages().stream(Long.MAX_VALUE).boxed().toList();
                assertEquals(gone, client.subList((int) u.position() - 1, (int) u.position() - 1 + gone.size()));
                client.subList((int) u.position() - 1, (int) u.position() - 1 + gone.size()).clear();
            }
            for (EsearchResult.Update u : c.added()) {
                client.addAll((int) u.position() - 1, u.messages().stream(Long.MAX_VALUE).boxed().toList());
            }
            assertEquals(after, client, "round " + round);
        }
    }

    @Test
    void onlyCriteriaThatDependOnTheMessageAloneAreFollowed() {
        assertTrue(LiveResults.keepable(new SearchKey.Flag("\\Seen", false), false));
        assertFalse(LiveResults.keepable(new SearchKey.Flag("\\Seen", false), true), "a shared mailbox's \\Seen is ours");
        assertTrue(LiveResults.keepable(new SearchKey.Flag("\\Flagged", true), true));
        assertFalse(LiveResults.keepable(new SearchKey.SequenceNumbers(SequenceSet.parse("1:5")), false));
        assertFalse(LiveResults.keepable(new SearchKey.Uid(SequenceSet.parse("5:*")), false));
        assertFalse(LiveResults.keepable(new SearchKey.Uid(SequenceSet.LAST_RESULT), false));
        assertTrue(LiveResults.keepable(new SearchKey.Uid(SequenceSet.parse("5:9")), false));
        assertFalse(LiveResults.keepable(new SearchKey.Not(new SearchKey.Recent()), false));
    }

    @Test
    void aSessionKeepsFewAndSmallResults() {
        LiveResults live = new LiveResults();
        for (int i = 0; i < LiveResults.MAX_RESULTS; i++) {
            assertEquals(Optional.empty(), live.refusal("t" + i, SearchKey.ALL, 10, false));
            live.add(new LiveResults.Live("t" + i, true, SearchKey.ALL, Optional.empty(), new long[10]));
        }
        assertTrue(live.refusal("x", SearchKey.ALL, 1, false).isPresent());
        assertFalse(live.cancel(List.of("t1", "nope")), "an unknown tag cancels nothing");
        assertTrue(live.has("t1"));
        assertTrue(live.cancel(List.of("t1", "t2")));
        assertFalse(live.has("t1"));
        assertEquals(Optional.empty(), live.refusal("x", SearchKey.ALL, 1, false));
        assertTrue(live.refusal("x", SearchKey.ALL, LiveResults.MAX_MESSAGES, false).isPresent());
        live.clear();
        assertTrue(live.isEmpty());
    }

    @Test
    void mergeAndUnchanged() {
        assertArrayEquals(new long[] {1, 2, 3, 5, 8}, LiveResults.merge(new long[] {1, 3, 8}, new long[] {2, 3, 5}));
        assertArrayEquals(new long[] {1, 9}, LiveResults.unchanged(new long[] {9, 4, 1, 6}, Set.of(4L), Set.of(6L)));
    }
}
