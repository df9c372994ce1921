package org.murder.protocol.imap.command;

import java.util.Optional;

/** A STATUS data item (RFC 3501 §6.3.10, HIGHESTMODSEQ from RFC 7162), also a LIST-STATUS return item. */
public enum StatusItem {
    MESSAGES, RECENT, UIDNEXT, UIDVALIDITY, UNSEEN, HIGHESTMODSEQ;

    /** The item named {@code atom}, in any case. */
    public static Optional<StatusItem> named(String atom) {
        return WireNames.lookup(values(), StatusItem::name, atom);
    }
}
