package org.murder.it.cyrus;

import java.util.Map;

/**
 * One mailbox from a local {@code mailboxes.db}, as dumped by {@code ctl_mboxlist -d} (Cyrus 3.6 JSON format).
 *
 * @param name      internal mailbox name, e.g. {@code user.alice.Sent} (the harness runs with
 *                  {@code unixhierarchysep: no}, so it is the same as the MUPDATE name)
 * @param server    the backend server for remote entries (frontends), {@code null} for local mailboxes
 * @param partition the partition, e.g. {@code default}
 * @param mbtype    Cyrus' type/flag letters ({@code mboxlist_string_to_mbtype}): {@code e} email,
 *                  {@code r} remote (lives on another server), {@code z} reserved, {@code d} deleted,
 *                  {@code m} moving; letters combine
 * @param acl       identifier to rights
 * @param raw       every field of the dump record
 */
public record MailboxEntry(String name, String server, String partition, String mbtype,
                           Map<String, String> acl, Map<String, Object> raw) {

    /** {@code server!partition} as MUPDATE spells a location (for local entries only the partition is known). */
    public String location() {
        return (server == null ? "" : server) + "!" + (partition == null ? "" : partition);
    }

    /** The ACL in MUPDATE wire form: {@code id<TAB>rights<TAB>...} with a trailing tab. */
    public String aclString() {
        StringBuilder b = new StringBuilder();
        acl.forEach((k, v) -> b.append(k).append('\t').append(v).append('\t'));
        return b.toString();
    }

    public boolean isRemote() {
        return mbtype != null && mbtype.contains("r");
    }

    public boolean isReserved() {
        return mbtype != null && mbtype.contains("z");
    }

    public boolean isMoving() {
        return mbtype != null && mbtype.contains("m");
    }

    public boolean isDeleted() {
        return mbtype != null && mbtype.contains("d");
    }
}
