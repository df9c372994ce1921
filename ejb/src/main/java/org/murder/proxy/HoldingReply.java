package org.murder.proxy;

import java.nio.ByteBuffer;
import org.murder.protocol.imap.client.ImapResponse;
import org.murder.protocol.imap.client.ImapResponseHead;
import org.murder.protocol.wire.SpilledLiteral;

/**
 * A reply that holds a file the command sends (an APPEND's message spilled to disk) until the command has completed
 * or failed: the client's frame lets go of it as soon as the proxy has queued the command, but the backend connection
 * streams it later, as the backend reads.
 */
public final class HoldingReply implements BackendReply {

    private final BackendReply reply;
    private final SpilledLiteral file;

    /** Takes a reference to {@code file} now (the caller's frame still holds its own). */
    public HoldingReply(BackendReply reply, SpilledLiteral file) {
        this.reply = reply;
        this.file = file.retain();
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
            file.release();
        }
    }

    @Override
    public void failed(String why) {
        try {
            reply.failed(why);
        } finally {
            file.release();
        }
    }
}
