package org.murder.protocol.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;

import org.murder.protocol.testing.FuzzChecks;
import org.murder.protocol.testing.FuzzInputs;
import org.murder.protocol.testing.WithinTime;

/**
 * Fuzz target: client bytes through the LMTP decoder and the command parser, as the LMTP listener runs them (a
 * line that parses to DATA starts a message, as after {@code 354}). Nothing throws; lines and message chunks stay
 * within their bounds, a message's end reports what its chunks gave, the events do not depend on how the input was
 * cut, and whatever came before, a message end and a line end bring the decoder back to commands.
 */
@Tag("fuzz")
class LmtpDecoderFuzzTest {

    /** A decoder's two bounds. */
    record Bounds(int maxLineOctets, long maxMessageSize) {
        LmtpDecoder decoder() {
            return new LmtpDecoder(maxLineOctets, maxMessageSize);
        }
    }

    /** The decoder's fixed chunk buffer: no chunk is larger. */
    private static final int MAX_CHUNK = 8192;

    @Provide
    Arbitrary<byte[]> clientBytes() {
        return FuzzInputs.inputs("lmtp", 64 * 1024);
    }

    @Provide
    Arbitrary<Bounds> bounds() {
        return Arbitraries.of(new Bounds(LmtpDecoder.DEFAULT_MAX_LINE_OCTETS, Long.MAX_VALUE), new Bounds(16, 32));
    }

    @Property
    void linesParseAndMessagesStayBounded(@ForAll("clientBytes") byte[] input, @ForAll("bounds") Bounds bounds,
                                          @ForAll long chunking) {
        List<Object> events = WithinTime.call(() -> {
            Recorder whole = decode(bounds, List.of(ByteBuffer.wrap(input)));
            Recorder cut = decode(bounds, FuzzInputs.chunks(input, chunking));
            assertEquals(whole.events, cut.events, "events depend on how the input was cut");
            long lines = whole.events.stream().filter(e -> e instanceof Line).count();
            assertTrue(whole.chunkBytes <= 2L * input.length, "CRLF for every line end at most doubles the input");
            assertTrue(whole.events.size() <= lines + input.length, "more events than input bytes");

            // in step again: a message end and a line end, whatever state the input left
            whole.decoder.decode(ByteBuffer.wrap("\r\n.\r\n\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII)), whole);
            assertEquals(new Line("QUIT"), whole.events.get(whole.events.size() - 1));
            assertTrue(whole.decoder.idle());
            return whole.events;
        });
        Statistics.label("a message").collect(events.stream().anyMatch(e -> e instanceof End) ? "ended"
                : events.stream().anyMatch(e -> e instanceof TooLarge) ? "too large" : "none");
    }

    private static Recorder decode(Bounds bounds, List<ByteBuffer> pieces) {
        Recorder recorder = new Recorder(bounds);
        for (ByteBuffer piece : pieces) {
            recorder.decoder.decode(piece, recorder);
            assertEquals(0, piece.remaining(), "decode must consume its whole buffer unless paused");
        }
        return recorder;
    }

    record Line(String text) {
    }

    record LineTooLong() {
    }

    /** A message's size and the CRC of its bytes: cheap to compare, whatever the size. */
    record End(long size, long crc) {
    }

    record TooLarge(long size) {
    }

    /** Checks each event as it comes and keeps what must not depend on the cut. */
    private static final class Recorder implements LmtpSink {

        final Bounds bounds;
        final LmtpDecoder decoder;
        final List<Object> events = new ArrayList<>();
        private final CRC32 crc = new CRC32();
        private long messageBytes;
        long chunkBytes;

        Recorder(Bounds bounds) {
            this.bounds = bounds;
            this.decoder = bounds.decoder();
        }

        @Override
        public void commandLine(String line) {
            assertTrue(line.length() <= bounds.maxLineOctets() - 2, "line past the bound");
            events.add(new Line(line));
            LmtpParseResult result = LmtpCommandParser.parse(line);
            FuzzChecks.proportional(result, line.length());
            if (result instanceof LmtpParseResult.Parsed p && p.command() instanceof LmtpCommand.Data) {
                decoder.startData();
            }
        }

        @Override
        public void lineTooLong() {
            events.add(new LineTooLong());
        }

        @Override
        public void messageChunk(byte[] bytes, int offset, int length) {
            assertTrue(length > 0 && length <= MAX_CHUNK, "chunk of " + length);
            messageBytes += length;
            chunkBytes += length;
            assertTrue(messageBytes <= bounds.maxMessageSize(), "chunks past the message bound");
            crc.update(bytes, offset, length);
        }

        @Override
        public void messageEnd(long size) {
            assertEquals(messageBytes, size, "the end's size is what the chunks gave");
            events.add(new End(size, crc.getValue()));
            messageBytes = 0;
            crc.reset();
        }

        @Override
        public void messageTooLarge(long size) {
            assertTrue(size > bounds.maxMessageSize());
            events.add(new TooLarge(size));
            messageBytes = 0;
            crc.reset();
        }
    }
}
