package org.murder.protocol.imap.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Hostile sizes: deep nesting, many parts, giant header fields and lines, a big message that is only streamed. */
class StructureBoundsTest {

    @Test
    void deeplyNestedMultipartsStopAtTheDepthBound() {
        StringBuilder m = new StringBuilder();
        int levels = 300;
        for (int i = 0; i < levels; i++) {
            m.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n--b").append(i)
                    .append("\r\n");
        }
        m.append("Content-Type: text/plain\r\n\r\ndeep\r\n");
        for (int i = levels - 1; i >= 0; i--) {
            m.append("--b").append(i).append("--\r\n");
        }
        byte[] raw = m.toString().getBytes(StandardCharsets.US_ASCII);
        MessageStructure s = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Corpus.parse(raw));
        StructureInvariants.check(s, raw);
        assertEquals(StructureParser.MAX_DEPTH + 1, StructureInvariants.depth(s.root()));
        assertTrue(s.bodyStructure().contains("\"APPLICATION\" \"OCTET-STREAM\""), "the part beyond the bound is opaque");
        assertEquals(s, MessageStructure.deserialize(s.serialize()));
    }

    @Test
    void deeplyNestedMessagesStopAtTheDepthBound() {
        String m = "Content-Type: message/rfc822\r\n\r\n".repeat(200) + "Subject: innermost\r\n\r\nbody\r\n";
        byte[] raw = m.getBytes(StandardCharsets.US_ASCII);
        MessageStructure s = Corpus.parse(raw);
        StructureInvariants.check(s, raw);
        assertEquals(StructureParser.MAX_DEPTH + 1, StructureInvariants.depth(s.root()));
        assertEquals(s, MessageStructure.deserialize(s.serialize()));
    }

    @Test
    void aMultipartKeepsAtMostMaxPartsParts() {
        int parts = StructureParser.MAX_PARTS + 25;
        StringBuilder m = new StringBuilder("Content-Type: multipart/mixed; boundary=x\r\n\r\n");
        for (int i = 0; i < parts; i++) {
            m.append("--x\r\n\r\n").append(i).append("\r\n");
        }
        m.append("--x--\r\n");
        byte[] raw = m.toString().getBytes(StandardCharsets.US_ASCII);
        MessageStructure s = Corpus.parse(raw);
        StructureInvariants.check(s, raw);
        assertEquals(StructureParser.MAX_PARTS, s.root().children().size());
        assertEquals("9999", Corpus.text(raw, s.section(List.of(StructureParser.MAX_PARTS), Optional.empty()).orElseThrow()));
        assertEquals(s, MessageStructure.deserialize(s.serialize()));
    }

    @Test
    void aGiantHeaderFieldIsCutButCounted() {
        String subject = "x".repeat(3 * Header.MAX_FIELD);
        byte[] raw = ("Subject: " + subject + "\r\nFrom: a@b.example\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        MessageStructure s = Corpus.parse(raw);
        StructureInvariants.check(s, raw);
        assertTrue(s.envelope().contains("((NIL NIL \"a\" \"b.example\"))"), "later fields still read");
        assertEquals("body\r\n", Corpus.text(raw, s.text()));
    }

    @Test
    void oneHugeLineWithoutAnyLineBreak() {
        byte[] raw = new byte[2_000_000];
        java.util.Arrays.fill(raw, (byte) 'a');
        MessageStructure s = Corpus.parse(raw);
        StructureInvariants.check(s, raw);
        assertEquals(raw.length, s.header().length());
    }

    /** A generated 64 MiB message: parsed from the stream, never held in memory by the test or the parser. */
    @Test
    void aBigMessageIsStreamed() throws IOException {
        long attachment = 64L << 20;
        String head = "From: big@example.org\r\nContent-Type: multipart/mixed; boundary=big\r\n\r\n--big\r\n"
                + "Content-Type: text/plain\r\n\r\nhello\r\n--big\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n";
        String tail = "\r\n--big--\r\n";
        byte[] line = ("A".repeat(76) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        long lines = attachment / line.length;
        long bodyLength = lines * line.length;
        InputStream in = new InputStream() {
            private final byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            private final byte[] t = tail.getBytes(StandardCharsets.US_ASCII);
            private long at;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = 0;
                while (n < len) {
                    long i = at;
                    int c;
                    if (i < h.length) {
                        c = h[(int) i];
                    } else if (i - h.length < bodyLength - 2) {
                        c = line[(int) ((i - h.length) % line.length)];
                    } else if (i - h.length - (bodyLength - 2) < t.length) {
                        c = t[(int) (i - h.length - (bodyLength - 2))];
                    } else {
                        return n == 0 ? -1 : n;
                    }
                    b[off + n++] = (byte) c;
                    at++;
                }
                return n;
            }
        };
        MessageStructure s = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> MessageStructure.parse(in));
        long expectedSize = head.length() + bodyLength - 2 + tail.length();
        assertEquals(expectedSize, s.size());
        MessagePart big = s.root().children().get(1);
        assertEquals(bodyLength - 2, big.body().length());
        assertEquals(lines - 1, big.bodyLines());
        assertEquals(head.length(), big.bodyStart());
    }
}
