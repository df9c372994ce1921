package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.murder.protocol.imap.client.EncodedCommand;
import org.murder.protocol.imap.client.ImapCommandEncoder;
import org.murder.protocol.imap.client.ImapEncoding;
import org.murder.protocol.imap.command.Catenate;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.ImapCommand.Append;
import org.murder.protocol.imap.command.MessageLiteral;
import org.murder.protocol.wire.FrameDecoder;
import org.murder.protocol.wire.FrameSink;
import org.murder.protocol.wire.LiteralSpill;
import org.murder.protocol.wire.SpilledFrame;

/** APPEND of a literal the decoder wrote to a file: parsed as a file-backed message, encoded again byte for byte. */
class SpilledAppendTest {

    @TempDir
    Path dir;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Decodes {@code input} with a spill of {@code threshold}; returns the one frame, spilled. */
    private SpilledFrame decodeOne(byte[] input, int threshold) throws IOException {
        FrameDecoder decoder = new FrameDecoder(8192, 1 << 24, 1 << 16, new LiteralSpill(dir, threshold));
        List<Object> frames = new ArrayList<>();
        decoder.decode(ByteBuffer.wrap(input), new FrameSink() {
            @Override
            public void frame(byte[] frame) {
                frames.add(frame);
            }

            @Override
            public void frame(SpilledFrame frame) {
                frames.add(frame);
            }

            @Override
            public void continuationRequested() {
            }

            @Override
            public void frameTooLarge(String tagOrNull, String reason) {
                frames.add(reason);
            }
        });
        assertEquals(1, frames.size(), frames::toString);
        return assertInstanceOf(SpilledFrame.class, frames.get(0));
    }

    private static byte[] message(int size) {
        byte[] m = new byte[size];
        new Random(size).nextBytes(m);
        for (int i = 0; i < m.length; i++) {
            m[i] = m[i] == 0 ? (byte) 'x' : m[i];
        }
        return m;
    }

