package org.murder.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.protocol.testing.RecordingSink.continuation;
import static org.murder.protocol.testing.RecordingSink.decodeBytewise;
import static org.murder.protocol.testing.RecordingSink.decodeSplit;
import static org.murder.protocol.testing.RecordingSink.decodeWhole;
import static org.murder.protocol.testing.RecordingSink.frame;
import static org.murder.protocol.testing.RecordingSink.tooLarge;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.murder.protocol.testing.RecordingSink;
import org.murder.protocol.testing.RecordingSink.Event;
import org.murder.protocol.testing.Transcripts;
import org.murder.protocol.testing.Transcripts.Connection;
import org.murder.protocol.testing.Transcripts.Direction;

class FrameDecoderTest {

    private static FrameDecoder roomy() {
        return new FrameDecoder(8192, 1 << 20, 1 << 22);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Every client and server stream of the Cyrus captures, with what an independent grouping expects. */
    private static Stream<Sample> samples() {
        List<Sample> samples = new ArrayList<>();
        for (Connection c : Transcripts.mupdate()) {
            for (Direction d : Direction.values()) {
                if (!c.lines(d).isEmpty()) {
                    List<Event> expected = new ArrayList<>();
                    for (byte[] f : c.frames(d)) {
                        expected.add(frame(new String(f, StandardCharsets.ISO_8859_1)));
                    }
                    samples.add(new Sample(c + " " + d, c.bytes(d), expected));
                }
            }
        }
        // Hand-made streams for what the captures lack: synchronizing literals, bare LF, literals holding
        // line breaks and braces, empty literals and empty lines.
        samples.add(new Sample("sync literals", ascii("A1 FIND {5}\r\nab\r\nc\r\nA2 NOOP\r\n"),
                List.of(continuation(), frame("A1 FIND {5}\r\nab\r\nc"), frame("A2 NOOP"))));
        samples.add(new Sample("bare LF", ascii("A1 LIST {3+}\nx!y\nA2 NOOP\n\n"),
                List.of(frame("A1 LIST {3+}\nx!y"), frame("A2 NOOP"), frame(""))));
        samples.add(new Sample("braces inside a literal", ascii("A1 X {7+}\r\n{9}\r\n\r\n after\r\n"),
                List.of(frame("A1 X {7+}\r\n{9}\r\n\r\n after"))));
        samples.add(new Sample("non-literal braces", ascii("A1 FIND {abc}\r\nA2 FIND {}\r\nA3 FIND {+}\r\n"),
                List.of(frame("A1 FIND {abc}"), frame("A2 FIND {}"), frame("A3 FIND {+}"))));
        return samples.stream();
    }

    record Sample(String name, byte[] bytes, List<Event> expected) {
    }

    @TestFactory
    Stream<DynamicTest> decodesEverySampleInOneCall() {
        return samples().map(s -> DynamicTest.dynamicTest(s.name(),
                () -> assertEquals(s.expected(), decodeWhole(roomy(), s.bytes()))));
    }

    @TestFactory
    Stream<DynamicTest> decodesEverySampleSplitAtEveryOffset() {
        return samples().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            for (int offset = 0; offset <= s.bytes().length; offset++) {
                assertEquals(s.expected(), decodeSplit(roomy(), s.bytes(), offset), "split at " + offset);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> decodesEverySampleOneByteAtATime() {
        return samples().map(s -> DynamicTest.dynamicTest(s.name(),
                () -> assertEquals(s.expected(), decodeBytewise(roomy(), s.bytes()))));
    }

    @TestFactory
    Stream<DynamicTest> decodesEverySampleInRandomChunksWithOneDecoder() {
        Random random = new Random(3656);
        return samples().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            FrameDecoder decoder = roomy();
            for (int round = 0; round < 20; round++) {
                RecordingSink sink = new RecordingSink();
                int pos = 0;
                while (pos < s.bytes().length) {
                    int n = Math.min(s.bytes().length - pos, 1 + random.nextInt(64));
                    decoder.decode(ByteBuffer.wrap(s.bytes(), pos, n), sink);
                    pos += n;
                }
                assertEquals(s.expected(), sink.events, "round " + round);
                assertTrue(decoder.idle());
            }
        }));
    }

