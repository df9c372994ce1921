package org.murder.protocol.imap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.protocol.imap.client.EncodedCommands.roundTrip;
import static org.murder.protocol.imap.client.EncodedCommands.text;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.command.FetchItem;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.ImapCommand.Append;
import org.murder.protocol.imap.command.ImapCommand.Authenticate;
import org.murder.protocol.imap.command.ImapCommand.Create;
import org.murder.protocol.imap.command.ImapCommand.Enable;
import org.murder.protocol.imap.command.ImapCommand.Id;
import org.murder.protocol.imap.command.ImapCommand.ListCommand;
import org.murder.protocol.imap.command.ImapCommand.Login;
import org.murder.protocol.imap.command.ImapCommand.Noop;
import org.murder.protocol.imap.command.ImapCommand.Rename;
import org.murder.protocol.imap.command.ImapCommand.Search;
import org.murder.protocol.imap.command.ImapCommand.SetAcl;
import org.murder.protocol.imap.command.ImapCommand.Store;
import org.murder.protocol.imap.command.MessageLiteral;
import org.murder.protocol.imap.command.StoreMode;
import org.murder.protocol.imap.search.SearchKey;

/**
 * A proxy re-encodes what its clients sent, so nothing a value holds may end the command early, open a literal
 * the server did not count, or split one argument into two: each hazard here must come back as the same value
 * (one frame, one command) or be refused before a byte is produced.
 */
class CommandEncodingInjectionTest {

    /** Strings that need quoting or a literal, with the reason in the comment of each. */
    private static final List<String> HAZARDS = List.of(
            "cr\rinside", "lf\ninside", "crlf\r\na2 LOGOUT", "quote\"inside", "back\\slash", "\\\"", "\"\"",
            "{5}", "{5+}", "ends in {3}", "~{2}", "percent%", "star*", "bracket]", "[bracket", "paren(s)", "NIL",
            "nil", "", " ", "with space", "\u00e9t\u00e9 8-bit", "\u65e5\u672c", "tab\there", "x".repeat(2000));

    private static final List<ImapEncoding> ENCODINGS = List.of(ImapEncoding.RFC3501,
            ImapEncoding.forCapabilities(List.of("LITERAL+")).withUtf8Accept(true));

    @TestFactory
    Stream<DynamicTest> hazardousStringsArriveIntactAsOneArgument() {
        return HAZARDS.stream().flatMap(s -> ENCODINGS.stream().map(e -> DynamicTest.dynamicTest(
                name(s), () -> {
                    assertRoundTrip(new Login("a1", s, s + "pw"), e);
                    assertRoundTrip(new Search("a3", false, Optional.empty(),
                            new SearchKey.Text(SearchKey.TextField.SUBJECT, s), java.util.Set.of()), e);
                    if (!s.isEmpty() && s.length() < 1024 && s.chars().noneMatch(c -> c < 0x20)) {
                        // the server refuses control characters in these, whatever the quoting
                        assertRoundTrip(new SetAcl("a2", "INBOX", s, StoreMode.SET, "lr"), e);
                        assertRoundTrip(new Id("a4", Optional.of(Map.of("name", s))), e);
                    }
                })));
    }

    @TestFactory
    Stream<DynamicTest> hazardousMailboxNamesArriveIntact() {
        return HAZARDS.stream().filter(s -> !s.isEmpty() && s.chars().noneMatch(c -> c < 0x20))
                .flatMap(s -> ENCODINGS.stream().map(e -> DynamicTest.dynamicTest(
                        name(s), () -> {
                            assertRoundTrip(new Create("b1", s, List.of()), e);
                            assertRoundTrip(new Rename("b2", s, s + "2"), e);
                            assertRoundTrip(ListCommand.basic("b3", s, s + "%"), e);
                        })));
    }

    private static String name(String s) {
        String shown = CommandWriter.printable(s);
        return "<" + (shown.length() > 20 ? shown.substring(0, 20) + "..." : shown) + ">";
    }

