package org.murder.protocol.lmtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.protocol.lmtp.LmtpCaptures.ascii;
import static org.murder.protocol.lmtp.LmtpRecorder.body;
import static org.murder.protocol.lmtp.LmtpRecorder.decodeBytewise;
import static org.murder.protocol.lmtp.LmtpRecorder.decodeSplit;
import static org.murder.protocol.lmtp.LmtpRecorder.decodeWhole;
import static org.murder.protocol.lmtp.LmtpRecorder.end;
import static org.murder.protocol.lmtp.LmtpRecorder.line;
import static org.murder.protocol.lmtp.LmtpRecorder.tooLong;
import static org.murder.protocol.lmtp.LmtpRecorder.tooLarge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.murder.protocol.lmtp.LmtpCaptures.ClientPart;
import org.murder.protocol.lmtp.LmtpCaptures.Command;
import org.murder.protocol.lmtp.LmtpCaptures.Message;
import org.murder.protocol.lmtp.LmtpRecorder.Event;
import org.murder.protocol.testing.Transcripts.Connection;
import org.murder.protocol.testing.Transcripts.Direction;

class LmtpDecoderTest {

    private static LmtpDecoder roomy() {
        return new LmtpDecoder(1 << 20);
    }

    record Sample(String name, byte[] bytes, List<Event> expected) {
    }

    /** Every client stream of the captures and RFC 2033, with what an independent split expects. */
    private static Stream<Sample> samples() {
        List<Sample> samples = new ArrayList<>();
        for (Connection c : LmtpCaptures.all()) {
            List<Event> expected = new ArrayList<>();
            for (ClientPart part : LmtpCaptures.clientParts(c)) {
                if (part instanceof Command command) {
                    expected.add(line(command.line()));
                } else if (part instanceof Message m) {
                    String text = m.text();
                    if (!text.isEmpty()) {
                        expected.add(body(text));
                    }
                    if (m.ended()) {
                        expected.add(end(text.length()));
                    }
                }
            }
            samples.add(new Sample(c.toString(), c.bytes(Direction.CLIENT), expected));
        }
        // What the captures lack.
        samples.add(new Sample("dot-stuffing", ascii("DATA\r\n..leading dot\r\n...\r\n.x\r\nmid.dle.\r\n.\r\nQUIT\r\n"),
                List.of(line("DATA"), body(".leading dot\r\n..\r\nx\r\nmid.dle.\r\n"), end(31), line("QUIT"))));
        samples.add(new Sample("bare LF everywhere", ascii("LHLO x\nDATA\nline1\nline2\n..\n.\nNOOP\n"),
                List.of(line("LHLO x"), line("DATA"), body("line1\r\nline2\r\n.\r\n"), end(17), line("NOOP"))));
        samples.add(new Sample("a body line that is exactly ..", ascii("DATA\r\n..\r\n.\r\n"),
                List.of(line("DATA"), body(".\r\n"), end(3))));
        samples.add(new Sample("empty body", ascii("DATA\r\n.\r\nQUIT\r\n"),
                List.of(line("DATA"), end(0), line("QUIT"))));
        samples.add(new Sample("a dot not at a line start ends nothing", ascii("DATA\r\nabc.\r\n.\r\n"),
                List.of(line("DATA"), body("abc.\r\n"), end(6))));
        samples.add(new Sample("CRLF.CRLF only after a line end", ascii("DATA\r\nx\r\n.\r\nDATA\r\n\r\n.\r\n"),
                List.of(line("DATA"), body("x\r\n"), end(3), line("DATA"), body("\r\n"), end(2))));
        samples.add(new Sample("bare CR is data", ascii("DATA\r\na\rb\r\n.\rx\r\nc\r\r\n\r.\r\n.\r\n"),
                List.of(line("DATA"), body("a\rb\r\n\rx\r\nc\r\r\n\r.\r\n"), end(17))));
        samples.add(new Sample("pipelined after the end", ascii("DATA\r\nhello\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<a>\r\nDATA\r\nbye\r\n.\r\nQUIT\r\n"),
                List.of(line("DATA"), body("hello\r\n"), end(7), line("MAIL FROM:<>"), line("RCPT TO:<a>"), line("DATA"),
                        body("bye\r\n"), end(5), line("QUIT"))));
        samples.add(new Sample("8-bit and NUL pass through", ascii("DATA\r\n\u00e9t\u00e9\0\r\n.\r\nN\u00d6OP\0\r\n"),
                List.of(line("DATA"), body("\u00e9t\u00e9\0\r\n"), end(6), line("N\u00d6OP\0"))));
        samples.add(new Sample("empty command lines", ascii("\r\n\n  \r\n"), List.of(line(""), line(""), line("  "))));
        return samples.stream();
    }

