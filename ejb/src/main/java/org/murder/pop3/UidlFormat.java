package org.murder.pop3;

import java.util.Locale;

/**
 * How a message's UIDL is written (Cyrus's {@code uidl_format}). Every format is made of the mailbox's UIDVALIDITY and
 * the message's UID, which never change while the message exists: a client sees the same UIDL in every session and
 * after a restart, and a mailbox moved with its UIDVALIDITY and UIDs keeps them too.
 */
enum UidlFormat {
    /** {@code UIDVALIDITY.UID}: Cyrus's default, so a client moved from a Cyrus backend downloads nothing twice. */
    CYRUS,
    /** The UID alone (Cyrus before 3.0). */
    UIDONLY,
    /** Dovecot's: eight lower-case hex digits of the UID, then eight of the UIDVALIDITY. */
    DOVECOT,
    /** Courier's: {@code UIDVALIDITY-UID}. */
    COURIER;

    static UidlFormat of(String setting) {
        try {
            return valueOf(setting.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("uidl_format must be cyrus, uidonly, dovecot or courier, not " + setting, e);
        }
    }

    String uidl(long uidValidity, long uid) {
        return switch (this) {
            case CYRUS -> uidValidity + "." + uid;
            case UIDONLY -> Long.toString(uid);
            case DOVECOT -> String.format(Locale.ROOT, "%08x%08x", uid, uidValidity);
            case COURIER -> uidValidity + "-" + uid;
        };
    }
}
