package org.murder.protocol.imap.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.ImapCommandParser;
import org.murder.protocol.imap.ImapParseResult;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.testing.FuzzChecks;
import org.murder.protocol.testing.FuzzChecks.FrameBounds;
import org.murder.protocol.testing.RecordingSink;
import org.murder.protocol.testing.WithinTime;

/**
 * Hazard: a SEARCH program nested deeper than the parser's recursion can go (parentheses, NOT chains, OR chains,
 * and their mixtures) must be a tagged BAD, never a {@link StackOverflowError} on the connection's thread. Frames
 * come through a framer with lines long enough for 10,000 levels (the server's default line bound alone would
 * refuse most of them) and are parsed on a small stack ({@link WithinTime}).
 */
class SearchNestingLimitTest {

    private static final int HOSTILE = 10_000;
    private static final FrameBounds LONG_LINES = new FrameBounds(1 << 20, 1 << 16, 1 << 20);

    private static ImapParseResult parse(String program) {
        byte[] wire = ("t1 UID SEARCH " + program + "\r\n").getBytes(StandardCharsets.US_ASCII);
        List<byte[]> frames = FuzzChecks.frames(wire, LONG_LINES, 1);
        assertEquals(1, frames.size(), "one command");
        return WithinTime.call(() -> ImapCommandParser.parse(frames.get(0)));
    }

    private static void refused(String program) {
        ImapParseResult r = parse(program);
        ImapParseResult.Malformed bad = assertInstanceOf(ImapParseResult.Malformed.class, r);
        assertEquals(Optional.of("t1"), bad.tag(), "the BAD is tagged");
        assertEquals(SearchKeyParser.TOO_DEEP, bad.message());
    }

    private static void accepted(String program) {
        assertInstanceOf(ImapCommand.Search.class, assertInstanceOf(ImapParseResult.Parsed.class, parse(program)).command());
    }

    @Test
    void parenthesesTenThousandDeep() {
        refused("(".repeat(HOSTILE) + "SEEN" + ")".repeat(HOSTILE));
        refused("(".repeat(HOSTILE)); // unbalanced as well: depth is refused first
    }

    @Test
    void notChainTenThousandLong() {
        refused("NOT ".repeat(HOSTILE) + "SEEN");
    }

    @Test
    void orChainsTenThousandLongOnEitherSide() {
        refused("OR ".repeat(HOSTILE) + "SEEN" + " SEEN".repeat(HOSTILE));
        refused("OR SEEN ".repeat(HOSTILE) + "SEEN");
    }

    @Test
    void mixedNesting() {
        refused("NOT (OR SEEN (".repeat(HOSTILE / 4) + "SEEN");
    }

    @Test
    void withTheServersLineBoundTheFramerRefusesFirst() {
        byte[] wire = ("t1 SEARCH " + "NOT ".repeat(HOSTILE) + "SEEN\r\n").getBytes(StandardCharsets.US_ASCII);
        RecordingSink sink = new RecordingSink();
        FrameBounds.SERVER.decoder().decode(ByteBuffer.wrap(wire), sink);
        assertEquals(List.of(RecordingSink.tooLarge("t1", "line too long")), sink.events);
    }

    @Test
    void theBoundItselfIsAcceptedOneMoreIsNot() {
        int inside = SearchKeyParser.MAX_DEPTH - 1;
        accepted("NOT ".repeat(inside) + "SEEN");
        accepted("(".repeat(inside) + "SEEN" + ")".repeat(inside));
        accepted("OR ".repeat(inside) + "SEEN" + " SEEN".repeat(inside));
        refused("NOT ".repeat(inside + 1) + "SEEN");
        refused("(".repeat(inside + 1) + "SEEN" + ")".repeat(inside + 1));
    }

    @Test
    void manyKeysSideBySideAreNotNesting() {
        accepted("(SEEN) ".repeat(HOSTILE) + "SEEN");
        accepted("NOT SEEN ".repeat(HOSTILE) + "SEEN");
    }
}
