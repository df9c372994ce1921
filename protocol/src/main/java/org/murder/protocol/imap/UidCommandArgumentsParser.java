package org.murder.protocol.imap;

import org.murder.protocol.imap.command.ImapCommand;

/** A command that also exists with a {@code UID} prefix (COPY, MOVE, FETCH, STORE, SEARCH). */
@FunctionalInterface
interface UidCommandArgumentsParser {

    ImapCommand parse(String tag, boolean uid, ImapReader args, ImapParserContext ctx) throws ImapSyntaxException;
}
