package org.murder.protocol.imap.command;

import java.util.Optional;

/**
 * LIST return options (RFC 5258 §3.2, SPECIAL-USE from RFC 6154) other than STATUS, which carries its items
 * and lives in {@link ImapCommand.ListCommand#statusItems()}.
 */
public enum ListReturnOption {
    SUBSCRIBED("SUBSCRIBED"), CHILDREN("CHILDREN"), SPECIAL_USE("SPECIAL-USE");

    private final String wireName;

    ListReturnOption(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ListReturnOption> named(String atom) {
        return WireNames.lookup(values(), ListReturnOption::wireName, atom);
    }
}
