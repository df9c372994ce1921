package org.murder.protocol.imap.command;

import java.util.Optional;

/** LIST selection options (RFC 5258 §3.1, SPECIAL-USE from RFC 6154). */
public enum ListSelectOption {
    SUBSCRIBED("SUBSCRIBED"), REMOTE("REMOTE"), RECURSIVEMATCH("RECURSIVEMATCH"), SPECIAL_USE("SPECIAL-USE");

    private final String wireName;

    ListSelectOption(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ListSelectOption> named(String atom) {
        return WireNames.lookup(values(), ListSelectOption::wireName, atom);
    }
}