    @Test
    void framesJoinedWithCrlfGiveBackTheCapturedStream() {
        for (Connection c : Transcripts.mupdate()) {
            for (Direction d : Direction.values()) {
                StringBuilder joined = new StringBuilder();
                RecordingSink sink = new RecordingSink();
                roomy().decode(ByteBuffer.wrap(c.bytes(d)), sink);
                for (byte[] f : sink.frames()) {
                    joined.append(new String(f, StandardCharsets.ISO_8859_1)).append("\r\n");
                }
                assertArrayEquals(c.bytes(d), ascii(joined.toString()), c + " " + d);
            }
        }
    }

    @Test
    void consumesTheWholeBuffer() {
        ByteBuffer in = ByteBuffer.wrap(ascii("A1 NOOP\r\nA2 FIND {10+}\r\nabc"));
        roomy().decode(in, new RecordingSink());
        assertFalse(in.hasRemaining());
    }

    @Test
    void acceptsDirectAndReadOnlyBuffers() {
        byte[] input = ascii("A1 FIND {3+}\r\nabc\r\n");
        ByteBuffer direct = ByteBuffer.allocateDirect(input.length).put(input).flip();
        RecordingSink sink = new RecordingSink();
        roomy().decode(direct, sink);
        roomy().decode(ByteBuffer.wrap(input).asReadOnlyBuffer(), sink);
        assertEquals(List.of(frame("A1 FIND {3+}\r\nabc"), frame("A1 FIND {3+}\r\nabc")), sink.events);
    }

    @Test
    void bigFramesDoNotPinMemoryAfterwards() throws Exception {
        FrameDecoder decoder = roomy();
        String big = "x".repeat(200_000);
        assertEquals(List.of(frame("A1 APPEND {200000+}\r\n" + big)),
                decodeWhole(decoder, ascii("A1 APPEND {200000+}\r\n" + big + "\r\n")));
        var field = FrameDecoder.class.getDeclaredField("frame");
        field.setAccessible(true);
        assertTrue(((byte[]) field.get(decoder)).length <= 64 * 1024);
    }

    @Test
    void continuationIsRequestedBeforeTheLiteralArrives() {
        FrameDecoder decoder = roomy();
        RecordingSink sink = new RecordingSink();
        decoder.decode(ByteBuffer.wrap(ascii("A1 FIND {3}\r\n")), sink);
        assertEquals(List.of(continuation()), sink.events);
        decoder.decode(ByteBuffer.wrap(ascii("abc\r\n")), sink);
        assertEquals(List.of(continuation(), frame("A1 FIND {3}\r\nabc")), sink.events);
    }

    @Test
    void emptyLiteralsKeepTheLineGoing() {
        assertEquals(List.of(continuation(), frame("A1 ACTIVATE {0}\r\n {0+}\r\n x")),
                decodeWhole(roomy(), ascii("A1 ACTIVATE {0}\r\n {0+}\r\n x\r\n")));
    }

    @Test
    void nulAndOtherControlBytesPassThroughTheFramer() {
        assertEquals(List.of(frame("A1 FIND a\0b\u0001")), decodeWhole(roomy(), ascii("A1 FIND a\0b\u0001\r\n")));
    }

    @Test
    void lineOfExactlyTheMaximumLengthIsAccepted() {
        String line = "A1 FIND " + "x".repeat(12);
        assertEquals(20, line.length());
        assertEquals(List.of(frame(line), frame(line)),
                decodeWhole(new FrameDecoder(20, 100, 100), ascii(line + "\r\n" + line + "\n")));
    }

    @Test
    void oversizeLineIsReportedWithItsTagAndSkippedToTheNextLf() {
        String stream = "A1 FIND " + "x".repeat(100) + "\r\nA2 NOOP\r\n";
        List<Event> expected = List.of(tooLarge("A1", "line too long"), frame("A2 NOOP"));
        assertEveryWay(() -> new FrameDecoder(20, 100, 1000), ascii(stream), expected);
    }

