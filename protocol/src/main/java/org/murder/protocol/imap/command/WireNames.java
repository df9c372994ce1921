package org.murder.protocol.imap.command;

import java.util.Optional;
import java.util.function.Function;

/** Looks up an enum constant by its wire name, ASCII case-insensitively (so {@code ı} or {@code ß} never match). */
final class WireNames {

    private WireNames() {
    }

    static <E extends Enum<E>> Optional<E> lookup(E[] values, Function<E, String> wireName, String atom) {
        if (!atom.chars().allMatch(c -> c < 0x80)) {
            return Optional.empty();
        }
        for (E value : values) {
            if (wireName.apply(value).equalsIgnoreCase(atom)) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
