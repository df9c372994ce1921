package org.murder.protocol.imap;

/**
 * What the session has switched on that changes how commands parse. Only UTF8=ACCEPT does (RFC 6855): once
 * enabled, mailbox names travel as UTF-8 instead of modified UTF-7.
 */
public record ImapParserContext(boolean utf8Accept) {

    /** A fresh session: nothing enabled. */
    public static final ImapParserContext DEFAULT = new ImapParserContext(false);

    public static final ImapParserContext UTF8_ACCEPT = new ImapParserContext(true);
}