    @Test
    void oversizeLineOneByteOverTheLimit() {
        String stream = "A1 FIND " + "x".repeat(13) + "\r\nA2 NOOP\r\n";
        assertEveryWay(() -> new FrameDecoder(20, 100, 1000), ascii(stream),
                List.of(tooLarge("A1", "line too long"), frame("A2 NOOP")));
        // a CR in the middle of the line does not count as the terminator's
        String crInside = "A1 FIND " + "x".repeat(12) + "\rx\r\nA2 NOOP\r\n";
        assertEveryWay(() -> new FrameDecoder(20, 100, 1000), ascii(crInside),
                List.of(tooLarge("A1", "line too long"), frame("A2 NOOP")));
    }

    @Test
    void oversizeLineWithoutASpaceHasNoTag() {
        assertEveryWay(() -> new FrameDecoder(10, 100, 1000), ascii("x".repeat(50) + "\nA2 NOOP\n"),
                List.of(tooLarge(null, "line too long"), frame("A2 NOOP")));
    }

    @Test
    void oversizeLineEndingInANonSynchronizingLiteralAlsoSkipsTheLiteral() {
        String stream = "A1 FIND " + "x".repeat(50) + " {9+}\r\nA9 NOOP\r\n rest of A1 {2+}\r\n\r\n\r\nA2 NOOP\r\n";
        assertEveryWay(() -> new FrameDecoder(20, 100, 1000), ascii(stream),
                List.of(tooLarge("A1", "line too long"), frame("A2 NOOP")));
    }

    @Test
    void oversizeLineEndingInASynchronizingLiteralEndsTheCommand() {
        // the client waits for "+ go ahead" that never comes, so what follows is a new command
        String stream = "A1 FIND " + "x".repeat(50) + " {7}\r\nA2 NOOP\r\n";
        assertEveryWay(() -> new FrameDecoder(20, 100, 1000), ascii(stream),
                List.of(tooLarge("A1", "line too long"), frame("A2 NOOP")));
    }

    @Test
    void oversizeNonSynchronizingLiteralIsSkippedWithTheRestOfItsCommand() {
        String literal = "y".repeat(500) + "\r\nA7 NOOP\r\n";
        String stream = "A1 ACTIVATE {" + literal.length() + "+}\r\n" + literal + " {3+}\r\nabc {1+}\r\nz\r\nA2 NOOP\r\n";
        assertEveryWay(() -> new FrameDecoder(100, 100, 1000), ascii(stream),
                List.of(tooLarge("A1", "literal too large"), frame("A2 NOOP")));
    }

    @Test
    void literalMinusRefusesALargeNonSynchronizingLiteralAndSkipsIt() {
        // RFC 7888 §5: 4096 octets and less as {n+}, more only as a synchronizing literal
        String small = "x".repeat(4096);
        String large = "y".repeat(4097);
        String stream = "A1 APPEND INBOX {4096+}\r\n" + small + "\r\nA2 APPEND INBOX {4097+}\r\n" + large
                + "\r\nA3 APPEND INBOX {4097}\r\n" + large + "\r\nA4 NOOP\r\n";
        Supplier<FrameDecoder> minus = () -> {
            FrameDecoder d = new FrameDecoder(100, 10_000, 20_000);
            d.nonSynchronizingLimit(4096);
            return d;
        };
        List<RecordingSink.Event> events = decodeWhole(minus.get(), ascii(stream));
        assertEquals(5, events.size(), events::toString);
        assertInstanceOf(RecordingSink.Frame.class, events.get(0), "at the limit: taken");
        assertEquals(tooLarge("A2", "non-synchronizing literal larger than 4096 octets"), events.get(1));
        assertInstanceOf(RecordingSink.Continuation.class, events.get(2), "synchronizing: any size up to the bound");
        assertInstanceOf(RecordingSink.Frame.class, events.get(3));
        assertEquals(frame("A4 NOOP"), events.get(4), "the refused literal was read and dropped");
        assertEveryWay(minus, ascii(stream), events);
        assertThrows(IllegalArgumentException.class, () -> minus.get().nonSynchronizingLimit(-1));
    }

