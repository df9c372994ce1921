package org.murder.protocol.imap.response;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.ImapDates;

/** String, atom, text and wire-value rules of the writer. */
class ImapWriterTest {

    private static String w(ImapWriter writer) {
        return new String(writer.toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void stringsAreQuotedWhenShortAndSafeElseLiterals() {
        assertEquals("\"hello world\"", ImapStrings.string("hello world"));
        assertEquals("\"\"", ImapStrings.string(""));
        assertEquals("\"say \\\"hi\\\" \\\\o/\"", ImapStrings.string("say \"hi\" \\o/"));
        assertEquals("\"tab\there\"", ImapStrings.string("tab\there"));
        assertEquals("\"50% {3}\"", ImapStrings.string("50% {3}"));
        assertEquals("{7}\r\nGrüße", ImapStrings.string("Grüße"));
        assertEquals("{4}\r\na\r\nb", ImapStrings.string("a\r\nb"));
        assertEquals("{3}\r\na\rb", ImapStrings.string("a\rb"));
        assertEquals("{5}\r\na\uFFFDb", ImapStrings.string("a\0b"), "NUL is not a CHAR8");
        assertEquals("\"" + "x".repeat(1024) + "\"", ImapStrings.string("x".repeat(1024)));
        assertEquals("{1025}\r\n" + "x".repeat(1025), ImapStrings.string("x".repeat(1025)));
        assertEquals("NIL", ImapStrings.nstring(null));
        assertEquals("\"NIL\"", ImapStrings.nstring("NIL"));
    }

    @Test
    void astringsAreAtomsWhenTheyCanBe() {
        assertEquals("INBOX", ImapStrings.astring("INBOX"));
        assertEquals("a]b", ImapStrings.astring("a]b"));
        assertEquals("\"nil\"", ImapStrings.astring("nil"));
        assertEquals("\"\"", ImapStrings.astring(""));
        assertEquals("\"a b\"", ImapStrings.astring("a b"));
        assertEquals("\"a*\"", ImapStrings.astring("a*"));
        assertEquals("\"(x)\"", ImapStrings.astring("(x)"));
        assertEquals("\"{1}\"", ImapStrings.astring("{1}"));
    }

    @Test
    void atomsFlagsTagsAndCodesAreChecked() {
        assertEquals("\\Seen \\* $Label1", w(new ImapWriter().flag("\\Seen").sp().flag("\\*").sp().flag("$Label1")));
        assertThrows(IllegalArgumentException.class, () -> new ImapWriter().atom("a b"));
        assertThrows(IllegalArgumentException.class, () -> new ImapWriter().atom(""));
        assertThrows(IllegalArgumentException.class, () -> new ImapWriter().atom("x]"));
        assertThrows(IllegalArgumentException.class, () -> new ImapWriter().flag("\\"));
        assertThrows(IllegalArgumentException.class, () -> new ImapWriter().flag("\\Seen)"));
        assertThrows(IllegalArgumentException.class, () -> new ImapWriter().flag("ü"));
        for (String tag : List.of("", "+", "**", "a b", "a+b", "a{1}", "a\"", "a%", "a(", "ä", "a\r\n")) {
            assertThrows(IllegalArgumentException.class, () -> ImapWriter.tagged(tag), tag);
        }
        assertThrows(IllegalArgumentException.class, () -> new ImapWriter().responseCode("ALERT] [x"));
        assertThrows(IllegalArgumentException.class, () -> new ImapWriter().responseCode(""));
        assertThrows(IllegalArgumentException.class, () -> new ImapWriter().responseCode("A\r\nB"));
        assertThrows(IllegalArgumentException.class, () -> new ImapWriter().number(-1));
    }

    @Test
    void textLosesLineBreaksAndCannotFakeAResponseCode() {
        assertEquals("a b c d", w(new ImapWriter().text("a\rb\nc\0d")));
        assertEquals(" [ALERT] fake", w(new ImapWriter().text("[ALERT] fake")));
        assertEquals("Grüße", w(new ImapWriter().text("Grüße")));
    }

    @Test
    void delimiters() {
        assertEquals("\"/\" \".\" \"\\\\\" \"\\\"\" NIL", w(new ImapWriter().delimiter('/').sp().delimiter('.').sp()
                .delimiter('\\').sp().delimiter('"').sp().delimiter(null)));
        assertThrows(IllegalArgumentException.class, () -> new ImapWriter().delimiter('\n'));
        assertThrows(IllegalArgumentException.class, () -> new ImapWriter().delimiter('ü'));
    }

    @Test
    void wireValuesAreChecked() {
        assertEquals("(\"a\" {3}\r\nb\r\n NIL)", w(new ImapWriter().wire("(\"a\" {3}\r\nb\r\n NIL)")));
        assertEquals("({0}\r\n)", w(new ImapWriter().wire("({0}\r\n)")));
        assertEquals("(\"x\\\")\")", w(new ImapWriter().wire("(\"x\\\")\")")));
        for (String bad : List.of("(\"a\"\r\n)", "(\"a\"", "((NIL)", "(NIL))", "({4}\r\nab)", "({3}\r\n", "({2}\r\nab",
                "({3}\nabc)", "({}\r\n)", "(\"a\nb\")", "(a\0)", "{99999999999}\r\n")) {
            assertThrows(IllegalArgumentException.class, () -> new ImapWriter().wire(bad), bad.replace("\r\n", "\\r\\n"));
        }
    }

    @Test
    void segmentsKeepFileRegionsApartAndMergeBytes() {
        Segment.FileRegion region = new Segment.FileRegion(Path.of("/spool/1."), 10, 20);
        List<Segment> segments = new ImapWriter().ascii("A ").literal(region).ascii(" B").literal(new byte[] {'x'}).sp()
                .crlf().segments();
        assertEquals(3, segments.size());
        assertEquals("A {20}\r\n", new String(((Segment.Bytes) segments.get(0)).data(), StandardCharsets.US_ASCII));
        assertEquals(region, segments.get(1));
        assertEquals(" B{1}\r\nx \r\n", new String(((Segment.Bytes) segments.get(2)).data(), StandardCharsets.US_ASCII));
        assertEquals(8 + 20 + 11, Segments.length(segments));
        assertThrows(IllegalStateException.class, () -> new ImapWriter().literal(region).toByteArray());
        assertEquals("{0}\r\n", w(new ImapWriter().literal(new Segment.FileRegion(Path.of("/x"), 5, 0))));
        assertEquals("~{2}\r\n\0\1", w(new ImapWriter().literal8(new Segment.Bytes(new byte[] {0, 1}))));
        assertThrows(IllegalArgumentException.class, () -> new Segment.FileRegion(Path.of("/x"), -1, 0));
    }

    @Test
    void dateTimes() {
        ZonedDateTime t = ZonedDateTime.of(1996, 7, 17, 2, 44, 25, 0, ZoneOffset.ofHours(-7));
        assertEquals("17-Jul-1996 02:44:25 -0700", ImapDateTimes.format(t));
        assertEquals(" 1-Feb-2025 00:00:09 +0530", ImapDateTimes.format(
                ZonedDateTime.of(2025, 2, 1, 0, 0, 9, 999, ZoneOffset.ofHoursMinutes(5, 30))));
        assertEquals("31-Dec-1999 23:59:59 +0000", ImapDateTimes.format(java.time.Instant.parse("1999-12-31T23:59:59Z"),
                ZoneOffset.UTC));
        assertEquals("10-Nov-2024 08:00:00 -0330", ImapDateTimes.format(
                ZonedDateTime.of(2024, 11, 10, 8, 0, 0, 0, ZoneOffset.ofHoursMinutes(-3, -30))));
        for (String text : List.of("17-Jul-1996 02:44:25 -0700", " 1-Feb-2025 00:00:09 +0530", "29-Feb-2024 12:00:00 +1400")) {
            assertEquals(text, ImapDateTimes.format(ImapDates.parseDateTime(text)), "round trip");
        }
    }
}
