package org.murder.store;

/** STORE's three modes. */
public record FlagChange(Mode mode, MessageFlags flags) {

    public enum Mode { REPLACE, ADD, REMOVE }

    public MessageFlags apply(MessageFlags current) {
        return switch (mode) {
            case REPLACE -> flags;
            case ADD -> current.plus(flags);
            case REMOVE -> current.minus(flags);
        };
    }
}
