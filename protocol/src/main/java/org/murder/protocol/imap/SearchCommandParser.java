package org.murder.protocol.imap;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.SearchReturnOption;
import org.murder.protocol.imap.search.SearchKeyParser;
import org.murder.protocol.imap.search.SearchKeyParser.SearchProgram;

/**
 * {@code [UID] SEARCH [SP "RETURN" SP "(" [option *(SP option)] ")"] SP search-program} (RFC 3501, RFC 4731,
 * SAVE from RFC 5182).
 * The program itself is {@link SearchKeyParser}'s.
 */
final class SearchCommandParser {

    static final String INVALID_RETURN_OPTION = "Invalid search return option";

    private SearchCommandParser() {
    }

    static void register(Map<String, CommandArgumentsParser> parsers, Map<String, UidCommandArgumentsParser> uid) {
        ImapCommandParser.registerBoth(parsers, uid, "SEARCH", SearchCommandParser::search);
    }

    private static ImapCommand search(String tag, boolean isUid, ImapReader args, ImapParserContext ctx)
            throws ImapSyntaxException {
        args.sp();
        Set<SearchReturnOption> options = returnOptions(args);
        SearchProgram program;
        try {
            program = SearchKeyParser.parse(args);
        } catch (ImapSyntaxException e) {
            throw options.contains(SearchReturnOption.SAVE) ? e.emptyingSavedResult() : e;
        }
        return new ImapCommand.Search(tag, isUid, program.charset(), program.key(), options);
    }

    /**
     * {@code [RETURN SP "(" [option *(SP option)] ")" SP]}, shared by SEARCH and SORT (ESORT, RFC 5267 §3): empty
     * when absent, {@code RETURN ()} read as {@code RETURN (ALL)} (RFC 4731 §3.1).
     */
    static Set<SearchReturnOption> returnOptions(ImapReader args) throws ImapSyntaxException {
        Set<SearchReturnOption> options = EnumSet.noneOf(SearchReturnOption.class);
        if (args.peekKeyword().equals("RETURN")) {
            args.atom(INVALID_RETURN_OPTION);
            args.sp();
            args.parenthesized(() -> options.add(SearchReturnOption.named(args.atom(INVALID_RETURN_OPTION))
                    .orElseThrow(() -> new ImapSyntaxException(INVALID_RETURN_OPTION))), true, INVALID_RETURN_OPTION);
            if (options.isEmpty()) {
                options.add(SearchReturnOption.ALL);
            }
            args.sp();
        }
        return options;
    }
}
