package org.murder.store.model;

import java.util.Optional;

/**
 * The rights argument of SETACL (RFC 4314 §3.1) as Cyrus reads it: a leading {@code +} adds, a leading
 * {@code -} removes, anything else replaces. An empty string means DELETEACL, as in Cyrus's
 * {@code mboxlist_setacl} ({@code rights && *rights} is false); {@code "+"} or {@code "-"} alone is a no-op change.
 */
public record AclChange(Mode mode, Rights rights) {

    /** How the given rights combine with the identifier's current ones. */
    public enum Mode {
        /** The identifier gets exactly these rights (empty removes the entry). */
        REPLACE,
        /** The rights are added to the identifier's. */
        ADD,
        /** The rights are taken away from the identifier's. */
        REMOVE
    }

    /** Removes the identifier's entry (DELETEACL). */
    public static final AclChange DELETE = new AclChange(Mode.REPLACE, Rights.NONE);

    /**
     * Parses a SETACL rights argument.
     *
     * @return the change, or empty with {@code unsupported} naming the offending letter when Cyrus would answer
     *         {@code BAD "The <c> right is not supported"}; use {@link #unsupported(String)} to get the letter
     */
    public static Optional<AclChange> parse(String argument) {
        if (unsupported(argument).isPresent()) {
            return Optional.empty();
        }
        if (argument.isEmpty()) {
            return Optional.of(DELETE);
        }
        char first = argument.charAt(0);
        if (first == '+') {
            return Optional.of(new AclChange(Mode.ADD, Rights.parseLenient(argument.substring(1))));
        }
        if (first == '-') {
            return Optional.of(new AclChange(Mode.REMOVE, Rights.parseLenient(argument.substring(1))));
        }
        return Optional.of(new AclChange(Mode.REPLACE, Rights.parseLenient(argument)));
    }

    /** The first letter of a SETACL rights argument that Cyrus refuses, if any. */
    public static Optional<Character> unsupported(String argument) {
        return Rights.firstUnsupported(argument, true);
    }

    /** Whether this is DELETEACL (replace with nothing). */
    public boolean isDelete() {
        return mode == Mode.REPLACE && rights.isEmpty();
    }

    /** The identifier's rights after this change. */
    public Rights applyTo(Rights current) {
        switch (mode) {
            case ADD:
                return current.plus(rights);
            case REMOVE:
                return current.minus(rights);
            default:
                return rights;
        }
    }
}