    private static void assertRoundTrip(ImapCommand command, ImapEncoding encoding) {
        assertEquals(command, roundTrip(command, encoding));
    }

    @Test
    void wildcardsAreBareOnlyInPatterns() {
        assertEquals("a CREATE \"a%b*c\"\r\n",
                text(ImapCommandEncoder.encode(new Create("a", "a%b*c", List.of()), ImapEncoding.RFC3501)));
        assertEquals("a LIST \"%\" a%b*c\r\n",
                text(ImapCommandEncoder.encode(ListCommand.basic("a", "%", "a%b*c"), ImapEncoding.RFC3501)));
    }

    @Test
    void eightBitGoesAsALiteralUnlessUtf8IsAccepted() {
        Login login = new Login("a", "j\u00fcrgen", "pw");
        assertEquals("a LOGIN {7}\r\nj\u00fcrgen pw\r\n", text(ImapCommandEncoder.encode(login, ImapEncoding.RFC3501)));
        assertEquals("a LOGIN \"j\u00fcrgen\" pw\r\n",
                text(ImapCommandEncoder.encode(login, ImapEncoding.RFC3501.withUtf8Accept(true))));
    }

    @Test
    void lineBreaksGoAsLiterals() {
        assertEquals("a LOGIN {11}\r\nx\r\na LOGOUT pw\r\n",
                text(ImapCommandEncoder.encode(new Login("a", "x\r\na LOGOUT", "pw"), ImapEncoding.RFC3501)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nul\0inside", "\0"})
    void nulIsRefusedBeforeAnythingIsProduced(String s) {
        assertThrows(ImapEncodingException.class,
                () -> ImapCommandEncoder.encode(new Login("a", s, "pw"), ImapEncoding.RFC3501));
        assertThrows(ImapEncodingException.class,
                () -> ImapCommandEncoder.encode(new Login("a", "u", s), ImapEncoding.RFC3501));
        assertThrows(ImapEncodingException.class, () -> ImapCommandEncoder.encode(new Search("a", false,
                Optional.empty(), new SearchKey.Text(SearchKey.TextField.BODY, s), java.util.Set.of()),
                ImapEncoding.RFC3501));
        assertThrows(ImapEncodingException.class,
                () -> ImapCommandEncoder.encode(new Create("a", s, List.of()), ImapEncoding.RFC3501));
    }

    @Test
    void nulInAMessageNeedsALiteral8() {
        MessageLiteral withNul = MessageLiteral.of(new byte[] {'a', 0, 'b'}, false);
        assertThrows(ImapEncodingException.class, () -> ImapCommandEncoder.encode(
                new Append("a", "INBOX", List.of(), Optional.empty(), withNul), ImapEncoding.RFC3501));
        Append binary = new Append("a", "INBOX", List.of(), Optional.empty(),
                MessageLiteral.of(new byte[] {'a', 0, 'b'}, true));
        assertTrue(text(ImapCommandEncoder.encode(binary, ImapEncoding.RFC3501)).startsWith("a APPEND INBOX ~{3}\r\n"));
        assertEquals(binary, roundTrip(binary, ImapEncoding.RFC3501));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nb", "a b", "", "+", "a{1}", "a\"", "a(", "a%", "a*", "t\u00e9", "a\0"})
    void badTagsAreRefused(String tag) {
        assertThrows(ImapEncodingException.class, () -> ImapCommandEncoder.encode(new Noop("x"), tag,
                ImapEncoding.RFC3501));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a\r\n", "\\", "a(", "a)", "{1}", "\"x\"", "a%", ""})
    void atomsTheCallerNamesAreChecked(String atom) {
        assertThrows(ImapEncodingException.class, () -> ImapCommandEncoder.encode(
                new Enable("a", List.of(atom)), ImapEncoding.RFC3501));
        assertThrows(ImapEncodingException.class, () -> ImapCommandEncoder.encode(new Store("a", false,
                SequenceSet.of(1), StoreMode.ADD, false, List.of(atom), OptionalLong.empty()), ImapEncoding.RFC3501));
        assertThrows(ImapEncodingException.class, () -> ImapCommandEncoder.encode(
                new Authenticate("a", "PLAIN", Optional.of(atom)), ImapEncoding.RFC3501));
        assertThrows(ImapEncodingException.class, () -> ImapCommandEncoder.encode(new Search("a", false,
                Optional.empty(), new SearchKey.Flag(atom, true), java.util.Set.of()), ImapEncoding.RFC3501));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cr\r", "lf\n", "tab\t", "del\u007f", "c1\u0085"})
    void controlCharactersInMailboxNamesAreRefused(String name) {
        assertThrows(ImapEncodingException.class,
                () -> ImapCommandEncoder.encode(new Create("a", name, List.of()), ImapEncoding.RFC3501));
        assertThrows(ImapEncodingException.class,
                () -> ImapCommandEncoder.encode(ListCommand.basic("a", "", name), ImapEncoding.RFC3501));
    }

    @ParameterizedTest
    @ValueSource(strings = {"&Jjo", "&AGE-", "\u00e4", "tab\there", "&-&", "\ufffd"})
    void namesNoMailboxCanHaveArePassedOnAsTheyCame(String wire) {
        // the backend must refuse them as it would refuse them from the client
        String name = org.murder.protocol.imap.MailboxNames.unusable(wire);
        assertRoundTrip(new Create("a", name, List.of()), ImapEncoding.RFC3501);
        assertRoundTrip(new Rename("b", "INBOX.x", name), ImapEncoding.RFC3501);
        assertRoundTrip(ListCommand.basic("c", "", name), ImapEncoding.RFC3501);
        String empty = org.murder.protocol.imap.MailboxNames.unusable("");
        assertRoundTrip(new Create("d", empty, List.of()), ImapEncoding.RFC3501);
    }

    @Test
    void aLoneSurrogateInAMailboxNameIsRefused() {
        assertThrows(ImapEncodingException.class,
                () -> ImapCommandEncoder.encode(new Create("a", "x\ud800", List.of()), ImapEncoding.RFC3501));
    }

    @Test
    void headerFieldNamesInFetchAreQuotedOrLiteral() {
        FetchItem odd = new FetchItem.BodySection(true, FetchItem.Section.of(FetchItem.Specifier.HEADER_FIELDS,
                List.of(), List.of("a\"b", "c\\d")), Optional.empty());
        ImapCommand fetch = new ImapCommand.Fetch("a", false, SequenceSet.of(1), List.of(odd), OptionalLong.empty());
        assertEquals("a FETCH 1 (BODY.PEEK[HEADER.FIELDS (\"a\\\"b\" \"c\\\\d\")])\r\n",
                text(ImapCommandEncoder.encode(fetch, ImapEncoding.RFC3501)));
        assertEquals(fetch, roundTrip(fetch, ImapEncoding.RFC3501));
    }

    @Test
    void aSaslLineCannotCarryACommand() {
        assertThrows(ImapEncodingException.class, () -> ImapCommandEncoder.authenticateLine("YQ==\r\na LOGOUT"));
        assertThrows(ImapEncodingException.class, () -> ImapCommandEncoder.authenticateLine("a b"));
        assertFalse(new String(ImapCommandEncoder.authenticateLine("")).contains("a"));
    }

    @Test
    void tooDeepASearchIsRefused() {
        SearchKey key = SearchKey.ALL;
        for (int i = 0; i < 100; i++) {
            key = new SearchKey.Not(key);
        }
        SearchKey deep = key;
        assertThrows(ImapEncodingException.class, () -> ImapCommandEncoder.encode(
                new Search("a", false, Optional.empty(), deep, java.util.Set.of()), ImapEncoding.RFC3501));
    }
}
