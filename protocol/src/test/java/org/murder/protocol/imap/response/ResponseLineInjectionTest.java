package org.murder.protocol.imap.response;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.message.HeaderFields;
import org.murder.protocol.imap.message.MessageStructure;
import org.murder.protocol.testing.RecordingSink;
import org.murder.protocol.wire.FrameDecoder;

/**
 * Nothing a client or a message controls may end an IMAP response line early: response text, mailbox names,
 * identifiers, ID values, search tags, and every header of a delivered message that reaches ENVELOPE, BODYSTRUCTURE or
 * HEADER.FIELDS. Each response below must frame as exactly one response for a client's framer.
 */
class ResponseLineInjectionTest {

    private static final String EVIL = "oops\r\nA2 OK \"forged\"\n* BYE\0\r";

    private static List<byte[]> frames(byte[] wire) {
        RecordingSink sink = new RecordingSink();
        new FrameDecoder(1 << 16, 1 << 20, 1 << 22).decode(ByteBuffer.wrap(wire), sink);
        return sink.frames();
    }

    private static void oneResponse(byte[] wire) {
        assertEquals(1, frames(wire).size(), () -> new String(wire, StandardCharsets.UTF_8));
        assertTrue(new String(wire, StandardCharsets.UTF_8).endsWith("\r\n"));
    }

    @Test
    void responseTextStaysOnOneLine() {
        for (byte[] wire : List.of(ImapResponses.tagged("A1", ImapStatus.NO, Optional.empty(), EVIL),
                ImapResponses.tagged("A1", ImapStatus.BAD, Optional.of("CLIENTBUG"), EVIL),
                ImapResponses.untagged(ImapStatus.OK, Optional.empty(), EVIL), ImapResponses.bye(EVIL),
                ImapResponses.continuation(EVIL))) {
            oneResponse(wire);
        }
        assertEquals("A1 NO oops  A2 OK \"forged\" * BYE  \r\n",
                new String(ImapResponses.tagged("A1", ImapStatus.NO, Optional.empty(), EVIL), StandardCharsets.UTF_8));
    }

    @Test
    void textCannotPretendToBeAResponseCode() {
        assertEquals("A1 NO  [ALERT] Your account is closed\r\n", new String(ImapResponses.tagged("A1", ImapStatus.NO,
                Optional.empty(), "[ALERT] Your account is closed"), StandardCharsets.US_ASCII));
        assertEquals("* OK [READ-ONLY]  [READ-WRITE] x\r\n", new String(ImapResponses.untagged(ImapStatus.OK,
                Optional.of("READ-ONLY"), "[READ-WRITE] x"), StandardCharsets.US_ASCII));
    }

