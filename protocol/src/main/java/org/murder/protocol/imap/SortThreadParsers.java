package org.murder.protocol.imap;

import java.util.List;
import java.util.Map;

import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.SearchReturnOption;
import org.murder.protocol.imap.command.SortCriterion;
import org.murder.protocol.imap.command.ThreadAlgorithm;
import org.murder.protocol.imap.search.SearchKeyParser;
import org.murder.protocol.imap.search.SearchKeyParser.SearchProgram;

/**
 * {@code [UID] SORT [RETURN (options)] (criteria) charset keys} and {@code [UID] THREAD algorithm charset keys}
 * (RFC 5256, RFC 5957's display keys, RFC 5267's ESORT return options). The charset is mandatory; one we cannot
 * decode is a {@code NO [BADCHARSET]}, anything else malformed a {@code BAD}.
 */
final class SortThreadParsers {

    static final String INVALID_SORT_CRITERION = "Invalid sort criterion";
    static final String INVALID_THREAD_ALGORITHM = "Invalid thread algorithm";
    /** More criteria than the nine keys, each once, can mean. */
    static final int MAX_CRITERIA = 32;

    private SortThreadParsers() {
    }

    static void register(Map<String, CommandArgumentsParser> parsers, Map<String, UidCommandArgumentsParser> uid) {
        ImapCommandParser.registerBoth(parsers, uid, "SORT", SortThreadParsers::sort);
        ImapCommandParser.registerBoth(parsers, uid, "THREAD", SortThreadParsers::thread);
    }

    private static ImapCommand sort(String tag, boolean isUid, ImapReader args, ImapParserContext ctx)
            throws ImapSyntaxException {
        args.sp();
        SearchCommandParser.ReturnOptions options = SearchCommandParser.returnOptions(args);
        List<SortCriterion> criteria = args.parenthesized(() -> criterion(args), false, INVALID_SORT_CRITERION);
        if (criteria.size() > MAX_CRITERIA) {
            throw new ImapSyntaxException(INVALID_SORT_CRITERION);
        }
        args.sp();
        SearchProgram program;
        try {
            program = SearchKeyParser.parseWithCharset(args);
        } catch (ImapSyntaxException e) {
            throw options.options().contains(SearchReturnOption.SAVE) ? e.emptyingSavedResult() : e;
        }
        return new ImapCommand.Sort(tag, isUid, criteria, program.charset().orElseThrow(), program.key(),
                options.options(), options.partial());
    }

    private static SortCriterion criterion(ImapReader args) throws ImapSyntaxException {
        String word = args.atom(INVALID_SORT_CRITERION);
        boolean reverse = word.equalsIgnoreCase("REVERSE");
        if (reverse) {
            args.sp();
            word = args.atom(INVALID_SORT_CRITERION);
        }
        return new SortCriterion(SortCriterion.Key.named(word)
                .orElseThrow(() -> new ImapSyntaxException(INVALID_SORT_CRITERION)), reverse);
    }

    private static ImapCommand thread(String tag, boolean isUid, ImapReader args, ImapParserContext ctx)
            throws ImapSyntaxException {
        args.sp();
        ThreadAlgorithm algorithm = ThreadAlgorithm.named(args.atom(INVALID_THREAD_ALGORITHM))
                .orElseThrow(() -> new ImapSyntaxException(INVALID_THREAD_ALGORITHM));
        args.sp();
        SearchProgram program = SearchKeyParser.parseWithCharset(args);
        return new ImapCommand.ThreadCommand(tag, isUid, algorithm, program.charset().orElseThrow(), program.key());
    }
}
