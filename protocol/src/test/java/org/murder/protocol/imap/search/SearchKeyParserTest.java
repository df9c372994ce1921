package org.murder.protocol.imap.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.protocol.imap.ImapTesting.bytes;
import static org.murder.protocol.imap.ImapTesting.literal;
import static org.murder.protocol.imap.ImapTesting.malformed;
import static org.murder.protocol.imap.ImapTesting.parsed;
import static org.murder.protocol.imap.ImapTesting.utf8;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.murder.protocol.imap.ImapCommandParser;
import org.murder.protocol.imap.ImapParseResult;
import org.murder.protocol.imap.ImapParserContext;
import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.command.ImapCommand.Search;
import org.murder.protocol.imap.command.SearchReturnOption;
import org.murder.protocol.imap.search.SearchKey.And;
import org.murder.protocol.imap.search.SearchKey.DateField;
import org.murder.protocol.imap.search.SearchKey.DateKey;
import org.murder.protocol.imap.search.SearchKey.DateOp;
import org.murder.protocol.imap.search.SearchKey.Flag;
import org.murder.protocol.imap.search.SearchKey.Not;
import org.murder.protocol.imap.search.SearchKey.Or;
import org.murder.protocol.imap.search.SearchKey.Text;
import org.murder.protocol.imap.search.SearchKey.TextField;

class SearchKeyParserTest {

    private static Search search(String frame) {
        return (Search) parsed(frame);
    }

    private static SearchKey key(String keys) {
        return search("a SEARCH " + keys).key();
    }

    private static Text from(String s) {
        return new Text(TextField.FROM, s);
    }

    @Test
    void searchesFromRfc3501() {
        assertEquals(new Search("A282", false, Optional.empty(), new And(List.of(
                        new Flag("\\Flagged", true),
                        new DateKey(DateField.INTERNAL, DateOp.SINCE, LocalDate.of(1994, 2, 1)),
                        new Not(from("Smith")))), Set.of()),
                search("A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\""));
        assertEquals(new Text(TextField.TEXT, "string not in mailbox"), key("TEXT \"string not in mailbox\""));
        assertEquals(new Search("A284", false, Optional.of("UTF-8"), new Text(TextField.TEXT, "Grüße"), Set.of()),
                search("A284 SEARCH CHARSET UTF-8 TEXT " + literal("Grüße")));
    }

    @Test
    void everyKeyword() {
        assertEquals(SearchKey.ALL, key("ALL"));
        assertEquals(new SearchKey.Recent(), key("RECENT"));
        assertEquals(new SearchKey.New(), key("NEW"));
        assertEquals(new SearchKey.Old(), key("OLD"));
        String[] flags = {"ANSWERED", "DELETED", "DRAFT", "FLAGGED", "SEEN"};
        for (String f : flags) {
            String canonical = "\\" + f.charAt(0) + f.substring(1).toLowerCase(java.util.Locale.ROOT);
            assertEquals(new Flag(canonical, true), key(f));
            assertEquals(new Flag(canonical, false), key("UN" + f));
            assertEquals(new Flag(canonical, false), key("un" + f.toLowerCase(java.util.Locale.ROOT)));
        }
        assertEquals(new Flag("$Forwarded", true), key("KEYWORD $Forwarded"));
        assertEquals(new Flag("Junk", false), key("UNKEYWORD Junk"));
        assertEquals(new Text(TextField.BCC, "a"), key("BCC a"));
        assertEquals(new Text(TextField.CC, "b"), key("CC b"));
        assertEquals(new Text(TextField.FROM, "c"), key("FROM c"));
        assertEquals(new Text(TextField.SUBJECT, "d e"), key("SUBJECT \"d e\""));
        assertEquals(new Text(TextField.TO, "f"), key("TO f"));
        assertEquals(new Text(TextField.BODY, "g"), key("BODY g"));
        assertEquals(new Text(TextField.TEXT, ""), key("TEXT \"\""));
        assertEquals(new SearchKey.Header("Message-ID", "<x@y>"), key("HEADER Message-ID <x@y>"));
        assertEquals(new SearchKey.Header("X-Spam", ""), key("HEADER \"X-Spam\" \"\""));
        assertEquals(new DateKey(DateField.INTERNAL, DateOp.BEFORE, LocalDate.of(2024, 1, 1)), key("BEFORE 1-Jan-2024"));
        assertEquals(new DateKey(DateField.INTERNAL, DateOp.ON, LocalDate.of(2024, 12, 31)), key("ON \"31-dec-2024\""));
        assertEquals(new DateKey(DateField.INTERNAL, DateOp.SINCE, LocalDate.of(2024, 1, 1)), key("SINCE 01-Jan-2024"));
        assertEquals(new DateKey(DateField.SENT, DateOp.BEFORE, LocalDate.of(2000, 2, 29)), key("SENTBEFORE 29-Feb-2000"));
        assertEquals(new DateKey(DateField.SENT, DateOp.ON, LocalDate.of(1994, 2, 1)), key("SENTON 1-FEB-1994"));
        assertEquals(new DateKey(DateField.SENT, DateOp.SINCE, LocalDate.of(1994, 2, 1)), key("SENTSINCE 1-Feb-1994"));
        assertEquals(new SearchKey.Larger(4294967295L), key("LARGER 4294967295"));
        assertEquals(new SearchKey.Smaller(0), key("SMALLER 0"));
        assertEquals(new SearchKey.Uid(SequenceSet.parse("1:100,200:*")), key("UID 1:100,200:*"));
        assertEquals(new SearchKey.SequenceNumbers(SequenceSet.parse("2,4:7,*")), key("2,4:7,*"));
        assertEquals(new SearchKey.SequenceNumbers(SequenceSet.parse("*")), key("*"));
        assertEquals(new SearchKey.ModSeq(620162338), key("MODSEQ 620162338"));
        assertEquals(new SearchKey.ModSeq(0), key("MODSEQ 0"));
        assertEquals(new Not(new Flag("\\Seen", true)), key("NOT SEEN"));
        assertEquals(new Or(new Flag("\\Seen", false), new Flag("\\Flagged", true)), key("OR UNSEEN FLAGGED"));
    }