    @Test
    void mailboxNamesAndIdentifiersTravelAsAtomsQuotedStringsOrLiterals() {
        Map<String, String> acl = new LinkedHashMap<>();
        acl.put(EVIL, EVIL);
        Map<String, Long> status = Map.of("MESSAGES", 1L);
        for (boolean utf8 : List.of(false, true)) {
            oneResponse(ImapResponses.list(List.of(), '/', EVIL, utf8, List.of(ListExtendedItem.oldName(EVIL),
                    new ListExtendedItem("X", List.of(EVIL), false))));
            oneResponse(ImapResponses.lsub(List.of(), '/', EVIL, utf8));
            oneResponse(ImapResponses.status(EVIL, utf8, status));
            oneResponse(ImapResponses.acl(EVIL, utf8, acl));
            oneResponse(ImapResponses.listrights(EVIL, utf8, EVIL, EVIL, List.of(EVIL)));
            oneResponse(ImapResponses.myrights(EVIL, utf8, EVIL));
            oneResponse(ImapResponses.quotaroot(EVIL, utf8, List.of(EVIL)));
            oneResponse(ImapResponses.quota(EVIL, utf8, List.of()));
            oneResponse(ImapResponses.namespace(List.of(new NamespaceEntry(EVIL, '/')), List.of(), List.of(), utf8));
        }
        // without UTF8=ACCEPT a name with line breaks is modified UTF-7: printable, a quoted string
        assertEquals("* MYRIGHTS \"oops&AA0ACg-A2 OK \\\"forged\\\"&AAo-* BYE&AAAADQ-\" \"\"\r\n",
                new String(ImapResponses.myrights(EVIL, false, ""), StandardCharsets.US_ASCII));
        Map<String, String> id = new LinkedHashMap<>();
        id.put(EVIL, EVIL);
        oneResponse(ImapResponses.id(id));
        oneResponse(ImapResponses.esearch(new EsearchResult(Optional.of(EVIL), false, OptionalLong.of(1),
                OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), OptionalLong.empty())));
        oneResponse(ImapResponses.esearch(EsearchResult.update(EVIL, true, List.of(
                new EsearchResult.Update(true, 1, org.murder.protocol.imap.SequenceSet.of(3))))));
        oneResponse(ImapResponses.noUpdate(EVIL, EVIL));
    }

    @Test
    void atomsFlagsTagsAndItemNamesThatCouldBreakTheLineAreProgrammingErrors() {
        assertThrows(IllegalArgumentException.class, () -> ImapResponses.capability(List.of("IMAP4rev1\r\n* BYE")));
        assertThrows(IllegalArgumentException.class, () -> ImapResponses.flags(List.of("\\Seen)\r\n* BYE")));
        assertThrows(IllegalArgumentException.class, () -> ImapResponses.list(List.of("\\X\r\n"), '/', "a"));
        assertThrows(IllegalArgumentException.class, () -> ImapResponses.status("a", false, Map.of("A\r\nB", 1L)));
        assertThrows(IllegalArgumentException.class,
                () -> ImapResponses.tagged("A1\r\n* OK", ImapStatus.OK, Optional.empty(), "x"));
        assertThrows(IllegalArgumentException.class,
                () -> ImapResponses.tagged("A1", ImapStatus.OK, Optional.of("ALERT\r\n* BYE"), "x"));
        assertThrows(IllegalArgumentException.class,
                () -> ImapResponses.tagged("A1", ImapStatus.OK, Optional.of("ALERT] [BYE"), "x"));
        assertThrows(IllegalArgumentException.class, () -> ImapResponses.list(List.of(), '\n', "a"));
        assertThrows(IllegalArgumentException.class, () -> new FetchResponseBuilder(1).flags(List.of("\\Seen\r\n")));
        assertThrows(IllegalArgumentException.class, () -> new FetchResponseBuilder(1).nil("BODY[1]\r\n* BYE"));
        assertThrows(IllegalArgumentException.class,
                () -> new FetchResponseBuilder(1).bodySection("1]\r\n* BYE [", OptionalLong.empty(), new byte[0]));
    }

    @Test
    void aDamagedCacheEntryCannotInjectALine() {
        assertThrows(IllegalArgumentException.class, () -> new FetchResponseBuilder(1).envelope("(NIL)\r\n* BYE (NIL)"));
        assertThrows(IllegalArgumentException.class, () -> new FetchResponseBuilder(1).envelope("({2}\r\nx\r\n* BYE)"));
        assertThrows(IllegalArgumentException.class, () -> new FetchResponseBuilder(1).bodyStructure("(\"a\r\n\")"));
        assertThrows(IllegalArgumentException.class, () -> new FetchResponseBuilder(1).body("(NIL))\r\n* BYE (("));
    }

    /** A message crafted to inject: lone CRs, quoted CRLF, header lines that look like responses. */
    @Test
    void messageHeadersCannotInjectThroughFetch() throws IOException {
        String message = "From: \"Evil\r* 1 FETCH (FLAGS (\\Deleted))\" <a@b.example>\r\n"
                + "Subject: hi\r* OK [ALERT] pwned\r\n"
                + "Message-ID: <x@y>\r\n\t* BYE folded\r\n"
                + "To: \"quoted\r\n fold\" <c@d.example>\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b\r\n x\"\r\n\r\n--b x\r\n"
                + "Content-Type: text/plain; name=\"a\rb\"\r\nContent-Description: \r* BYE\r\n"
                + "Content-Disposition: attachment; filename=\"\r\n A2 OK\"\r\n\r\nbody\r\n--b x--\r\n";
        byte[] raw = message.getBytes(StandardCharsets.US_ASCII);
        MessageStructure m = MessageStructure.parse(new ByteArrayInputStream(raw));
        byte[] headerFields = HeaderFields.select(raw, List.of("Subject", "From", "Message-ID"), false);
        byte[] wire = Segments.toByteArray(new FetchResponseBuilder(1).envelope(m.envelope())
                .bodyStructure(m.bodyStructure()).body(m.body())
                .bodySection("HEADER.FIELDS (Subject From Message-ID)", OptionalLong.empty(), headerFields).build());
        oneResponse(wire);
        assertTrue(m.envelope().contains(" {21}\r\nhi\r* OK [ALERT] pwned "), "a lone CR sends the value as a literal");
        assertTrue(m.envelope().contains("\"Evil * 1 FETCH (FLAGS (Deleted))\""), "Cyrus turns a CR in a quoted name into a space");
    }
}
