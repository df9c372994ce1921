package org.murder.imap;

/**
 * An APPEND that stores nothing, and the tagged {@code NO} that says why: a URL that names nothing this user may read
 * ({@code BADURL url}, RFC 4469), a message too large ({@code TOOBIG}), over quota ({@code OVERQUOTA}).
 */
final class AppendRefused extends Exception {

    private static final long serialVersionUID = 1L;

    private final String code;

    AppendRefused(String code, String text) {
        super(text, null, false, false);
        this.code = code;
    }

    static AppendRefused badUrl(String url, String why) {
        return new AppendRefused("BADURL " + org.murder.protocol.imap.ImapUrl.forResponse(url), why);
    }

    static AppendRefused tooBig() {
        return new AppendRefused("TOOBIG", "Message too large");
    }

    /** The response code's content, without brackets. */
    String code() {
        return code;
    }
}
