package org.murder.protocol.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.murder.protocol.lmtp.LmtpCaptures.ClientPart;
import org.murder.protocol.lmtp.LmtpCaptures.Command;
import org.murder.protocol.testing.Transcripts.Connection;
import org.murder.protocol.testing.Transcripts.Direction;

/**
 * Deterministic fuzzing (fixed seeds, bounded iterations): nothing may throw but the one documented exception
 * per API, the decoder must give the same events however the input is cut, and whatever the parser accepts
 * must survive encoding.
 */
class LmtpFuzzTest {

    private static final int ITERATIONS = 20_000;

    /** Pieces that steer random input into the corners of the grammar. */
    private static final String[] TOKENS = {
        "\r", "\n", "\r\n", ".", "..", "\r\n.\r\n", ".\r\n", "\r\n.", " ", "  ", "\0", "\t", "<", ">", "<>", "@", ":",
        ",", "\"", "\\", "+", "=", "[", "]", "DATA\r\n", "data\n", "LHLO x\r\n", "MAIL FROM:", "RCPT TO:", "mail from:",
        "AUTH", "PLAIN", "QUIT", "RSET", "NOOP", "VRFY", "STARTTLS", "HELO", "EHLO", "SIZE=", "BODY=8BITMIME",
        "AUTH=<>", "RET=FULL", "ENVID=", "IGNOREQUOTA", "alice", "example.org", "[192.0.2.1]", "[IPv6:::1]", "+2B",
        "\u00e9", "\u00ff", "\u0131", "x".repeat(40), "250", "250-", "550 5.1.1 ", "2.1.5",
    };

    private static String randomText(Random random) {
        int parts = random.nextInt(24);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts; i++) {
            if (random.nextInt(4) == 0) {
                for (int k = 1 + random.nextInt(6); k > 0; k--) {
                    sb.append((char) random.nextInt(256));
                }
            } else {
                sb.append(TOKENS[random.nextInt(TOKENS.length)]);
            }
        }
        return sb.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<String> captured(Direction direction) {
        List<String> lines = new ArrayList<>();
        for (Connection c : LmtpCaptures.all()) {
            if (direction == Direction.SERVER) {
                lines.addAll(c.lines(Direction.SERVER));
            } else {
                for (ClientPart part : LmtpCaptures.clientParts(c)) {
                    if (part instanceof Command command) {
                        lines.add(command.line());
                    }
                }
            }
        }
        return lines;
    }

    private static String mutate(String line, Random random) {
        StringBuilder b = new StringBuilder(line);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && b.length() > 0; e++) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(4)) {
                case 0 -> b.setCharAt(at, (char) random.nextInt(256));
                case 1 -> b.setLength(at);
                case 2 -> b.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
                default -> b.setCharAt(at, "<>@:\"\\=+ .[]-0123456789".charAt(random.nextInt(23)));
            }
        }
        return b.toString();
    }

    @Test
    void decoderNeverThrowsAndIsChunkingIndependent() {
        Random random = new Random(2033_0001);
        for (int i = 0; i < ITERATIONS; i++) {
            // ended so that an open message ends: until then, how much of a too-large message's prefix went
            // out as chunks depends on the cut, and only its end says to throw it away
            byte[] input = bytes(randomText(random) + "\r\n.\r\n");
            List<LmtpRecorder.Event> whole = LmtpRecorder.decodeWhole(() -> new LmtpDecoder(16, 32), input);
            int split = random.nextInt(input.length + 1);
            assertEquals(whole, LmtpRecorder.decodeSplit(() -> new LmtpDecoder(16, 32), input, split),
                    () -> "split at " + split + " of " + Arrays.toString(input));
            if (i % 10 == 0) {
                assertEquals(whole, LmtpRecorder.decodeBytewise(() -> new LmtpDecoder(16, 32), input));
            }
        }
    }

    @Test
    void decoderSurvivesALongRandomStreamAndComesBackInStep() {
        Random random = new Random(7);
        LmtpDecoder decoder = new LmtpDecoder(64, 256);
        LmtpRecorder sink = new LmtpRecorder(decoder);
        for (int i = 0; i < ITERATIONS; i++) {
            decoder.decode(ByteBuffer.wrap(bytes(randomText(random))), sink);
        }
        // whatever state it is in, a message end and a line end bring it back to commands
        decoder.decode(ByteBuffer.wrap(bytes("\r\n.\r\n\r\nQUIT\r\n")), sink);
        assertEquals(LmtpRecorder.line("QUIT"), sink.events.get(sink.events.size() - 1));
        assertTrue(decoder.idle());
    }

    @Test
    void parserNeverThrowsAndWhatItAcceptsSurvivesEncoding() {
        Random random = new Random(5321);
        List<String> lines = captured(Direction.CLIENT);
        int accepted = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            for (String line : List.of(randomText(random), mutate(lines.get(random.nextInt(lines.size())), random))) {
                LmtpParseResult result = LmtpCommandParser.parse(line);
                assertNotNull(result);
                if (result instanceof LmtpParseResult.Parsed p) {
                    accepted++;
                    String encoded = LmtpCommandEncoder.line(p.command());
                    assertEquals(result, LmtpCommandParser.parse(encoded), () -> line + " -> " + encoded);
                    if (p.command() instanceof LmtpCommand.Rcpt rcpt) {
                        assertNotNull(Recipient.of(rcpt.to().address(), RecipientRules.CYRUS_DEFAULTS));
                        assertNotNull(Recipient.of(rcpt.to().address(),
                                new RecipientRules("bb", true, true, java.util.Optional.of("example.org"))));
                    }
                } else {
                    LmtpParseResult.Malformed m = (LmtpParseResult.Malformed) result;
                    assertEquals(1, LmtpRepliesTest.readReplies(LmtpReplies.malformed(m), 0).size());
                }
            }
        }
        assertTrue(accepted > 1000, "accepted " + accepted);
    }

    @Test
    void replyParserThrowsOnlyItsProtocolException() {
        Random random = new Random(2034);
        List<String> lines = captured(Direction.SERVER);
        int rejected = 0;
        LmtpReplyParser parser = new LmtpReplyParser();
        for (int i = 0; i < ITERATIONS; i++) {
            for (String line : List.of(randomText(random), mutate(lines.get(random.nextInt(lines.size())), random))) {
                try {
                    parser.line(line).ifPresent(reply -> {
                        byte[] wire = LmtpReplies.encode(reply);
                        assertEquals(1, LmtpRepliesTest.readReplies(wire, 0).size());
                    });
                } catch (LmtpProtocolException expected) {
                    rejected++;
                }
            }
        }
        assertTrue(rejected > 0);
    }

    @Test
    void stuffedRandomMessagesComeBackWhateverTheCut() throws Exception {
        Random random = new Random(2920);
        for (int i = 0; i < ITERATIONS / 4; i++) {
            byte[] message = bytes(randomText(random));
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            try (DotStuffingOutputStream out = new DotStuffingOutputStream(wire)) {
                out.write(message);
            }
            byte[] stream = wire.toByteArray();
            int cut = random.nextInt(stream.length + 1);
            List<LmtpRecorder.Event> events = LmtpRecorder.decodeSplit(() -> {
                LmtpDecoder d = new LmtpDecoder(Long.MAX_VALUE);
                d.startData();
                return d;
            }, stream, cut);
            LmtpRecorder.Event last = events.get(events.size() - 1);
            assertTrue(last instanceof LmtpRecorder.End, () -> events.toString());
        }
    }
}
