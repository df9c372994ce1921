package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.murder.protocol.imap.ImapTesting.literal;
import static org.murder.protocol.imap.ImapTesting.malformed;
import static org.murder.protocol.imap.ImapTesting.parsed;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.murder.protocol.imap.command.FetchItem;
import org.murder.protocol.imap.command.FetchItem.Attribute;
import org.murder.protocol.imap.command.FetchItem.Binary;
import org.murder.protocol.imap.command.FetchItem.BinarySize;
import org.murder.protocol.imap.command.FetchItem.BodySection;
import org.murder.protocol.imap.command.FetchItem.Partial;
import org.murder.protocol.imap.command.FetchItem.Section;
import org.murder.protocol.imap.command.FetchItem.Specifier;
import org.murder.protocol.imap.command.ImapCommand.Fetch;
import org.murder.protocol.imap.command.ImapCommand.Store;
import org.murder.protocol.imap.command.StoreMode;

class FetchStoreCommandTest {

    private static List<FetchItem> items(String frame) {
        return ((Fetch) parsed(frame)).items();
    }

    private static FetchItem item(String wire) {
        List<FetchItem> items = items("a FETCH 1 " + wire);
        assertEquals(1, items.size(), wire);
        return items.get(0);
    }

    private static BodySection body(boolean peek, Section section) {
        return new BodySection(peek, section, Optional.empty());
    }

    // --- FETCH

    @Test
    void fetchAsInRfc3501() {
        assertEquals(new Fetch("A654", false, SequenceSet.range(2, 4), List.of(Attribute.FLAGS,
                        body(false, Section.of(Specifier.HEADER_FIELDS, List.of(), List.of("DATE", "FROM")))),
                        OptionalLong.empty()),
                parsed("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])"));
        assertEquals(new Fetch("A999", true, SequenceSet.range(4827313, 4828442), List.of(Attribute.FLAGS),
                OptionalLong.empty()), parsed("A999 UID FETCH 4827313:4828442 FLAGS"));
    }

    @Test
    void macrosExpand() {
        assertEquals(FetchItem.ALL, items("a FETCH 1 ALL"));
        assertEquals(FetchItem.FAST, items("a FETCH 1 fast"));
        assertEquals(FetchItem.FULL, items("a FETCH 1 Full"));
        assertEquals(List.of(Attribute.FLAGS, Attribute.INTERNALDATE, Attribute.RFC822_SIZE, Attribute.ENVELOPE,
                Attribute.BODY), FetchItem.FULL);
    }

    @Test
    void everySimpleAttribute() {
        for (Attribute a : Attribute.values()) {
            assertEquals(a, item(a.responseName()));
            assertEquals(a, item(a.responseName().toLowerCase(java.util.Locale.ROOT)));
        }
        assertEquals(List.of(Attribute.values()), items("a FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY "
                + "BODYSTRUCTURE UID MODSEQ RFC822 RFC822.HEADER RFC822.TEXT)"));
    }

    @Test
    void bodySectionsOfEveryShape() {
        assertEquals(body(false, Section.whole()), item("BODY[]"));
        assertEquals(body(true, Section.whole()), item("BODY.PEEK[]"));
        assertEquals(body(true, Section.of(Specifier.HEADER, List.of(), List.of())), item("BODY.PEEK[HEADER]"));
        assertEquals(body(false, Section.of(Specifier.TEXT, List.of(), List.of())), item("body[text]"));
        assertEquals(body(false, new Section(List.of(1), Optional.empty(), List.of())), item("BODY[1]"));
        assertEquals(body(false, new Section(List.of(1, 2, 3), Optional.empty(), List.of())), item("BODY[1.2.3]"));
        assertEquals(body(false, Section.of(Specifier.MIME, List.of(1, 2), List.of())), item("BODY[1.2.MIME]"));
        assertEquals(body(false, Section.of(Specifier.HEADER, List.of(4, 2), List.of())), item("BODY[4.2.HEADER]"));
        assertEquals(body(false, Section.of(Specifier.TEXT, List.of(3), List.of())), item("BODY[3.TEXT]"));
        assertEquals(body(true, Section.of(Specifier.HEADER_FIELDS_NOT, List.of(), List.of("Received", "X-Spam"))),
                item("BODY.PEEK[HEADER.FIELDS.NOT (Received X-Spam)]"));
        assertEquals(body(false, Section.of(Specifier.HEADER_FIELDS, List.of(2), List.of("Subject", "From"))),
                item("BODY[2.header.fields (\"Subject\" " + literal("From") + ")]"));
        assertEquals(body(false, Section.of(Specifier.HEADER_FIELDS, List.of(10, 200), List.of("X-(odd)"))),
                item("BODY[10.200.HEADER.FIELDS (\"X-(odd)\")]"));
    }