    @Test
    void modseqWithAnEntryName() {
        assertEquals(new SearchKey.ModSeq(620162338), key("MODSEQ \"/flags/\\\\draft\" all 620162338"));
        assertEquals(new SearchKey.ModSeq(1), key("MODSEQ \"/flags/$Junk\" priv 1"));
        assertEquals(new SearchKey.ModSeq(1), key("MODSEQ \"/flags/x\" SHARED 1"));
    }

    @Test
    void parenthesesGroupAndASingleKeyIsItself() {
        assertEquals(new And(List.of(new Flag("\\Seen", true), new Flag("\\Flagged", true))), key("(SEEN FLAGGED)"));
        assertEquals(new Flag("\\Seen", true), key("(SEEN)"));
        assertEquals(new Flag("\\Seen", true), key("((((SEEN))))"));
        assertEquals(new Or(new And(List.of(from("a"), from("b"))), new Not(new And(List.of(from("c"), from("d"))))),
                key("OR (FROM a FROM b) NOT (FROM c FROM d)"));
        assertEquals(new And(List.of(new SearchKey.Uid(SequenceSet.of(1)), new And(List.of(
                new SearchKey.SequenceNumbers(SequenceSet.of(2)), SearchKey.ALL)))), key("UID 1 (2 ALL)"));
    }

