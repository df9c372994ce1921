package org.murder.protocol.imap.command;

import java.util.Optional;

/**
 * A STATUS data item (RFC 3501 §6.3.10, RFC 9051 §6.3.11), also a LIST-STATUS return item: HIGHESTMODSEQ from RFC 7162,
 * SIZE from RFC 8438 (and IMAP4rev2), DELETED from IMAP4rev2, DELETED-STORAGE from RFC 9208.
 */
public enum StatusItem {
    MESSAGES, RECENT, UIDNEXT, UIDVALIDITY, UNSEEN, HIGHESTMODSEQ, SIZE, DELETED, DELETED_STORAGE;

    /** The item as it is written on the wire. */
    public String wireName() {
        return name().replace('_', '-');
    }

    /** The item named {@code atom}, in any case. */
    public static Optional<StatusItem> named(String atom) {
        return WireNames.lookup(values(), StatusItem::wireName, atom);
    }
}
