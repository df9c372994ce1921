package org.murder.protocol.imap.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.murder.protocol.testing.WithinTime;

/**
 * Hazard: a pathological message nesting multiparts, message/rfc822 parts or digests 10,000 deep must not overflow
 * the stack of the delivery thread (parsing) nor of a FETCH (writing BODYSTRUCTURE, reading the stored form back).
 * Entities below {@link StructureParser#MAX_DEPTH} levels are not parsed: the one at the bound is opaque
 * ({@code APPLICATION/OCTET-STREAM}) and holds the rest as bytes. Run on a small stack ({@link WithinTime}).
 */
class MimeNestingLimitTest {

    private static final int HOSTILE = 10_000;

    private static MessageStructure parseBounded(String message) {
        byte[] raw = message.getBytes(StandardCharsets.US_ASCII);
        return WithinTime.call(() -> {
            MessageStructure s = Corpus.parse(raw);
            StructureInvariants.check(s, raw);
            assertEquals(StructureParser.MAX_DEPTH + 1, StructureInvariants.depth(s.root()), "stops at the bound");
            assertTrue(s.bodyStructure().contains("\"APPLICATION\" \"OCTET-STREAM\""), "the entity at the bound is opaque");
            assertEquals(s, MessageStructure.deserialize(s.serialize()), "the stored form reads back");
            return s;
        });
    }

    @Test
    void messageRfc822TenThousandDeep() {
        parseBounded("Content-Type: message/rfc822\r\n\r\n".repeat(HOSTILE) + "Subject: innermost\r\n\r\nbody\r\n");
    }

    @Test
    void multipartsTenThousandDeepWithTheirCloseDelimiters() {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < HOSTILE; i++) {
            m.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n--b").append(i).append("\r\n");
        }
        m.append("Content-Type: text/plain\r\n\r\ndeep\r\n");
        for (int i = HOSTILE - 1; i >= 0; i--) {
            m.append("--b").append(i).append("--\r\n");
        }
        parseBounded(m.toString());
    }

    @Test
    void digestsTenThousandDeep() {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < HOSTILE; i++) {
            // a digest's part defaults to message/rfc822, whose body opens the next digest
            m.append("Content-Type: multipart/digest; boundary=d").append(i).append("\r\n\r\n--d").append(i).append("\r\n\r\n");
        }
        parseBounded(m.append("Subject: innermost\r\n\r\nbody\r\n").toString());
    }

    @Test
    void alternatingMultipartAndMessageTenThousandDeep() {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < HOSTILE; i++) {
            m.append(i % 2 == 0 ? "Content-Type: message/rfc822\r\n\r\n"
                    : "Content-Type: multipart/mixed; boundary=x" + i + "\r\n\r\n--x" + i + "\r\n");
        }
        parseBounded(m.append("\r\nbody\r\n").toString());
    }

    @Test
    void justWithinTheBoundEverythingIsParsed() {
        int levels = StructureParser.MAX_DEPTH;
        String m = "Content-Type: message/rfc822\r\n\r\n".repeat(levels) + "Subject: innermost\r\n\r\nbody\r\n";
        MessageStructure s = Corpus.parse(m.getBytes(StandardCharsets.US_ASCII));
        assertEquals(levels + 1, StructureInvariants.depth(s.root()));
        assertTrue(!s.bodyStructure().contains("OCTET-STREAM"), "nothing opaque within the bound");
    }
}
