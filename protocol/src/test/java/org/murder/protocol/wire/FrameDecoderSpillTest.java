package org.murder.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Literals past the threshold go to files as they arrive: the frame the decoder gives is the one a decoder without a
 * spill gives, with the large payloads in files instead; no file outlives its command unless the sink keeps it.
 */
class FrameDecoderSpillTest {

    @TempDir
    Path dir;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Records events; a spilled frame is recorded with its payloads put back where they were, then released. */
    static final class Sink implements FrameSink {
        final List<String> events = new ArrayList<>();
        final List<SpilledFrame> kept = new ArrayList<>();
        boolean keep;

        @Override
        public void frame(byte[] frame) {
            events.add("frame " + new String(frame, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void frame(SpilledFrame frame) {
            events.add("frame " + new String(inline(frame), StandardCharsets.ISO_8859_1));
            if (keep) {
                kept.add(frame);
            } else {
                frame.release();
            }
        }

        @Override
        public void continuationRequested() {
            events.add("+");
        }

        @Override
        public void frameTooLarge(String tagOrNull, String reason) {
            events.add("bad " + tagOrNull + " " + reason);
        }

        @Override
        public void spillFailed(String tagOrNull, String reason) {
            events.add("spill failed " + tagOrNull);
        }
    }

    /** The frame a decoder without a spill would have given. */
    static byte[] inline(SpilledFrame frame) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        for (Map.Entry<Integer, SpilledLiteral> e : new TreeMap<>(frame.literals()).entrySet()) {
            out.write(frame.bytes(), from, e.getKey() - from);
            try {
                out.writeBytes(Files.readAllBytes(e.getValue().path()));
            } catch (IOException x) {
                throw new AssertionError(x);
            }
            from = e.getKey();
        }
        out.write(frame.bytes(), from, frame.bytes().length - from);
        return out.toByteArray();
    }

    private FrameDecoder spilling(int threshold) throws IOException {
        return new FrameDecoder(8192, 1 << 24, 1 << 16, new LiteralSpill(dir, threshold));
    }

    private static FrameDecoder inMemory() {
        return new FrameDecoder(8192, 1 << 24, 1 << 25);
    }

    private long filesLeft() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    private static List<String> decode(FrameDecoder decoder, byte[] input, int... cuts) {
        Sink sink = new Sink();
        int from = 0;
        for (int cut : cuts) {
            decoder.decode(ByteBuffer.wrap(input, from, cut - from), sink);
            from = cut;
        }
        decoder.decode(ByteBuffer.wrap(input, from, input.length - from), sink);
        return sink.events;
    }

    private static final List<byte[]> SAMPLES = List.of(
            ascii("a APPEND INBOX {10}\r\n0123456789\r\nb NOOP\r\n"),
            ascii("a APPEND INBOX (\\Seen) {12+}\r\nline1\r\nline2\r\nb NOOP\r\n"),
            ascii("a X {2+}\r\nab {9+}\r\n{3}\r\n\r\nxy {0}\r\n {6}\r\n\0\0\0\0\0\0\r\n"),
            ascii("a APPEND x ~{7+}\nab\0cd\r\n\nc LOGOUT\n"));

    @TestFactory
    Stream<DynamicTest> splitAtEveryByteTheFramesAreThoseOfADecoderWithoutSpill() {
        return SAMPLES.stream().map(sample -> DynamicTest.dynamicTest(new String(sample, StandardCharsets.ISO_8859_1)
                .lines().findFirst().orElseThrow(), () -> {
            List<String> expected = decode(inMemory(), sample);
            for (int a = 0; a <= sample.length; a++) {
                assertEquals(expected, decode(spilling(4), sample, a), "split at " + a);
                for (int b = a; b <= sample.length; b += 3) {
                    assertEquals(expected, decode(spilling(4), sample, a, b), "split at " + a + " and " + b);
                }
            }
            assertEquals(0, filesLeft(), "every file released");
        }));
    }

    @Test
    void onlyLiteralsPastTheThresholdGoToFiles() throws IOException {
        Sink sink = new Sink();
        sink.keep = true;
        spilling(5).decode(ByteBuffer.wrap(ascii("a X {5+}\r\n12345 {6+}\r\n123456\r\n")), sink);
        SpilledFrame f = sink.kept.get(0);
        assertEquals(1, f.literals().size());
        assertEquals("a X {5+}\r\n12345 {6+}\r\n", new String(f.bytes(), StandardCharsets.ISO_8859_1));
        SpilledLiteral file = f.at(f.bytes().length).orElseThrow();
        assertEquals(6, file.length());
        assertFalse(file.containsNul());
        assertArrayEquals(ascii("123456"), Files.readAllBytes(file.path()));
        f.release();
        assertTrue(file.released());
        assertEquals(0, filesLeft());
    }

    @Test
    void aLargeLiteralInRandomChunksArrivesWholeInItsFile() throws IOException {
        Random random = new Random(11);
        byte[] message = new byte[3 << 20];
        random.nextBytes(message);
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(ascii("a APPEND INBOX ~{" + message.length + "+}\r\n"));
        in.writeBytes(message);
        in.writeBytes(ascii("\r\nb NOOP\r\n"));
        byte[] input = in.toByteArray();
        FrameDecoder decoder = spilling(64 * 1024);
        Sink sink = new Sink();
        sink.keep = true;
        for (int pos = 0; pos < input.length; ) {
            int n = Math.min(input.length - pos, 1 + random.nextInt(100_000));
            decoder.decode(ByteBuffer.wrap(input, pos, n), sink);
            pos += n;
        }
        assertEquals(List.of("frame b NOOP"), sink.events.subList(1, sink.events.size()));
        SpilledLiteral file = sink.kept.get(0).literals().values().iterator().next();
        assertEquals(message.length, file.length());
        assertArrayEquals(message, Files.readAllBytes(file.path()));
        assertTrue(file.containsNul() == containsNul(message));
        if (PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)).length() > 0) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        }
        sink.kept.get(0).release();
        assertEquals(0, filesLeft());
    }

    private static boolean containsNul(byte[] b) {
        for (byte x : b) {
            if (x == 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void closingMidLiteralDeletesItsFile() throws IOException {
        FrameDecoder decoder = spilling(4);
        Sink sink = new Sink();
        decoder.decode(ByteBuffer.wrap(ascii("a APPEND INBOX {100+}\r\n0123456789")), sink);
        assertEquals(1, filesLeft(), "the literal is being written");
        decoder.close();
        assertEquals(0, filesLeft());
        assertTrue(decoder.idle());
    }

    @Test
    void closingAfterASpilledLiteralBeforeTheCommandEndsDeletesIt() throws IOException {
        FrameDecoder decoder = spilling(4);
        Sink sink = new Sink();
        decoder.decode(ByteBuffer.wrap(ascii("a X {10+}\r\n0123456789 {20+}\r\n01")), sink);
        assertEquals(2, filesLeft());
        decoder.close();
        assertEquals(0, filesLeft());
        assertEquals(List.of(), sink.events);
    }

    @Test
    void aLiteralOverTheLiteralBoundIsRefusedBeforeAnyFileOrContinuation() throws IOException {
        FrameDecoder decoder = new FrameDecoder(8192, 1000, 1 << 16, new LiteralSpill(dir, 10));
        assertEquals(List.of("bad a literal too large", "frame b NOOP"),
                decode(decoder, ascii("a APPEND x {1001}\r\nb NOOP\r\n")));
        assertEquals(List.of("bad a literal too large", "frame b NOOP"),
                decode(decoder, ascii("a APPEND x {1001+}\r\n" + "x".repeat(1001) + "\r\nb NOOP\r\n")));
        assertEquals(0, filesLeft());
    }

    @Test
    void spilledLiteralsOfOneCommandTogetherKeepToTheLiteralBound() throws IOException {
        FrameDecoder decoder = new FrameDecoder(8192, 1000, 1 << 16, new LiteralSpill(dir, 10));
        String l600 = "x".repeat(600);
        assertEquals(List.of("bad a command too large", "frame b NOOP"),
                decode(decoder, ascii("a X {600+}\r\n" + l600 + " {600+}\r\n" + l600 + "\r\nb NOOP\r\n")));
        assertEquals(0, filesLeft(), "the first literal's file went with the refused command");
        assertEquals(List.of("frame c X {600+}\r\n" + l600), decode(decoder, ascii("c X {600+}\r\n" + l600 + "\r\n")));
    }

    @Test
    void theFrameBoundCountsWhatStaysInMemoryOnly() throws IOException {
        FrameDecoder decoder = new FrameDecoder(8192, 1 << 20, 120, new LiteralSpill(dir, 50));
        String big = "y".repeat(100_000);
        assertEquals(List.of("frame a APPEND x {100000+}\r\n" + big),
                decode(decoder, ascii("a APPEND x {100000+}\r\n" + big + "\r\n")));
        // small literals count while they stay in memory; the one that would pass 120 goes to a file instead
        String small = "z".repeat(40);
        String three = "b X {40+}\r\n" + small + " {40+}\r\n" + small + " {40+}\r\n" + small;
        assertEquals(List.of("frame " + three), decode(decoder, ascii(three + "\r\n")));
        assertEquals(0, filesLeft());
    }

    @Test
    void smallLiteralsPastTheFrameBoundGoToFilesAndTogetherKeepToTheLiteralBound() throws IOException {
        FrameDecoder decoder = new FrameDecoder(8192, 200, 100, new LiteralSpill(dir, 50));
        String small = "m".repeat(40);
        StringBuilder append = new StringBuilder("a APPEND x");
        for (int i = 0; i < 5; i++) {
            append.append(" {40+}\r\n").append(small);
        }
        Sink sink = new Sink();
        sink.keep = true;
        decoder.decode(ByteBuffer.wrap(ascii(append + "\r\n")), sink);
        assertEquals(List.of("frame " + append), sink.events);
        assertTrue(sink.kept.get(0).literals().size() >= 3, "the messages past the in-memory bound are in files");
        sink.kept.get(0).release();
        assertEquals(0, filesLeft());
        // six of them pass the literal bound (200) in files: refused as one large message would be
        assertEquals(List.of("bad b command too large", "frame c NOOP"),
                decode(decoder, ascii(append.toString().replace("a APPEND", "b APPEND") + " {40+}\r\n" + small
                        + " {40+}\r\n" + small + "\r\nc NOOP\r\n")));
        assertEquals(0, filesLeft());
    }

    @Test
    void beforeLoginNothingGoesToAFileToKeepAFrameSmall() throws IOException {
        // literal bound below the frame bound, as before login: a frame that grows too large is refused, not spilled
        FrameDecoder decoder = new FrameDecoder(8192, 80, 100, new LiteralSpill(dir, 50));
        String small = "z".repeat(40);
        assertEquals(List.of("bad b command too large"),
                decode(decoder, ascii("b X {40+}\r\n" + small + " {40+}\r\n" + small + " {40+}\r\n" + small + "\r\n")));
        assertEquals(0, filesLeft());
    }

    @Test
    void anErrorLaterInTheCommandDeletesItsFiles() throws IOException {
        FrameDecoder decoder = new FrameDecoder(20, 1 << 20, 1 << 16, new LiteralSpill(dir, 4));
        assertEquals(List.of("bad a line too long", "frame b NOOP"),
                decode(decoder, ascii("a X {10+}\r\n0123456789 and then a line far too long\r\nb NOOP\r\n")));
        assertEquals(0, filesLeft());
    }

    @Test
    void resetDeletesTheFilesOfThePartialCommand() throws IOException {
        FrameDecoder decoder = spilling(4);
        decode(decoder, ascii("a X {10+}\r\n0123456789 {10+}\r\n01234"));
        assertEquals(2, filesLeft());
        decoder.reset();
        assertEquals(0, filesLeft());
    }

    @Test
    void aFileThatCannotBeMadeFailsTheCommandBeforeTheContinuation() throws IOException {
        FrameDecoder decoder = new FrameDecoder(8192, 1 << 20, 1 << 16, new LiteralSpill(dir, 4, file -> {
            throw new IOException("No space left on device");
        }));
        assertEquals(List.of("spill failed a", "frame b NOOP"), decode(decoder, ascii("a APPEND x {10}\r\nb NOOP\r\n")));
        assertEquals(List.of("spill failed a", "frame b NOOP"),
                decode(decoder, ascii("a APPEND x {10+}\r\n0123456789\r\nb NOOP\r\n")));
        assertEquals(List.of("frame c X {3+}\r\nabc"), decode(decoder, ascii("c X {3+}\r\nabc\r\n")),
                "small literals need no file");
    }

    @Test
    void aDiskThatFillsMidLiteralFailsTheCommandAndSkipsTheRestOfIt() throws IOException {
        LiteralSpill.Opener fillsUp = file -> new WritableByteChannel() {
            private final FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            private long written;

            @Override
            public int write(ByteBuffer src) throws IOException {
                if (written + src.remaining() > 6) {
                    throw new IOException("No space left on device");
                }
                written += src.remaining();
                return ch.write(src);
            }

            @Override
            public boolean isOpen() {
                return ch.isOpen();
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
        byte[] input = ascii("a APPEND x {10+}\r\n0123456789 {2+}\r\nzz\r\nb NOOP\r\n");
        for (int cut = 0; cut <= input.length; cut++) {
            FrameDecoder decoder = new FrameDecoder(8192, 1 << 20, 1 << 16, new LiteralSpill(dir, 4, fillsUp));
            List<String> events = decode(decoder, input, cut);
            assertEquals(List.of("spill failed a", "frame b NOOP"), events, "split at " + cut);
            assertEquals(0, filesLeft(), "split at " + cut);
        }
    }

    @Test
    void staleFilesAreDeletedAndOthersKept() throws IOException {
        LiteralSpill spill = new LiteralSpill(dir, 4);
        Files.writeString(dir.resolve("literal-old.tmp"), "left by a crash");
        Files.writeString(dir.resolve("notes.txt"), "not ours");
        assertEquals(1, spill.deleteStale());
        assertTrue(Files.exists(dir.resolve("notes.txt")));
        assertFalse(Files.exists(dir.resolve("literal-old.tmp")));
    }

    @Test
    void aReleasedFileCannotBeRetainedAndExtraReleasesDoNothing() throws IOException {
        Sink sink = new Sink();
        sink.keep = true;
        spilling(1).decode(ByteBuffer.wrap(ascii("a X {3+}\r\nabc\r\n")), sink);
        SpilledLiteral file = sink.kept.get(0).literals().values().iterator().next();
        file.retain();
        sink.kept.get(0).release();
        assertTrue(Files.exists(file.path()), "still held");
        file.release();
        assertFalse(Files.exists(file.path()));
        file.release();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, file::retain);
    }
}
