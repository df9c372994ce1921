package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.murder.protocol.testing.RecordingSink;
import org.murder.protocol.wire.FrameDecoder;

/**
 * Deterministic fuzzing (fixed seeds, bounded iterations): the IMAP command parser returns a value for any bytes,
 * never throws, and parses the same frame the same way every time.
 */
class ImapFuzzTest {

    private static final int ITERATIONS = 20_000;

    /** Pieces that steer random input into the corners of the grammar. */
    private static final String[] TOKENS = {
        "A1 ", "a ", " ", "  ", "(", ")", "((", "))", "[", "]", "<", ">", ".", ":", ",", "*", "%", "\"", "\\", "\0",
        "\r", "\n", "\r\n", "{", "}", "{0}\r\n", "{3}\r\n", "{5+}\r\n", "~{2}\r\n", "{99999999999}\r\n", "+", "-",
        "UID ", "FETCH ", "STORE ", "SEARCH ", "COPY ", "MOVE ", "APPEND ", "LIST ", "LSUB ", "STATUS ", "SELECT ",
        "EXAMINE ", "CREATE ", "RENAME ", "LOGIN ", "AUTHENTICATE ", "ID ", "ENABLE ", "SETACL ", "SETQUOTA ",
        "GETQUOTA ", "EXPUNGE", "IDLE", "NOOP", "1:*", "1,2:5", "4294967295", "4294967296", "0", "*:1",
        "BODY.PEEK[", "BODY[", "HEADER.FIELDS (", "HEADER.FIELDS.NOT (", "TEXT", "MIME", "1.2.", "BINARY[", "<0.10>",
        "FLAGS", "+FLAGS.SILENT", "\\Seen", "\\Recent", "$Junk", "(UNCHANGEDSINCE 5)", "(CHANGEDSINCE 7)",
        "NOT ", "OR ", "CHARSET ", "UTF-8 ", "KOI8-R ", "RETURN ", "(MIN COUNT)", "SINCE ", "1-Feb-1994", "32-Jan-1994",
        "\"17-Jul-1996 02:44:25 -0700\"", "HEADER ", "MODSEQ ", "\"/flags/\\\\seen\" all ", "KEYWORD ",
        "(SUBSCRIBED RECURSIVEMATCH)", "RETURN (STATUS (MESSAGES", "SPECIAL-USE", "(USE (\\Sent", "INBOX", "&Jjo-",
        "&", "&-", "&AGE-", "ü", "日本", "\u00ff", "NIL", "CONDSTORE", "=", "dGVzdA==",
    };

    private static final String SPECIALS = "(){}[]<>+-\r\n \"\\0123456789*:,.";

