package org.murder.proxy;

import java.nio.ByteBuffer;
import java.util.List;
import org.murder.protocol.imap.client.ImapResponse;
import org.murder.protocol.imap.client.ImapResponseHead;
import org.murder.protocol.wire.SpilledLiteral;

/**
 * A reply that holds the files the command sends (an APPEND's messages spilled to disk, a MULTIAPPEND's several, a
 * CATENATE's TEXT parts) until the command has completed or failed: the client's frame lets go of them as soon as the
 * proxy has queued the command, but the backend connection streams them later, as the backend reads.
 */
public final class HoldingReply implements BackendReply {

    private final BackendReply reply;
    private final List<SpilledLiteral> files;

    /** Takes a reference to each of {@code files} now (the caller's frame still holds its own). */
    public HoldingReply(BackendReply reply, List<SpilledLiteral> files) {
        this.reply = reply;
        this.files = files.stream().map(SpilledLiteral::retain).toList();
    }

    @Override
    public void untagged(ImapResponseHead head) {
        reply.untagged(head);
    }

    @Override
    public void bytes(ByteBuffer bytes) {
        reply.bytes(bytes);
    }

    @Override
    public void literalStart(long size, boolean binary) {
        reply.literalStart(size, binary);
    }

    @Override
    public void untaggedEnd() {
        reply.untaggedEnd();
    }

    @Override
    public void continuation(ImapResponseHead head) {
        reply.continuation(head);
    }

    @Override
    public void tagged(ImapResponse response) {
        try {
            reply.tagged(response);
        } finally {
            files.forEach(SpilledLiteral::release);
        }
    }

    @Override
    public void failed(String why) {
        try {
            reply.failed(why);
        } finally {
            files.forEach(SpilledLiteral::release);
        }
    }
}
