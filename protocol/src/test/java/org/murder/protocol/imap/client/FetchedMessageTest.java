package org.murder.protocol.imap.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FetchedMessageTest {

    private static ImapResponse response(String wire) {
        List<ImapResponse> out = new ArrayList<>();
        new ImapResponseReader(new ImapResponseLimits(4096, 1 << 20, 8, 2 << 20), new ImapResponseCollector(out::add))
                .feed(ByteBuffer.wrap(wire.getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(1, out.size());
        return out.get(0);
    }

    @Test
    void uidFlagsDateAndBody() {
        String body = "Subject: x\r\n\r\n(not) \"an item\" {3}\r\n";
        FetchedMessage m = FetchedMessage.parse(response("* 7 FETCH (UID 42 FLAGS (\\Seen $Label1) INTERNALDATE "
                + "\"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE " + body.length() + " BODY[] {" + body.length() + "}\r\n"
                + body + ")\r\n")).orElseThrow();
        assertEquals(7, m.number());
        assertEquals(OptionalLong.of(42), m.uid());
        assertEquals(List.of("\\Seen", "$Label1"), m.flags().orElseThrow());
        assertEquals(1996, m.internalDate().orElseThrow().getYear());
        assertArrayEquals(body.getBytes(StandardCharsets.ISO_8859_1), m.body().orElseThrow());
    }

    @Test
    void modSeqIsRead() {
        FetchedMessage m = FetchedMessage.parse(response("* 2 FETCH (UID 9 MODSEQ (12345678901) FLAGS (\\Seen))\r\n"))
                .orElseThrow();
        assertEquals(OptionalLong.of(12345678901L), m.modSeq());
        assertEquals(List.of("\\Seen"), m.flags().orElseThrow());
        assertEquals(OptionalLong.empty(), FetchedMessage.parse(response("* 1 FETCH (UID 3)\r\n")).orElseThrow().modSeq());
    }

    @Test
    void itemsInAnyOrderAndOnlyWhatIsThere() {
        FetchedMessage m = FetchedMessage.parse(response("* 1 FETCH (FLAGS () UID 3)\r\n")).orElseThrow();
        assertEquals(OptionalLong.of(3), m.uid());
        assertEquals(List.of(), m.flags().orElseThrow());
        assertTrue(m.body().isEmpty() && m.internalDate().isEmpty());
        FetchedMessage withSections = FetchedMessage.parse(response(
                "* 2 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {4}\r\nab\r\n UID 9 ENVELOPE (NIL \"a)b\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"))
                .orElseThrow();
        assertEquals(OptionalLong.of(9), withSections.uid());
        assertTrue(withSections.body().isEmpty(), "a section is not the whole body");
    }

    @Test
    void notAFetch() {
        assertTrue(FetchedMessage.parse(response("* 3 EXISTS\r\n")).isEmpty());
        assertTrue(FetchedMessage.parse(response("* 3 FETCH (UID)\r\n")).isEmpty());
    }
}
