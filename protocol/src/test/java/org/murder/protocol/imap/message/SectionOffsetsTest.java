package org.murder.protocol.imap.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.command.FetchItem.Section;
import org.murder.protocol.imap.command.FetchItem.Specifier;

/** BODY[section] offsets, checked by slicing the raw bytes (RFC 3501 §6.4.5's part numbering). */
class SectionOffsetsTest {

    private static String section(String name, String spec) {
        byte[] raw = Corpus.bytes(name);
        Optional<ByteRange> range = Corpus.parse(raw).section(parse(spec));
        return range.map(r -> Corpus.text(raw, r)).orElse(null);
    }

    /** {@code 2.1.MIME} and friends, the way a FETCH names them (without HEADER.FIELDS). */
    static Section parse(String spec) {
        List<Integer> part = new ArrayList<>();
        String rest = spec;
        while (!rest.isEmpty() && Character.isDigit(rest.charAt(0))) {
            int dot = rest.indexOf('.');
            part.add(Integer.parseInt(dot < 0 ? rest : rest.substring(0, dot)));
            rest = dot < 0 ? "" : rest.substring(dot + 1);
        }
        Optional<Specifier> specifier = rest.isEmpty() ? Optional.empty() : Optional.of(Specifier.valueOf(rest));
        return new Section(part, specifier, List.of());
    }

    @Test
    void nestedMessageSections() {
        String n = "nested-rfc822.eml";
        String raw = new String(Corpus.bytes(n), java.nio.charset.StandardCharsets.UTF_8);
        String innerMessage = raw.substring(raw.indexOf("From: \"Alice"), raw.indexOf("\r\n--outer--"));
        assertEquals(raw, section(n, ""));
        assertEquals(raw.substring(0, raw.indexOf("\r\n\r\n") + 4), section(n, "HEADER"));
        assertEquals(raw.substring(raw.indexOf("\r\n\r\n") + 4), section(n, "TEXT"));
        assertEquals("See the forwarded message.", section(n, "1"));
        assertEquals("Content-Type: text/plain\r\n\r\n", section(n, "1.MIME"));
        assertEquals("Content-Type: message/rfc822\r\nContent-Description: Forwarded message\r\n\r\n", section(n, "2.MIME"));
        assertEquals(innerMessage, section(n, "2"));
        assertTrue(innerMessage.endsWith("--inner--\r\n"));
        assertEquals(innerMessage.substring(0, innerMessage.indexOf("\r\n\r\n") + 4), section(n, "2.HEADER"));
        assertEquals(innerMessage.substring(innerMessage.indexOf("\r\n\r\n") + 4), section(n, "2.TEXT"));
        assertEquals("Lunch at noon?", section(n, "2.1"));
        assertEquals("Content-Type: text/plain; charset=utf-8\r\n\r\n", section(n, "2.1.MIME"));
        assertEquals("<p>Lunch at noon?</p>", section(n, "2.2"));
        assertEquals("Content-Type: text/html; charset=utf-8\r\n\r\n", section(n, "2.2.MIME"));
    }

    @Test
    void sectionsThatDoNotExist() {
        String n = "nested-rfc822.eml";
        assertEquals(null, section(n, "3"));
        assertEquals(null, section(n, "1.HEADER"), "part 1 is not a message");
        assertEquals(null, section(n, "1.TEXT"));
        assertEquals(null, section(n, "1.1"), "a text part has no parts");
        assertEquals(null, section(n, "2.3"));
        assertEquals(null, section(n, "2.1.1"));
        assertEquals(Optional.empty(), Corpus.parse(n).section(List.of(), Optional.of(Specifier.MIME)));
    }

    @Test
    void aSinglePartMessageHasPartOneOnly() {
        String n = "plain.eml";
        String raw = new String(Corpus.bytes(n), java.nio.charset.StandardCharsets.US_ASCII);
        String header = raw.substring(0, raw.indexOf("\r\n\r\n") + 4);
        assertEquals("Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n", section(n, "1"));
        assertEquals(section(n, "TEXT"), section(n, "1"));
        assertEquals(header, section(n, "1.MIME"), "part 1's MIME header is the message header, as Cyrus serves it");
        assertEquals(header, section(n, "HEADER"));
        assertEquals(null, section(n, "2"));
        assertEquals(null, section(n, "1.1"));
    }

    @Test
    void digestPartIsAMessageWithItsOwnPartOne() {
        String n = "digest.eml";
        assertEquals("From: a@example.org\r\nSubject: one\r\n\r\nfirst", section(n, "1"));
        assertEquals("\r\n", section(n, "1.MIME"), "an empty MIME header is just its blank line");
        assertEquals("From: a@example.org\r\nSubject: one\r\n\r\n", section(n, "1.HEADER"));
        assertEquals("first", section(n, "1.TEXT"));
        assertEquals("first", section(n, "1.1"));
        assertEquals("From: a@example.org\r\nSubject: one\r\n\r\n", section(n, "1.1.MIME"));
        assertEquals("not a message", section(n, "2"));
    }

    @Test
    void base64AttachmentDecodesToTheOriginalBytes() {
        String n = "mixed-attachment.eml";
        byte[] expected = new byte[512];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) i;
        }
        assertArrayEquals(expected, Base64.getMimeDecoder().decode(section(n, "2")));
        assertEquals("Content-Type: application/octet-stream; name=\"report.bin\"\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment;\r\n filename=\"report.bin\"\r\n\r\n", section(n, "2.MIME"));
        assertEquals("Please find the report attached.\r\n", section(n, "1"));
    }

    @Test
    void bareLfOffsetsAreRawOffsets() {
        String n = "bare-lf.eml";
        assertEquals("line one\nline two", section(n, "1"));
        assertEquals("Content-Type: text/plain\n\n", section(n, "1.MIME"));
        assertEquals("second part", section(n, "2"));
        assertTrue(section(n, "HEADER").endsWith("boundary=\"lf\"\n\n"));
    }

    @Test
    void malformedMimeStillHasSections() {
        String n = "malformed.eml";
        assertEquals("first part", section(n, "1"));
        assertEquals("no boundary parameter here", section(n, "2"));
        assertEquals("last part, never closed\r\n", section(n, "3"));
        assertEquals(null, section(n, "2.1"));
    }

    @Test
    void emptyAndHeaderOnlyMessages() {
        assertEquals("", section("empty-body.eml", "TEXT"));
        assertEquals("", section("empty-body.eml", "1"));
        assertEquals("From: nobody@example.org\r\nSubject: no blank line", section("header-only.eml", "HEADER"));
        assertEquals("", section("header-only.eml", "TEXT"));
    }

    @Test
    void zeroPartMultipartHasAnEmptyPartOne() {
        byte[] raw = "Content-Type: multipart/mixed; boundary=x\r\n\r\nno delimiter at all\r\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        MessageStructure m = Corpus.parse(raw);
        ByteRange one = m.section(parse("1")).orElseThrow();
        assertEquals(0, one.length());
        assertEquals(raw.length, one.offset());
        assertEquals(1, m.root().children().size());
    }

    /** Every part of every corpus message: header before body, a part's MIME header ends with its blank line. */
    @Test
    void partsOfTheCorpusAreConsistent() {
        for (String name : Corpus.NAMES) {
            byte[] raw = Corpus.bytes(name);
            MessageStructure m = Corpus.parse(raw);
            StructureInvariants.check(m, raw);
        }
    }
}
