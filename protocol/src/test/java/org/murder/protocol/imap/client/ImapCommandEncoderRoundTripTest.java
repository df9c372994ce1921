package org.murder.protocol.imap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.protocol.imap.client.EncodedCommands.roundTrip;
import static org.murder.protocol.imap.client.EncodedCommands.text;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.command.AppendMessage;
import org.murder.protocol.imap.command.Catenate;
import org.murder.protocol.imap.command.FetchItem;
import org.murder.protocol.imap.command.FetchItem.Attribute;
import org.murder.protocol.imap.command.FetchItem.Section;
import org.murder.protocol.imap.command.FetchItem.Specifier;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.ImapCommand.*;
import org.murder.protocol.imap.command.ListReturnOption;
import org.murder.protocol.imap.command.ListSelectOption;
import org.murder.protocol.imap.command.MessageLiteral;
import org.murder.protocol.imap.command.QresyncParameters;
import org.murder.protocol.imap.command.SearchReturnOption;
import org.murder.protocol.imap.command.SortCriterion;
import org.murder.protocol.imap.command.ThreadAlgorithm;
import org.murder.protocol.imap.command.StatusItem;
import org.murder.protocol.imap.command.StoreMode;
import org.murder.protocol.imap.search.SearchKey;

/** Every command type the encoder knows: encode, frame and parse with the server's own code, get the same value. */
class ImapCommandEncoderRoundTripTest {

    private static final List<ImapEncoding> ENCODINGS = List.of(ImapEncoding.RFC3501,
            ImapEncoding.forCapabilities(List.of("IMAP4rev1", "LITERAL+")),
            ImapEncoding.forCapabilities(List.of("LITERAL-")),
            ImapEncoding.forCapabilities(List.of("literal+")).withUtf8Accept(true));

    private static final byte[] MESSAGE = ("From: a@example.test\r\nSubject: t\u00e9st\r\n\r\nbody {5}\r\n")
            .getBytes(StandardCharsets.UTF_8);

