package org.murder.protocol.imap.command;

/** How a list replaces or changes what is there: STORE's {@code FLAGS}/{@code +FLAGS}/{@code -FLAGS}, and SETACL's rights. */
public enum StoreMode {
    /** Replace: {@code FLAGS}, or SETACL rights without a sign. */
    SET,
    /** Add: {@code +FLAGS}, or SETACL {@code +rights}. */
    ADD,
    /** Remove: {@code -FLAGS}, or SETACL {@code -rights}. */
    REMOVE;

    /** The mode a leading {@code +} or {@code -} asks for; SET without one. */
    public static StoreMode fromSign(String text) {
        if (text.startsWith("+")) {
            return ADD;
        }
        return text.startsWith("-") ? REMOVE : SET;
    }

    /** {@code text} without the sign {@link #fromSign} read. */
    public static String unsigned(String text) {
        return fromSign(text) == SET ? text : text.substring(1);
    }
}
