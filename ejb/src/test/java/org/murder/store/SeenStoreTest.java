package org.murder.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SeenStoreTest {

    @Test
    void runsAreStoredCompactlyAndReadBack() {
        TreeSet<Long> uids = new TreeSet<>(List.of(1L, 2L, 3L, 5L, 7L, 8L, 100L));
        String text = SeenStore.format(uids);
        assertEquals("1:3,5,7:8,100", text);
        TreeSet<Long> back = new TreeSet<>();
        SeenStore.parse(text, back);
        assertEquals(uids, back);
    }

    @Test
    void emptyIsEmpty() {
        assertEquals("", SeenStore.format(new TreeSet<>()));
        TreeSet<Long> back = new TreeSet<>();
        SeenStore.parse("", back);
        assertEquals(0, back.size());
    }
}