    static List<ImapCommand> commands() {
        List<ImapCommand> c = new ArrayList<>();
        c.add(new Capability("a1"));
        c.add(new Noop("a2"));
        c.add(new Logout("a3"));
        c.add(new Id("a4", Optional.empty()));
        Map<String, String> id = new LinkedHashMap<>();
        id.put("name", "Murder");
        id.put("version", "0.1 \"beta\"");
        id.put("x", "");
        c.add(new Id("a5", Optional.of(id)));
        c.add(new Id("a5b", Optional.of(Map.of())));
        c.add(new StartTls("a6"));
        c.add(new Login("a7", "alice", "alice-FAKE-pw"));
        c.add(new Login("a8", "al ice@example.test", "p\"w\\d {3}\r\n\u00e9"));
        c.add(new Login("a8b", "NIL", ""));
        c.add(new Authenticate("a9", "PLAIN", Optional.of("YWxpY2UAbXVyZGVyAG11cmRlci1GQUtFLXB3")));
        c.add(new Authenticate("a10", "PLAIN", Optional.of("=")));
        c.add(new Authenticate("a11", "SCRAM-SHA-256", Optional.empty()));
        c.add(new Select("b1", "INBOX", false));
        c.add(new Select("b2", "user.carol.Sent", true));
        c.add(new Examine("b3", "Entw\u00fcrfe & \u00e9t\u00e9", true));
        c.add(new Examine("b4", "user.carol", false));
        c.add(new Select("b5", "INBOX", false, Optional.of(new QresyncParameters(67890007, 20050715194045000L,
                Optional.of(SequenceSet.parse("41,43:211,214:541")),
                Optional.of(new QresyncParameters.SeqMatch(SequenceSet.parse("1:5,7"), SequenceSet.parse("41:45,50")))))));
        c.add(new Examine("b6", "user.carol", true, Optional.of(new QresyncParameters(1, 0, Optional.empty(),
                Optional.empty()))));
        c.add(new Select("b7", "INBOX", false, Optional.of(new QresyncParameters(7, 9, Optional.empty(),
                Optional.of(new QresyncParameters.SeqMatch(SequenceSet.parse("3"), SequenceSet.parse("12")))))));
        c.add(new Select("b8", "INBOX", false, Optional.of(new QresyncParameters(7, 9,
                Optional.of(SequenceSet.parse("1:100")), Optional.empty()))));
        c.add(new Create("b5", "INBOX.new folder", List.of()));
        c.add(new Create("b6", "Sent", List.of("\\Sent", "\\Archive")));
        c.add(new Create("b7", "user.bob", List.of(), java.util.Optional.of("be2!default")));
        c.add(new Delete("b7", "a \"quoted\" name"));
        c.add(new Rename("b8", "INBOX.old", "INBOX.\u65b0\u3057\u3044"));
        c.add(new Rename("b8a", "user.bob", "user.bob", java.util.Optional.of("be2!default")));
        c.add(new ImapCommand.XPull("b8b", "user.bob.a b", "be1", "default"));
        c.add(new ImapCommand.XMoveStep("b8c", ImapCommand.MoveStep.FREEZE, "user.bob", "17", java.util.Optional.empty()));
        c.add(new ImapCommand.XMoveStep("b8d", ImapCommand.MoveStep.RELEASE, "user.bob", "17",
                java.util.Optional.of("be2!default")));
        c.add(new Subscribe("b9", "INBOX.Sent"));
        c.add(new Unsubscribe("b10", "{5}"));
        c.add(ListCommand.basic("c1", "", "*"));
        c.add(ListCommand.basic("c2", "INBOX.", "%"));
        c.add(ListCommand.basic("c3", "~x y", "a%b*c \u00e9"));
        c.add(new ListCommand("c4", "", List.of("INBOX", "user.*"), Set.of(ListSelectOption.SUBSCRIBED,
                ListSelectOption.RECURSIVEMATCH), Set.of(ListReturnOption.CHILDREN), List.of()));
        c.add(new ListCommand("c5", "", List.of("*"), Set.of(ListSelectOption.SPECIAL_USE),
                Set.of(ListReturnOption.SPECIAL_USE, ListReturnOption.SUBSCRIBED),
                List.of(StatusItem.MESSAGES, StatusItem.UNSEEN)));
        c.add(new ListCommand("c6", "", List.of("%"), Set.of(), Set.of(),
                List.of(StatusItem.UIDNEXT, StatusItem.HIGHESTMODSEQ)));
        c.add(new ListCommand("c6b", "", List.of("%"), Set.of(ListSelectOption.REMOTE), Set.of(), List.of()));
        c.add(new Lsub("c7", "", "*"));
        c.add(new Lsub("c8", "user.", "carol.%"));
        c.add(new Status("c9", "INBOX", List.of(StatusItem.MESSAGES, StatusItem.UIDNEXT)));
        c.add(new Status("c10", "Entw\u00fcrfe", List.of(StatusItem.values())));
        c.add(new Append("d1", "INBOX", List.of(), Optional.empty(), MessageLiteral.of(MESSAGE, false)));
        c.add(new Append("d2", "INBOX.Sent", List.of("\\Seen", "\\Flagged", "$Forwarded"),
                Optional.of(ZonedDateTime.of(2026, 11, 3, 8, 46, 0, 0, ZoneOffset.ofHoursMinutes(-7, -30))),
                MessageLiteral.of(MESSAGE, false)));
        c.add(new Append("d3", "INBOX", List.of("\\Draft"), Optional.empty(),
                MessageLiteral.of(new byte[] {'a', 0, (byte) 0xff, '\r', '\n'}, true)));
        c.add(new Append("d4", "INBOX", List.of(), Optional.empty(), MessageLiteral.of(new byte[0], false)));
        ZonedDateTime date = ZonedDateTime.of(2026, 12, 7, 3, 0, 0, 0, ZoneOffset.UTC);
        c.add(new Append("d5", "INBOX", List.of(                       // MULTIAPPEND (RFC 3502)
                new AppendMessage(List.of("\\Seen"), Optional.of(date), MessageLiteral.of(MESSAGE, false)),
                new AppendMessage(List.of(), Optional.empty(), MessageLiteral.of(MESSAGE, false)),
                new AppendMessage(List.of("$Junk"), Optional.empty(), MessageLiteral.of(new byte[] {'b', 0}, true)))));
        c.add(new Append("d6", "Drafts", List.of(new AppendMessage(List.of("\\Draft"), Optional.empty(),
                new Catenate(List.of(                                       // CATENATE (RFC 4469)
                        new Catenate.Url("/INBOX;UIDVALIDITY=385759045/;UID=20/;SECTION=HEADER"),
                        new Catenate.Text(MessageLiteral.of(MESSAGE, false)),
                        new Catenate.Url("/Entw%C3%BCrfe/;UID=3/;SECTION=1.2/;PARTIAL=0.100"),
                        new Catenate.Url("odd \"quoted\" url"),
                        new Catenate.Url("line\r\nbreak"),
                        new Catenate.Text(MessageLiteral.of(new byte[] {0, 1, 2}, true))))))));
        c.add(new Append("d7", "INBOX", List.of(
                new AppendMessage(List.of(), Optional.of(date), new Catenate(List.of(new Catenate.Url(";UID=1")))),
                new AppendMessage(List.of("\\Seen"), Optional.empty(), MessageLiteral.of(MESSAGE, false)))));
        c.add(new Idle("e1"));
        c.add(new Namespace("e2"));
        c.add(new ImapCommand.Compress("e2z", "DEFLATE"));
        c.add(new Enable("e3", List.of("CONDSTORE", "UTF8=ACCEPT")));
        c.add(new GetAcl("f1", "INBOX"));
        c.add(new SetAcl("f2", "INBOX", "bob", StoreMode.SET, "lrs"));
        c.add(new SetAcl("f3", "user.carol", "-anyone", StoreMode.ADD, "lr"));
        c.add(new SetAcl("f4", "user.carol", "bob smith", StoreMode.REMOVE, "w"));
        c.add(new SetAcl("f4b", "INBOX", "bob", StoreMode.SET, ""));
        c.add(new DeleteAcl("f5", "INBOX", "anyone"));
        c.add(new MyRights("f6", "INBOX.Sent"));
        c.add(new ListRights("f7", "INBOX", "bob"));
        c.add(new GetQuota("g1", ""));
        c.add(new GetQuota("g2", "user.alice"));
        c.add(new GetQuotaRoot("g3", "INBOX"));
        Map<String, Long> limits = new LinkedHashMap<>();
        limits.put("STORAGE", 512L);
        limits.put("MESSAGE", 1000L);
        c.add(new SetQuota("g4", "user.alice", limits));
        c.add(new SetQuota("g5", "", Map.of()));
        c.add(new Check("h1"));
        c.add(new Close("h2"));
        c.add(new Unselect("h3"));
        c.add(new Expunge("h4"));
        c.add(new UidExpunge("h5", SequenceSet.parse("3:5,7,9:*")));
        c.add(new Fetch("i1", false, SequenceSet.parse("1:*"), List.of(Attribute.FLAGS, Attribute.UID,
                Attribute.RFC822_SIZE, Attribute.ENVELOPE), OptionalLong.empty()));
        c.add(new Fetch("i2", true, SequenceSet.parse("1"), List.of(new FetchItem.BodySection(true,
                Section.whole(), Optional.empty())), OptionalLong.of(42)));
        c.add(new Fetch("i3", false, SequenceSet.parse("2,4:6"), List.of(Attribute.FLAGS,
                new FetchItem.BodySection(true, Section.of(Specifier.HEADER_FIELDS, List.of(),
                        List.of("SUBJECT", "X-Odd\"Name", "Date")), Optional.empty()),
                new FetchItem.BodySection(false, Section.of(Specifier.MIME, List.of(1, 2), List.of()),
                        Optional.of(new FetchItem.Partial(0, 1024))),
                new FetchItem.BodySection(true, Section.of(Specifier.HEADER_FIELDS_NOT, List.of(2),
                        List.of("Received")), Optional.empty()),
                new FetchItem.BodySection(false, new Section(List.of(3), Optional.empty(), List.of()),
                        Optional.empty()),
                new FetchItem.Binary(true, List.of(1), Optional.of(new FetchItem.Partial(10, 20))),
                new FetchItem.Binary(false, List.of(), Optional.empty()),
                new FetchItem.BinarySize(List.of(2, 1)), Attribute.MODSEQ, Attribute.BODYSTRUCTURE,
                Attribute.BODY, Attribute.INTERNALDATE, Attribute.RFC822, Attribute.RFC822_HEADER,
                Attribute.RFC822_TEXT), OptionalLong.empty()));
        c.add(new Fetch("i4", false, SequenceSet.parse("1"), FetchItem.FULL, OptionalLong.empty()));
        c.add(new Fetch("i5", true, SequenceSet.parse("300:500"), List.of(Attribute.FLAGS), OptionalLong.of(12345),
                true));
        c.add(new Store("j1", false, SequenceSet.parse("1:3"), StoreMode.ADD, false, List.of("\\Deleted"),
                OptionalLong.empty()));
        c.add(new Store("j2", true, SequenceSet.parse("5"), StoreMode.REMOVE, true, List.of("\\Seen", "Junk"),
                OptionalLong.of(12345)));
        c.add(new Store("j3", true, SequenceSet.parse("*"), StoreMode.SET, false, List.of(), OptionalLong.empty()));
        c.add(new Search("k1", false, Optional.empty(), SearchKey.ALL, Set.of()));
        c.add(new Search("k1b", true, Optional.empty(), SearchKey.ALL, Set.of(SearchReturnOption.UPDATE,
                SearchReturnOption.COUNT, SearchReturnOption.PARTIAL),
                Optional.of(new org.murder.protocol.imap.command.PartialRange(-1, -100))));
        c.add(new Search("k1c", false, Optional.empty(), SearchKey.ALL, Set.of(SearchReturnOption.CONTEXT,
                SearchReturnOption.ALL)));
        c.add(new Sort("k1d", true, List.of(new SortCriterion(SortCriterion.Key.DATE, true)), "UTF-8", SearchKey.ALL,
                Set.of(SearchReturnOption.UPDATE, SearchReturnOption.PARTIAL),
                Optional.of(new org.murder.protocol.imap.command.PartialRange(1, 10))));
        c.add(new CancelUpdate("k1e", List.of("A1", "tag \"two\"")));
        c.add(new Status("k1f", "INBOX", List.of(StatusItem.SIZE, StatusItem.DELETED, StatusItem.DELETED_STORAGE)));
        c.add(new Search("k2", true, Optional.of("UTF-8"), new SearchKey.And(List.of(
                new SearchKey.Flag("\\Seen", false), new SearchKey.Text(SearchKey.TextField.SUBJECT, "h\u00e9llo"),
                new SearchKey.Or(new SearchKey.Text(SearchKey.TextField.FROM, "bob"),
                        new SearchKey.Not(new SearchKey.Flag("$Junk", true))),
                new SearchKey.And(List.of(new SearchKey.Larger(100), new SearchKey.Smaller(5000))),
                new SearchKey.Header("X-Spam\\Flag", "YES \"really\""),
                new SearchKey.DateKey(SearchKey.DateField.INTERNAL, SearchKey.DateOp.SINCE, LocalDate.of(2026, 2, 1)),
                new SearchKey.DateKey(SearchKey.DateField.SENT, SearchKey.DateOp.BEFORE, LocalDate.of(1994, 12, 31)),
                new SearchKey.Uid(SequenceSet.parse("1:100")), new SearchKey.SequenceNumbers(SequenceSet.parse("2,4")),
                new SearchKey.ModSeq(7), new SearchKey.Recent(), new SearchKey.New(), new SearchKey.Old(),
                new SearchKey.Flag("Work", false), new SearchKey.Text(SearchKey.TextField.BODY, ""))), Set.of()));
        c.add(new Search("k3", true, Optional.empty(), new SearchKey.Flag("\\Deleted", true),
                Set.of(SearchReturnOption.MIN, SearchReturnOption.COUNT)));
        c.add(new Search("k4", false, Optional.of("US-ASCII"), new SearchKey.Text(SearchKey.TextField.TEXT,
                "line\r\nbreak"), Set.of(SearchReturnOption.ALL)));
        c.add(new Search("k5", false, Optional.empty(), new SearchKey.SequenceNumbers(SequenceSet.LAST_RESULT),
                Set.of(SearchReturnOption.SAVE)));
        c.add(new Search("k6", true, Optional.empty(), new SearchKey.And(List.of(new SearchKey.Uid(SequenceSet.LAST_RESULT),
                new SearchKey.Flag("\\Seen", true))), Set.of(SearchReturnOption.SAVE, SearchReturnOption.MIN)));
        c.add(new Sort("s1", false, List.of(new SortCriterion(SortCriterion.Key.ARRIVAL, false)), "US-ASCII",
                SearchKey.ALL, Set.of()));
        c.add(new Sort("s2", true, List.of(new SortCriterion(SortCriterion.Key.SUBJECT, true),
                new SortCriterion(SortCriterion.Key.DATE, false), new SortCriterion(SortCriterion.Key.DISPLAYFROM, true),
                new SortCriterion(SortCriterion.Key.DISPLAYTO, false), new SortCriterion(SortCriterion.Key.CC, false),
                new SortCriterion(SortCriterion.Key.FROM, false), new SortCriterion(SortCriterion.Key.TO, true),
                new SortCriterion(SortCriterion.Key.SIZE, false)), "UTF-8",
                new SearchKey.And(List.of(new SearchKey.Text(SearchKey.TextField.SUBJECT, "h\u00e9llo"),
                        new SearchKey.Flag("\\Deleted", false))),
                Set.of(SearchReturnOption.MIN, SearchReturnOption.MAX, SearchReturnOption.COUNT, SearchReturnOption.ALL)));
        c.add(new Sort("s3", false, List.of(new SortCriterion(SortCriterion.Key.DATE, true)), "UTF-8",
                new SearchKey.SequenceNumbers(SequenceSet.LAST_RESULT), Set.of(SearchReturnOption.SAVE)));
        c.add(new ThreadCommand("t1", false, ThreadAlgorithm.ORDEREDSUBJECT, "US-ASCII", SearchKey.ALL));
        c.add(new ThreadCommand("t2", true, ThreadAlgorithm.REFERENCES, "UTF-8",
                new SearchKey.Or(new SearchKey.Text(SearchKey.TextField.FROM, "x y"), new SearchKey.ModSeq(3))));
        c.add(new Fetch("i5", true, SequenceSet.LAST_RESULT, List.of(Attribute.FLAGS), OptionalLong.empty()));
        c.add(new Store("j9", false, SequenceSet.LAST_RESULT, StoreMode.ADD, true, List.of("\\Deleted"),
                OptionalLong.empty()));
        c.add(new Copy("l5", true, SequenceSet.LAST_RESULT, "INBOX.Sent"));
        c.add(new Copy("l1", false, SequenceSet.parse("1:2"), "INBOX.Sent"));
        c.add(new Copy("l2", true, SequenceSet.parse("7"), "Entw\u00fcrfe"));
        c.add(new Move("l3", false, SequenceSet.parse("3"), "Trash"));
        c.add(new Move("l4", true, SequenceSet.parse("4:*"), "a b"));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> everyCommandSurvivesARoundTripInEveryEncoding() {
        return commands().stream().flatMap(command -> ENCODINGS.stream().map(encoding -> DynamicTest.dynamicTest(
                command.tag() + " " + command.getClass().getSimpleName() + " " + encoding,
                () -> assertEquals(command, roundTrip(command, encoding)))));
    }

    @TestFactory
    Stream<DynamicTest> everyCommandCanBeSentUnderAnotherTag() {
        return commands().stream().map(command -> DynamicTest.dynamicTest(command.tag(), () -> {
            ImapCommand retagged = roundTrip(command, "PROXY7", ImapEncoding.RFC3501);
            assertEquals("PROXY7", retagged.tag());
            assertEquals(roundTrip(command, ImapEncoding.RFC3501), roundTripUnder(retagged, command.tag()));
        }));
    }

    /** The value under its first tag again, to compare everything else. */
    private static ImapCommand roundTripUnder(ImapCommand command, String tag) {
        return roundTrip(command, tag, ImapEncoding.RFC3501);
    }

    @Test
    void plainCommandsAreOneLineInTheCanonicalForm() {
        assertEquals("a7 LOGIN alice alice-FAKE-pw\r\n",
                text(ImapCommandEncoder.encode(new Login("a7", "alice", "alice-FAKE-pw"), ImapEncoding.RFC3501)));
        assertEquals("a004 LIST \"\" *\r\n",
                text(ImapCommandEncoder.encode(ListCommand.basic("a004", "", "*"), ImapEncoding.RFC3501)));
        assertEquals("a3 SELECT user.carol (CONDSTORE)\r\n",
                text(ImapCommandEncoder.encode(new Select("a3", "user.carol", true), ImapEncoding.RFC3501)));
        assertEquals("a3 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211 (1:3 41:43)))\r\n",
                text(ImapCommandEncoder.encode(new Select("a3", "INBOX", false, Optional.of(new QresyncParameters(
                        67890007, 90060115194045000L, Optional.of(SequenceSet.parse("41:211")),
                        Optional.of(new QresyncParameters.SeqMatch(SequenceSet.parse("1:3"),
                                SequenceSet.parse("41:43")))))), ImapEncoding.RFC3501)));
        assertEquals("a6 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n",
                text(ImapCommandEncoder.encode(new Fetch("a6", true, SequenceSet.parse("300:500"),
                        List.of(Attribute.FLAGS), OptionalLong.of(12345), true), ImapEncoding.RFC3501)));
        assertEquals("a4 CREATE Entw&APw-rfe\r\n",
                text(ImapCommandEncoder.encode(new Create("a4", "Entw\u00fcrfe", List.of()), ImapEncoding.RFC3501)));
        assertEquals("a5 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n",
                text(ImapCommandEncoder.encode(new Fetch("a5", true, SequenceSet.parse("1:*"), List.of(Attribute.FLAGS,
                        new FetchItem.BodySection(true, Section.of(Specifier.HEADER_FIELDS, List.of(),
                                List.of("SUBJECT")), Optional.empty())), OptionalLong.empty()), ImapEncoding.RFC3501)));
    }

    @Test
    void aSynchronizingLiteralSplitsTheCommandWhereTheServerMustSayGoAhead() {
        Append append = new Append("d1", "INBOX", List.of("\\Seen"), Optional.empty(),
                MessageLiteral.of(MESSAGE, false));
        EncodedCommand plain = ImapCommandEncoder.encode(append, ImapEncoding.RFC3501);
        assertTrue(plain.synchronizing());
        assertEquals(2, plain.parts().size());
        assertEquals("d1 APPEND INBOX (\\Seen) {" + MESSAGE.length + "}\r\n",
                StandardCharsets.US_ASCII.decode(EncodedCommands.wire(plain.parts().get(0))).toString());

        EncodedCommand plus = ImapCommandEncoder.encode(append, ImapEncoding.forCapabilities(List.of("LITERAL+")));
        assertFalse(plus.synchronizing());
        assertTrue(text(plus).startsWith("d1 APPEND INBOX (\\Seen) {" + MESSAGE.length + "+}\r\n"));
    }

    @Test
    void contextReturnOptionsAndCancelUpdateHaveTheirCanonicalForm() {
        assertEquals("a1 UID SEARCH RETURN (COUNT UPDATE PARTIAL -1:-100) ALL\r\n", text(ImapCommandEncoder.encode(
                new Search("a1", true, Optional.empty(), SearchKey.ALL, Set.of(SearchReturnOption.UPDATE,
                        SearchReturnOption.COUNT, SearchReturnOption.PARTIAL),
                        Optional.of(new org.murder.protocol.imap.command.PartialRange(-100, -1))), ImapEncoding.RFC3501)));
        assertEquals("a2 CANCELUPDATE \"A1\" \"b 2\"\r\n",
                text(ImapCommandEncoder.encode(new CancelUpdate("a2", List.of("A1", "b 2")), ImapEncoding.RFC3501)));
        assertEquals("a3 STATUS INBOX (SIZE DELETED-STORAGE)\r\n", text(ImapCommandEncoder.encode(
                new Status("a3", "INBOX", List.of(StatusItem.SIZE, StatusItem.DELETED_STORAGE)), ImapEncoding.RFC3501)));
    }

    @Test
    void imap4rev2ImpliesLiteralMinus() {
        assertEquals(ImapEncoding.LITERAL_MINUS_LIMIT,
                ImapEncoding.forCapabilities(List.of("IMAP4rev1", "IMAP4rev2")).nonSynchronizingLimit());
        assertEquals(Long.MAX_VALUE,
                ImapEncoding.forCapabilities(List.of("IMAP4rev2", "LITERAL+")).nonSynchronizingLimit());
    }

    @Test
    void literalMinusSendsOnlySmallLiteralsWithoutWaiting() {
        ImapEncoding minus = ImapEncoding.forCapabilities(List.of("LITERAL-"));
        byte[] big = new byte[5000];
        java.util.Arrays.fill(big, (byte) 'x');
        Append small = new Append("d1", "INBOX", List.of(), Optional.empty(), MessageLiteral.of(MESSAGE, false));
        Append large = new Append("d2", "INBOX", List.of(), Optional.empty(), MessageLiteral.of(big, false));
        assertFalse(ImapCommandEncoder.encode(small, minus).synchronizing());
        assertTrue(ImapCommandEncoder.encode(large, minus).synchronizing());
        assertEquals(large, roundTrip(large, minus));
    }

    @Test
    void multiAppendAndCatenateHaveTheirCanonicalForm() {
        ImapEncoding plus = ImapEncoding.forCapabilities(List.of("LITERAL+"));
        Append multi = new Append("d5", "INBOX", List.of(
                new AppendMessage(List.of("\\Seen"), Optional.empty(), MessageLiteral.of("ab".getBytes(StandardCharsets.US_ASCII), false)),
                new AppendMessage(List.of(), Optional.empty(), MessageLiteral.of("c".getBytes(StandardCharsets.US_ASCII), false))));
        assertEquals("d5 APPEND INBOX (\\Seen) {2+}\r\nab {1+}\r\nc\r\n", text(ImapCommandEncoder.encode(multi, plus)));
        EncodedCommand sync = ImapCommandEncoder.encode(multi, ImapEncoding.RFC3501);
        assertEquals(2, sync.parts().stream().filter(EncodedCommand.Part::awaitContinuation).count(),
                "each message waits for its own go-ahead");
        Append catenate = new Append("d6", "Drafts", List.of(new AppendMessage(List.of(), Optional.empty(),
                new Catenate(List.of(new Catenate.Url("/INBOX;UIDVALIDITY=5/;UID=3/;SECTION=1"),
                        new Catenate.Text(MessageLiteral.of("x".getBytes(StandardCharsets.US_ASCII), false)))))));
        assertEquals("d6 APPEND Drafts CATENATE (URL /INBOX;UIDVALIDITY=5/;UID=3/;SECTION=1 TEXT {1+}\r\nx)\r\n",
                text(ImapCommandEncoder.encode(catenate, plus)));
    }

    @Test
    void theMessageIsNotCopied() {
        byte[] big = new byte[1 << 20];
        java.util.Arrays.fill(big, (byte) 'x');
        Append append = new Append("d1", "INBOX", List.of(), Optional.empty(), MessageLiteral.of(big, false));
        EncodedCommand encoded = ImapCommandEncoder.encode(append, ImapEncoding.RFC3501);
        assertEquals(3, encoded.parts().size());
        assertFalse(((EncodedCommand.Bytes) encoded.parts().get(1)).bytes().hasArray(), "read-only view");
        assertEquals(big.length, ((EncodedCommand.Bytes) encoded.parts().get(1)).bytes().remaining());
    }

    @Test
    void theLinesInsideACommandAreCanonical() {
        assertEquals("DONE\r\n", new String(ImapCommandEncoder.idleDone(), StandardCharsets.US_ASCII));
        assertEquals("*\r\n", new String(ImapCommandEncoder.authenticateLine("*"), StandardCharsets.US_ASCII));
        assertEquals("YWxp\r\n", new String(ImapCommandEncoder.authenticateLine("YWxp"), StandardCharsets.US_ASCII));
    }
}
