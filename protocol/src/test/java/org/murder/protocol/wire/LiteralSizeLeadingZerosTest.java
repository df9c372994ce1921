package org.murder.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.murder.protocol.testing.RecordingSink.decodeSplit;
import static org.murder.protocol.testing.RecordingSink.decodeWhole;
import static org.murder.protocol.testing.RecordingSink.frame;
import static org.murder.protocol.testing.RecordingSink.tooLarge;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.ImapCommandParser;
import org.murder.protocol.imap.ImapParseResult;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.mupdate.MupdateCommand;
import org.murder.protocol.mupdate.MupdateCommandParser;
import org.murder.protocol.mupdate.ParseResult;
import org.murder.protocol.testing.RecordingSink;
import org.murder.protocol.testing.RecordingSink.Event;

/**
 * Hazard: literal smuggling through leading zeros. {@code number} is {@code 1*DIGIT} (RFC 3501 §9), so
 * {@code {00000000000000000005+}} announces 5 bytes, however many zeros lead. The framer must skip those 5 bytes as
 * a literal whether it keeps the line or discards it (line too long): read as a command line instead, they would be
 * a command the client never sent; taken for an absurd size, a non-synchronizing literal would swallow the
 * connection's input for good.
 */
class LiteralSizeLeadingZerosTest {

    private static final String ZEROS = "0".repeat(40);

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void decodesEverywhereAs(FrameDecoderFactory decoders, String input, List<Event> expected) {
        byte[] bytes = ascii(input);
        assertEquals(expected, decodeWhole(decoders.create(), bytes));
        for (int cut = 0; cut <= bytes.length; cut++) {
            assertEquals(expected, decodeSplit(decoders.create(), bytes, cut), "cut at " + cut);
        }
    }

    private interface FrameDecoderFactory {
        FrameDecoder create();
    }

    @Test
    void aZeroPaddedLiteralIsALiteralInAKeptLine() {
        decodesEverywhereAs(() -> new FrameDecoder(128, 32, 256),
                "a1 APPEND x {" + ZEROS + "5+}\r\nHELLO\r\na2 NOOP\r\n",
                List.of(frame("a1 APPEND x {" + ZEROS + "5+}\r\nHELLO"), frame("a2 NOOP")));
    }

    @Test
    void aZeroPaddedLiteralIsSkippedWithADiscardedLine() {
        decodesEverywhereAs(() -> new FrameDecoder(64, 32, 256),
                "a1 APPEND x " + "y".repeat(100) + " {" + ZEROS + "5+}\r\nHELLO\r\na2 NOOP\r\n",
                List.of(tooLarge("a1", "line too long"), frame("a2 NOOP")));
    }

    @Test
    void theLineBoundFallingInsideTheZerosStillSeesTheLiteral() {
        decodesEverywhereAs(() -> new FrameDecoder(64, 32, 256),
                "a1 APPEND x {" + "0".repeat(200) + "12+}\r\nHELLO\r\nHELLO\r\na2 NOOP\r\n",
                List.of(tooLarge("a1", "line too long"), frame("a2 NOOP")));
    }

    /** Found by the differential fuzz property: an absurd size was skipped in a kept line, not in a discarded one. */
    @Test
    void anAbsurdSizeSwallowsTheRestWhetherTheLineIsKeptOrNot() {
        String absurd = "{" + "9".repeat(22) + "+}\r\nNOT A COMMAND\r\n";
        decodesEverywhereAs(() -> new FrameDecoder(128, 32, 256), "a1 APPEND x " + absurd,
                List.of(tooLarge("a1", "literal too large")));
        decodesEverywhereAs(() -> new FrameDecoder(64, 32, 256), "a1 APPEND x " + "y".repeat(100) + absurd,
                List.of(tooLarge("a1", "line too long")));
    }

    @Test
    void theCommandParserReadsTheSameSize() {
        byte[] frame = ((RecordingSink.Frame) decodeWhole(new FrameDecoder(128, 32, 256),
                ascii("a1 APPEND x {" + ZEROS + "5+}\r\nHELLO\r\n")).get(0)).bytes();
        ImapCommand.Append append = (ImapCommand.Append) ((ImapParseResult.Parsed) ImapCommandParser.parse(frame)).command();
        assertEquals("HELLO", new String(org.murder.protocol.imap.ImapTesting.message(append).toByteArray(), StandardCharsets.US_ASCII));
    }

    @Test
    void theMupdateParserReadsTheSameSize() {
        byte[] frame = ((RecordingSink.Frame) decodeWhole(new FrameDecoder(128, 32, 256),
                ascii("X1 FIND {" + ZEROS + "8+}\r\nuser.bob\r\n")).get(0)).bytes();
        assertEquals(new ParseResult.Parsed(new MupdateCommand.Find("X1", "user.bob")),
                MupdateCommandParser.parse(frame));
    }

    @Test
    void aZeroPaddedSizeIsStillBoundByItsValue() {
        decodesEverywhereAs(() -> new FrameDecoder(128, 4, 256),
                "a1 APPEND x {" + ZEROS + "5+}\r\nHELLO\r\na2 NOOP\r\n",
                List.of(tooLarge("a1", "literal too large"), frame("a2 NOOP")));
    }
}