    private static byte[] randomInput(Random random) {
        int parts = random.nextInt(30);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (random.nextInt(4) != 0) {
            out.writeBytes("A1 ".getBytes(StandardCharsets.US_ASCII));
        }
        for (int i = 0; i < parts; i++) {
            if (random.nextInt(5) == 0) {
                byte[] b = new byte[1 + random.nextInt(5)];
                random.nextBytes(b);
                out.writeBytes(b);
            } else {
                out.writeBytes(TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private static List<byte[]> corpus() {
        List<byte[]> frames = new ArrayList<>();
        for (ClientCommandLinesTest.Sample s : ClientCommandLinesTest.samples()) {
            frames.add(s.wire().getBytes(StandardCharsets.UTF_8));
        }
        return frames;
    }

    private static byte[] mutate(byte[] frame, Random random) {
        byte[] b = frame.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(5)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b = Arrays.copyOf(b, at);
                case 2 -> {
                    byte[] token = TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
                    byte[] c = new byte[b.length + token.length];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(token, 0, c, at, token.length);
                    System.arraycopy(b, at, c, at + token.length, b.length - at);
                    b = c;
                }
                case 3 -> {
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
                default -> b[at] = (byte) SPECIALS.charAt(random.nextInt(SPECIALS.length()));
            }
        }
        return b;
    }

    private static void parseBothWays(byte[] input) {
        ImapParseResult first = ImapCommandParser.parse(input, ImapParserContext.DEFAULT);
        assertNotNull(first);
        assertEquals(first, ImapCommandParser.parse(input, ImapParserContext.DEFAULT));
        assertNotNull(ImapCommandParser.parse(input, ImapParserContext.UTF8_ACCEPT));
    }

    @Test
    void randomTokensNeverThrow() {
        Random random = new Random(3501);
        for (int i = 0; i < ITERATIONS; i++) {
            parseBothWays(randomInput(random));
        }
    }

    @Test
    void mutatedClientCommandsNeverThrow() {
        Random random = new Random(7162);
        List<byte[]> corpus = corpus();
        int parsed = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = mutate(corpus.get(random.nextInt(corpus.size())), random);
            parseBothWays(input);
            if (ImapCommandParser.parse(input) instanceof ImapParseResult.Parsed) {
                parsed++;
            }
        }
        assertTrue(parsed > 100, "the mutations should leave some commands valid, got " + parsed);
    }

    @Test
    void randomSearchProgramsNeverThrow() {
        Random random = new Random(4731);
        String[] keys = {"ALL", "SEEN", "UNSEEN", "NOT", "OR", "(", ")", "FROM x", "HEADER a b", "SINCE 1-Feb-1994",
            "UID 1:*", "1,2", "LARGER 5", "MODSEQ 7", "KEYWORD k", "TEXT \"\"", "BODY {1}\r\nx", "\"", "{", "*"};
        for (int i = 0; i < ITERATIONS; i++) {
            StringBuilder program = new StringBuilder("a SEARCH ");
            int n = random.nextInt(40);
            for (int k = 0; k < n; k++) {
                program.append(keys[random.nextInt(keys.length)]);
                if (random.nextInt(4) != 0) {
                    program.append(' ');
                }
            }
            parseBothWays(program.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void framedRandomStreamsNeverThrow() {
        Random random = new Random(7888);
        FrameDecoder decoder = new FrameDecoder(256, 128, 1024);
        RecordingSink sink = new RecordingSink();
        for (int i = 0; i < ITERATIONS / 4; i++) {
            byte[] input = random.nextBoolean() ? randomInput(random)
                    : mutate(corpus().get(random.nextInt(corpus().size())), random);
            decoder.decode(java.nio.ByteBuffer.wrap(input), sink);
            decoder.decode(java.nio.ByteBuffer.wrap(new byte[] {'\r', '\n'}), sink);
        }
        int frames = 0;
        for (byte[] frame : sink.frames()) {
            parseBothWays(frame);
            frames++;
        }
        assertTrue(frames > 1000);
    }

    @Test
    void hugeInputsStayBounded() {
        parseBothWays(("a UID FETCH " + "1,".repeat(200_000) + "1 FLAGS").getBytes(StandardCharsets.US_ASCII));
        parseBothWays(("a FETCH 1 (" + "FLAGS ".repeat(100_000) + ")").getBytes(StandardCharsets.US_ASCII));
        parseBothWays(("a FETCH 1 BODY[" + "1.".repeat(100_000) + "1]").getBytes(StandardCharsets.US_ASCII));
        parseBothWays(("a SEARCH " + "OR ".repeat(100_000)).getBytes(StandardCharsets.US_ASCII));
        parseBothWays(("a LOGIN \"" + "\\\"".repeat(100_000) + "\" x").getBytes(StandardCharsets.US_ASCII));
        parseBothWays(("a SELECT " + "&".repeat(100_000)).getBytes(StandardCharsets.US_ASCII));
        parseBothWays(("a SETQUOTA x (" + "S 1 ".repeat(50_000) + ")").getBytes(StandardCharsets.US_ASCII));
    }
}
