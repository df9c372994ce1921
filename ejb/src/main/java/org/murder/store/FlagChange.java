package org.murder.store;

/**
 * STORE's three modes, limited to the kinds of flag the user may change (RFC 4314: {@code s} for \Seen,
 * {@code t} for \Deleted, {@code w} for the others). A flag the user may not change keeps its value, as in Cyrus.
 */
public record FlagChange(Mode mode, MessageFlags flags, Permitted permitted) {

    public enum Mode { REPLACE, ADD, REMOVE }

    /** Which kinds of flag this change may touch. */
    public record Permitted(boolean seen, boolean deleted, boolean others) {
        public static final Permitted ALL = new Permitted(true, true, true);
    }

    public FlagChange(Mode mode, MessageFlags flags) {
        this(mode, flags, Permitted.ALL);
    }

    public MessageFlags apply(MessageFlags current) {
        MessageFlags target = switch (mode) {
            case REPLACE -> flags;
            case ADD -> current.plus(flags);
            case REMOVE -> current.minus(flags);
        };
        if (permitted.equals(Permitted.ALL)) {
            return target;
        }
        MessageFlags others = permitted.others() ? target : current;
        return new MessageFlags(permitted.seen() ? target.seen() : current.seen(), others.answered(), others.flagged(),
                permitted.deleted() ? target.deleted() : current.deleted(), others.draft(), others.keywords());
    }
}
