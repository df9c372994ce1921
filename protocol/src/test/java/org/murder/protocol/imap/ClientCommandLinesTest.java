package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.murder.protocol.imap.ImapTesting.utf8;

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
import org.murder.protocol.imap.command.FetchItem;
import org.murder.protocol.imap.command.FetchItem.Attribute;
import org.murder.protocol.imap.command.FetchItem.BodySection;
import org.murder.protocol.imap.command.FetchItem.Partial;
import org.murder.protocol.imap.command.FetchItem.Section;
import org.murder.protocol.imap.command.FetchItem.Specifier;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.ImapCommand.Append;
import org.murder.protocol.imap.command.ImapCommand.Fetch;
import org.murder.protocol.imap.command.ImapCommand.ListCommand;
import org.murder.protocol.imap.command.ImapCommand.Search;
import org.murder.protocol.imap.command.ImapCommand.Store;
import org.murder.protocol.imap.command.ListReturnOption;
import org.murder.protocol.imap.command.ListSelectOption;
import org.murder.protocol.imap.command.MessageLiteral;
import org.murder.protocol.imap.command.StatusItem;
import org.murder.protocol.imap.command.StoreMode;
import org.murder.protocol.imap.search.SearchKey;
import org.murder.protocol.imap.search.SearchKey.DateField;
import org.murder.protocol.imap.search.SearchKey.DateKey;
import org.murder.protocol.imap.search.SearchKey.DateOp;
import org.murder.protocol.imap.search.SearchKey.Flag;
import org.murder.protocol.imap.search.SearchKey.Text;
import org.murder.protocol.imap.search.SearchKey.TextField;
import org.murder.protocol.testing.RecordingSink;
import org.murder.protocol.wire.FrameDecoder;

/**
 * Command lines as Thunderbird, Apple Mail, Outlook and the RFCs' examples send them, fed through the framer split
 * at every byte offset, then parsed: the framer and the parser together must give the same command however the
 * bytes arrive.
 */
class ClientCommandLinesTest {

    private static final String MESSAGE = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n"
            + "From: Fred Foobar <foobar@Blurdybloop.COM>\r\nSubject: afternoon meeting\r\n"
            + "To: mooch@owatagu.siam.edu\r\nMessage-Id: <B27397-0100000@Blurdybloop.COM>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\nHello Joe, do you think we can meet at 3:30 tomorrow?\r\n";

    record Sample(String name, String wire, ImapCommand expected) {
    }

    private static BodySection peek(Specifier specifier, String... fields) {
        return new BodySection(true, Section.of(specifier, List.of(), List.of(fields)), Optional.empty());
    }

