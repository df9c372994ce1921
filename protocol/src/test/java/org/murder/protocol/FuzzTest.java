package org.murder.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;

import org.junit.jupiter.api.Test;
import org.murder.protocol.mupdate.MupdateCommandParser;
import org.murder.protocol.mupdate.MupdateProtocolException;
import org.murder.protocol.mupdate.MupdateResponseParser;
import org.murder.protocol.sasl.Base64Lines;
import org.murder.protocol.sasl.SaslMechanisms;
import org.murder.protocol.sasl.ScramKeys;
import org.murder.protocol.testing.RecordingSink;
import org.murder.protocol.testing.Transcripts;
import org.murder.protocol.testing.Transcripts.Connection;
import org.murder.protocol.testing.Transcripts.Direction;
import org.murder.protocol.wire.FrameDecoder;

/**
 * Deterministic fuzzing (fixed seeds, bounded iterations): nothing may throw except the one documented
 * exception per API, and the framer must give the same events however the input is chunked.
 */
class FuzzTest {

    private static final int ITERATIONS = 20_000;

    /** Pieces that steer random input into the interesting corners of the grammar. */
    private static final String[] TOKENS = {
        "{", "}", "+}", "{0}", "{3}", "{5+}", "{99999999999}", "\r", "\n", "\r\n", " ", "\"", "\\", "\0", "*", "+ ",
        "A01", "X1", "U01", "ACTIVATE", "activate", "RESERVE", "DEACTIVATE", "DELETE", "FIND", "LIST", "UPDATE", "NOOP",
        "LOGOUT", "STARTTLS", "COMPRESS", "AUTHENTICATE", "PLAIN", "MAILBOX", "OK", "NO", "BAD", "BYE", "MUPDATE", "!",
        "user.alice", "127.0.0.11!default", "\t", "ü", "日", "\u00ff", "(", ")", "%", "=",
    };

    private static byte[] randomInput(Random random) {
        int parts = random.nextInt(24);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < parts; i++) {
            if (random.nextInt(3) == 0) {
                byte[] b = new byte[1 + random.nextInt(6)];
                random.nextBytes(b);
                out.writeBytes(b);
            } else {
                out.writeBytes(TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private static List<byte[]> captureFrames() {
        List<byte[]> frames = new ArrayList<>();
        for (Connection c : Transcripts.mupdate()) {
            for (Direction d : Direction.values()) {
                frames.addAll(c.frames(d));
            }
        }
        return frames;
    }

    private static byte[] mutate(byte[] frame, Random random) {
        byte[] b = frame.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(4)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b = java.util.Arrays.copyOf(b, at);
                case 2 -> {
                    byte[] token = TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
                    byte[] c = new byte[b.length + token.length];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(token, 0, c, at, token.length);
                    System.arraycopy(b, at, c, at + token.length, b.length - at);
                    b = c;
                }
                default -> b[at] = (byte) "{}+\r\n \"\\0123456789".charAt(random.nextInt(18));
            }
        }
        return b;
    }

    @Test
    void framerNeverThrowsAndIsChunkingIndependent() {
        Random random = new Random(20_260_001);
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = randomInput(random);
            List<RecordingSink.Event> whole = RecordingSink.decodeWhole(new FrameDecoder(24, 16, 48), input);
            int split = input.length == 0 ? 0 : random.nextInt(input.length + 1);
            assertEquals(whole, RecordingSink.decodeSplit(new FrameDecoder(24, 16, 48), input, split),
                    () -> "split at " + split + " of " + new String(input, StandardCharsets.ISO_8859_1));
            if (i % 10 == 0) {
                assertEquals(whole, RecordingSink.decodeBytewise(new FrameDecoder(24, 16, 48), input));
            }
        }
    }

    @Test
    void framerSurvivesALongRandomStreamInRandomChunks() {
        Random random = new Random(7);
        FrameDecoder decoder = new FrameDecoder(64, 32, 256);
        RecordingSink sink = new RecordingSink();
        for (int i = 0; i < ITERATIONS; i++) {
            decoder.decode(ByteBuffer.wrap(randomInput(random)), sink);
        }
        decoder.decode(ByteBuffer.wrap("\r\n\r\nZ9 NOOP\r\n".getBytes(StandardCharsets.US_ASCII)), sink);
        assertNotNull(sink.events);
    }

    @Test
    void commandParserNeverThrows() {
        Random random = new Random(3656);
        List<byte[]> frames = captureFrames();
        for (int i = 0; i < ITERATIONS; i++) {
            assertNotNull(MupdateCommandParser.parse(randomInput(random)));
            assertNotNull(MupdateCommandParser.parse(mutate(frames.get(random.nextInt(frames.size())), random)));
        }
    }

    @Test
    void responseParserThrowsOnlyItsProtocolException() {
        Random random = new Random(4616);
        List<byte[]> frames = captureFrames();
        int rejected = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            for (byte[] input : List.of(randomInput(random), mutate(frames.get(random.nextInt(frames.size())), random))) {
                try {
                    assertNotNull(MupdateResponseParser.parse(input));
                } catch (MupdateProtocolException expected) {
                    rejected++;
                }
            }
        }
        assertEquals(true, rejected > 0);
    }

    @Test
    void saslServersThrowOnlySaslExceptions() {
        Random random = new Random(4422);
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = randomInput(random);
            String line = new String(input, StandardCharsets.ISO_8859_1);
            try {
                Base64Lines.decode(line);
            } catch (SaslException expected) {
                // the documented failure
            }
            for (String mechanism : SaslMechanisms.supported()) {
                SaslServer server = SaslMechanisms.server(mechanism, (u, p) -> false,
                        (u, h) -> Optional.of(ScramKeys.derive(h, "pw".toCharArray(), new byte[] {1}, 1))).orElseThrow();
                try {
                    server.evaluateResponse(input);
                    server.evaluateResponse(input);
                    server.evaluateResponse(input);
                } catch (SaslException expected) {
                    // the documented failure
                }
            }
        }
    }
}
