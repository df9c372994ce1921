package org.murder.protocol.imap.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

import org.murder.protocol.testing.FuzzChecks;
import org.murder.protocol.testing.FuzzInputs;
import org.murder.protocol.testing.WithinTime;

/**
 * Fuzz target: raw messages through {@link MessageStructure#parse}, as delivery runs it. Malformed MIME is read
 * leniently, never rejected: nothing throws, offsets stay inside the message, nesting stops at
 * {@link StructureParser#MAX_DEPTH} (a small stack survives any input), BODYSTRUCTURE is proportional to the
 * message and the stored form reads back the same.
 */
@Tag("fuzz")
class StructureParserFuzzTest {

    /** Entity headers that open one more level (%1$d: the level): an encapsulated message, a multipart, a digest. */
    private static final List<String> OPENERS = List.of("Content-Type: message/rfc822\r\n\r\n",
            "Content-Type: multipart/mixed; boundary=m%1$d\r\n\r\n--m%1$d\r\n",
            "Content-Type: multipart/digest; boundary=d%1$d\r\n\r\n--d%1$d\r\n\r\n");

    /**
     * BODYSTRUCTURE per message byte, at most: IMAP spells out every part in full, so a four-byte digest part
     * ({@code --d LF}, an empty message/rfc822) takes 176 characters (44 per byte); parts and depth are bounded, so it
     * stays linear.
     */
    private static final int BODYSTRUCTURE_EXPANSION = 64;

    @Provide
    Arbitrary<byte[]> messages() {
        return Arbitraries.frequencyOf(
                Tuple.of(7, FuzzInputs.inputs("mime", 256 * 1024, "messages")),
                Tuple.of(2, Arbitraries.randomValue(MessageStructureFuzzTest::generate)),
                Tuple.of(1, nested()));
    }

    /** Entities opening entities around the bound; mutations reach it too, but rarely in a short run. */
    private static Arbitrary<byte[]> nested() {
        return Combinators.combine(Arbitraries.of(OPENERS).list().ofMinSize(1).ofMaxSize(3),
                Arbitraries.integers().between(0, 3 * StructureParser.MAX_DEPTH)).as((openers, depth) -> {
                    StringBuilder m = new StringBuilder();
                    for (int i = 0; i < depth; i++) {
                        m.append(String.format(openers.get(i % openers.size()), i));
                    }
                    return m.append("Subject: innermost\r\n\r\nbody\r\n").toString().getBytes(StandardCharsets.US_ASCII);
                });
    }

    @Property
    void anyMessageParsesWithinItsBounds(@ForAll("messages") byte[] raw) {
        int depth = WithinTime.call(() -> {
            MessageStructure s = Corpus.parse(raw);
            StructureInvariants.check(s, raw);
            FuzzChecks.proportional(s.bodyStructure(), raw.length, BODYSTRUCTURE_EXPANSION);
            assertEquals(s, MessageStructure.deserialize(s.serialize()), "the stored form reads back");
            int d = StructureInvariants.depth(s.root());
            assertTrue(d <= StructureParser.MAX_DEPTH + 1, "nested " + d + " deep");
            return d;
        });
        Statistics.label("depth").collect(depth > StructureParser.MAX_DEPTH ? "at the bound" : "within")
                .coverage(c -> c.check("at the bound").count(n -> n > 0));
    }
}
