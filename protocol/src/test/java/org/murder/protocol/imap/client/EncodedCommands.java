package org.murder.protocol.imap.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.murder.protocol.imap.ImapParserContext;
import org.murder.protocol.imap.ImapTesting;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.testing.RecordingSink;
import org.murder.protocol.wire.FrameDecoder;

/** Sends encoded commands part by part through the server's own framer and parser, as a backend would read them. */
final class EncodedCommands {

    private EncodedCommands() {
    }

    /**
     * Encodes, checks that the server's framer asks for a continuation exactly where a part waits for one and
     * sees one command, and parses that command back.
     */
    static ImapCommand roundTrip(ImapCommand command, String tag, ImapEncoding encoding) {
        EncodedCommand encoded = ImapCommandEncoder.encode(command, tag, encoding);
        FrameDecoder decoder = new FrameDecoder(1 << 16, 1 << 24, 1 << 25);
        RecordingSink sink = new RecordingSink();
        for (EncodedCommand.Part part : encoded.parts()) {
            int before = sink.events.size();
            decoder.decode(wire(part), sink);
            List<RecordingSink.Event> added = sink.events.subList(before, sink.events.size());
            if (part.awaitContinuation()) {
                assertEquals(List.of(RecordingSink.continuation()), added, "a waiting part ends in {n}CRLF");
            } else {
                assertTrue(added.stream().noneMatch(e -> e instanceof RecordingSink.Continuation),
                        "no synchronizing literal inside a part that does not wait: " + added);
            }
        }
        List<byte[]> frames = sink.frames();
        assertEquals(1, frames.size(), "exactly one command on the wire");
        assertTrue(decoder.idle(), "nothing left over after the command");
        ImapParserContext ctx = encoding.utf8Accept() ? ImapParserContext.UTF8_ACCEPT : ImapParserContext.DEFAULT;
        return ImapTesting.parsed(frames.get(0), ctx);
    }

    static ImapCommand roundTrip(ImapCommand command, ImapEncoding encoding) {
        return roundTrip(command, command.tag(), encoding);
    }

    static String text(EncodedCommand encoded) {
        return new String(encoded.toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** What a part puts on the wire (a file region read from its file). */
    static java.nio.ByteBuffer wire(EncodedCommand.Part part) {
        if (part instanceof EncodedCommand.Bytes b) {
            return b.bytes();
        }
        EncodedCommand.FileRegion r = (EncodedCommand.FileRegion) part;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(r.file())) {
            java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(Math.toIntExact(r.length()));
            while (out.hasRemaining() && ch.read(out, r.offset() + out.position()) >= 0) {
                // reads until full
            }
            return out.flip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
