package org.murder.protocol.imap.client;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Gathers a reader's events into whole {@link ImapResponse}s for {@code sink}. Holds one response at a time, no
 * more than the reader's {@link ImapResponseLimits#maxResponseSize()}, which must therefore stay below 2 GB:
 * fine for status responses, LIST, SEARCH and FETCH of flags or headers, not for relaying message bodies.
 */
public final class ImapResponseCollector implements ImapResponseListener {

    private final Consumer<ImapResponse> sink;
    private final ByteArrayOutputStream raw = new ByteArrayOutputStream(256);
    private final List<ImapResponse.Literal> literals = new ArrayList<>();
    private ImapResponseHead head;

    public ImapResponseCollector(Consumer<ImapResponse> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void responseStart(ImapResponseHead head) {
        this.head = head;
        raw.reset();
        literals.clear();
    }

    @Override
    public void lineBytes(ByteBuffer line) {
        append(line);
    }

    @Override
    public void literalStart(long size, boolean binary) {
        // within maxResponseSize, which for a collector is below 2 GB
        literals.add(new ImapResponse.Literal(raw.size(), (int) size, binary));
    }

    @Override
    public void literalChunk(ByteBuffer chunk) {
        append(chunk);
    }

    @Override
    public void responseEnd() {
        sink.accept(new ImapResponse(head, raw.toByteArray(), literals));
        head = null;
    }

    private void append(ByteBuffer b) {
        byte[] copy = new byte[b.remaining()];
        b.get(copy);
        raw.writeBytes(copy);
    }
}
