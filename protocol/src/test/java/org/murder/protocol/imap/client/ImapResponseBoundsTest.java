package org.murder.protocol.imap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.protocol.imap.client.ImapResponseReaderTest.ascii;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bound and every strictness rule fails the same deliberate way, wherever the input is cut: an
 * {@link ImapResponseException} with a clear message, never an accidental exception or an unbounded buffer; and
 * the reader stays failed afterwards.
 */
class ImapResponseBoundsTest {

    private static final ImapResponseLimits SMALL = new ImapResponseLimits(20, 10, 2, 60);

    /** Asserts that {@code input} fails with {@code message} whole, split at every offset and byte by byte. */
    private static void assertFails(ImapResponseLimits limits, String input, String message) {
        byte[] bytes = ascii(input);
        for (int cut = 0; cut <= bytes.length; cut++) {
            ImapResponseReader reader = new ImapResponseReader(limits, new ImapResponseCollector(r -> { }));
            int at = cut;
            ImapResponseException e = assertThrows(ImapResponseException.class, () -> {
                reader.feed(bytes, 0, at);
                reader.feed(bytes, at, bytes.length - at);
            }, "split at " + cut);
            assertEquals(message, e.getMessage(), "split at " + cut);
            assertThrows(IllegalStateException.class, () -> reader.feed(ByteBuffer.wrap(ascii("* OK\r\n"))));
        }
        ImapResponseReader bytewise = new ImapResponseReader(limits, new ImapResponseCollector(r -> { }));
        ImapResponseException e = assertThrows(ImapResponseException.class, () -> {
            for (int i = 0; i < bytes.length; i++) {
                bytewise.feed(bytes, i, 1);
            }
        });
        assertEquals(message, e.getMessage());
    }

    private static List<ImapResponse> read(ImapResponseLimits limits, String input) {
        return ImapResponseReaderTest.read(limits, ascii(input));
    }

    @Test
    void aLineAtTheBoundPassesOneByteMoreFails() {
        String atBound = "* OK " + "x".repeat(15); // 20 bytes, the line bound
        assertEquals(1, read(SMALL, atBound + "\r\n").size());
        assertFails(SMALL, atBound + "y\r\n", "Response line too long");
        assertFails(SMALL, atBound + "y".repeat(30), "Response line too long");
    }

    @Test
    void theLineBoundHoldsForLinesAfterALiteral() {
        String atBound = "x".repeat(20);
        assertEquals(1, read(SMALL, "* X {1}\r\na" + atBound + "\r\n").size());
        assertFails(SMALL, "* X {1}\r\na" + atBound + "y\r\n", "Response line too long");
    }

    @Test
    void anOversizeLiteralFailsBeforeItsAnnouncementIsPassedOn() {
        assertEquals(1, read(SMALL, "* X {10}\r\n0123456789\r\n").size());
        assertFails(SMALL, "* X {11}\r\n01234567890\r\n", "Literal too large");
        assertFails(new ImapResponseLimits(100, 10, 2, 1000), "* X {99999999999999999999999}\r\n",
                "Literal too large");

        List<String> seen = new ArrayList<>();
        ImapResponseReader reader = new ImapResponseReader(SMALL, new ImapResponseListener() {
            @Override
            public void responseStart(ImapResponseHead head) {
                seen.add("start");
            }

            @Override
            public void lineBytes(ByteBuffer line) {
                seen.add("line");
            }

            @Override
            public void literalChunk(ByteBuffer chunk) {
                seen.add("chunk");
            }

            @Override
            public void responseEnd() {
                seen.add("end");
            }
        });
        assertThrows(ImapResponseException.class, () -> reader.feed(ByteBuffer.wrap(ascii("* X {11}\r\n"))));
        assertEquals(List.of(), seen);
    }

    @Test
    void tooManyLiteralsInOneResponse() {
        assertEquals(1, read(SMALL, "* X {1}\r\na {1}\r\nb\r\n").size());
        assertFails(SMALL, "* X {1}\r\na {1}\r\nb {1}\r\nc\r\n", "Too many literals in one response");
    }

    @Test
    void aResponseOverItsTotalBound() {
        String literals = "* X {10}\r\n0123456789 A {10}\r\n0123456789"; // 39 bytes
        assertEquals(1, read(SMALL, literals + "x".repeat(19) + "\r\n").size()); // 60: exactly the bound
        assertFails(SMALL, literals + "x".repeat(20) + "\r\n", "Response too large");
        // 39 + 7 bytes of line, then a literal of 10 would make 56
        assertFails(new ImapResponseLimits(20, 10, 3, 50), literals + " {10}\r\n", "Response too large");
    }

    @Test
    void theTotalBoundIsPerResponse() {
        String twenty = "* OK 56789012345678\r\n";
        assertEquals(5, read(SMALL, twenty.repeat(5)).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"* 1 FETCH (BODY[] {12a}\r\n", "* 1 FETCH (BODY[] {}\r\n", "* 1 FETCH (BODY[] {+}\r\n",
            "* 1 FETCH (BODY[] {-1}\r\n", "* X ~{}\r\n", "* X {1++}\r\n"})
    void malformedLiteralHeaders(String input) {
        assertFails(ImapResponseReaderTest.ROOMY, input, "Malformed literal header");
    }

    @Test
    void braceGroupsThatAreNotLiteralsStayText() {
        List<ImapResponse> r = read(ImapResponseReaderTest.ROOMY,
                "* CAPABILITY X-FOO}\r\n* X (a \"{5}\")\r\n* X \"{1 2}\r\n* LIST () \".\" \"a{5}\"\r\n");
        assertEquals(4, r.size());
        assertTrue(r.stream().allMatch(x -> x.literals().isEmpty()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"* OK bare LF\n", "* OK bare LF\n* OK next\r\n", "\n"})
    void bareLfIsRefused(String input) {
        assertFails(ImapResponseReaderTest.ROOMY, input, "Line not ended by CRLF");
    }

    @Test
    void aStrayCrOrNulIsRefused() {
        assertFails(ImapResponseReaderTest.ROOMY, "* OK a\rb\r\n", "Stray CR in a response line");
        assertFails(ImapResponseReaderTest.ROOMY, "* OK a\0b\r\n", "NUL in a response line");
    }

    @Test
    void insideALiteralEverythingGoes() {
        ImapResponse r = read(ImapResponseReaderTest.ROOMY, "* X {6}\r\n\n\r\0\r\r\n\r\n").get(0);
        assertEquals(6, r.literal(0).length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r\n", "*\r\n", "* \r\n", "*OK\r\n", "+x\r\n", "a1\r\n", "a1 \r\n", "a1 FETCH x\r\n",
            "a b OK\r\n", "* 1\r\n", "* 1 \r\n", "* 12345678901 EXISTS\r\n", "* 4294967296 EXISTS\r\n",
            "* 1 OK x\r\n", "* (x)\r\n", "* OK(x)\r\n", "a{1} OK x\r\n"})
    void malformedFirstLines(String input) {
        ImapResponseReader reader = new ImapResponseReader(ImapResponseReaderTest.ROOMY,
                new ImapResponseCollector(r -> { }));
        assertThrows(ImapResponseException.class, () -> reader.feed(ByteBuffer.wrap(ascii(input))));
    }

    @Test
    void numbersUpToThirtyTwoBits() {
        assertEquals(4294967295L, read(ImapResponseReaderTest.ROOMY, "* 4294967295 EXPUNGE\r\n").get(0).head()
                .number().getAsLong());
    }
}
