package org.murder.protocol.imap.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;

import org.murder.protocol.testing.FuzzInputs;
import org.murder.protocol.testing.WithinTime;

/**
 * Fuzz target: a backend's bytes through the frontend's response reader. The only exception is
 * {@link ImapResponseException}; until it, the bytes passed on are exactly a prefix of what arrived (a relay
 * forwards nothing the backend did not send), events come in the documented order, no line and no response passes
 * its bound, and neither the responses nor the failure depend on how the input was cut.
 */
@Tag("fuzz")
class ImapResponseReaderFuzzTest {

    /** Small enough that mutated seeds run into every bound. */
    private static final ImapResponseLimits TIGHT = new ImapResponseLimits(48, 16, 2, 160);

    @Provide
    Arbitrary<byte[]> serverBytes() {
        return FuzzInputs.inputs("imap-response", 64 * 1024);
    }

    @Provide
    Arbitrary<ImapResponseLimits> limits() {
        return Arbitraries.of(ImapResponseReaderTest.ROOMY, TIGHT);
    }

    @Property
    void relaysExactlyWhatArrivedOrFailsWithTheProtocolException(@ForAll("serverBytes") byte[] input,
                                                                 @ForAll("limits") ImapResponseLimits limits,
                                                                 @ForAll long chunking) {
        Optional<String> failure = WithinTime.call(() -> {
            Relay whole = read(limits, List.of(ByteBuffer.wrap(input)));
            Relay cut = read(limits, FuzzInputs.chunks(input, chunking));
            assertEquals(whole.failure, cut.failure, "the failure depends on how the input was cut");
            assertArrayEquals(whole.relayed.toByteArray(), cut.relayed.toByteArray(), "relayed bytes depend on the cut");
            assertEquals(whole.responses, cut.responses, "responses depend on the cut");
            byte[] relayed = whole.relayed.toByteArray();
            assertArrayEquals(Arrays.copyOf(input, relayed.length), relayed, "relayed bytes are not what arrived");
            if (whole.failure.isEmpty()) {
                // what is held back is at most one unfinished line
                assertTrue(input.length - relayed.length <= limits.maxLineLength() + 1L, "held back more than a line");
            }
            return whole.failure;
        });
        Statistics.label("outcome").collect(failure.orElse("read"));
    }

    private static Relay read(ImapResponseLimits limits, List<ByteBuffer> pieces) {
        Relay relay = new Relay(limits);
        ImapResponseReader reader = new ImapResponseReader(limits, relay);
        for (ByteBuffer piece : pieces) {
            try {
                reader.feed(piece);
            } catch (ImapResponseException e) {
                assertNotNull(e.getMessage());
                relay.failure = Optional.of(e.getMessage());
                return relay;
            }
            assertEquals(0, piece.remaining(), "feed must consume its whole buffer");
        }
        return relay;
    }

    /** A relay that checks the event order and bounds as events come and keeps every byte it is given. */
    private static final class Relay implements ImapResponseListener {

        private final ImapResponseLimits limits;
        final ByteArrayOutputStream relayed = new ByteArrayOutputStream();
        /** Per complete response: its head and size, to compare two readings. */
        final List<String> responses = new ArrayList<>();
        Optional<String> failure = Optional.empty();
        private ImapResponseHead head;
        private long responseSize;
        private int literals;
        private long literalLeft;

        Relay(ImapResponseLimits limits) {
            this.limits = limits;
        }

        @Override
        public void responseStart(ImapResponseHead head) {
            assertTrue(this.head == null, "a response started inside another");
            this.head = head;
        }

        @Override
        public void lineBytes(ByteBuffer line) {
            assertNotNull(head, "a line outside a response");
            assertEquals(0, literalLeft, "a line inside a literal");
            assertTrue(line.remaining() <= limits.maxLineLength() + 2, "line past the bound");
            take(line);
        }

        @Override
        public void literalStart(long size, boolean binary) {
            assertNotNull(head, "a literal outside a response");
            assertTrue(size <= limits.maxLiteralSize() && ++literals <= limits.maxLiterals(), "literal past the bound");
            literalLeft = size;
        }

        @Override
        public void literalChunk(ByteBuffer chunk) {
            assertTrue(chunk.remaining() > 0 && chunk.remaining() <= literalLeft, "chunk beyond its literal");
            literalLeft -= chunk.remaining();
            take(chunk);
        }

        @Override
        public void responseEnd() {
            assertNotNull(head, "an end outside a response");
            assertEquals(0, literalLeft, "the response ended inside a literal");
            responses.add(head + " " + responseSize);
            head = null;
            responseSize = 0;
            literals = 0;
        }

        private void take(ByteBuffer bytes) {
            assertTrue(bytes.isReadOnly(), "a listener must not be able to change the reader's buffer");
            responseSize += bytes.remaining();
            assertTrue(responseSize <= limits.maxResponseSize(), "response past the bound");
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            relayed.writeBytes(copy);
        }
    }
}
