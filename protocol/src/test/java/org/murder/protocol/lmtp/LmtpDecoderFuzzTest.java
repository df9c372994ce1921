package org.murder.protocol.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;

import org.murder.protocol.lmtp.LmtpRecorder.Body;
import org.murder.protocol.lmtp.LmtpRecorder.End;
import org.murder.protocol.lmtp.LmtpRecorder.Event;
import org.murder.protocol.lmtp.LmtpRecorder.Line;
import org.murder.protocol.lmtp.LmtpRecorder.TooLarge;
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
        List<Event> events = WithinTime.call(() -> {
            LmtpRecorder whole = decode(bounds, List.of(ByteBuffer.wrap(input)));
            LmtpRecorder cut = decode(bounds, FuzzInputs.chunks(input, chunking));
            assertEquals(settled(whole), settled(cut), "events depend on how the input was cut");
            long bodies = 0;
            for (LmtpRecorder r : List.of(whole, cut)) {
                assertTrue(r.largestBody <= bounds.maxMessageSize(), "chunks past the message bound");
                assertTrue(r.largestChunk <= MAX_CHUNK, "chunk of " + r.largestChunk);
            }
            for (Event e : whole.events) {
                if (e instanceof Line line) {
                    assertTrue(line.text().length() <= bounds.maxLineOctets() - 2, "line past the bound");
                    FuzzChecks.proportional(LmtpCommandParser.parse(line.text()), line.text().length());
                } else if (e instanceof Body body) {
                    bodies += body.length();
                }
            }
            assertTrue(bodies <= 2L * input.length, "CRLF for every line end at most doubles the input");
            assertTrue(whole.events.size() <= input.length + 1, "more events than input bytes");

            // in step again: a message end and a line end, whatever state the input left
            whole.decoder().decode(ByteBuffer.wrap("\r\n.\r\n\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII)), whole);
            assertEquals(LmtpRecorder.line("QUIT"), whole.events.get(whole.events.size() - 1));
            assertTrue(whole.decoder().idle());
            return whole.events;
        });
        Statistics.label("a message").collect(events.stream().anyMatch(e -> e instanceof End) ? "ended"
                : events.stream().anyMatch(e -> e instanceof TooLarge) ? "too large" : "none");
    }

    private static LmtpRecorder decode(Bounds bounds, List<ByteBuffer> pieces) {
        LmtpRecorder recorder = new LmtpRecorder(bounds.decoder());
        for (ByteBuffer piece : pieces) {
            recorder.decoder().decode(piece, recorder);
            assertEquals(0, piece.remaining(), "decode must consume its whole buffer unless paused");
        }
        return recorder;
    }

    /**
     * The events that no later input changes: the body of a message still open is left out, since how much of a
     * too-large one went out before its end depends on the cut (only the end says to throw it away).
     */
    private static List<Event> settled(LmtpRecorder r) {
        List<Event> events = r.events;
        if (r.decoder().inData() && !events.isEmpty() && events.get(events.size() - 1) instanceof Body) {
            return events.subList(0, events.size() - 1);
        }
        return events;
    }
}
