package org.murder.store;

/** STORE's three modes. */
public record FlagChange(Mode mode, MessageFlags flags, boolean keepSeen) {

    public enum Mode { REPLACE, ADD, REMOVE }

    public FlagChange(Mode mode, MessageFlags flags) {
        this(mode, flags, false);
    }

    /**
     * @param keepSeen the message's \Seen is not this change's to touch (a user storing on a mailbox
     *                 they do not own changes their own seen set instead)
     */
    public MessageFlags apply(MessageFlags current) {
        return switch (mode) {
            case REPLACE -> keepSeen ? flags.withSeen(current.seen()) : flags;
            case ADD -> current.plus(flags);
            case REMOVE -> current.minus(flags);
        };
    }
}
