package org.murder.protocol.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Pop3LineDecoderTest {

    /** What a decoder gave: lines as themselves, an over-long line as {@code <too long>}. */
    static List<String> decode(Pop3LineDecoder decoder, byte[] input, int... splits) {
        List<String> out = new ArrayList<>();
        Pop3LineDecoder.Sink sink = new Pop3LineDecoder.Sink() {
            @Override
            public void line(String line) {
                out.add(line);
            }

            @Override
            public void lineTooLong() {
                out.add("<too long>");
            }
        };
        int from = 0;
        for (int split : splits) {
            decoder.decode(ByteBuffer.wrap(input, from, split - from), sink);
            from = split;
        }
        decoder.decode(ByteBuffer.wrap(input, from, input.length - from), sink);
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static final String SESSION = "CAPA\r\nUSER bob\r\nPASS two words \r\nSTAT\nLIST\r\nRETR 1\r\nTOP 2 10\r\n"
            + "UIDL\r\n\r\nDELE 1\r\nQUIT\r\n";
    private static final List<String> LINES = List.of("CAPA", "USER bob", "PASS two words ", "STAT", "LIST", "RETR 1",
            "TOP 2 10", "UIDL", "", "DELE 1", "QUIT");

    @Test
    void splitAtEveryOffset() {
        byte[] in = ascii(SESSION);
        for (int i = 0; i <= in.length; i++) {
            assertEquals(LINES, decode(new Pop3LineDecoder(255), in, i), "split at " + i);
        }
    }

    @Test
    void splitAtEveryPairOfOffsets() {
        byte[] in = ascii(SESSION);
        for (int i = 0; i <= in.length; i++) {
            for (int j = i; j <= in.length; j++) {
                assertEquals(LINES, decode(new Pop3LineDecoder(255), in, i, j), "split at " + i + "," + j);
            }
        }
    }

    @Test
    void byteByByte() {
        byte[] in = ascii(SESSION);
        Pop3LineDecoder d = new Pop3LineDecoder(255);
        List<String> out = new ArrayList<>();
        for (byte b : in) {
            out.addAll(decode(d, new byte[] {b}));
        }
        assertEquals(LINES, out);
    }

    @Test
    void aLineOfExactlyTheBoundIsTakenOneMoreIsNot() {
        String max = "X".repeat(253); // + CRLF = 255
        assertEquals(List.of(max, "NOOP"), decode(new Pop3LineDecoder(255), ascii(max + "\r\nNOOP\r\n")));
        assertEquals(List.of("<too long>", "NOOP"), decode(new Pop3LineDecoder(255), ascii(max + "Y\r\nNOOP\r\n")));
        // a bare LF line may hold one more octet before its LF, as the CR would have taken the place
        assertEquals(List.of("<too long>"), decode(new Pop3LineDecoder(255), ascii(max + "YZ\n")));
    }

    @Test
    void anOverLongLineSplitAnywhereIsReportedOnceAndTheSessionGoesOn() {
        byte[] in = ascii("USER " + "a".repeat(5000) + "\r\nSTAT\r\n");
        for (int i = 0; i <= in.length; i += 97) {
            assertEquals(List.of("<too long>", "STAT"), decode(new Pop3LineDecoder(255), in, i), "split at " + i);
        }
        assertEquals(List.of("<too long>", "STAT"), decode(new Pop3LineDecoder(255), in, in.length - 7));
        assertEquals(List.of("<too long>", "STAT"), decode(new Pop3LineDecoder(255), in, in.length - 8));
    }

    @Test
    void octetsAreKeptAsIso88591Characters() {
        byte[] in = {'P', 'A', 'S', 'S', ' ', (byte) 0xc3, (byte) 0xa9, '\r', '\n'};
        assertEquals(List.of("PASS \u00c3\u00a9"), decode(new Pop3LineDecoder(255), in));
    }

    @Test
    void aBareCrIsPartOfTheLine() {
        assertEquals(List.of("A\rB"), decode(new Pop3LineDecoder(255), ascii("A\rB\r\n")));
    }

    @Test
    void idleAndReset() {
        Pop3LineDecoder d = new Pop3LineDecoder(255);
        assertTrue(d.idle());
        assertEquals(List.of(), decode(d, ascii("NOO")));
        assertFalse(d.idle());
        d.reset();
        assertTrue(d.idle());
        assertEquals(List.of("STAT"), decode(d, ascii("STAT\r\n")));
    }

    @Test
    void aBoundWithoutRoomForALineEndIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Pop3LineDecoder(2));
    }
}
