package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.protocol.imap.ImapTesting.malformed;
import static org.murder.protocol.imap.ImapTesting.parsed;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.PartialRange;
import org.murder.protocol.imap.command.SearchReturnOption;

/** RFC 5267 §4 (CONTEXT=SEARCH, CONTEXT=SORT): the CONTEXT, UPDATE and PARTIAL return options, and CANCELUPDATE. */
class ContextCommandTest {

    @Test
    void updateAndContextAreReturnOptions() {
        ImapCommand.Search s = (ImapCommand.Search) parsed("B01 UID SEARCH RETURN (UPDATE COUNT) UNSEEN");
        assertEquals(Set.of(SearchReturnOption.UPDATE, SearchReturnOption.COUNT), s.returnOptions());
        assertTrue(s.esearch());
        assertEquals(Optional.empty(), s.partial());
        ImapCommand.Search context = (ImapCommand.Search) parsed("a SEARCH RETURN (CONTEXT) ALL");
        assertEquals(Set.of(SearchReturnOption.CONTEXT, SearchReturnOption.ALL), context.returnOptions(),
                "CONTEXT is a hint: the answer is RETURN ()'s");
        ImapCommand.Search update = (ImapCommand.Search) parsed("a SEARCH RETURN (update) ALL");
        assertEquals(Set.of(SearchReturnOption.UPDATE), update.returnOptions(), "UPDATE alone asks for no ALL");
        ImapCommand.Sort sort = (ImapCommand.Sort) parsed("C01 UID SORT RETURN (UPDATE MIN) (DATE) UTF-8 FLAGGED");
        assertEquals(Set.of(SearchReturnOption.UPDATE, SearchReturnOption.MIN), sort.returnOptions());
    }

    @Test
    void partialCarriesItsRange() {
        ImapCommand.Search s = (ImapCommand.Search) parsed("A02 UID SEARCH RETURN (PARTIAL 23500:24000) UNDELETED");
        assertEquals(Optional.of(new PartialRange(23500, 24000)), s.partial());
        assertEquals(Set.of(SearchReturnOption.PARTIAL), s.returnOptions());
        ImapCommand.Sort last = (ImapCommand.Sort) parsed("A03 SORT RETURN (COUNT PARTIAL -1:-10) (ARRIVAL) UTF-8 ALL");
        assertEquals(Optional.of(new PartialRange(-1, -10)), last.partial());
        assertEquals(Optional.of(new PartialRange(3, 9)), ((ImapCommand.Search) parsed("a SEARCH RETURN (PARTIAL 9:3) ALL"))
                .partial(), "either order, as RFC 9394 allows");
    }

    @Test
    void rangesSelectTheirPositions() {
        assertArrayEquals(new int[] {0, 3}, new PartialRange(1, 3).indexes(10));
        assertArrayEquals(new int[] {7, 10}, new PartialRange(-1, -3).indexes(10));
        assertArrayEquals(new int[] {9, 10}, new PartialRange(10, 20).indexes(10));
        assertArrayEquals(new int[] {10, 10}, new PartialRange(11, 20).indexes(10));
        assertArrayEquals(new int[] {0, 10}, new PartialRange(-1, -50).indexes(10));
        assertArrayEquals(new int[] {0, 0}, new PartialRange(1, 5).indexes(0));
        assertEquals("-1:-3", new PartialRange(-3, -1).toString());
        assertThrows(IllegalArgumentException.class, () -> new PartialRange(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new PartialRange(-1, 3));
        assertThrows(IllegalArgumentException.class, () -> new PartialRange(1, 1L << 32));
        assertEquals(Optional.empty(), PartialRange.parse("01:3"));
        assertEquals(Optional.empty(), PartialRange.parse("1:"));
        assertEquals(Optional.empty(), PartialRange.parse("-:3"));
        assertEquals(Optional.empty(), PartialRange.parse("1"));
    }

    @Test
    void cancelUpdateNamesTags() {
        assertEquals(new ImapCommand.CancelUpdate("C04", List.of("B01")), parsed("C04 CANCELUPDATE \"B01\""));
        assertEquals(new ImapCommand.CancelUpdate("a", List.of("x y", "z")), parsed("a cancelupdate \"x y\" " + ImapTesting.literalPlus("z")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a CANCELUPDATE", "a CANCELUPDATE ", "a CANCELUPDATE (B01)", "a CANCELUPDATE \"B01\" ",
            "a UID CANCELUPDATE \"B01\"", "a SEARCH RETURN (UPDATE UPDATE2) ALL", "a SEARCH RETURN (PARTIAL 1:2:3) ALL",
            "a SORT RETURN (PARTIAL 1:5 ALL) (DATE) UTF-8 ALL"})
    void malformedContextCommandsAreBad(String line) {
        malformed(line);
    }

    @Test
    void tooManyTagsAreBad() {
        StringBuilder b = new StringBuilder("a CANCELUPDATE");
        for (int i = 0; i <= 100; i++) {
            b.append(" \"t").append(i).append('"');
        }
        malformed(b.toString());
    }
}
