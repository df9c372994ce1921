package org.murder.protocol.lmtp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Records what an {@link LmtpDecoder} reports, as a server would use it: a line that parses to {@code DATA} starts the
 * message at once (as after {@code 354}), chunks of one message are joined into one {@link Body} (so that how
 * the input was cut does not show), and a message that turns out too large loses its body (the server throws the
 * spooled prefix away).
 */
final class LmtpRecorder implements LmtpSink {

    sealed interface Event {
    }

    record Line(String text) implements Event {
    }

    record LineTooLong() implements Event {
    }

    /** A message's text so far; chunks append to it in place (whole messages of any size, in linear time). */
    static final class Body implements Event {
        private final StringBuilder text;

        Body(String text) {
            this.text = new StringBuilder(text);
        }

        String text() {
            return text.toString();
        }

        int length() {
            return text.length();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Body b && text.compareTo(b.text) == 0;
        }

        @Override
        public int hashCode() {
            return text.toString().hashCode();
        }

        @Override
        public String toString() {
            return "Body[text=" + text + "]";
        }
    }

    record End(long size) implements Event {
    }

    record TooLarge(long size) implements Event {
    }

    final List<Event> events = new ArrayList<>();
    private final LmtpDecoder decoder;
    /** The most message octets handed out for one message: never more than the bound. */
    long largestBody;
    /** The largest single chunk: the decoder's buffer is fixed. */
    int largestChunk;
    private long currentBody;

    LmtpRecorder(LmtpDecoder decoder) {
        this.decoder = decoder;
    }

    LmtpDecoder decoder() {
        return decoder;
    }

    @Override
    public void commandLine(String line) {
        events.add(new Line(line));
        if (LmtpCommandParser.parse(line) instanceof LmtpParseResult.Parsed p && p.command() instanceof LmtpCommand.Data) {
            decoder.startData();
        }
    }

    @Override
    public void lineTooLong() {
        events.add(new LineTooLong());
    }

    @Override
    public void messageChunk(byte[] bytes, int offset, int length) {
        if (length <= 0) {
            throw new AssertionError("empty chunk");
        }
        largestChunk = Math.max(largestChunk, length);
        currentBody += length;
        largestBody = Math.max(largestBody, currentBody);
        String text = new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        if (!events.isEmpty() && events.get(events.size() - 1) instanceof Body b) {
            b.text.append(text);
        } else {
            events.add(new Body(text));
        }
    }

    @Override
    public void messageEnd(long size) {
        if (size != currentBody) {
            throw new AssertionError("end says " + size + " octets, chunks gave " + currentBody);
        }
        currentBody = 0;
        events.add(new End(size));
    }

    @Override
    public void messageTooLarge(long size) {
        currentBody = 0;
        if (!events.isEmpty() && events.get(events.size() - 1) instanceof Body) {
            events.remove(events.size() - 1);
        }
        events.add(new TooLarge(size));
    }

    static List<Event> decodeWhole(Supplier<LmtpDecoder> decoders, byte[] input) {
        LmtpDecoder decoder = decoders.get();
        LmtpRecorder sink = new LmtpRecorder(decoder);
        decoder.decode(ByteBuffer.wrap(input), sink);
        return sink.events;
    }

    static List<Event> decodeSplit(Supplier<LmtpDecoder> decoders, byte[] input, int offset) {
        LmtpDecoder decoder = decoders.get();
        LmtpRecorder sink = new LmtpRecorder(decoder);
        decoder.decode(ByteBuffer.wrap(input, 0, offset), sink);
        decoder.decode(ByteBuffer.wrap(input, offset, input.length - offset), sink);
        return sink.events;
    }

    static List<Event> decodeBytewise(Supplier<LmtpDecoder> decoders, byte[] input) {
        LmtpDecoder decoder = decoders.get();
        LmtpRecorder sink = new LmtpRecorder(decoder);
        for (byte b : input) {
            decoder.decode(ByteBuffer.wrap(new byte[] {b}), sink);
        }
        return sink.events;
    }

    static Line line(String text) {
        return new Line(text);
    }

    static Body body(String text) {
        return new Body(text);
    }

    static End end(long size) {
        return new End(size);
    }

    static TooLarge tooLarge(long size) {
        return new TooLarge(size);
    }

    static LineTooLong tooLong() {
        return new LineTooLong();
    }
}
