package org.murder.protocol.imap.command;

import java.util.Optional;

/**
 * ESEARCH return options (RFC 4731 §3.1), also ESORT's (RFC 5267 §3.2); SAVE keeps the result as {@code $} (RFC 5182);
 * CONTEXT, UPDATE and PARTIAL are RFC 5267 §4's (PARTIAL carries a {@link PartialRange}).
 */
public enum SearchReturnOption {
    MIN, MAX, ALL, COUNT, SAVE, CONTEXT, UPDATE, PARTIAL;

    public static Optional<SearchReturnOption> named(String atom) {
        return WireNames.lookup(values(), SearchReturnOption::name, atom);
    }
}
