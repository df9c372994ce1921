package org.murder.protocol.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Pop3DotStufferTest {

    private static final String MESSAGE = "From: a@example.org\r\nSubject: dots\r\n\r\nfirst\r\n.second\r\n..third\r\n.\r\n"
            + "mid.dle\r\nlast";

    private static String stuff(Pop3DotStuffer s, String message, int... splits) {
        byte[] in = message.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        for (int split : splits) {
            s.write(in, from, split - from, out);
            from = split;
        }
        s.write(in, from, in.length - from, out);
        s.finish(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void retrDoublesLeadingDotsAndEndsTheLastLine() {
        String expected = "From: a@example.org\r\nSubject: dots\r\n\r\nfirst\r\n..second\r\n...third\r\n..\r\n"
                + "mid.dle\r\nlast\r\n.\r\n";
        byte[] in = MESSAGE.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i <= in.length; i++) {
            for (int j = i; j <= in.length; j++) {
                assertEquals(expected, stuff(Pop3DotStuffer.whole(), MESSAGE, i, j), "split at " + i + "," + j);
            }
        }
    }

    @Test
    void topGivesTheHeaderTheBlankLineAndNBodyLines() {
        byte[] in = MESSAGE.getBytes(StandardCharsets.ISO_8859_1);
        String header = "From: a@example.org\r\nSubject: dots\r\n\r\n";
        for (int i = 0; i <= in.length; i++) {
            assertEquals(header + ".\r\n", stuff(Pop3DotStuffer.top(0), MESSAGE, i), "split at " + i);
            assertEquals(header + "first\r\n..second\r\n.\r\n", stuff(Pop3DotStuffer.top(2), MESSAGE, i), "split at " + i);
            assertEquals(header + "first\r\n..second\r\n...third\r\n..\r\nmid.dle\r\nlast\r\n.\r\n",
                    stuff(Pop3DotStuffer.top(100), MESSAGE, i), "split at " + i);
        }
    }

    @Test
    void topSaysWhenItHasEnough() {
        Pop3DotStuffer s = Pop3DotStuffer.top(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] head = "A: b\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertTrue(s.write(head, 0, head.length, out));
        byte[] body = "one\r\ntwo\r\n".getBytes(StandardCharsets.US_ASCII);
        assertFalse(s.write(body, 0, body.length, out));
        assertTrue(s.done());
        s.finish(out);
        assertEquals("A: b\r\n\r\none\r\n.\r\n", out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void bareLineFeedsBecomeCrlfBareCrStaysData() {
        assertEquals("A: b\r\n\r\nx\ry\r\n..z\r\n.\r\n", stuff(Pop3DotStuffer.whole(), "A: b\n\nx\ry\n.z\n"));
        assertEquals("A: b\r\n\r\n.\r\n", stuff(Pop3DotStuffer.whole(), "A: b\r\n\r"));
    }

    @Test
    void aMessageWithoutABodyIsAllHeader() {
        assertEquals("A: b\r\nC: d\r\n.\r\n", stuff(Pop3DotStuffer.top(0), "A: b\r\nC: d\r\n"));
        assertEquals(".\r\n", stuff(Pop3DotStuffer.whole(), ""));
    }

    @Test
    void finishOnceAndNoNegativeTop() {
        Pop3DotStuffer s = Pop3DotStuffer.whole();
        s.finish(new ByteArrayOutputStream());
        assertThrows(IllegalStateException.class, () -> s.finish(new ByteArrayOutputStream()));
        assertThrows(IllegalArgumentException.class, () -> Pop3DotStuffer.top(-1));
    }
}