    static List<Sample> samples() {
        List<Sample> s = new ArrayList<>();
        Map<String, String> thunderbirdId = new LinkedHashMap<>();
        thunderbirdId.put("name", "Thunderbird");
        thunderbirdId.put("version", "115.6.0");
        s.add(new Sample("thunderbird id", "2 ID (\"name\" \"Thunderbird\" \"version\" \"115.6.0\")",
                new ImapCommand.Id("2", Optional.of(thunderbirdId))));
        s.add(new Sample("thunderbird login", "3 login \"alice@example.org\" \"p@ss \\\"word\\\"\"",
                new ImapCommand.Login("3", "alice@example.org", "p@ss \"word\"")));
        s.add(new Sample("thunderbird select", "5 select \"INBOX\" (CONDSTORE)", new ImapCommand.Select("5", "INBOX", true)));
        s.add(new Sample("thunderbird header fetch",
                "6 UID fetch 1:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID "
                        + "Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)])",
                new Fetch("6", true, SequenceSet.all(), List.of(Attribute.UID, Attribute.RFC822_SIZE, Attribute.FLAGS,
                        peek(Specifier.HEADER_FIELDS, "From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "Priority",
                                "X-Priority", "References", "Newsgroups", "In-Reply-To", "Content-Type", "Reply-To")),
                        OptionalLong.empty())));
        s.add(new Sample("thunderbird flag sync", "7 UID fetch 1:* (FLAGS) (CHANGEDSINCE 12345)",
                new Fetch("7", true, SequenceSet.all(), List.of(Attribute.FLAGS), OptionalLong.of(12345))));
        s.add(new Sample("thunderbird body", "8 UID fetch 5 (UID RFC822.SIZE BODY.PEEK[])",
                new Fetch("8", true, SequenceSet.of(5), List.of(Attribute.UID, Attribute.RFC822_SIZE,
                        new BodySection(true, Section.whole(), Optional.empty())), OptionalLong.empty())));
        s.add(new Sample("thunderbird mark read", "9 UID store 5 +Flags (\\Seen)",
                new Store("9", true, SequenceSet.of(5), StoreMode.ADD, false, List.of("\\Seen"), OptionalLong.empty())));
        s.add(new Sample("silent store", "10 UID STORE 5 +FLAGS.SILENT (\\Seen)",
                new Store("10", true, SequenceSet.of(5), StoreMode.ADD, true, List.of("\\Seen"), OptionalLong.empty())));
        s.add(new Sample("thunderbird move", "11 uid move 5,7:9 \"Trash\"",
                new ImapCommand.Move("11", true, SequenceSet.parse("5,7:9"), "Trash")));
        s.add(new Sample("thunderbird idle", "12 IDLE", new ImapCommand.Idle("12")));
        s.add(new Sample("thunderbird subscribed list", "13 list (SUBSCRIBED) \"\" \"*\" RETURN (SPECIAL-USE)",
                new ListCommand("13", "", List.of("*"), Set.of(ListSelectOption.SUBSCRIBED),
                        Set.of(ListReturnOption.SPECIAL_USE), List.of())));
        s.add(new Sample("list-status", "14 LIST \"\" \"%\" RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))",
                new ListCommand("14", "", List.of("%"), Set.of(), Set.of(ListReturnOption.SPECIAL_USE),
                        List.of(StatusItem.MESSAGES, StatusItem.UNSEEN))));
        s.add(new Sample("thunderbird quota", "15 getquotaroot \"INBOX\"", new ImapCommand.GetQuotaRoot("15", "INBOX")));
        s.add(new Sample("thunderbird myrights", "16 myrights \"Entw&APw-rfe\"", new ImapCommand.MyRights("16", "Entwürfe")));
        s.add(new Sample("thunderbird append with LITERAL+ flags and date",
                "17 append \"Sent\" (\\Seen) \"05-Mar-2024 10:00:00 +0100\" {" + MESSAGE.length() + "+}\r\n" + MESSAGE,
                new Append("17", "Sent", List.of("\\Seen"),
                        Optional.of(ZonedDateTime.of(2024, 3, 5, 10, 0, 0, 0, ZoneOffset.ofHours(1))),
                        MessageLiteral.of(utf8(MESSAGE), false))));
        s.add(new Sample("thunderbird search with literal", "18 UID SEARCH CHARSET UTF-8 SUBJECT {6}\r\nschön",
                new Search("18", true, Optional.of("UTF-8"), new Text(TextField.SUBJECT, "schön"), Set.of())));
        s.add(new Sample("thunderbird status", "19 STATUS \"INBOX\" (UIDNEXT MESSAGES UNSEEN RECENT)",
                new ImapCommand.Status("19", "INBOX", List.of(StatusItem.UIDNEXT, StatusItem.MESSAGES, StatusItem.UNSEEN,
                        StatusItem.RECENT))));
        s.add(new Sample("thunderbird expunge", "20 UID EXPUNGE 5", new ImapCommand.UidExpunge("20", SequenceSet.of(5))));
        s.add(new Sample("apple mail capability", "1.1 CAPABILITY", new ImapCommand.Capability("1.1")));
        Map<String, String> appleId = new LinkedHashMap<>();
        appleId.put("name", "Mac OS X Mail");
        appleId.put("version", "16.0 (3731.500.231)");
        appleId.put("os", "macOS");
        appleId.put("os-version", "13.3 (22E252)");
        appleId.put("vendor", "Apple Inc.");
        s.add(new Sample("apple mail id", "2.2 ID (\"name\" \"Mac OS X Mail\" \"version\" \"16.0 (3731.500.231)\" \"os\" "
                + "\"macOS\" \"os-version\" \"13.3 (22E252)\" \"vendor\" \"Apple Inc.\")",
                new ImapCommand.Id("2.2", Optional.of(appleId))));
        s.add(new Sample("apple mail structure", "6.1 UID FETCH 3 (BODYSTRUCTURE BODY.PEEK[HEADER])",
                new Fetch("6.1", true, SequenceSet.of(3), List.of(Attribute.BODYSTRUCTURE, peek(Specifier.HEADER)),
                        OptionalLong.empty())));
        s.add(new Sample("apple mail partial", "6.2 UID FETCH 3 BODY.PEEK[1]<0.5000>",
                new Fetch("6.2", true, SequenceSet.of(3), List.of(new BodySection(true,
                        new Section(List.of(1), Optional.empty(), List.of()), Optional.of(new Partial(0, 5000)))),
                        OptionalLong.empty())));
        s.add(new Sample("apple mail search", "7.1 UID SEARCH 1:* NOT DELETED",
                new Search("7.1", true, Optional.empty(), new SearchKey.And(List.of(
                        new SearchKey.SequenceNumbers(SequenceSet.all()), new SearchKey.Not(new Flag("\\Deleted", true)))),
                        Set.of())));
        s.add(new Sample("outlook header fetch", "A7 UID FETCH 1:2 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS "
                + "(DATE FROM SUBJECT TO CC MESSAGE-ID REFERENCES CONTENT-TYPE IMPORTANCE IN-REPLY-TO REPLY-TO X-PRIORITY)])",
                new Fetch("A7", true, SequenceSet.range(1, 2), List.of(Attribute.UID, Attribute.FLAGS, Attribute.INTERNALDATE,
                        Attribute.RFC822_SIZE, peek(Specifier.HEADER_FIELDS, "DATE", "FROM", "SUBJECT", "TO", "CC",
                                "MESSAGE-ID", "REFERENCES", "CONTENT-TYPE", "IMPORTANCE", "IN-REPLY-TO", "REPLY-TO",
                                "X-PRIORITY")), OptionalLong.empty())));
        s.add(new Sample("outlook since", "A8 UID SEARCH SINCE 01-Jan-2024",
                new Search("A8", true, Optional.empty(), new DateKey(DateField.INTERNAL, DateOp.SINCE,
                        LocalDate.of(2024, 1, 1)), Set.of())));
        s.add(new Sample("rfc 3501 append", "A003 APPEND saved-messages (\\Seen) {" + MESSAGE.length() + "}\r\n" + MESSAGE,
                new Append("A003", "saved-messages", List.of("\\Seen"), Optional.empty(),
                        MessageLiteral.of(utf8(MESSAGE), false))));
        s.add(new Sample("rfc 7888 login", "A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man",
                new ImapCommand.Login("A001", "FRED FOOBAR", "fat man")));
        s.add(new Sample("rfc 3501 login with sync literals", "A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man",
                new ImapCommand.Login("A001", "FRED FOOBAR", "fat man")));
        s.add(new Sample("rfc 3516 binary append", "A003 APPEND Drafts (\\Seen $MDNSent) ~{5}\r\nab\0cd",
                new Append("A003", "Drafts", List.of("\\Seen", "$MDNSent"), Optional.empty(),
                        MessageLiteral.of("ab\0cd".getBytes(StandardCharsets.ISO_8859_1), true))));
        s.add(new Sample("rfc 7162 store", "a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)",
                new Store("a103", true, SequenceSet.of(6, 4, 8), StoreMode.ADD, true, List.of("\\Deleted"),
                        OptionalLong.of(12121230045L))));
        s.add(new Sample("rfc 4731 esearch", "A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
                new Search("A282", false, Optional.empty(), new SearchKey.And(List.of(new Flag("\\Flagged", true),
                        new DateKey(DateField.INTERNAL, DateOp.SINCE, LocalDate.of(1994, 2, 1)),
                        new SearchKey.Not(new Text(TextField.FROM, "Smith")))),
                        Set.of(org.murder.protocol.imap.command.SearchReturnOption.MIN,
                                org.murder.protocol.imap.command.SearchReturnOption.COUNT))));
        s.add(new Sample("rfc 4314 setacl", "A001 SETACL INBOX/Drafts John lrswicda",
                new ImapCommand.SetAcl("A001", "INBOX/Drafts", "John", StoreMode.SET, "lrswicda")));
        s.add(new Sample("rfc 9208 setquota", "S0000 SETQUOTA \"#user/alice\" (STORAGE 510)",
                new ImapCommand.SetQuota("S0000", "#user/alice", Map.of("STORAGE", 510L))));
        s.add(new Sample("rfc 6154 create", "t1 CREATE MySpecial (USE (\\Drafts \\Sent))",
                new ImapCommand.Create("t1", "MySpecial", List.of("\\Drafts", "\\Sent"))));
        s.add(new Sample("cyrus create on a location", "t2 CREATE user.bob be2!default",
                new ImapCommand.Create("t2", "user.bob", List.of(), java.util.Optional.of("be2!default"))));
        s.add(new Sample("cyrus create on a partition, quoted", "t3 CREATE \"user.bob.x\" \"spool2\"",
                new ImapCommand.Create("t3", "user.bob.x", List.of(), java.util.Optional.of("spool2"))));
        s.add(new Sample("rfc 5161 enable", "t2 ENABLE CONDSTORE X-GOOD-IDEA",
                new ImapCommand.Enable("t2", List.of("CONDSTORE", "X-GOOD-IDEA"))));
        s.add(new Sample("rfc 6851 move", "a UID MOVE 42:69 foo",
                new ImapCommand.Move("a", true, SequenceSet.range(42, 69), "foo")));
        s.add(new Sample("rfc 3691 unselect", "A342 UNSELECT", new ImapCommand.Unselect("A342")));
        s.add(new Sample("rfc 2342 namespace", "A001 NAMESPACE", new ImapCommand.Namespace("A001")));
        s.add(new Sample("rfc 4959 authenticate", "a AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=",
                new ImapCommand.Authenticate("a", "PLAIN", Optional.of("dGVzdAB0ZXN0AHRlc3Q="))));
        return s;
    }

