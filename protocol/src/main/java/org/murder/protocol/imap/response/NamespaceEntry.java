package org.murder.protocol.imap.response;

import java.util.Objects;

/** One namespace of a NAMESPACE response (RFC 2342): a prefix and its hierarchy delimiter (null for none). */
public record NamespaceEntry(String prefix, Character delimiter) {

    public NamespaceEntry {
        Objects.requireNonNull(prefix, "prefix");
    }
}
