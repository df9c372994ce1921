package org.murder.proxy;

import java.nio.ByteBuffer;
import org.murder.protocol.imap.client.ImapResponse;
import org.murder.protocol.imap.client.ImapResponseHead;

/**
 * What one command sent to a backend hears back, as the backend sent it: untagged responses as events (so a 50 MB
 * {@code BODY[]} passes through in chunks), continuations the command did not consume itself (IDLE's, a SASL
 * challenge), then exactly one of {@link #tagged} or {@link #failed}. Called on the backend connection's thread, one
 * call at a time.
 */
public interface BackendReply {

    /** An untagged response begins; its bytes (lines with CRLF, literal payloads) follow in {@link #bytes}. */
    void untagged(ImapResponseHead head);

    /** Part of the current untagged response as received; valid only during the call. */
    void bytes(ByteBuffer bytes);

    /** A literal of {@code size} bytes follows in {@link #bytes} (its announcement already passed there). */
    default void literalStart(long size, boolean binary) {
    }

    /** The current untagged response is complete. */
    default void untaggedEnd() {
    }

    /** A {@code +} the command's own literals did not ask for. */
    default void continuation(ImapResponseHead head) {
    }

    /** The command completed: the backend's tagged response under the proxy's tag. */
    void tagged(ImapResponse response);

    /** No answer will come: the backend could not be reached, refused us, went away or timed out. */
    void failed(String why);
}