    @Test
    void uidSearchAndCharsets() {
        assertEquals(new Search("a", true, Optional.empty(), new Flag("\\Deleted", false), Set.of()),
                search("a UID SEARCH UNDELETED"));
        assertEquals(Optional.of("US-ASCII"), search("a SEARCH CHARSET us-ascii ALL").charset());
        assertEquals(Optional.of("UTF-8"), search("a SEARCH charset \"utf-8\" ALL").charset());
        assertEquals(new Text(TextField.SUBJECT, "日本語"), search("a SEARCH CHARSET UTF-8 SUBJECT \"日本語\"").key());
        assertEquals(new Text(TextField.SUBJECT, "日本語"), search("a SEARCH CHARSET UTF-8 SUBJECT 日本語").key());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ISO-8859-1", "KOI8-R", "\"windows-1252\"", "UTF-7", "x"})
    void otherCharsetsAreRefusedWithBadcharset(String charset) {
        byte[] frame = bytes("A1 UID SEARCH CHARSET " + charset + " SUBJECT \"", new byte[] {(byte) 0xe9}, "\"");
        assertEquals(new ImapParseResult.Refused("A1", "Unsupported charset", Optional.of("BADCHARSET (US-ASCII UTF-8)")),
                ImapCommandParser.parse(frame));
    }

    @Test
    void esearchReturnOptions() {
        Search s = search("A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"");
        assertEquals(Set.of(SearchReturnOption.MIN, SearchReturnOption.COUNT), s.returnOptions());
        assertTrue(s.esearch());
        assertEquals(Set.of(SearchReturnOption.ALL), search("A283 SEARCH RETURN () FLAGGED").returnOptions());
        assertEquals(Set.of(SearchReturnOption.MIN, SearchReturnOption.MAX, SearchReturnOption.ALL, SearchReturnOption.COUNT,
                SearchReturnOption.SAVE), search("a UID SEARCH RETURN (min max all count save) ALL").returnOptions());
        Search both = search("a SEARCH RETURN (MAX) CHARSET UTF-8 TEXT x");
        assertEquals(Optional.of("UTF-8"), both.charset());
        assertEquals(Set.of(SearchReturnOption.MAX), both.returnOptions());
        assertFalse(search("a SEARCH ALL").esearch());
    }

    @Test
    void nestingUpToTheBoundIsAccepted() {
        int depth = SearchKeyParser.MAX_DEPTH - 1;
        SearchKey k = key("NOT ".repeat(depth) + "SEEN");
        for (int i = 0; i < depth; i++) {
            k = assertInstanceOf(Not.class, k).key();
        }
        assertEquals(new Flag("\\Seen", true), k);
        key("(".repeat(depth) + "SEEN" + ")".repeat(depth));
        key("OR ".repeat(depth) + "SEEN" + " SEEN".repeat(depth));
    }

    @Test
    void nestingPastTheBoundIsMalformedNotAStackOverflow() {
        int depth = SearchKeyParser.MAX_DEPTH;
        assertEquals("Search nested too deeply", malformed("a SEARCH " + "NOT ".repeat(depth) + "SEEN").message());
        assertEquals("Search nested too deeply", malformed("a SEARCH " + "(".repeat(depth) + "SEEN" + ")".repeat(depth)).message());
        assertEquals("Search nested too deeply", malformed("a SEARCH " + "OR ".repeat(depth) + "SEEN" + " SEEN".repeat(depth)).message());
        assertEquals("Search nested too deeply", malformed("a SEARCH " + "NOT (".repeat(100_000)).message());
        assertEquals("Search nested too deeply", malformed("a SEARCH " + "(".repeat(100_000)).message());
    }

    @Test
    void manyKeysInARowAreFine() {
        And and = (And) key("SEEN ".repeat(5000) + "SEEN");
        assertEquals(5001, and.keys().size());
    }

    @Test
    void searchStringsAreDecodedAsUtf8() {
        byte[] bad = {(byte) 0xe9};
        assertEquals("Invalid UTF-8", malformed(bytes("a SEARCH SUBJECT \"caf", bad, "\"")).message());
        assertEquals("Invalid UTF-8", malformed(bytes("a SEARCH CHARSET UTF-8 SUBJECT {4}\r\ncaf", bad)).message());
        assertEquals("Invalid UTF-8", malformed(bytes("a SEARCH CHARSET US-ASCII BODY caf", bad)).message());
        assertEquals(new Text(TextField.SUBJECT, "café"),
                ((Search) parsed(utf8("a SEARCH CHARSET UTF-8 SUBJECT " + literal("café")), ImapParserContext.DEFAULT)).key());
        assertEquals(new Text(TextField.SUBJECT, "café"), search("a SEARCH SUBJECT café").key());
    }

    static Stream<Arguments> badSearches() {
        return Stream.of(
                Arguments.of("a SEARCH", "Missing argument"),
                Arguments.of("a SEARCH ", "Missing argument"),
                Arguments.of("a SEARCH FOO", "Invalid search key"),
                Arguments.of("a SEARCH SEEN FOO", "Invalid search key"),
                Arguments.of("a SEARCH SEEN ", "Missing argument"),
                Arguments.of("a SEARCH SEEN  FLAGGED", "Invalid search key"),
                Arguments.of("a SEARCH (SEEN", "Unbalanced parentheses"),
                Arguments.of("a SEARCH (SEEN FLAGGED", "Unbalanced parentheses"),
                Arguments.of("a SEARCH SEEN)", "Unbalanced parentheses"),
                Arguments.of("a SEARCH (SEEN))", "Unbalanced parentheses"),
                Arguments.of("a SEARCH ()", "Invalid search key"),
                Arguments.of("a SEARCH )", "Invalid search key"),
                Arguments.of("a SEARCH NOT", "Missing argument"),
                Arguments.of("a SEARCH OR SEEN", "Missing argument"),
                Arguments.of("a SEARCH FROM", "Missing argument"),
                Arguments.of("a SEARCH HEADER Subject", "Missing argument"),
                Arguments.of("a SEARCH HEADER \"Sub ject\" x", "Invalid header field name"),
                Arguments.of("a SEARCH HEADER \"\" x", "Invalid header field name"),
                Arguments.of("a SEARCH HEADER Subject: x", "Invalid header field name"),
                Arguments.of("a SEARCH KEYWORD", "Missing argument"),
                Arguments.of("a SEARCH KEYWORD \\Seen", "Invalid flag"),
                Arguments.of("a SEARCH KEYWORD \"x\"", "Invalid flag"),
                Arguments.of("a SEARCH SINCE", "Missing argument"),
                Arguments.of("a SEARCH SINCE 1-Feb", "Invalid date"),
                Arguments.of("a SEARCH SINCE 32-Jan-2024", "Invalid date"),
                Arguments.of("a SEARCH SINCE 29-Feb-2023", "Invalid date"),
                Arguments.of("a SEARCH SINCE 1-Foo-2024", "Invalid date"),
                Arguments.of("a SEARCH SINCE 001-Jan-2024", "Invalid date"),
                Arguments.of("a SEARCH SINCE 1-Jan-24", "Invalid date"),
                Arguments.of("a SEARCH SINCE \"1-Jan-2024", "Invalid date"),
                Arguments.of("a SEARCH SINCE 2024-01-01", "Invalid date"),
                Arguments.of("a SEARCH SENTON 1/1/2024", "Invalid date"),
                Arguments.of("a SEARCH LARGER", "Missing argument"),
                Arguments.of("a SEARCH LARGER x", "Invalid number"),
                Arguments.of("a SEARCH LARGER -1", "Invalid number"),
                Arguments.of("a SEARCH LARGER 4294967296", "Invalid number"),
                Arguments.of("a SEARCH SMALLER 1x", "Missing space"),
                Arguments.of("a SEARCH UID", "Missing argument"),
                Arguments.of("a SEARCH UID x", "Invalid sequence set"),
                Arguments.of("a SEARCH UID $1", "Invalid sequence set"),
                Arguments.of("a SEARCH 1:2:3", "Invalid sequence set"),
                Arguments.of("a SEARCH 0", "Invalid sequence set"),
                Arguments.of("a SEARCH 1,", "Invalid sequence set"),
                Arguments.of("a SEARCH MODSEQ", "Missing argument"),
                Arguments.of("a SEARCH MODSEQ x", "Invalid number"),
                Arguments.of("a SEARCH MODSEQ 9223372036854775808", "Invalid number"),
                Arguments.of("a SEARCH MODSEQ \"/flags/x\" 5", "Invalid MODSEQ entry type"),
                Arguments.of("a SEARCH MODSEQ \"/flags/x\" other 5", "Invalid MODSEQ entry type"),
                Arguments.of("a SEARCH MODSEQ \"/other\" all 5", "Invalid MODSEQ entry"),
                Arguments.of("a SEARCH CHARSET", "Missing argument"),
                Arguments.of("a SEARCH CHARSET UTF-8", "Missing argument"),
                Arguments.of("a SEARCH RETURN (MIN)", "Missing argument"),
                Arguments.of("a SEARCH RETURN (PARTIAL 1:5 ALL) ALL", "Invalid partial range"),
                Arguments.of("a SEARCH RETURN (PARTIAL) ALL", "Missing space"),
                Arguments.of("a SEARCH RETURN (PARTIAL 0:5) ALL", "Invalid partial range"),
                Arguments.of("a SEARCH RETURN (PARTIAL 1:-5) ALL", "Invalid partial range"),
                Arguments.of("a SEARCH RETURN (PARTIAL 1:5 PARTIAL 2:3) ALL", "Invalid partial range"),
                Arguments.of("a SEARCH RETURN (PARTIAL 1:99999999999) ALL", "Invalid partial range"),
                Arguments.of("a SEARCH RETURN (NEWEST) ALL", "Invalid search return option"),
                Arguments.of("a SEARCH RETURN (FOO) ALL", "Invalid search return option"),
                Arguments.of("a SEARCH RETURN MIN ALL", "Invalid search return option"),
                Arguments.of("a SEARCH RETURN (MIN ALL", "Unbalanced parentheses"),
                Arguments.of("a SEARCH SUBJECT \"unterminated", "Unterminated quoted string"),
                Arguments.of("a SEARCH SUBJECT \"a\0b\"", "NUL not allowed"),
                Arguments.of("a SEARCH SUBJECT {3}\r\na\0b", "NUL not allowed"),
                Arguments.of("a SEARCH SEEN\0", "NUL not allowed"));
    }

    @ParameterizedTest
    @MethodSource("badSearches")
    void badSearchesAreMalformed(String frame, String message) {
        assertEquals(new ImapParseResult.Malformed(Optional.of("a"), message), malformed(frame));
    }
}
