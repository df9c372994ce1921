package org.murder.protocol.mupdate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LocationTest {

    @Test
    void parseSplitsAtTheFirstBang() {
        assertEquals(new Location("127.0.0.11", "default"), Location.parse("127.0.0.11!default"));
        assertEquals(new Location("127.0.0.11", ""), Location.parse("127.0.0.11!"));
        assertEquals(new Location("a", "b!c"), Location.parse("a!b!c"));
        assertEquals(new Location("", "p"), Location.parse("!p"));
    }

    @Test
    void noBangMeansNoPartition() {
        assertEquals(new Location("127.0.0.12", ""), Location.parse("127.0.0.12"));
        assertEquals(new Location("", ""), Location.parse(""));
    }

    @Test
    void wireAlwaysHasTheBang() {
        assertEquals("127.0.0.11!default", new Location("127.0.0.11", "default").wire());
        assertEquals("127.0.0.11!", new Location("127.0.0.11", "").wire());
        assertEquals("127.0.0.12!", Location.parse("127.0.0.12").wire());
        for (String wire : new String[] {"127.0.0.11!default", "127.0.0.11!", "a!b!c", "h!p ü"}) {
            assertEquals(wire, Location.parse(wire).wire());
        }
    }

    @Test
    void serverCannotHoldABangOrBeNull() {
        assertThrows(IllegalArgumentException.class, () -> new Location("a!b", "c"));
        assertThrows(NullPointerException.class, () -> new Location(null, "c"));
        assertThrows(NullPointerException.class, () -> new Location("a", null));
    }
}