    private static byte[] stream(Sample s) {
        return (s.wire() + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static ImapCommand parseFrames(List<RecordingSink.Event> events) {
        List<byte[]> frames = new ArrayList<>();
        for (RecordingSink.Event e : events) {
            if (e instanceof RecordingSink.Frame f) {
                frames.add(f.bytes());
            } else if (!(e instanceof RecordingSink.Continuation)) {
                throw new AssertionError("unexpected event " + e);
            }
        }
        assertEquals(1, frames.size());
        ImapParseResult result = ImapCommandParser.parse(frames.get(0));
        return ((ImapParseResult.Parsed) result).command();
    }

    private static FrameDecoder decoder() {
        return new FrameDecoder(8192, 1 << 20, 1 << 22);
    }

    @TestFactory
    Stream<DynamicTest> everySampleParsesHoweverItIsSplit() {
        return samples().stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            byte[] bytes = stream(s);
            assertEquals(s.expected(), parseFrames(RecordingSink.decodeWhole(decoder(), bytes)));
            for (int offset = 0; offset <= bytes.length; offset++) {
                assertEquals(s.expected(), parseFrames(RecordingSink.decodeSplit(decoder(), bytes, offset)),
                        "split at " + offset);
            }
            assertEquals(s.expected(), parseFrames(RecordingSink.decodeBytewise(decoder(), bytes)));
        }));
    }

    @Test
    void aWholeSessionThroughOneDecoder() {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        List<ImapCommand> expected = new ArrayList<>();
        for (Sample s : samples()) {
            all.writeBytes(stream(s));
            expected.add(s.expected());
        }
        List<ImapCommand> got = new ArrayList<>();
        for (byte[] frame : frameList(RecordingSink.decodeBytewise(decoder(), all.toByteArray()))) {
            got.add(((ImapParseResult.Parsed) ImapCommandParser.parse(frame)).command());
        }
        assertEquals(expected, got);
    }

    @Test
    void synchronizingLiteralsAskForContinuationBeforeTheirBytes() {
        List<RecordingSink.Event> events = RecordingSink.decodeWhole(decoder(),
                utf8("A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n"));
        assertEquals(3, events.size());
        assertEquals(new RecordingSink.Continuation(), events.get(0));
        assertEquals(new RecordingSink.Continuation(), events.get(1));
    }

    private static List<byte[]> frameList(List<RecordingSink.Event> events) {
        List<byte[]> frames = new ArrayList<>();
        for (RecordingSink.Event e : events) {
            if (e instanceof RecordingSink.Frame f) {
                frames.add(f.bytes());
            }
        }
        return frames;
    }
}
