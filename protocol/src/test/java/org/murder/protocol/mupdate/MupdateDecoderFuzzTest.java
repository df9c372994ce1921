package org.murder.protocol.mupdate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;

import org.murder.protocol.testing.FuzzChecks;
import org.murder.protocol.testing.FuzzChecks.FrameBounds;
import org.murder.protocol.testing.FuzzInputs;
import org.murder.protocol.testing.WithinTime;

/**
 * Fuzz targets: both directions of MUPDATE through the framer. The server's command parser returns a value for
 * every frame; the client's response parser returns one or throws its {@link MupdateProtocolException}, nothing
 * else. Both in bounded time and memory, whatever the input and however it is cut.
 */
@Tag("fuzz")
class MupdateDecoderFuzzTest {

    /** {@code MupdateClient}'s framer: a master's answers to a LIST can be large. */
    private static final FrameBounds CLIENT = new FrameBounds(1 << 20, 64 << 20, 64 << 20);

    @Provide
    Arbitrary<byte[]> commands() {
        return FuzzInputs.inputs("mupdate-command", 64 * 1024);
    }

    @Provide
    Arbitrary<byte[]> responses() {
        return FuzzInputs.inputs("mupdate-response", 64 * 1024);
    }

    @Provide
    Arbitrary<FrameBounds> serverBounds() {
        return Arbitraries.of(FrameBounds.SERVER, FrameBounds.TIGHT);
    }

    @Provide
    Arbitrary<FrameBounds> clientBounds() {
        return Arbitraries.of(CLIENT, FrameBounds.TIGHT);
    }

    @Property
    void everyCommandFrameParsesToAValue(@ForAll("commands") byte[] input, @ForAll("serverBounds") FrameBounds bounds,
                                         @ForAll long chunking) {
        int parsed = WithinTime.call(() -> {
            int n = 0;
            for (byte[] frame : FuzzChecks.frames(input, bounds, chunking)) {
                ParseResult result = MupdateCommandParser.parse(frame);
                assertEquals(result, MupdateCommandParser.parse(frame), "parsing is a function");
                FuzzChecks.proportional(result, frame.length);
                if (result instanceof ParseResult.Malformed m) {
                    assertFalse(m.message().isEmpty(), "a BAD needs a reason");
                } else {
                    n++;
                }
            }
            return n;
        });
        Statistics.label("commands parsed").collect(parsed > 0);
    }

    @Property
    void everyResponseFrameParsesOrThrowsTheProtocolException(@ForAll("responses") byte[] input,
                                                              @ForAll("clientBounds") FrameBounds bounds,
                                                              @ForAll long chunking) {
        int parsed = WithinTime.call(() -> {
            int n = 0;
            for (byte[] frame : FuzzChecks.frames(input, bounds, chunking)) {
                try {
                    FuzzChecks.proportional(MupdateResponseParser.parse(frame), frame.length);
                    n++;
                } catch (MupdateProtocolException expected) {
                    assertFalse(expected.getMessage().isEmpty());
                }
            }
            return n;
        });
        Statistics.label("responses parsed").collect(parsed > 0);
    }
}
