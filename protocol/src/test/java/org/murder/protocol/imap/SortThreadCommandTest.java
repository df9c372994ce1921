package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.protocol.imap.ImapTesting.malformed;
import static org.murder.protocol.imap.ImapTesting.parsed;
import static org.murder.protocol.imap.ImapTesting.utf8;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.murder.protocol.imap.command.FetchItem;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.SearchReturnOption;
import org.murder.protocol.imap.command.SortCriterion;
import org.murder.protocol.imap.command.SortCriterion.Key;
import org.murder.protocol.imap.command.ThreadAlgorithm;
import org.murder.protocol.imap.search.SearchKey;

/** SORT, THREAD (RFC 5256), their ESORT and SEARCHRES forms (RFC 5267, RFC 5182), and `$`. */
class SortThreadCommandTest {

    @Test
    void sortReadsCriteriaCharsetAndKeys() {
        ImapCommand.Sort s = (ImapCommand.Sort) parsed("A1 SORT (REVERSE ARRIVAL subject reverse displayfrom) UTF-8 ALL");
        assertEquals(List.of(new SortCriterion(Key.ARRIVAL, true), new SortCriterion(Key.SUBJECT, false),
                new SortCriterion(Key.DISPLAYFROM, true)), s.criteria());
        assertEquals("UTF-8", s.charset());
        assertEquals(SearchKey.ALL, s.key());
        assertFalse(s.uid());
        assertFalse(s.esearch());
        assertTrue(s.returnOptions().isEmpty());
    }

    @Test
    void rfc5256ExamplesParse() {
        ImapCommand.Sort a = (ImapCommand.Sort) parsed("A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994");
        assertEquals(List.of(new SortCriterion(Key.SUBJECT, false)), a.criteria());
        ImapCommand.Sort b = (ImapCommand.Sort) parsed("A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL");
        assertEquals(List.of(new SortCriterion(Key.SUBJECT, false), new SortCriterion(Key.DATE, true)), b.criteria());
        ImapCommand.Sort c = (ImapCommand.Sort) parsed("A284 SORT (SUBJECT) US-ASCII TEXT \"not in mailbox\"");
        assertEquals(new SearchKey.Text(SearchKey.TextField.TEXT, "not in mailbox"), c.key());
        ImapCommand.ThreadCommand t = (ImapCommand.ThreadCommand) parsed("A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000");
        assertEquals(ThreadAlgorithm.ORDEREDSUBJECT, t.algorithm());
        ImapCommand.ThreadCommand r = (ImapCommand.ThreadCommand) parsed("A284 UID THREAD references us-ascii TEXT \"gewp\"");
        assertEquals(ThreadAlgorithm.REFERENCES, r.algorithm());
        assertEquals("US-ASCII", r.charset());
        assertTrue(r.uid());
    }

    @Test
    void uidSortAndSeveralKeys() {
        ImapCommand.Sort s = (ImapCommand.Sort) parsed("A1 UID SORT (FROM) UTF-8 UNSEEN LARGER 10");
        assertTrue(s.uid());
        assertEquals(new SearchKey.And(List.of(new SearchKey.Flag("\\Seen", false), new SearchKey.Larger(10))), s.key());
    }