    @Test
    void partialRanges() {
        assertEquals(new BodySection(true, new Section(List.of(1), Optional.empty(), List.of()),
                Optional.of(new Partial(0, 5000))), item("BODY.PEEK[1]<0.5000>"));
        assertEquals(new BodySection(false, Section.whole(), Optional.of(new Partial(4294967295L, 4294967295L))),
                item("BODY[]<4294967295.4294967295>"));
        assertEquals(new BodySection(false, Section.whole(), Optional.of(new Partial(0, 1))), item("BODY[]<000.1>"));
    }

    @Test
    void binaryItems() {
        assertEquals(new Binary(false, List.of(1), Optional.of(new Partial(0, 100))), item("BINARY[1]<0.100>"));
        assertEquals(new Binary(true, List.of(1, 2), Optional.empty()), item("BINARY.PEEK[1.2]"));
        assertEquals(new Binary(true, List.of(), Optional.empty()), item("binary.peek[]"));
        assertEquals(new BinarySize(List.of(3)), item("BINARY.SIZE[3]"));
        assertEquals(List.of(new Binary(false, List.of(1), Optional.of(new Partial(0, 100))), new BinarySize(List.of(1))),
                items("t FETCH 1 (BINARY[1]<0.100> BINARY.SIZE[1])"));
    }

    @Test
    void changedSince() {
        assertEquals(new Fetch("s100", true, SequenceSet.all(), List.of(Attribute.FLAGS), OptionalLong.of(12345)),
                parsed("s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)"));
        assertEquals(OptionalLong.of(Long.MAX_VALUE),
                ((Fetch) parsed("a FETCH 1 FLAGS (changedsince 9223372036854775807)")).changedSince());
    }

    @Test
    void vanishedGoesWithChangedSinceOnAUidFetch() {
        assertEquals(new Fetch("s", true, SequenceSet.parse("300:500"), List.of(Attribute.FLAGS), OptionalLong.of(12345),
                true), parsed("s UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)"));
        assertEquals(new Fetch("s", true, SequenceSet.parse("1:*"), List.of(Attribute.FLAGS), OptionalLong.of(7),
                true), parsed("s UID FETCH 1:* FLAGS (vanished changedsince 7)"));
    }

    @Test
    void fetchItemsKeepTheirOrderAndRepeats() {
        assertEquals(List.of(Attribute.UID, Attribute.FLAGS, Attribute.UID), items("a FETCH 1 (UID FLAGS UID)"));
    }

