package org.murder.protocol.imap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ListResponseTest {

    private static ImapResponse response(String wire) {
        List<ImapResponse> out = new ArrayList<>();
        ImapResponseReader reader = new ImapResponseReader(new ImapResponseLimits(1024, 1024, 4, 4096),
                new ImapResponseCollector(out::add));
        reader.feed(ByteBuffer(wire));
        assertEquals(1, out.size());
        return out.get(0);
    }

    private static java.nio.ByteBuffer ByteBuffer(String s) {
        return java.nio.ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void quotedNameWithAttributes() {
        ListResponse r = ListResponse.parse(response("* LSUB (\\HasNoChildren) \".\" \"INBOX.a b\"\r\n")).orElseThrow();
        assertEquals(List.of("\\HasNoChildren"), r.attributes());
        assertEquals(Optional.of('.'), r.delimiter());
        assertEquals("INBOX.a b", r.mailbox());
    }

    @Test
    void atomNameNilDelimiterNoAttributes() {
        ListResponse r = ListResponse.parse(response("* LIST () NIL INBOX\r\n")).orElseThrow();
        assertEquals(List.of(), r.attributes());
        assertEquals(Optional.empty(), r.delimiter());
        assertEquals("INBOX", r.mailbox());
    }

    @Test
    void literalNameAndModifiedUtf7() {
        ListResponse lit = ListResponse.parse(response("* LSUB (\\Noselect \\HasChildren) \"/\" {7}\r\nINBOX/\"\r\n"))
                .orElseThrow();
        assertEquals("INBOX/\"", lit.mailbox());
        assertEquals(List.of("\\Noselect", "\\HasChildren"), lit.attributes());
        ListResponse utf7 = ListResponse.parse(response("* LIST () \".\" \"INBOX.&AOk-t&AOk-\"\r\n")).orElseThrow();
        assertEquals("INBOX.été", utf7.mailbox());
    }

    @Test
    void otherResponsesAndMalformedOnesAreNotLists() {
        assertTrue(ListResponse.parse(response("* 3 EXISTS\r\n")).isEmpty());
        assertTrue(ListResponse.parse(response("* LIST (\\Noselect \".\" \"x\"\r\n")).isEmpty());
        assertTrue(ListResponse.parse(response("* LIST () \".\"\r\n")).isEmpty());
    }
}