    @Test
    void esortReturnOptions() {
        ImapCommand.Sort s = (ImapCommand.Sort) parsed("A1 SORT RETURN (MIN COUNT) (DATE) UTF-8 SINCE 1-Feb-1994");
        assertEquals(Set.of(SearchReturnOption.MIN, SearchReturnOption.COUNT), s.returnOptions());
        assertTrue(s.esearch());
        ImapCommand.Sort empty = (ImapCommand.Sort) parsed("A2 SORT RETURN () (DATE) UTF-8 ALL");
        assertEquals(Set.of(SearchReturnOption.ALL), empty.returnOptions());
        ImapCommand.Sort save = (ImapCommand.Sort) parsed("A3 SORT RETURN (SAVE) (DATE) UTF-8 ALL");
        assertFalse(save.esearch());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "A1 SORT",
        "A1 SORT (DATE)",
        "A1 SORT (DATE) UTF-8",
        "A1 SORT DATE UTF-8 ALL",
        "A1 SORT () UTF-8 ALL",
        "A1 SORT (BOGUS) UTF-8 ALL",
        "A1 SORT (REVERSE) UTF-8 ALL",
        "A1 SORT (REVERSE REVERSE DATE) UTF-8 ALL",
        "A1 SORT (DATE UTF-8 ALL",
        "A1 SORT (DATE) UTF-8 ALL)",
        "A1 SORT (DATE) UTF-8 NOSUCHKEY",
        "A1 SORT (DATE)  UTF-8 ALL",
        "A1 SORT RETURN (BOGUS) (DATE) UTF-8 ALL",
        "A1 SORT RETURN (MIN) UTF-8 ALL",
        "A1 THREAD",
        "A1 THREAD REFERENCES",
        "A1 THREAD REFERENCES UTF-8",
        "A1 THREAD REFS UTF-8 ALL",
        "A1 THREAD (REFERENCES) UTF-8 ALL",
        "A1 UID THREAD ORDEREDSUBJECT UTF-8 ALL extra(",
        "A1 SEARCH 1,$",
        "A1 SEARCH $:4",
        "A1 FETCH $$ FLAGS",
        "A1 FETCH $1 FLAGS",
    })
    void malformedIsBad(String line) {
        malformed(line);
    }

    @Test
    void anUnknownCharsetIsRefusedWithBadcharset() {
        for (String line : List.of("A1 SORT (DATE) KOI8-R ALL", "A1 THREAD REFERENCES ISO-8859-1 ALL",
                "A1 UID SORT (SUBJECT) \"x-unknown\" SUBJECT foo")) {
            assertEquals(new ImapParseResult.Refused("A1", "Unsupported charset", Optional.of("BADCHARSET (US-ASCII UTF-8)")),
                    ImapCommandParser.parse(utf8(line)), line);
        }
    }

    @Test
    void aRefusedSaveEmptiesTheSavedResult() {
        assertEquals(new ImapParseResult.Refused("A1", "Unsupported charset", Optional.of("BADCHARSET (US-ASCII UTF-8)"), true),
                ImapCommandParser.parse(utf8("A1 SEARCH RETURN (SAVE) CHARSET KOI8-R ALL")));
        assertEquals(new ImapParseResult.Refused("A2", "Unsupported charset", Optional.of("BADCHARSET (US-ASCII UTF-8)"), true),
                ImapCommandParser.parse(utf8("A2 UID SORT RETURN (SAVE COUNT) (DATE) KOI8-R ALL")));
        assertFalse(((ImapParseResult.Refused) ImapCommandParser.parse(utf8("A3 SEARCH RETURN (MIN) CHARSET KOI8-R ALL")))
                .emptiesSavedResult());
        assertFalse(((ImapParseResult.Refused) ImapCommandParser.parse(utf8("A4 SORT (DATE) KOI8-R ALL"))).emptiesSavedResult());
        malformed("A5 SEARCH RETURN (SAVE) NOSUCHKEY"); // a BAD leaves `$` as it was
    }

    @Test
    void dollarIsTheSavedResultWhereverASetGoes() {
        ImapCommand.Fetch f = (ImapCommand.Fetch) parsed("A1 FETCH $ (FLAGS)");
        assertTrue(f.set().lastResult());
        assertEquals(List.of(FetchItem.Attribute.FLAGS), f.items());
        ImapCommand.Copy c = (ImapCommand.Copy) parsed("A2 UID COPY $ INBOX.x");
        assertEquals(SequenceSet.LAST_RESULT, c.set());
        ImapCommand.Search s = (ImapCommand.Search) parsed("A3 SEARCH RETURN (SAVE) UID $ NOT $");
        assertEquals(Set.of(SearchReturnOption.SAVE), s.returnOptions());
        assertFalse(s.esearch());
        assertEquals(new SearchKey.And(List.of(new SearchKey.Uid(SequenceSet.LAST_RESULT),
                new SearchKey.Not(new SearchKey.SequenceNumbers(SequenceSet.LAST_RESULT)))), s.key());
        ImapCommand.Store st = (ImapCommand.Store) parsed("A4 STORE $ +FLAGS (\\Deleted)");
        assertTrue(st.set().lastResult());
        assertTrue(((ImapCommand.UidExpunge) parsed("A5 UID EXPUNGE $")).uids().lastResult());
    }

    @Test
    void searchSaveCombinesWithOtherOptions() {
        ImapCommand.Search s = (ImapCommand.Search) parsed("A1 SEARCH RETURN (MIN SAVE) FLAGGED");
        assertEquals(Set.of(SearchReturnOption.MIN, SearchReturnOption.SAVE), s.returnOptions());
        assertTrue(s.esearch());
    }

    @Test
    void theLastResultHasNoNumbersOfItsOwn() {
        assertEquals("$", SequenceSet.LAST_RESULT.toString());
        assertEquals(SequenceSet.LAST_RESULT, SequenceSet.parse("$"));
        assertFalse(SequenceSet.LAST_RESULT.usesStar());
        assertThrows(IllegalStateException.class, () -> SequenceSet.LAST_RESULT.normalized(10));
        assertThrows(IllegalStateException.class, () -> SequenceSet.LAST_RESULT.contains(1, 10));
        assertThrows(IllegalArgumentException.class, () -> new SequenceSet(List.of(), false));
        assertThrows(IllegalArgumentException.class, () -> new SequenceSet(List.of(SequenceSet.Range.of(1)), true));
    }
}
