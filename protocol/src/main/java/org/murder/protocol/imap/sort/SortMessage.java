package org.murder.protocol.imap.sort;

import java.util.Objects;

/**
 * One message as SORT and THREAD see it: its position in the mailbox (0 for the first; equal keys keep this order,
 * RFC 5256 §3), INTERNALDATE in seconds since the epoch, its sent date (what DATE orders by: the Date header's, or
 * INTERNALDATE when the message has none, RFC 5256 §2.2), RFC822.SIZE, and its header's {@link SortFields} (empty
 * when the criteria need none of them).
 */
public record SortMessage(int position, long internalDate, long sentDate, long size, SortFields fields) {

    public SortMessage {
        Objects.requireNonNull(fields, "fields");
    }

    /** A message whose sent date is taken from its header's fields. */
    public SortMessage(int position, long internalDate, long size, SortFields fields) {
        this(position, internalDate, fields.sentDateOr(internalDate), size, fields);
    }
}
