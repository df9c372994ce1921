package org.murder.protocol.imap.command;

import java.util.Optional;

/** ESEARCH return options (RFC 4731 §3.1); SAVE (RFC 5182) is not offered. */
public enum SearchReturnOption {
    MIN, MAX, ALL, COUNT;

    public static Optional<SearchReturnOption> named(String atom) {
        return WireNames.lookup(values(), SearchReturnOption::name, atom);
    }
}