    static Stream<Arguments> badFetches() {
        return Stream.of(
                Arguments.of("a FETCH", "Missing argument"),
                Arguments.of("a FETCH 1", "Missing argument"),
                Arguments.of("a FETCH 1 ", "Missing argument"),
                Arguments.of("a FETCH x FLAGS", "Invalid sequence set"),
                Arguments.of("a FETCH 1 FOO", "Invalid fetch item"),
                Arguments.of("a FETCH 1 X-GM-MSGID", "Invalid fetch item"),
                Arguments.of("a FETCH 1 ()", "Invalid fetch item"),
                Arguments.of("a FETCH 1 (FLAGS", "Unbalanced parentheses"),
                Arguments.of("a FETCH 1 (FLAGS ", "Unbalanced parentheses"),
                Arguments.of("a FETCH 1 (FLAGS))", "Extra arguments"),
                Arguments.of("a FETCH 1 FLAGS)", "Extra arguments"),
                Arguments.of("a FETCH 1 (ALL)", "Invalid fetch item"),
                Arguments.of("a FETCH 1 (FLAGS ALL)", "Invalid fetch item"),
                Arguments.of("a FETCH 1 FLAGS UID", "Invalid fetch modifier"),
                Arguments.of("a FETCH 1 (FLAGS  UID)", "Invalid fetch item"),
                Arguments.of("a FETCH 1 BODY.PEEK", "Invalid fetch item"),
                Arguments.of("a FETCH 1 BINARY", "Invalid fetch item"),
                Arguments.of("a FETCH 1 BINARY.SIZE", "Invalid fetch item"),
                Arguments.of("a FETCH 1 FLAGS[]", "Invalid fetch item"),
                Arguments.of("a FETCH 1 BODY[", "Invalid section"),
                Arguments.of("a FETCH 1 BODY[HEADER", "Missing argument"),
                Arguments.of("a FETCH 1 BODY[FOO]", "Invalid section"),
                Arguments.of("a FETCH 1 BODY[MIME]", "Invalid section"),
                Arguments.of("a FETCH 1 BODY[0]", "Invalid number"),
                Arguments.of("a FETCH 1 BODY[1.]", "Invalid section"),
                Arguments.of("a FETCH 1 BODY[.1]", "Invalid section"),
                Arguments.of("a FETCH 1 BODY[1..2]", "Invalid section"),
                Arguments.of("a FETCH 1 BODY[01]", "Invalid number"),
                Arguments.of("a FETCH 1 BODY[3000000000]", "Invalid section"),
                Arguments.of("a FETCH 1 BODY[1.HEADER.FIELDS]", "Missing space"),
                Arguments.of("a FETCH 1 BODY[HEADER.FIELDS ()]", "Invalid header field name"),
                Arguments.of("a FETCH 1 BODY[HEADER.FIELDS (From]", "Unbalanced parentheses"),
                Arguments.of("a FETCH 1 BODY[HEADER.FIELDS (From:)]", "Invalid header field name"),
                Arguments.of("a FETCH 1 BODY[HEADER.FIELDS (\"a b\")]", "Invalid header field name"),
                Arguments.of("a FETCH 1 BODY[HEADER.FIELDS (From)", "Missing argument"),
                Arguments.of("a FETCH 1 BODY[TEXT (From)]", "Invalid section"),
                Arguments.of("a FETCH 1 BINARY[TEXT]", "Invalid section"),
                Arguments.of("a FETCH 1 BINARY[1.MIME]", "Invalid section"),
                Arguments.of("a FETCH 1 BODY[]<", "Missing argument"),
                Arguments.of("a FETCH 1 BODY[]<0>", "Invalid partial range"),
                Arguments.of("a FETCH 1 BODY[]<0.0>", "Invalid number"),
                Arguments.of("a FETCH 1 BODY[]<0.10", "Missing argument"),
                Arguments.of("a FETCH 1 BODY[]<x.10>", "Invalid number"),
                Arguments.of("a FETCH 1 BODY[]<4294967296.1>", "Invalid number"),
                Arguments.of("a FETCH 1 FLAGS (CHANGEDSINCE)", "Missing space"),
                Arguments.of("a FETCH 1 FLAGS (CHANGEDSINCE 0)", "Invalid number"),
                Arguments.of("a FETCH 1 FLAGS (CHANGEDSINCE x)", "Invalid number"),
                Arguments.of("a FETCH 1 FLAGS (CHANGEDSINCE 1 CHANGEDSINCE 2)", "Invalid fetch modifier"),
                Arguments.of("a FETCH 1 FLAGS (VANISHED)", "Invalid fetch modifier"),
                Arguments.of("a FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED)", "Invalid fetch modifier"),
                Arguments.of("a UID FETCH 1 FLAGS (VANISHED)", "Invalid fetch modifier"),
                Arguments.of("a UID FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED VANISHED)", "Invalid fetch modifier"),
                Arguments.of("a UID FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED 2)", "Invalid fetch modifier"),
                Arguments.of("a FETCH 1 FLAGS ()", "Invalid fetch modifier"),
                Arguments.of("a FETCH 1 FLAGS (CHANGEDSINCE 1", "Unbalanced parentheses"),
                Arguments.of("a FETCH 1 FLAGS (CHANGEDSINCE 1) x", "Extra arguments"));
    }

    @ParameterizedTest
    @MethodSource("badFetches")
    void badFetchesAreMalformed(String frame, String message) {
        assertEquals(new ImapParseResult.Malformed(Optional.of("a"), message), malformed(frame));
    }

    // --- STORE

    @Test
    void storeAsInRfc3501() {
        assertEquals(new Store("A003", false, SequenceSet.range(2, 4), StoreMode.ADD, false, List.of("\\Deleted"),
                OptionalLong.empty()), parsed("A003 STORE 2:4 +FLAGS (\\Deleted)"));
    }

