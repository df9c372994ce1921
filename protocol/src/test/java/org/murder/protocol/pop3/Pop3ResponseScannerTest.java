package org.murder.protocol.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Pop3ResponseScannerTest {

    /** A backend's answers to a pipelined CAPA, STAT, RETR 1, RETR 9, LIST, QUIT. */
    private static final String ANSWERS = "+OK List of capabilities follows\r\nTOP\r\nUIDL\r\n.\r\n"
            + "+OK 2 320\r\n"
            + "+OK Message follows\r\nSubject: x\r\n\r\n..dot\r\n.\r\n"
            + "-ERR No such message\r\n"
            + "+OK scan listing follows\r\n1 120\r\n2 200\r\n.\r\n"
            + "+OK\r\n";
    private static final boolean[] MULTI = {true, false, true, true, true, false};
    private static final List<String> EXPECTED = List.of(
            "+OK List of capabilities follows\r\nTOP\r\nUIDL\r\n.\r\n",
            "+OK 2 320\r\n",
            "+OK Message follows\r\nSubject: x\r\n\r\n..dot\r\n.\r\n",
            "-ERR No such message\r\n",
            "+OK scan listing follows\r\n1 120\r\n2 200\r\n.\r\n",
            "+OK\r\n");

    private static List<String> scan(byte[] in, int... splits) {
        Pop3ResponseScanner s = new Pop3ResponseScanner();
        List<String> out = new ArrayList<>();
        List<Boolean> oks = new ArrayList<>();
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        int next = 0;
        s.expect(MULTI[next]);
        int from = 0;
        int[] ends = java.util.Arrays.copyOf(splits, splits.length + 1);
        ends[splits.length] = in.length;
        for (int end : ends) {
            ByteBuffer buf = ByteBuffer.wrap(in, from, end - from);
            from = end;
            while (buf.hasRemaining()) {
                ByteBuffer part = s.take(buf);
                byte[] b = new byte[part.remaining()];
                part.get(b);
                current.writeBytes(b);
                if (s.complete()) {
                    out.add(current.toString(StandardCharsets.ISO_8859_1));
                    oks.add(s.ok());
                    current.reset();
                    if (++next < MULTI.length) {
                        s.expect(MULTI[next]);
                    }
                }
            }
        }
        assertEquals(List.of(true, true, true, false, true, true), oks);
        return out;
    }

    @Test
    void findsWhereEachAnswerEndsSplitAtEveryOffset() {
        byte[] in = ANSWERS.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i <= in.length; i++) {
            assertEquals(EXPECTED, scan(in, i), "split at " + i);
        }
    }

    @Test
    void findsWhereEachAnswerEndsSplitAtEveryPairOfOffsets() {
        byte[] in = ANSWERS.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i <= in.length; i += 3) {
            for (int j = i; j <= in.length; j++) {
                assertEquals(EXPECTED, scan(in, i, j), "split at " + i + "," + j);
            }
        }
    }

    @Test
    void theStatusLineIsKeptAndBounded() {
        Pop3ResponseScanner s = new Pop3ResponseScanner();
        s.expect(false);
        s.take(ByteBuffer.wrap("+ c2VydmVyIGNoYWxsZW5nZQ==\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(s.complete());
        assertFalse(s.ok());
        assertEquals("+ c2VydmVyIGNoYWxsZW5nZQ==", s.statusLine());
        s.expect(false);
        s.take(ByteBuffer.wrap(("-ERR " + "x".repeat(5000) + "\r\n").getBytes(StandardCharsets.US_ASCII)));
        assertTrue(s.complete());
        assertEquals(Pop3ResponseScanner.KEPT, s.statusLine().length());
    }

    @Test
    void aDotInsideALineOrALoneCrDoesNotEndTheResponse() {
        Pop3ResponseScanner s = new Pop3ResponseScanner();
        s.expect(true);
        s.take(ByteBuffer.wrap("+OK\r\na.\r\n.x\r\n.\rx\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(s.complete());
        s.take(ByteBuffer.wrap(".\n".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(s.complete());
    }

    @Test
    void nothingExpectedNothingTaken() {
        Pop3ResponseScanner s = new Pop3ResponseScanner();
        assertThrows(IllegalStateException.class, () -> s.take(ByteBuffer.allocate(1)));
    }
}
