package org.murder.move;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MoveDeltaTest {

    private static MoveDelta.Change at(long modSeq, String... flags) {
        return new MoveDelta.Change(List.of(flags), modSeq);
    }

    @Test
    void theFirstPassFetchesEverything() {
        MoveDelta d = MoveDelta.plan(Map.of(), Set.of(3L, 1L, 2L), Map.of(1L, at(4), 2L, at(5), 3L, at(6)));
        assertEquals(List.of(1L, 2L, 3L), d.fetch());
        assertEquals(Map.of(), d.flags());
        assertEquals(List.of(), d.expunge());
        assertEquals(3, d.size());
    }

    @Test
    void aLaterPassTakesNewMessagesFlagChangesAndExpunges() {
        Map<Long, Long> copy = Map.of(1L, 4L, 2L, 5L, 3L, 6L);
        MoveDelta d = MoveDelta.plan(copy, Set.of(1L, 3L, 7L), Map.of(3L, at(9, "\\Seen"), 7L, at(10)));
        assertEquals(List.of(7L), d.fetch());
        assertEquals(Map.of(3L, at(9, "\\Seen")), d.flags());
        assertEquals(List.of(2L), d.expunge());
    }

    @Test
    void aMessageAddedAfterTheSearchIsFetchedNotExpunged() {
        MoveDelta d = MoveDelta.plan(Map.of(1L, 2L), Set.of(1L), Map.of(8L, at(12)));
        assertEquals(List.of(8L), d.fetch());
        assertEquals(List.of(), d.expunge());
    }

    @Test
    void aChangeTheCopyAlreadyHasIsNotRepeated() {
        // a pass repeated after a crash sees the same MODSEQ again
        MoveDelta d = MoveDelta.plan(Map.of(1L, 9L), Set.of(1L), Map.of(1L, at(9, "\\Flagged")));
        assertEquals(0, d.size());
    }

    @Test
    void aQuietSourceGivesAnEmptyPass() {
        assertEquals(0, MoveDelta.plan(Map.of(1L, 2L, 5L, 3L), Set.of(1L, 5L), Map.of()).size());
    }

    @Test
    void anEmptiedSourceExpungesEverything() {
        MoveDelta d = MoveDelta.plan(Map.of(5L, 3L, 1L, 2L), Set.of(), Map.of());
        assertEquals(List.of(1L, 5L), d.expunge());
    }
}
