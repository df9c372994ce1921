package org.murder.protocol.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;

import org.murder.protocol.wire.FrameDecoder;

/** Properties shared by the fuzz targets: framing as the transport does it, and output proportional to input. */
public final class FuzzChecks {

    /** Per input byte, how much bigger a decoded value's {@code toString()} may be (record names and punctuation). */
    private static final int EXPANSION = 16;
    /** ... plus this much, whatever the input (the smallest command's value still has a name). */
    private static final int OVERHEAD = 1024;

    /** A {@link FrameDecoder}'s three bounds. */
    public record FrameBounds(int maxLineLength, int maxLiteralSize, int maxFrameSize) {

        /** The transport's defaults for IMAP and MUPDATE listeners ({@code ListenerActivationSpec}). */
        public static final FrameBounds SERVER = new FrameBounds(8192, 64 * 1024, 256 * 1024);
        /** Small enough that mutated seeds run into every bound. */
        public static final FrameBounds TIGHT = new FrameBounds(64, 32, 256);

        public FrameDecoder decoder() {
            return new FrameDecoder(maxLineLength, maxLiteralSize, maxFrameSize);
        }
    }

    private FuzzChecks() {
    }

    /**
     * The frames of {@code input}, after checking that cutting it into pieces ({@link FuzzInputs#chunks}) gives the
     * same events as feeding it whole, that each decode call consumed its whole buffer, that no frame is larger than
     * the bound, and that the frames hold no more bytes than the input.
     */
    public static List<byte[]> frames(byte[] input, FrameBounds bounds, long chunking) {
        RecordingSink whole = new RecordingSink();
        feed(bounds.decoder(), List.of(ByteBuffer.wrap(input)), whole);
        RecordingSink cut = new RecordingSink();
        feed(bounds.decoder(), FuzzInputs.chunks(input, chunking), cut);
        assertEquals(whole.events, cut.events, "events depend on how the input was cut");
        List<byte[]> frames = whole.frames();
        long total = 0;
        for (byte[] frame : frames) {
            assertTrue(frame.length <= bounds.maxFrameSize(), () -> "frame of " + frame.length + " bytes");
            total += frame.length;
        }
        assertTrue(total <= input.length, "frames hold more bytes than the input");
        return frames;
    }

    private static void feed(FrameDecoder decoder, List<ByteBuffer> pieces, RecordingSink sink) {
        for (ByteBuffer piece : pieces) {
            decoder.decode(piece, sink);
            assertEquals(0, piece.remaining(), "decode must consume its whole buffer");
        }
    }

    /** A decoded value is no more than proportional to the bytes it came from. */
    public static void proportional(Object value, int inputLength) {
        proportional(value, inputLength, EXPANSION);
    }

    /** ... at most {@code expansion} chars per input byte, plus a constant. */
    public static void proportional(Object value, int inputLength, int expansion) {
        long size = String.valueOf(value).length();
        assertTrue(size <= (long) expansion * inputLength + OVERHEAD,
                () -> "a value of " + size + " chars from " + inputLength + " bytes: " + abbreviate(value));
    }

    private static String abbreviate(Object value) {
        String s = String.valueOf(value);
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