    private static byte[] appendOf(byte[] message, String literal) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii("a1 APPEND INBOX (\\Seen) \"06-Dec-2026 10:00:00 +0000\" " + literal.replace("N",
                Integer.toString(message.length)) + "\r\n"));
        out.writeBytes(message);
        out.writeBytes(ascii("\r\n"));
        return out.toByteArray();
    }

    @Test
    void theParserGivesAFileBackedMessage() throws IOException {
        byte[] message = message(200_000);
        SpilledFrame frame = decodeOne(appendOf(message, "{N+}"), 64 * 1024);
        Append append = (Append) ImapTesting.parsed(frame);
        MessageLiteral.InFile file = assertInstanceOf(MessageLiteral.InFile.class, ImapTesting.message(append));
        assertEquals(message.length, file.length());
        assertEquals(List.of("\\Seen"), ImapTesting.only(append).flags());
        assertTrue(ImapTesting.only(append).internalDate().isPresent());
        try (InputStream in = file.openStream()) {
            assertArrayEquals(message, in.readAllBytes());
        }
        assertEquals(false, file.containsNul());
        frame.release();
        assertTrue(file.spilled().released());
    }

    @Test
    void aBinaryLiteralKeepsItsNulsAndItsKind() throws IOException {
        byte[] message = new byte[100];
        message[50] = 0;
        java.util.Arrays.fill(message, 0, 50, (byte) 'a');
        SpilledFrame frame = decodeOne(appendOf(message, "~{N+}"), 10);
        MessageLiteral m = ImapTesting.message((Append) ImapTesting.parsed(frame));
        assertTrue(m.binary());
        assertTrue(m.containsNul());
        assertArrayEquals(message, m.toByteArray());
        frame.release();
    }

    @Test
    void aStringThatLargeIsRefused() throws IOException {
        SpilledFrame frame = decodeOne(ascii("a1 CREATE {20+}\r\n" + "x".repeat(20) + "\r\n"), 10);
        ImapParseResult r = ImapCommandParser.parse(frame, ImapParserContext.DEFAULT);
        assertEquals(new ImapParseResult.Malformed(Optional.of("a1"), ImapSyntaxException.STRING_TOO_LONG), r);
        frame.release();
    }

    @Test
    void theEncoderWritesAFileBackedMessageAsItWritesTheSameBytesInMemory() throws IOException {
        byte[] message = message(300_000);
        SpilledFrame frame = decodeOne(appendOf(message, "{N}"), 1000);
        Append fromFile = (Append) ImapTesting.parsed(frame);
        Append inMemory = new Append(fromFile.tag(), fromFile.mailbox(), ImapTesting.only(fromFile).flags(), ImapTesting.only(fromFile).internalDate(),
                MessageLiteral.of(message, false));
        for (ImapEncoding encoding : List.of(ImapEncoding.RFC3501, ImapEncoding.forCapabilities(List.of("LITERAL+")))) {
            EncodedCommand a = ImapCommandEncoder.encode(fromFile, "P1", encoding);
            EncodedCommand b = ImapCommandEncoder.encode(inMemory, "P1", encoding);
            assertArrayEquals(b.toByteArray(), a.toByteArray());
            assertEquals(b.parts().stream().map(EncodedCommand.Part::awaitContinuation).toList(),
                    a.parts().stream().map(EncodedCommand.Part::awaitContinuation).toList(), "waits at the same places");
            EncodedCommand.FileRegion region = (EncodedCommand.FileRegion) a.parts().stream()
                    .filter(p -> p instanceof EncodedCommand.FileRegion).findFirst().orElseThrow();
            assertEquals(new EncodedCommand.FileRegion(ImapTesting.message(fromFile).file().orElseThrow().path(), 0, message.length),
                    region, "the message is streamed from its file, not read");
        }
        frame.release();
    }

    @Test
    void whatTheEncoderSendsDecodesToTheSameCommand() throws IOException {
        byte[] message = message(70_000);
        SpilledFrame first = decodeOne(appendOf(message, "{N+}"), 1000);
        ImapCommand command = ImapTesting.parsed(first);
        byte[] wire = ImapCommandEncoder.encode(command, "a1", ImapEncoding.forCapabilities(List.of("LITERAL+")))
                .toByteArray();
        SpilledFrame again = decodeOne(wire, 1000);
        Append back = (Append) ImapTesting.parsed(again);
        assertArrayEquals(message, ImapTesting.message(back).toByteArray());
        assertEquals(ImapTesting.only((Append) command).flags(), ImapTesting.only(back).flags());
        first.release();
        again.release();
    }

    @Test
    void everyMessageOfAMultiAppendMayBeInAFile() throws IOException {
        String big = "x".repeat(3000);
        SpilledFrame frame = decodeOne(ascii("a APPEND x (\\Seen) {3000+}\r\n" + big + " {2+}\r\nhi CATENATE (TEXT {3000+}\r\n"
                + big + " URL ;UID=7)\r\n"), 1000);
        Append append = (Append) ImapTesting.parsed(frame);
        assertEquals(2, append.files().size(), "the message and the TEXT part, each in its file");
        assertInstanceOf(MessageLiteral.InFile.class, append.messages().get(0).data());
        assertEquals(MessageLiteral.of(ascii("hi"), false), append.messages().get(1).data());
        Catenate catenate = (Catenate) append.messages().get(2).data();
        assertEquals(3000, ((Catenate.Text) catenate.parts().get(0)).text().length());
        assertEquals(new Catenate.Url(";UID=7"), catenate.parts().get(1));
        frame.release();
        assertTrue(append.files().stream().allMatch(org.murder.protocol.wire.SpilledLiteral::released));
    }

    @Test
    void aMultiAppendOfFilesIsStreamedFromEachFile() throws IOException {
        byte[] one = message(90_000);
        byte[] two = message(80_000);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(ascii("a1 APPEND INBOX {" + one.length + "+}\r\n"));
        wire.writeBytes(one);
        wire.writeBytes(ascii(" CATENATE (URL \";UID=1\" TEXT {" + two.length + "+}\r\n"));
        wire.writeBytes(two);
        wire.writeBytes(ascii(")\r\n"));
        SpilledFrame frame = decodeOne(wire.toByteArray(), 1000);
        Append append = (Append) ImapTesting.parsed(frame);
        assertEquals(2, append.files().size());
        for (ImapEncoding encoding : List.of(ImapEncoding.RFC3501, ImapEncoding.forCapabilities(List.of("LITERAL+")))) {
            EncodedCommand encoded = ImapCommandEncoder.encode(append, "P2", encoding);
            assertEquals(append.files().stream().map(f -> new EncodedCommand.FileRegion(f.path(), 0, f.length())).toList(),
                    encoded.parts().stream().filter(p -> p instanceof EncodedCommand.FileRegion).toList(),
                    "both messages are streamed from their files");
            SpilledFrame again = decodeOne(encoded.toByteArray(), 1000);
            Append back = (Append) ImapTesting.parsed(again);
            assertArrayEquals(one, ((MessageLiteral) back.messages().get(0).data()).toByteArray());
            assertEquals(append.messages().get(1).data().getClass(), back.messages().get(1).data().getClass());
            again.release();
        }
        frame.release();
    }
}
