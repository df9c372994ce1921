package org.murder.proxy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.murder.protocol.imap.client.ImapResponse;
import org.murder.protocol.imap.client.ImapResponseCollector;
import org.murder.protocol.imap.client.ImapResponseHead;

/**
 * Gathers a command's untagged responses whole, for a frontend that answers from them itself (LSUB from the INBOX
 * backend's subscriptions) instead of relaying; at most {@code maxResponses} are kept, the rest dropped.
 */
public final class CollectingReply implements BackendReply {

    private final int maxResponses;
    private final BiConsumer<List<ImapResponse>, Optional<ImapResponse>> done;
    private final List<ImapResponse> responses = new ArrayList<>();
    private final ImapResponseCollector collector = new ImapResponseCollector(this::add);

    /** @param done the responses, and the tagged one (empty when the backend could not answer at all) */
    public CollectingReply(int maxResponses, BiConsumer<List<ImapResponse>, Optional<ImapResponse>> done) {
        this.maxResponses = maxResponses;
        this.done = done;
    }

    private void add(ImapResponse r) {
        if (responses.size() < maxResponses) {
            responses.add(r);
        }
    }

    @Override
    public void untagged(ImapResponseHead head) {
        collector.responseStart(head);
    }

    @Override
    public void bytes(ByteBuffer bytes) {
        collector.lineBytes(bytes);
    }

    @Override
    public void literalStart(long size, boolean binary) {
        collector.literalStart(size, binary);
    }

    @Override
    public void untaggedEnd() {
        collector.responseEnd();
    }

    @Override
    public void tagged(ImapResponse response) {
        done.accept(List.copyOf(responses), Optional.of(response));
    }

    @Override
    public void failed(String why) {
        done.accept(List.copyOf(responses), Optional.empty());
    }
}