    @TestFactory
    Stream<DynamicTest> decodesEverySampleInOneCall() {
        return samples().map(s -> DynamicTest.dynamicTest(s.name(),
                () -> assertEquals(s.expected(), decodeWhole(LmtpDecoderTest::roomy, s.bytes()))));
    }

    @TestFactory
    Stream<DynamicTest> decodesEverySampleSplitAtEveryOffset() {
        return samples().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            for (int offset = 0; offset <= s.bytes().length; offset++) {
                assertEquals(s.expected(), decodeSplit(LmtpDecoderTest::roomy, s.bytes(), offset), "split at " + offset);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> decodesEverySampleOneByteAtATime() {
        return samples().map(s -> DynamicTest.dynamicTest(s.name(),
                () -> assertEquals(s.expected(), decodeBytewise(LmtpDecoderTest::roomy, s.bytes()))));
    }

    @TestFactory
    Stream<DynamicTest> decodesEverySampleInRandomChunksWithOneDecoder() {
        Random random = new Random(2033);
        return samples().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            LmtpDecoder decoder = roomy();
            for (int round = 0; round < 20; round++) {
                LmtpRecorder sink = new LmtpRecorder(decoder);
                int pos = 0;
                while (pos < s.bytes().length) {
                    int n = Math.min(s.bytes().length - pos, 1 + random.nextInt(64));
                    decoder.decode(ByteBuffer.wrap(s.bytes(), pos, n), sink);
                    pos += n;
                }
                assertEquals(s.expected(), sink.events, "round " + round);
                if (!s.name().startsWith("g_")) {
                    assertTrue(decoder.idle());
                } else {
                    // g's capture stops inside its last message
                    decoder.reset();
                }
            }
        }));
    }

    @Test
    void capturedMessagesKeepTheEmptyLineBetweenHeaderAndBody() {
        Message first = (Message) LmtpCaptures.clientParts(LmtpCaptures.all().get(0)).stream()
                .filter(p -> p instanceof Message).findFirst().orElseThrow();
        assertTrue(first.text().contains("+0000\r\n\r\nbody line 1\r\nbody line 2\r\n"), first.text());
    }

    @Test
    void linesAndRestuffedMessagesGiveBackTheCapturedStream() throws Exception {
        for (Connection c : LmtpCaptures.all()) {
            LmtpDecoder decoder = roomy();
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            DotStuffingOutputStream[] message = new DotStuffingOutputStream[1];
            decoder.decode(ByteBuffer.wrap(c.bytes(Direction.CLIENT)), new LmtpSink() {
                @Override
                public void commandLine(String line) {
                    again.writeBytes(ascii(line + "\r\n"));
                    if (line.equalsIgnoreCase("DATA")) {
                        decoder.startData();
                        message[0] = new DotStuffingOutputStream(again);
                    }
                }

                @Override
                public void lineTooLong() {
                    throw new AssertionError();
                }

                @Override
                public void messageChunk(byte[] bytes, int offset, int length) {
                    try {
                        message[0].write(bytes, offset, length);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public void messageEnd(long size) {
                    try {
                        message[0].finish();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public void messageTooLarge(long size) {
                    throw new AssertionError();
                }
            });
            assertArrayEquals(c.bytes(Direction.CLIENT), again.toByteArray(), c.toString());
        }
    }

    @Test
    void theTerminatorSplitAtEveryByteInEveryContext() {
        // the five bytes CRLF.CRLF and their look-alikes, cut at every pair of offsets
        for (String body : List.of("a", "a\r", "a\n", ".", "..", "\r\n", "")) {
            byte[] stream = ascii("DATA\r\n" + body + "\r\n.\r\nNOOP\r\n");
            List<Event> whole = decodeWhole(LmtpDecoderTest::roomy, stream);
            for (int first = 0; first <= stream.length; first++) {
                for (int second = first; second <= stream.length; second++) {
                    LmtpDecoder decoder = roomy();
                    LmtpRecorder sink = new LmtpRecorder(decoder);
                    decoder.decode(ByteBuffer.wrap(stream, 0, first), sink);
                    decoder.decode(ByteBuffer.wrap(stream, first, second - first), sink);
                    decoder.decode(ByteBuffer.wrap(stream, second, stream.length - second), sink);
                    assertEquals(whole, sink.events, body + " cut at " + first + "/" + second);
                }
            }
            assertEquals(line("NOOP"), whole.get(whole.size() - 1));
        }
    }

    @Test
    void consumesTheWholeBufferAndAcceptsDirectAndReadOnlyBuffers() {
        byte[] input = ascii("LHLO a\r\nDATA\r\nxy\r\n.\r\nNOOP\r\nQUI");
        ByteBuffer direct = ByteBuffer.allocateDirect(input.length).put(input).flip();
        LmtpDecoder decoder = roomy();
        LmtpRecorder sink = new LmtpRecorder(decoder);
        decoder.decode(direct, sink);
        assertFalse(direct.hasRemaining());
        decoder.decode(ByteBuffer.wrap(ascii("T\r\n")).asReadOnlyBuffer(), sink);
        assertEquals(List.of(line("LHLO a"), line("DATA"), body("xy\r\n"), end(4), line("NOOP"), line("QUIT")), sink.events);
    }

    @Test
    void bigMessagesStreamInBoundedChunks() {
        LmtpDecoder decoder = new LmtpDecoder(Long.MAX_VALUE);
        long[] chunks = new long[2];
        decoder.startData();
        String line = "x".repeat(998) + "\r\n";
        byte[] megabyte = ascii(line.repeat(1000));
        LmtpSink counting = new LmtpSink() {
            @Override
            public void commandLine(String l) {
            }

            @Override
            public void lineTooLong() {
            }

            @Override
            public void messageChunk(byte[] bytes, int offset, int length) {
                chunks[0]++;
                assertTrue(length <= 8192);
            }

            @Override
            public void messageEnd(long size) {
                chunks[1] = size;
            }

            @Override
            public void messageTooLarge(long size) {
                throw new AssertionError();
            }
        };
        for (int i = 0; i < 50; i++) {
            decoder.decode(ByteBuffer.wrap(megabyte), counting);
        }
        decoder.decode(ByteBuffer.wrap(ascii(".\r\n")), counting);
        assertEquals(50_000_000L, chunks[1]);
        assertTrue(chunks[0] >= 50_000_000L / 8192);
        assertTrue(decoder.idle());
    }

    // --- bounds

    @Test
    void lineOfExactlyTheMaximumIsAcceptedWithCrlfAndWithBareLf() {
        String max = "RCPT TO:<" + "a".repeat(10) + ">";
        assertEquals(20, max.length());
        assertEveryWay(() -> new LmtpDecoder(22, 100), ascii(max + "\r\n" + max + "\n"), List.of(line(max), line(max)));
    }

    @Test
    void oneOctetTooLongIsRefusedAndTheNextLineIsRead() {
        String over = "RCPT TO:<" + "a".repeat(11) + ">";
        assertEveryWay(() -> new LmtpDecoder(22, 100), ascii(over + "\r\nNOOP\r\n"), List.of(tooLong(), line("NOOP")));
        // a CR inside the line does not count as the terminator's
        String crInside = "RCPT TO:<" + "a".repeat(10) + "\rx\r\nNOOP\r\n";
        assertEveryWay(() -> new LmtpDecoder(22, 100), ascii(crInside), List.of(tooLong(), line("NOOP")));
    }

    @Test
    void defaultBoundIsRfc5321s512OctetsWithCrlf() {
        String ok = "MAIL FROM:<" + "a".repeat(498) + ">";
        assertEquals(510, ok.length());
        assertEveryWay(LmtpDecoderTest::roomy, ascii(ok + "\r\n" + ok + "x\r\nQUIT\r\n"),
                List.of(line(ok), tooLong(), line("QUIT")));
    }

    @Test
    void aVeryLongLineIsReportedOnceAndCostsNoMemory() throws Exception {
        LmtpDecoder decoder = roomy();
        LmtpRecorder sink = new LmtpRecorder(decoder);
        byte[] junk = ascii("A".repeat(1 << 16));
        for (int i = 0; i < 100; i++) {
            decoder.decode(ByteBuffer.wrap(junk), sink);
        }
        assertFalse(decoder.idle());
        decoder.decode(ByteBuffer.wrap(ascii("\r\nQUIT\r\n")), sink);
        assertEquals(List.of(tooLong(), line("QUIT")), sink.events);
        var field = LmtpDecoder.class.getDeclaredField("line");
        field.setAccessible(true);
        assertTrue(((byte[]) field.get(decoder)).length <= 512);
    }

    @Test
    void manyLongLinesInARowAllRecover() {
        StringBuilder stream = new StringBuilder();
        List<Event> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            stream.append("VRFY ").append("x".repeat(40 + i)).append("\r\nNOOP ").append(i).append("\r\n");
            expected.add(tooLong());
            expected.add(line("NOOP " + i));
        }
        assertEveryWay(() -> new LmtpDecoder(32, 100), ascii(stream.toString()), expected);
    }

    @Test
    void messageOfExactlyTheMaximumIsAccepted() {
        assertEveryWay(() -> new LmtpDecoder(512, 10), ascii("DATA\r\n12345678\r\n.\r\nQUIT\r\n"),
                List.of(line("DATA"), body("12345678\r\n"), end(10), line("QUIT")));
    }

    @Test
    void tooLargeMessageIsReadToItsEndThenReportedAndTheSessionGoesOn() {
        String stream = "DATA\r\n" + "0123456789\r\n".repeat(5) + "..\r\n.\r\nRSET\r\nDATA\r\nok\r\n.\r\nQUIT\r\n";
        assertEveryWay(() -> new LmtpDecoder(512, 20), ascii(stream),
                List.of(line("DATA"), tooLarge(63), line("RSET"), line("DATA"), body("ok\r\n"), end(4), line("QUIT")));
    }

    @Test
    void sizeIsCountedAfterUnstuffingWithCrlfLineEnds() {
        // 9 octets on the wire with bare LFs and a stuffed dot: "..a\nb\nc\n" is ".a\r\nb\r\nc\r\n", 10 octets
        assertEveryWay(() -> new LmtpDecoder(512, 9), ascii("DATA\n..a\nb\nc\n.\nNOOP\n"),
                List.of(line("DATA"), tooLarge(10), line("NOOP")));
        assertEveryWay(() -> new LmtpDecoder(512, 10), ascii("DATA\n..a\nb\nc\n.\nNOOP\n"),
                List.of(line("DATA"), body(".a\r\nb\r\nc\r\n"), end(10), line("NOOP")));
    }

    @Test
    void noChunkEverGoesPastTheBound() {
        byte[] stream = ascii("DATA\r\n" + "y".repeat(30_000) + "\r\n.\r\nNOOP\r\n");
        for (int offset = 0; offset <= stream.length; offset += 997) {
            LmtpDecoder decoder = new LmtpDecoder(512, 10_000);
            LmtpRecorder sink = new LmtpRecorder(decoder);
            decoder.decode(ByteBuffer.wrap(stream, 0, offset), sink);
            decoder.decode(ByteBuffer.wrap(stream, offset, stream.length - offset), sink);
            assertTrue(sink.largestBody <= 10_000, "at " + offset + ": " + sink.largestBody);
            assertEquals(List.of(line("DATA"), tooLarge(30_002), line("NOOP")), sink.events);
        }
    }

    @Test
    void longLinesInsideAMessageAreNotCommandLines() {
        String longLine = "z".repeat(5000);
        assertEveryWay(LmtpDecoderTest::roomy, ascii("DATA\r\n" + longLine + "\r\n.\r\n"),
                List.of(line("DATA"), body(longLine + "\r\n"), end(5002)));
    }

    // --- mode changes

    @Test
    void dataStartsOnlyBetweenLines() {
        LmtpDecoder decoder = roomy();
        LmtpRecorder sink = new LmtpRecorder(decoder);
        decoder.decode(ByteBuffer.wrap(ascii("NO")), sink);
        assertThrows(IllegalStateException.class, decoder::startData);
        decoder.decode(ByteBuffer.wrap(ascii("OP\r\nDATA\r\nabc")), sink);
        assertTrue(decoder.inData());
        assertThrows(IllegalStateException.class, decoder::startData);
    }

    @Test
    void startDataBetweenCallsWorksToo() {
        LmtpDecoder decoder = roomy();
        LmtpRecorder sink = new LmtpRecorder(decoder);
        decoder.decode(ByteBuffer.wrap(ascii("XDATA\r\n")), sink);
        decoder.startData();
        decoder.decode(ByteBuffer.wrap(ascii("m\r\n.\r\n")), sink);
        assertEquals(List.of(line("XDATA"), body("m\r\n"), end(3)), sink.events);
    }

    @Test
    void resetForgetsAPartialLineOrMessage() {
        LmtpDecoder decoder = roomy();
        LmtpRecorder sink = new LmtpRecorder(decoder);
        decoder.decode(ByteBuffer.wrap(ascii("STARTTLS\r\nMAIL FROM:<pipelined-before-tls>")), sink);
        assertFalse(decoder.idle());
        decoder.reset();
        assertTrue(decoder.idle());
        decoder.decode(ByteBuffer.wrap(ascii("DATA\r\nhalf")), sink);
        decoder.reset();
        assertFalse(decoder.inData());
        decoder.decode(ByteBuffer.wrap(ascii("LHLO x\r\n")), sink);
        assertEquals(List.of(line("STARTTLS"), line("DATA"), body("half"), line("LHLO x")), sink.events);
    }

    @Test
    void rejectsNonsensicalBounds() {
        assertThrows(IllegalArgumentException.class, () -> new LmtpDecoder(2, 1));
        assertThrows(IllegalArgumentException.class, () -> new LmtpDecoder(512, -1));
    }

    /** Whole, split at every offset, and byte by byte: all must give {@code expected}. */
    static void assertEveryWay(Supplier<LmtpDecoder> decoders, byte[] stream, List<Event> expected) {
        assertEquals(expected, decodeWhole(decoders, stream), "whole");
        assertEquals(expected, decodeBytewise(decoders, stream), "byte by byte");
        for (int offset = 0; offset <= stream.length; offset++) {
            assertEquals(expected, decodeSplit(decoders, stream, offset), "split at " + offset);
        }
    }
}
