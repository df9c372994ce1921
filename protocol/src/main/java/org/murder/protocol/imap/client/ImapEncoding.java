package org.murder.protocol.imap.client;

import java.util.Collection;
import java.util.Locale;

/**
 * What the server has told us that changes how a command may be written: which literals it takes without a
 * {@code +} continuation (none by RFC 3501, all with LITERAL+, up to 4096 bytes with LITERAL-, RFC 7888), and
 * whether UTF8=ACCEPT is enabled (RFC 6855: mailbox names travel as UTF-8, quoted strings may carry UTF-8).
 *
 * @param nonSynchronizingLimit largest literal sent as {@code {n+}}; 0 when every literal must wait for {@code +}
 */
public record ImapEncoding(long nonSynchronizingLimit, boolean utf8Accept) {

    /** A server that advertised nothing: every literal is synchronizing, names are modified UTF-7. */
    public static final ImapEncoding RFC3501 = new ImapEncoding(0, false);

    /** RFC 7888 §4: LITERAL- allows non-synchronizing literals of at most this many bytes. */
    public static final long LITERAL_MINUS_LIMIT = 4096;

    public ImapEncoding {
        if (nonSynchronizingLimit < 0) {
            throw new IllegalArgumentException("negative literal limit");
        }
    }

    /**
     * RFC 3501 plus LITERAL+ or LITERAL- when {@code capabilities} (as the server listed them) name one; IMAP4rev2 implies
     * LITERAL-.
     */
    public static ImapEncoding forCapabilities(Collection<String> capabilities) {
        long limit = 0;
        for (String capability : capabilities) {
            String name = capability.toUpperCase(Locale.ROOT);
            if (name.equals("LITERAL+")) {
                limit = Long.MAX_VALUE;
            } else if (name.equals("LITERAL-") || name.equals("IMAP4REV2")) {
                // RFC 9051 §4.3: an IMAP4rev2 server takes non-synchronizing literals of up to 4096 octets
                limit = Math.max(limit, LITERAL_MINUS_LIMIT);
            }
        }
        return new ImapEncoding(limit, false);
    }

    /** After {@code ENABLE UTF8=ACCEPT} succeeded. */
    public ImapEncoding withUtf8Accept(boolean enabled) {
        return new ImapEncoding(nonSynchronizingLimit, enabled);
    }

    /** True when a literal of {@code size} bytes goes out as {@code {n+}} without waiting. */
    public boolean nonSynchronizing(long size) {
        return size <= nonSynchronizingLimit;
    }
}
