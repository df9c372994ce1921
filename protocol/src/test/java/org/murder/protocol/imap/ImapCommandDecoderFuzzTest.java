package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import org.murder.protocol.imap.search.SearchKeyParser;
import org.murder.protocol.testing.FuzzChecks;
import org.murder.protocol.testing.FuzzChecks.FrameBounds;
import org.murder.protocol.testing.FuzzInputs;
import org.murder.protocol.testing.ReferenceFramer;
import org.murder.protocol.testing.WithinTime;

/**
 * Fuzz target: client bytes through the framer and the command parser, as the IMAP listener runs them. Whatever
 * arrives, in whatever pieces, each frame parses to a value (a command, or the reason for BAD or NO) in bounded
 * time and memory; nothing throws, nothing overflows the stack (deep SEARCH nesting is a BAD). See the module
 * README for the long run.
 */
@Tag("fuzz")
class ImapCommandDecoderFuzzTest {

    /** Where NOT, OR and parentheses open, so that a deep program is a few hundred bytes. */
    private static final List<String> OPENERS = List.of("NOT ", "(", "OR ", "NOT (", "OR SEEN ", "OR (", "((NOT ");
    private static final List<String> KEYS = List.of("SEEN", "ALL", "FROM x", "UID 1:*", "1,2", "HEADER a b",
            "SINCE 1-Feb-1994", "BODY {1}\r\nx", "MODSEQ 7", ")", "\"", "(", "NOT", "OR");

    @Provide
    Arbitrary<byte[]> clientBytes() {
        return Arbitraries.frequencyOf(
                Tuple.of(9, FuzzInputs.inputs("imap-command", 64 * 1024)),
                Tuple.of(1, searchPrograms()));
    }

    /**
     * SEARCH programs from the grammar, nested around the bound: a run of openers, then keys. Mutating seeds
     * reaches the bound too, but rarely in a short run.
     */
    private static Arbitrary<byte[]> searchPrograms() {
        return Combinators.combine(
                Arbitraries.of(OPENERS).list().ofMinSize(1).ofMaxSize(3),
                Arbitraries.integers().between(0, 3 * SearchKeyParser.MAX_DEPTH),
                Arbitraries.of(KEYS).list().ofMaxSize(8)).as((openers, depth, keys) -> {
                    StringBuilder program = new StringBuilder("a UID SEARCH ");
                    for (int i = 0; i < depth; i++) {
                        program.append(openers.get(i % openers.size()));
                    }
                    program.append(String.join(" ", keys)).append(")".repeat(depth)).append("\r\n");
                    return program.toString().getBytes(StandardCharsets.UTF_8);
                });
    }

    @Provide
    Arbitrary<FrameBounds> bounds() {
        return Arbitraries.of(FrameBounds.SERVER, FrameBounds.TIGHT);
    }

    @Property
    void everyFrameParsesToAValue(@ForAll("clientBytes") byte[] input, @ForAll("bounds") FrameBounds bounds,
                                  @ForAll long chunking) {
        Outcome outcome = WithinTime.call(() -> {
            Outcome most = Outcome.NO_FRAME;
            for (byte[] frame : FuzzChecks.frames(input, bounds, chunking)) {
                ImapParseResult result = ImapCommandParser.parse(frame, ImapParserContext.DEFAULT);
                assertEquals(result, ImapCommandParser.parse(frame, ImapParserContext.DEFAULT), "parsing is a function");
                ImapCommandParser.parse(frame, ImapParserContext.UTF8_ACCEPT);
                FuzzChecks.proportional(result, frame.length);
                Outcome o = outcome(result);
                most = o.ordinal() > most.ordinal() ? o : most;
            }
            return most;
        });
        Statistics.label("most interesting frame").collect(outcome)
                .coverage(c -> c.check(Outcome.SEARCH_TOO_DEEP).count(n -> n > 0));
    }

    /** Bounds a 64 KiB input reaches with a literal's announced size only, or with a line too. */
    private static final FrameBounds NO_FRAME_BOUND = new FrameBounds(1 << 20, 1 << 20, 1 << 30);
    private static final FrameBounds SHORT_LINES = new FrameBounds(64, 1 << 20, 1 << 30);

    @Provide
    Arbitrary<FrameBounds> lineAndLiteralBounds() {
        return Arbitraries.of(NO_FRAME_BOUND, SHORT_LINES);
    }

    /**
     * Differential: the framer cuts the stream where the grammar alone says ({@link ReferenceFramer}), leading zeros,
     * bare LFs, empty and refused literals included: a frame boundary in the wrong place is a literal read as commands.
     */
    @Property
    void framesAreWhereTheGrammarPutsThem(@ForAll("clientBytes") byte[] input,
                                          @ForAll("lineAndLiteralBounds") FrameBounds bounds, @ForAll long chunking) {
        WithinTime.run(() -> {
            List<String> frames = FuzzChecks.frames(input, bounds, chunking).stream()
                    .map(f -> new String(f, StandardCharsets.ISO_8859_1)).toList();
            assertEquals(ReferenceFramer.frames(input, bounds.maxLineLength(), bounds.maxLiteralSize()), frames);
        });
    }

    /** What a try reached, least interesting first. */
    private enum Outcome { NO_FRAME, BAD_OR_NO, PARSED, SEARCH_TOO_DEEP }

    private static Outcome outcome(ImapParseResult result) {
        if (result instanceof ImapParseResult.Parsed) {
            return Outcome.PARSED;
        }
        String message = result instanceof ImapParseResult.Malformed m ? m.message() : ((ImapParseResult.Refused) result).message();
        assertFalse(message.isEmpty(), "a BAD needs a reason");
        return message.equals(SearchKeyParser.TOO_DEEP) ? Outcome.SEARCH_TOO_DEEP : Outcome.BAD_OR_NO;
    }
}
