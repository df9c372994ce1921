package org.murder.protocol.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;

import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.StatusItem;

/** Commands on mailboxes as wholes: SELECT, EXAMINE, CREATE, DELETE, RENAME, (UN)SUBSCRIBE, LSUB, STATUS. */
final class MailboxCommandParsers {

    static final String INVALID_SELECT_PARAMETER = "Invalid select parameter";
    static final String INVALID_CREATE_PARAMETER = "Invalid create parameter";
    static final String INVALID_USE_ATTRIBUTE = "Invalid special-use attribute";
    static final String INVALID_STATUS_ITEM = "Invalid status item";

    /** RFC 6154 §2 use-attr, canonical spelling. */
    private static final List<String> SPECIAL_USE =
            List.of("\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash");

    private MailboxCommandParsers() {
    }

    static void register(Map<String, CommandArgumentsParser> parsers) {
        parsers.put("SELECT", select(ImapCommand.Select::new));
        parsers.put("EXAMINE", select(ImapCommand.Examine::new));
        parsers.put("CREATE", MailboxCommandParsers::create);
        parsers.put("DELETE", (tag, args, ctx) -> new ImapCommand.Delete(tag, onlyMailbox(args, ctx)));
        parsers.put("SUBSCRIBE", (tag, args, ctx) -> new ImapCommand.Subscribe(tag, onlyMailbox(args, ctx)));
        parsers.put("UNSUBSCRIBE", (tag, args, ctx) -> new ImapCommand.Unsubscribe(tag, onlyMailbox(args, ctx)));
        parsers.put("RENAME", (tag, args, ctx) -> {
            args.sp();
            String from = args.mailbox(ctx);
            args.sp();
            String to = args.mailbox(ctx);
            args.end();
            return new ImapCommand.Rename(tag, from, to);
        });
        parsers.put("LSUB", (tag, args, ctx) -> {
            args.sp();
            String reference = ListCommandParser.reference(args, ctx);
            args.sp();
            String pattern = ListCommandParser.pattern(args, ctx);
            args.end();
            return new ImapCommand.Lsub(tag, reference, pattern);
        });
        parsers.put("STATUS", (tag, args, ctx) -> {
            args.sp();
            String mailbox = args.mailbox(ctx);
            args.sp();
            List<StatusItem> items = statusItems(args);
            args.end();
            return new ImapCommand.Status(tag, mailbox, items);
        });
        parsers.put("LIST", ListCommandParser::list);
    }

    /** The mailbox argument of a command that has nothing else. */
    static String onlyMailbox(ImapReader args, ImapParserContext ctx) throws ImapSyntaxException {
        args.sp();
        String mailbox = args.mailbox(ctx);
        args.end();
        return mailbox;
    }

    /** {@code "(" status-att *(SP status-att) ")"}. */
    static List<StatusItem> statusItems(ImapReader args) throws ImapSyntaxException {
        return args.parenthesized(() -> StatusItem.named(args.atom(INVALID_STATUS_ITEM))
                .orElseThrow(() -> new ImapSyntaxException(INVALID_STATUS_ITEM)), false, INVALID_STATUS_ITEM);
    }

    @FunctionalInterface
    private interface SelectCommand {
        ImapCommand create(String tag, String mailbox, boolean condstore);
    }

    /** {@code SELECT|EXAMINE mailbox [SP "(" select-param *(SP select-param) ")"]}. */
    private static CommandArgumentsParser select(SelectCommand command) {
        return (tag, args, ctx) -> {
            args.sp();
            String mailbox = args.mailbox(ctx);
            return command.create(tag, mailbox, selectParameters(args));
        };
    }

    /** {@code [SP "(" select-param *(SP select-param) ")"]} then the end; true when CONDSTORE is among them. */
    private static boolean selectParameters(ImapReader args) throws ImapSyntaxException {
        boolean condstore = false;
        if (args.hasMore()) {
            args.sp();
            for (String param : args.parenthesized(() -> args.keyword(INVALID_SELECT_PARAMETER), false,
                    INVALID_SELECT_PARAMETER)) {
                if (!param.equals("CONDSTORE")) {
                    throw new ImapSyntaxException(INVALID_SELECT_PARAMETER);
                }
                condstore = true;
            }
        }
        args.end();
        return condstore;
    }

    /**
     * {@code CREATE mailbox [SP "(" "USE" SP "(" [use-attr *(SP use-attr)] ")" ")"]} (RFC 4466, RFC 6154), or Cyrus's
     * {@code CREATE mailbox SP astring}, the partition or {@code server!partition} to make it on.
     */
    private static ImapCommand create(String tag, ImapReader args, ImapParserContext ctx) throws ImapSyntaxException {
        args.sp();
        String mailbox = args.mailbox(ctx);
        List<String> uses = new ArrayList<>();
        if (args.hasMore()) {
            args.sp();
            if (args.peek() != '(') {
                String location = args.astring(INVALID_CREATE_PARAMETER);
                args.end();
                return new ImapCommand.Create(tag, mailbox, uses, Optional.of(location));
            }
            List<List<String>> params = args.parenthesized(() -> {
                if (!args.keyword(INVALID_CREATE_PARAMETER).equals("USE")) {
                    throw new ImapSyntaxException(INVALID_CREATE_PARAMETER);
                }
                args.sp();
                return args.parenthesized(() -> useAttribute(args), true, INVALID_USE_ATTRIBUTE);
            }, false, INVALID_CREATE_PARAMETER);
            if (params.size() > 1) {
                throw new ImapSyntaxException(INVALID_CREATE_PARAMETER);
            }
            uses.addAll(params.get(0));
        }
        args.end();
        return new ImapCommand.Create(tag, mailbox, uses);
    }

    /** {@code "\" atom}: a known attribute in its canonical case, an extension one as sent (the server judges it). */
    private static String useAttribute(ImapReader args) throws ImapSyntaxException {
        args.expect('\\', INVALID_USE_ATTRIBUTE);
        String name = "\\" + args.atom(INVALID_USE_ATTRIBUTE);
        for (String known : SPECIAL_USE) {
            if (known.equalsIgnoreCase(name)) {
                return known;
            }
        }
        return name;
    }
}
