package org.murder.connector.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.murder.protocol.wire.FrameDecoder;
import org.murder.protocol.wire.FrameSink;

/** The decoder of IMAP-like protocols (MUPDATE, IMAP): command lines with literals, as byte[] frames. */
public final class FrameInputDecoder implements InputDecoder {

    private final FrameDecoder frames;
    private final byte[] continuation;

    public FrameInputDecoder(FrameDecoder frames, byte[] continuation) {
        this.frames = frames;
        this.continuation = continuation;
    }

    @Override
    public void decode(ByteBuffer in, Sink sink) {
        frames.decode(in, new FrameSink() {
            @Override
            public void frame(byte[] frame) {
                sink.item(frame);
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
