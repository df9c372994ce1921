package org.murder.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MessageFlagsTest {

    @Test
    void systemFlagsAreCaseInsensitiveAndRecentIsNeverStored() {
        MessageFlags f = MessageFlags.of(List.of("\\SEEN", "\\deleted", "\\Recent", "$Forwarded"));
        assertTrue(f.seen());
        assertTrue(f.deleted());
        assertEquals(List.of("\\Deleted", "\\Seen", "$Forwarded"), f.atoms());
    }

    @Test
    void keywordsKeepTheirFirstSpellingAndCompareCaseInsensitively() {
        MessageFlags f = MessageFlags.of(List.of("$Junk", "$junk", "Work"));
        assertEquals(List.of("$Junk", "Work"), f.keywords());
        assertTrue(f.hasKeyword("$JUNK"));
        assertTrue(f.sameAs(MessageFlags.of(List.of("work", "$junk"))));
    }

    @Test
    void storeModesAddRemoveAndReplace() {
        MessageFlags current = MessageFlags.of(List.of("\\Seen", "Work"));
        MessageFlags change = MessageFlags.of(List.of("\\Flagged", "work"));
        assertEquals(List.of("\\Flagged", "\\Seen", "Work"), new FlagChange(FlagChange.Mode.ADD, change).apply(current).atoms());
        assertEquals(List.of("\\Seen"), new FlagChange(FlagChange.Mode.REMOVE, change).apply(current).atoms());
        assertEquals(List.of("\\Flagged", "work"), new FlagChange(FlagChange.Mode.REPLACE, change).apply(current).atoms());
        assertFalse(new FlagChange(FlagChange.Mode.REMOVE, change).apply(current).flagged());
    }

    @Test
    void noFlagsIsEmpty() {
        assertEquals(List.of(), MessageFlags.NONE.atoms());
        assertEquals(List.of(), MessageFlags.splitKeywords(" "));
    }
}
