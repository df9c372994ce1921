package org.murder.proxy;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.murder.protocol.imap.client.ImapResponse;

/**
 * Where a {@link CrossBackendCopy} takes its messages from: the mailbox selected on another backend (read through the
 * session's connection there), or this node's own store. Each step answers through its callback, with a value or a
 * {@link Failure}, never both.
 */
public interface CopySource {

    /** Why a step failed: the backend's refusal to pass on (its code kept), or why there is no answer at all. */
    record Failure(Optional<ImapResponse> refusal, String why) {
    }

    /** One message as it is to be appended elsewhere. */
    record Message(long uid, List<String> flags, Optional<ZonedDateTime> internalDate, byte[] body) {
    }

    /** The UIDs of the messages the command names, ascending. */
    void uids(BiConsumer<List<Long>, Failure> then);

    /** The message with UID {@code uid}; empty when it was expunged meanwhile (nothing to copy). */
    void message(long uid, BiConsumer<Optional<Message>, Failure> then);

    /** MOVE: expunges the copied originals, telling the client (its EXPUNGE responses); null when done. */
    void removeOriginals(List<Long> uids, Consumer<Failure> then);
}