    @Test
    void storeModesSilenceAndFlagForms() {
        assertEquals(new Store("a", true, SequenceSet.of(5), StoreMode.ADD, true, List.of("\\Seen"), OptionalLong.empty()),
                parsed("a UID STORE 5 +FLAGS.SILENT (\\Seen)"));
        assertEquals(new Store("a", false, SequenceSet.of(1), StoreMode.REMOVE, false, List.of("\\Seen", "$Label1"),
                OptionalLong.empty()), parsed("a STORE 1 -flags \\seen $Label1"));
        assertEquals(new Store("a", false, SequenceSet.of(1), StoreMode.SET, true, List.of(), OptionalLong.empty()),
                parsed("a STORE 1 FLAGS.SILENT ()"));
        assertEquals(new Store("a", false, SequenceSet.of(1), StoreMode.SET, false,
                List.of("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft", "NonJunk"), OptionalLong.empty()),
                parsed("a STORE 1 FLAGS (\\ANSWERED \\flagged \\Deleted \\sEEN \\draft NonJunk)"));
        assertEquals(new Store("a", false, SequenceSet.of(1), StoreMode.ADD, false, List.of("\\Seen"), OptionalLong.empty()),
                parsed("a STORE 1 +Flags \\Seen"));
    }

    @Test
    void storeUnchangedSince() {
        assertEquals(new Store("a103", true, SequenceSet.of(6, 4, 8), StoreMode.ADD, true, List.of("\\Deleted"),
                OptionalLong.of(12121230045L)), parsed("a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)"));
        assertEquals(OptionalLong.of(0), ((Store) parsed("c STORE 1 (unchangedsince 0) +FLAGS.SILENT ($NoJunk)")).unchangedSince());
    }

    static Stream<Arguments> badStores() {
        return Stream.of(
                Arguments.of("a STORE", "Missing argument"),
                Arguments.of("a STORE 1", "Missing argument"),
                Arguments.of("a STORE 1 +FLAGS", "Missing argument"),
                Arguments.of("a STORE 1 +FLAGS ", "Missing argument"),
                Arguments.of("a STORE 1 FLAGZ (\\Seen)", "Invalid store item"),
                Arguments.of("a STORE 1 +-FLAGS (\\Seen)", "Invalid store item"),
                Arguments.of("a STORE 1 FLAGS.LOUD (\\Seen)", "Invalid store item"),
                Arguments.of("a STORE 1 X-GM-LABELS (foo)", "Invalid store item"),
                Arguments.of("a STORE 1 +FLAGS (\\Recent)", "Invalid flag"),
                Arguments.of("a STORE 1 +FLAGS (\\Foo)", "Invalid flag"),
                Arguments.of("a STORE 1 +FLAGS (\\)", "Invalid flag"),
                Arguments.of("a STORE 1 +FLAGS (\\*)", "Invalid flag"),
                Arguments.of("a STORE 1 +FLAGS (a*b)", "Invalid flag"),
                Arguments.of("a STORE 1 +FLAGS (\"quoted\")", "Invalid flag"),
                Arguments.of("a STORE 1 +FLAGS (\\Seen", "Unbalanced parentheses"),
                Arguments.of("a STORE 1 +FLAGS (\\Seen))", "Extra arguments"),
                Arguments.of("a STORE 1 +FLAGS \\Seen ", "Missing argument"),
                Arguments.of("a STORE 1 +FLAGS (\\Seen) x", "Extra arguments"),
                Arguments.of("a STORE 1 (UNCHANGEDSINCE) +FLAGS x", "Missing space"),
                Arguments.of("a STORE 1 (UNCHANGEDSINCE 1)", "Missing argument"),
                Arguments.of("a STORE 1 (UNCHANGEDSINCE 1)+FLAGS x", "Missing space"),
                Arguments.of("a STORE 1 (CHANGEDSINCE 1) +FLAGS x", "Invalid store modifier"),
                Arguments.of("a STORE 1 (UNCHANGEDSINCE 1 UNCHANGEDSINCE 2) +FLAGS x", "Invalid store modifier"),
                Arguments.of("a STORE 1:x +FLAGS x", "Invalid sequence set"));
    }

    @ParameterizedTest
    @MethodSource("badStores")
    void badStoresAreMalformed(String frame, String message) {
        assertEquals(new ImapParseResult.Malformed(Optional.of("a"), message), malformed(frame));
    }
}
