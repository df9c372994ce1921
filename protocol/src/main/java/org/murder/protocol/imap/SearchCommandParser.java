package org.murder.protocol.imap;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.PartialRange;
import org.murder.protocol.imap.command.SearchReturnOption;
import org.murder.protocol.imap.search.SearchKeyParser;
import org.murder.protocol.imap.search.SearchKeyParser.SearchProgram;

/**
 * {@code [UID] SEARCH [SP "RETURN" SP "(" [option *(SP option)] ")"] SP search-program} (RFC 3501, RFC 4731,
 * SAVE from RFC 5182, CONTEXT, UPDATE and PARTIAL from RFC 5267 §4), and RFC 5267's {@code CANCELUPDATE}.
 * The program itself is {@link SearchKeyParser}'s.
 */
final class SearchCommandParser {

    static final String INVALID_RETURN_OPTION = "Invalid search return option";
    static final String INVALID_PARTIAL = "Invalid partial range";
    static final String INVALID_CANCELUPDATE = "Invalid CANCELUPDATE tag";
    /** More tags than a session can have live updates (the server keeps a few). */
    static final int MAX_CANCEL_TAGS = 100;

    /** The return options as read: PARTIAL's range apart. */
    record ReturnOptions(Set<SearchReturnOption> options, Optional<PartialRange> partial) {
        static final ReturnOptions NONE = new ReturnOptions(Set.of(), Optional.empty());
    }

    private SearchCommandParser() {
    }

    static void register(Map<String, CommandArgumentsParser> parsers, Map<String, UidCommandArgumentsParser> uid) {
        ImapCommandParser.registerBoth(parsers, uid, "SEARCH", SearchCommandParser::search);
        parsers.put("CANCELUPDATE", SearchCommandParser::cancelUpdate);
    }

    /** {@code CANCELUPDATE 1*(SP string)}: the tags of the searches whose updates end. */
    private static ImapCommand cancelUpdate(String tag, ImapReader args, ImapParserContext ctx) throws ImapSyntaxException {
        List<String> tags = new ArrayList<>();
        do {
            args.sp();
            if (tags.size() == MAX_CANCEL_TAGS) {
                throw new ImapSyntaxException(INVALID_CANCELUPDATE);
            }
            String t = args.string(INVALID_CANCELUPDATE);
            if (t.indexOf('\r') >= 0 || t.indexOf('\n') >= 0) {
                throw new ImapSyntaxException(INVALID_CANCELUPDATE); // tags are echoed in NO and ESEARCH responses
            }
            tags.add(t);
        } while (args.hasMore());
        args.end();
        return new ImapCommand.CancelUpdate(tag, tags);
    }

    private static ImapCommand search(String tag, boolean isUid, ImapReader args, ImapParserContext ctx)
            throws ImapSyntaxException {
        args.sp();
        ReturnOptions options = returnOptions(args);
        SearchProgram program;
        try {
            program = SearchKeyParser.parse(args);
        } catch (ImapSyntaxException e) {
            throw options.options().contains(SearchReturnOption.SAVE) ? e.emptyingSavedResult() : e;
        }
        return new ImapCommand.Search(tag, isUid, program.charset(), program.key(), options.options(), options.partial());
    }

    /**
     * {@code [RETURN SP "(" [option *(SP option)] ")" SP]}, shared by SEARCH and SORT (ESORT, RFC 5267 §3): empty
     * when absent. {@code RETURN ()} is {@code RETURN (ALL)} (RFC 4731 §3.1), and so is {@code RETURN (CONTEXT)}:
     * CONTEXT is only a hint (RFC 5267 §4.2). PARTIAL takes a range, once, and not beside ALL (RFC 5267 §4.4).
     */
    static ReturnOptions returnOptions(ImapReader args) throws ImapSyntaxException {
        if (!args.peekKeyword().equals("RETURN")) {
            return ReturnOptions.NONE;
        }
        Set<SearchReturnOption> options = EnumSet.noneOf(SearchReturnOption.class);
        PartialRange[] partial = {null};
        args.atom(INVALID_RETURN_OPTION);
        args.sp();
        args.parenthesized(() -> {
            SearchReturnOption o = SearchReturnOption.named(args.atom(INVALID_RETURN_OPTION))
                    .orElseThrow(() -> new ImapSyntaxException(INVALID_RETURN_OPTION));
            if (o == SearchReturnOption.PARTIAL) {
                if (partial[0] != null) {
                    throw new ImapSyntaxException(INVALID_PARTIAL);
                }
                args.sp();
                partial[0] = PartialRange.parse(args.atom(INVALID_PARTIAL))
                        .orElseThrow(() -> new ImapSyntaxException(INVALID_PARTIAL));
            }
            options.add(o);
            return o;
        }, true, INVALID_RETURN_OPTION);
        if (options.contains(SearchReturnOption.PARTIAL) && options.contains(SearchReturnOption.ALL)) {
            throw new ImapSyntaxException(INVALID_PARTIAL);
        }
        if (options.stream().allMatch(o -> o == SearchReturnOption.CONTEXT)) {
            options.add(SearchReturnOption.ALL);
        }
        args.sp();
        return new ReturnOptions(options, Optional.ofNullable(partial[0]));
    }
}
