package org.murder.protocol.imap.sort;

import java.util.Objects;

/**
 * One message as SORT and THREAD see it: its position in the mailbox (0 for the first; equal keys keep this order,
 * RFC 5256 §3), INTERNALDATE in seconds since the epoch, RFC822.SIZE, and its header's {@link SortFields}.
 */
public record SortMessage(int position, long internalDate, long size, SortFields fields) {

    public SortMessage {
        Objects.requireNonNull(fields, "fields");
    }

    /** The sent date, or INTERNALDATE when the message has none (RFC 5256 §2.2). */
    public long sentDate() {
        return fields.sentDateOr(internalDate);
    }
}