    @Test
    void oversizeSynchronizingLiteralIsRefusedWithoutContinuation() {
        String stream = "A1 FIND {101}\r\nA2 NOOP\r\n";
        assertEveryWay(() -> new FrameDecoder(100, 100, 1000), ascii(stream),
                List.of(tooLarge("A1", "literal too large"), frame("A2 NOOP")));
    }

    @Test
    void absurdLiteralLengthsAreTooLargeNotOverflowed() {
        for (String size : List.of("99999999999", "4294967296", "2147483648", "99999999999999999999999999")) {
            assertEveryWay(FrameDecoderTest::roomy, ascii("A1 FIND {" + size + "+}\r\n"), List.of(tooLarge("A1", "literal too large")));
            assertEveryWay(FrameDecoderTest::roomy, ascii("A1 FIND {" + size + "}\r\nA2 NOOP\r\n"),
                    List.of(tooLarge("A1", "literal too large"), frame("A2 NOOP")));
        }
    }

    @Test
    void literalAtTheMaximumSizeIsAccepted() {
        String stream = "A1 FIND {10+}\r\n0123456789\r\n";
        assertEveryWay(() -> new FrameDecoder(100, 10, 1000), ascii(stream), List.of(frame("A1 FIND {10+}\r\n0123456789")));
    }

    @Test
    void oversizeFrameMadeOfAcceptableLiteralsIsRefused() {
        String stream = "A1 ACTIVATE {40+}\r\n" + "a".repeat(40) + " {40+}\r\n" + "b".repeat(40) + " {40+}\r\n"
                + "c".repeat(40) + "\r\nA2 NOOP\r\n";
        assertEveryWay(() -> new FrameDecoder(100, 50, 100), ascii(stream),
                List.of(tooLarge("A1", "command too large"), frame("A2 NOOP")));
    }

    @Test
    void oversizeFrameMadeOfLinesIsRefusedAndTheRestSkipped() {
        String stream = "A1 X {1+}\r\na" + " ".repeat(60) + "\r\nA2 NOOP\r\n";
        assertEveryWay(() -> new FrameDecoder(100, 50, 40), ascii(stream),
                List.of(tooLarge("A1", "command too large"), frame("A2 NOOP")));
    }

    @Test
    void manyErrorsInARowAllRecover() {
        StringBuilder stream = new StringBuilder();
        List<Event> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            stream.append("T").append(i).append(" FIND ").append("x".repeat(40)).append("\r\n");
            expected.add(tooLarge("T" + i, "line too long"));
            stream.append("L").append(i).append(" FIND {99+}\r\n").append("y".repeat(99)).append("\r\n");
            expected.add(tooLarge("L" + i, "literal too large"));
            stream.append("G").append(i).append(" NOOP\r\n");
            expected.add(frame("G" + i + " NOOP"));
        }
        assertEveryWay(() -> new FrameDecoder(30, 20, 200), ascii(stream.toString()), expected);
    }

    @Test
    void resetForgetsAPartialCommand() {
        FrameDecoder decoder = roomy();
        RecordingSink sink = new RecordingSink();
        decoder.decode(ByteBuffer.wrap(ascii("A1 FIND {10+}\r\nabc")), sink);
        assertFalse(decoder.idle());
        decoder.reset();
        assertTrue(decoder.idle());
        decoder.decode(ByteBuffer.wrap(ascii("A2 NOOP\r\n")), sink);
        assertEquals(List.of(frame("A2 NOOP")), sink.events);
    }

    @Test
    void rejectsNonsensicalBounds() {
        assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(1, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(1, 1, 0));
    }

    /** Whole, split at every offset, and byte by byte: all must give {@code expected}. */
    static void assertEveryWay(Supplier<FrameDecoder> decoders, byte[] stream, List<Event> expected) {
        assertEquals(expected, decodeWhole(decoders.get(), stream), "whole");
        assertEquals(expected, decodeBytewise(decoders.get(), stream), "byte by byte");
        for (int offset = 0; offset <= stream.length; offset++) {
            assertEquals(expected, decodeSplit(decoders.get(), stream, offset), "split at " + offset);
        }
    }
}
