package org.murder.protocol.imap.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** BODY[HEADER.FIELDS (...)] and .NOT (RFC 3501 §6.4.5): raw fields, blank line at the end. */
class HeaderFieldsTest {

    private static final String HEADER = "From: a@example.org\r\nTo: b@example.org,\r\n\tc@example.org\r\n"
            + "Subject : folded\r\n continued\r\nX-Odd Name: not a field\r\nnot a field at all\r\nto: second@example.org\r\n"
            + "\r\nFrom: body text, not a header\r\n";

    private static String select(String header, List<String> names, boolean not) {
        return new String(HeaderFields.select(header.getBytes(StandardCharsets.UTF_8), names, not),
                StandardCharsets.UTF_8);
    }

    @Test
    void picksFieldsCaseInsensitivelyWithTheirContinuationLines() {
        assertEquals("To: b@example.org,\r\n\tc@example.org\r\nto: second@example.org\r\n\r\n",
                select(HEADER, List.of("TO"), false));
        assertEquals("From: a@example.org\r\nSubject : folded\r\n continued\r\n\r\n",
                select(HEADER, List.of("subject", "From"), false));
    }

    @Test
    void notReturnsEveryOtherField() {
        assertEquals("From: a@example.org\r\nSubject : folded\r\n continued\r\nX-Odd Name: not a field\r\n\r\n",
                select(HEADER, List.of("To"), true));
    }

    @Test
    void nothingSelectedIsJustTheBlankLine() {
        assertEquals("\r\n", select(HEADER, List.of("Message-ID"), false));
        assertEquals("\r\n", select("", List.of("From"), false));
        assertEquals("\r\n", select("\r\n", List.of("From"), true));
    }

    @Test
    void bareLfBecomesCrlf() {
        assertEquals("From: a\r\n b\r\n\r\n", select("From: a\n b\nTo: c\n\nbody\n", List.of("from"), false));
    }

    @Test
    void aHeaderWithoutBlankLineOrFinalNewline() {
        assertEquals("Subject: x\r\n\r\n", select("From: a\r\nSubject: x", List.of("subject"), false));
    }

    @Test
    void streamingFormStopsAtTheBlankLine() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(HEADER.getBytes(StandardCharsets.UTF_8));
        byte[] out = HeaderFields.select(in, List.of("from"), false);
        assertEquals("From: a@example.org\r\n\r\n", new String(out, StandardCharsets.UTF_8));
        assertEquals("From: body text, not a header\r\n".length(), in.available(), "the body is not read");
    }

    @Test
    void eightBitFieldsStayRaw() {
        assertEquals("Subject: Grüße\r\n\r\n", select("Subject: Grüße\r\n\r\n", List.of("subject"), false));
    }

    @Test
    void worksOnACorpusHeader() {
        byte[] raw = Corpus.bytes("plain.eml");
        MessageStructure m = Corpus.parse(raw);
        assertEquals("Subject: IMAP4rev1 WG mtg summary and minutes\r\ncc: minutes@CNRI.Reston.VA.US, John Klensin"
                + " <KLENSIN@MIT.EDU>\r\n\r\n", new String(HeaderFields.select(Corpus.slice(raw, m.header()),
                        List.of("CC", "SUBJECT"), false), StandardCharsets.US_ASCII));
    }
}
