package org.murder.connector.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.murder.protocol.wire.FrameDecoder;
import org.murder.protocol.wire.FrameSink;
import org.murder.protocol.wire.SpilledFrame;

/**
 * The decoder of IMAP-like protocols (MUPDATE, IMAP): command lines with literals, as byte[] frames — or, with a
 * literal spill, {@link SpilledFrame}s whose large literals are in files, and {@link SpillFailed} when such a file
 * could not be written.
 */
public final class FrameInputDecoder implements InputDecoder {

    /** A command given up because its literal could not be written to a file: the server's trouble, answered NO. */
    public record SpillFailed(String tag, String reason) {
    }

    private final FrameDecoder frames;
    private final byte[] continuation;
    private final Object raiseSignal;
    private final int raisedLiteral;
    private final int raisedFrame;

    public FrameInputDecoder(FrameDecoder frames, byte[] continuation) {
        this(frames, continuation, null, 0, 0);
    }

    /** A decoder whose bounds rise to the given ones when the endpoint sends {@code raiseSignal}. */
    public FrameInputDecoder(FrameDecoder frames, byte[] continuation, Object raiseSignal, int raisedLiteral, int raisedFrame) {
        this.frames = frames;
        this.continuation = continuation;
        this.raiseSignal = raiseSignal;
        this.raisedLiteral = raisedLiteral;
        this.raisedFrame = raisedFrame;
    }

    /** What turns on LITERAL- (RFC 7888 §5): non-synchronizing literals up to 4096 octets only. */
    private Object literalMinusSignal;

    /** The signal that makes this decoder refuse non-synchronizing literals over 4096 octets from then on. */
    public FrameInputDecoder literalMinus(Object signal) {
        this.literalMinusSignal = signal;
        return this;
    }

    /** RFC 7888 §5: LITERAL- allows non-synchronizing literals of at most this many octets. */
    public static final long LITERAL_MINUS_LIMIT = 4096;

    @Override
    public void signal(Object signal) {
        if (literalMinusSignal != null && literalMinusSignal.equals(signal)) {
            frames.nonSynchronizingLimit(LITERAL_MINUS_LIMIT);
            return;
        }
        if (raiseSignal == null || !raiseSignal.equals(signal)) {
            InputDecoder.super.signal(signal);
        }
        frames.limits(raisedLiteral, raisedFrame);
    }

    @Override
    public void close() {
        frames.close();
    }

    @Override
    public void decode(ByteBuffer in, Sink sink) {
        frames.decode(in, new FrameSink() {
            @Override
            public void frame(byte[] frame) {
                sink.item(frame);
            }

            @Override
            public void frame(SpilledFrame frame) {
                sink.item(frame);
            }

            @Override
            public void spillFailed(String tagOrNull, String reason) {
                sink.item(new SpillFailed(tagOrNull == null ? "" : tagOrNull, reason));
            }

            @Override
            public void continuationRequested() {
                sink.writeNow(continuation);
            }

            @Override
            public void frameTooLarge(String tagOrNull, String reason) {
                sink.bad(tagOrNull == null ? "" : tagOrNull, reason);
            }
        });
    }

    /** A frame read as a continuation line (a SASL response, IDLE's DONE). */
    public static String line(Object item) {
        return item instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : null;
    }
}
