package org.murder.protocol.imap.response;

import java.util.List;
import java.util.Objects;

/**
 * One {@code mbox-list-extended-item} of an extended LIST response (RFC 5258 §9): a tag and a parenthesized list of
 * values, e.g. {@code ("CHILDINFO" ("SUBSCRIBED"))} or {@code ("OLDNAME" ("Old"))} (RFC 9051 §7.3.1).
 *
 * @param mailboxValues true when the values are mailbox names, which then get the mailbox encoding
 */
public record ListExtendedItem(String tag, List<String> values, boolean mailboxValues) {

    public ListExtendedItem {
        Objects.requireNonNull(tag, "tag");
        values = List.copyOf(values);
    }

    /** {@code ("CHILDINFO" ("SUBSCRIBED"))}: which selection criteria matched children (RFC 5258 §4). */
    public static ListExtendedItem childInfo(List<String> criteria) {
        return new ListExtendedItem("CHILDINFO", criteria, false);
    }

    /** {@code ("OLDNAME" ("name"))} after a RENAME (RFC 9051 §6.3.9). */
    public static ListExtendedItem oldName(String mailbox) {
        return new ListExtendedItem("OLDNAME", List.of(mailbox), true);
    }
}
