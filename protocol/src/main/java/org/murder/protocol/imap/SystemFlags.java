package org.murder.protocol.imap;

import java.util.List;
import java.util.Optional;

/** The system flags of RFC 3501 §2.3.2 a client may set, in their canonical spelling. */
public final class SystemFlags {

    public static final String ANSWERED = "\\Answered";
    public static final String FLAGGED = "\\Flagged";
    public static final String DELETED = "\\Deleted";
    public static final String SEEN = "\\Seen";
    public static final String DRAFT = "\\Draft";
    /** Set by the server only; never accepted from a client in STORE or APPEND. */
    public static final String RECENT = "\\Recent";

    public static final List<String> SETTABLE = List.of(ANSWERED, FLAGGED, DELETED, SEEN, DRAFT);

    private SystemFlags() {
    }

    /** The canonical flag for a name given without its backslash, in any case; empty for anything else. */
    public static Optional<String> canonical(String nameWithoutBackslash) {
        for (String flag : SETTABLE) {
            if (flag.regionMatches(true, 1, nameWithoutBackslash, 0, nameWithoutBackslash.length())
                    && flag.length() == nameWithoutBackslash.length() + 1) {
                return Optional.of(flag);
            }
        }
        return Optional.empty();
    }
}
