package org.murder.protocol.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.murder.protocol.wire.FrameDecoder;
import org.murder.protocol.wire.FrameSink;

/** Records every decoder event in order, so that two decodings can be compared as plain lists. */
public final class RecordingSink implements FrameSink {

    public sealed interface Event {
    }

    public record Frame(String text) implements Event {
        public byte[] bytes() {
            return text.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    public record Continuation() implements Event {
    }

    public record TooLarge(String tag, String reason) implements Event {
    }

    public final List<Event> events = new ArrayList<>();

    @Override
    public void frame(byte[] frame) {
        events.add(new Frame(new String(frame, StandardCharsets.ISO_8859_1)));
    }

    @Override
    public void continuationRequested() {
        events.add(new Continuation());
    }

    @Override
    public void frameTooLarge(String tagOrNull, String reason) {
        events.add(new TooLarge(tagOrNull, reason));
    }

    public List<byte[]> frames() {
        return events.stream().filter(e -> e instanceof Frame).map(e -> ((Frame) e).bytes()).toList();
    }

    /** Decodes {@code input} in one call. */
    public static List<Event> decodeWhole(FrameDecoder decoder, byte[] input) {
        RecordingSink sink = new RecordingSink();
        decoder.decode(ByteBuffer.wrap(input), sink);
        return sink.events;
    }

    /** Decodes {@code input} in two calls, split at {@code offset}. */
    public static List<Event> decodeSplit(FrameDecoder decoder, byte[] input, int offset) {
        RecordingSink sink = new RecordingSink();
        decoder.decode(ByteBuffer.wrap(input, 0, offset), sink);
        decoder.decode(ByteBuffer.wrap(input, offset, input.length - offset), sink);
        return sink.events;
    }

    /** Decodes {@code input} one byte per call. */
    public static List<Event> decodeBytewise(FrameDecoder decoder, byte[] input) {
        RecordingSink sink = new RecordingSink();
        for (byte b : input) {
            decoder.decode(ByteBuffer.wrap(new byte[] {b}), sink);
        }
        return sink.events;
    }

    public static Frame frame(String text) {
        return new Frame(text);
    }

    public static TooLarge tooLarge(String tag, String reason) {
        return new TooLarge(tag, reason);
    }

    public static Continuation continuation() {
        return new Continuation();
    }
}
