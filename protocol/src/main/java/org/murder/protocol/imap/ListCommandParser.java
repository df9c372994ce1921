package org.murder.protocol.imap;

import static org.murder.protocol.imap.ImapSyntaxException.INVALID_MAILBOX_NAME;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.ListReturnOption;
import org.murder.protocol.imap.command.ListSelectOption;
import org.murder.protocol.imap.command.StatusItem;

/**
 * {@code LIST [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]} (RFC 5258 §6, with RFC 5819
 * STATUS and RFC 6154 SPECIAL-USE). Unknown options are BAD, as RFC 5258 §3 requires, and so is RECURSIVEMATCH
 * without a base option (SUBSCRIBED or SPECIAL-USE) for it to modify.
 */
final class ListCommandParser {

    static final String INVALID_SELECT_OPTION = "Invalid LIST selection option";
    static final String INVALID_RETURN_OPTION = "Invalid LIST return option";

    private ListCommandParser() {
    }

    static ImapCommand list(String tag, ImapReader args, ImapParserContext ctx) throws ImapSyntaxException {
        args.sp();
        Set<ListSelectOption> selection = EnumSet.noneOf(ListSelectOption.class);
        if (args.peek() == '(') {
            args.parenthesized(() -> selection.add(ListSelectOption.named(args.atom(INVALID_SELECT_OPTION))
                    .orElseThrow(() -> new ImapSyntaxException(INVALID_SELECT_OPTION))), true, INVALID_SELECT_OPTION);
            if (selection.contains(ListSelectOption.RECURSIVEMATCH)
                    && !selection.contains(ListSelectOption.SUBSCRIBED)
                    && !selection.contains(ListSelectOption.SPECIAL_USE)) {
                throw new ImapSyntaxException("RECURSIVEMATCH needs another selection option");
            }
            args.sp();
        }
        String reference = reference(args, ctx);
        args.sp();
        List<String> patterns;
        if (args.peek() == '(') {
            patterns = args.parenthesized(() -> pattern(args, ctx), false, INVALID_MAILBOX_NAME);
        } else {
            patterns = List.of(pattern(args, ctx));
        }
        Set<ListReturnOption> returns = EnumSet.noneOf(ListReturnOption.class);
        List<StatusItem> status = new ArrayList<>();
        if (args.hasMore()) {
            args.sp();
            if (!args.keyword(INVALID_RETURN_OPTION).equals("RETURN")) {
                throw new ImapSyntaxException(ImapSyntaxException.EXTRA_ARGUMENTS);
            }
            args.sp();
            args.parenthesized(() -> {
                String name = args.keyword(INVALID_RETURN_OPTION);
                if (name.equals("STATUS")) {
                    args.sp();
                    if (!status.isEmpty()) {
                        throw new ImapSyntaxException(INVALID_RETURN_OPTION);
                    }
                    status.addAll(MailboxCommandParsers.statusItems(args));
                    return name;
                }
                returns.add(ListReturnOption.named(name)
                        .orElseThrow(() -> new ImapSyntaxException(INVALID_RETURN_OPTION)));
                return name;
            }, true, INVALID_RETURN_OPTION);
        }
        args.end();
        return new ImapCommand.ListCommand(tag, reference, patterns, selection, returns, status);
    }

    /** The reference name of LIST and LSUB: a mailbox name that may be empty. */
    static String reference(ImapReader args, ImapParserContext ctx) throws ImapSyntaxException {
        return decode(args.mailboxText(ctx, false), ctx);
    }

    /**
     * A {@code list-mailbox}: may be empty and hold the wildcards {@code %} and {@code *}. One no mailbox name could
     * match is {@link MailboxNames#unusable} and matches nothing.
     */
    static String pattern(ImapReader args, ImapParserContext ctx) throws ImapSyntaxException {
        return decode(args.mailboxText(ctx, true), ctx);
    }

    /** Decoded as a name, which may be unusable; a line break is a {@code BAD} ({@link MailboxNames#fromWire}). */
    static String decode(String wire, ImapParserContext ctx) throws ImapSyntaxException {
        try {
            return MailboxNames.patternFromWire(wire, ctx.utf8Accept());
        } catch (IllegalArgumentException e) {
            throw new ImapSyntaxException(INVALID_MAILBOX_NAME);
        }
    }
}
