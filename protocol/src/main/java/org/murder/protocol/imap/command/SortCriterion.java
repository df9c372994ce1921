package org.murder.protocol.imap.command;

import java.util.Objects;
import java.util.Optional;

/** One {@code sort-criterion} (RFC 5256 §3, DISPLAYFROM/DISPLAYTO from RFC 5957): a key, maybe REVERSE. */
public record SortCriterion(Key key, boolean reverse) {

    /** RFC 5256's sort keys and RFC 5957's display keys, by their wire names. */
    public enum Key {
        ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM, DISPLAYTO;

        public static Optional<Key> named(String atom) {
            return WireNames.lookup(values(), Key::name, atom);
        }
    }

    public SortCriterion {
        Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
        return reverse ? "REVERSE " + key.name() : key.name();
    }
}
