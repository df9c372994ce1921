package org.murder.protocol.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

import org.murder.protocol.imap.command.FetchItem;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.StoreMode;

/**
 * {@code [UID] FETCH set items [SP "(" CHANGEDSINCE n [SP VANISHED] ")"]} and
 * {@code [UID] STORE set [SP "(" UNCHANGEDSINCE n ")"] SP [+|-]FLAGS[.SILENT] SP flags} (RFC 3501, RFC 7162).
 */
final class FetchStoreParsers {

    static final String INVALID_FETCH_MODIFIER = "Invalid fetch modifier";
    static final String INVALID_STORE_MODIFIER = "Invalid store modifier";
    static final String INVALID_STORE_ITEM = "Invalid store item";

    private FetchStoreParsers() {
    }

    static void register(Map<String, CommandArgumentsParser> parsers, Map<String, UidCommandArgumentsParser> uid) {
        ImapCommandParser.registerBoth(parsers, uid, "FETCH", FetchStoreParsers::fetch);
        ImapCommandParser.registerBoth(parsers, uid, "STORE", FetchStoreParsers::store);
    }

    private static ImapCommand fetch(String tag, boolean isUid, ImapReader args, ImapParserContext ctx)
            throws ImapSyntaxException {
        args.sp();
        SequenceSet set = args.sequenceSet();
        args.sp();
        List<FetchItem> items = FetchItemParser.items(args);
        OptionalLong changedSince = OptionalLong.empty();
        boolean vanished = false;
        if (args.hasMore()) {
            args.sp();
            List<Long> modifiers = args.parenthesized(() -> {
                String name = args.keyword(INVALID_FETCH_MODIFIER);
                if (name.equals("VANISHED")) {
                    return -1L;
                }
                if (!name.equals("CHANGEDSINCE")) {
                    throw new ImapSyntaxException(INVALID_FETCH_MODIFIER);
                }
                args.sp();
                long modSeq = args.number64();
                if (modSeq == 0) {
                    throw new ImapSyntaxException(ImapSyntaxException.INVALID_NUMBER); // mod-sequence-value is >= 1
                }
                return modSeq;
            }, false, INVALID_FETCH_MODIFIER);
            for (long m : modifiers) {
                if (m < 0 ? vanished : changedSince.isPresent()) {
                    throw new ImapSyntaxException(INVALID_FETCH_MODIFIER);
                }
                if (m < 0) {
                    vanished = true;
                } else {
                    changedSince = OptionalLong.of(m);
                }
            }
            // RFC 7162 §3.2.6: VANISHED only on UID FETCH, and only with CHANGEDSINCE
            if (vanished && (!isUid || changedSince.isEmpty())) {
                throw new ImapSyntaxException(INVALID_FETCH_MODIFIER);
            }
        }
        args.end();
        return new ImapCommand.Fetch(tag, isUid, set, items, changedSince, vanished);
    }

    private static ImapCommand store(String tag, boolean isUid, ImapReader args, ImapParserContext ctx)
            throws ImapSyntaxException {
        args.sp();
        SequenceSet set = args.sequenceSet();
        args.sp();
        OptionalLong unchangedSince = OptionalLong.empty();
        if (args.peek() == '(') {
            unchangedSince = OptionalLong.of(modifier(args, "UNCHANGEDSINCE", INVALID_STORE_MODIFIER));
            args.sp();
        }
        String item = args.takeWhile(ImapReader::isAtomChar).toUpperCase(Locale.ROOT);
        StoreMode mode = StoreMode.fromSign(item);
        item = StoreMode.unsigned(item);
        boolean silent = item.equals("FLAGS.SILENT");
        if (!silent && !item.equals("FLAGS")) {
            throw new ImapSyntaxException(item.isEmpty() && args.atEnd()
                    ? ImapSyntaxException.MISSING_ARGUMENT : INVALID_STORE_ITEM);
        }
        args.sp();
        List<String> flags;
        if (args.peek() == '(') {
            flags = args.flagList();
        } else {
            flags = new ArrayList<>();
            flags.add(args.flag());
            while (args.hasMore()) {
                args.sp();
                flags.add(args.flag());
            }
        }
        args.end();
        return new ImapCommand.Store(tag, isUid, set, mode, silent, flags, unchangedSince);
    }

    /** {@code "(" NAME SP mod-sequence-valzer ")"}: the one modifier each command knows. */
    private static long modifier(ImapReader args, String name, String invalid) throws ImapSyntaxException {
        List<Long> values = args.parenthesized(() -> {
            if (!args.keyword(invalid).equals(name)) {
                throw new ImapSyntaxException(invalid);
            }
            args.sp();
            return args.number64();
        }, false, invalid);
        if (values.size() != 1) {
            throw new ImapSyntaxException(invalid);
        }
        return values.get(0);
    }
}
