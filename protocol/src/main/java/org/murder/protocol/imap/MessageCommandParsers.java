package org.murder.protocol.imap;

import static org.murder.protocol.imap.CommandArgumentsParser.noArguments;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.MessageLiteral;

/** Commands that add, copy, move or remove messages: APPEND, COPY, MOVE, CHECK, CLOSE, EXPUNGE, UID EXPUNGE. */
final class MessageCommandParsers {

    private MessageCommandParsers() {
    }

    static void register(Map<String, CommandArgumentsParser> parsers, Map<String, UidCommandArgumentsParser> uid) {
        parsers.put("APPEND", MessageCommandParsers::append);
        parsers.put("CHECK", noArguments(ImapCommand.Check::new));
        parsers.put("CLOSE", noArguments(ImapCommand.Close::new));
        parsers.put("EXPUNGE", noArguments(ImapCommand.Expunge::new));
        uid.put("EXPUNGE", (tag, isUid, args, ctx) -> {
            args.sp();
            SequenceSet uids = args.sequenceSet();
            args.end();
            return new ImapCommand.UidExpunge(tag, uids);
        });
        ImapCommandParser.registerBoth(parsers, uid, "COPY", setAndMailbox(ImapCommand.Copy::new));
        ImapCommandParser.registerBoth(parsers, uid, "MOVE", setAndMailbox(ImapCommand.Move::new));
    }

    @FunctionalInterface
    private interface SetMailboxCommand {
        ImapCommand create(String tag, boolean uid, SequenceSet set, String mailbox);
    }

    /** {@code [UID] COPY|MOVE sequence-set SP mailbox}. */
    private static UidCommandArgumentsParser setAndMailbox(SetMailboxCommand command) {
        return (tag, isUid, args, ctx) -> {
            args.sp();
            SequenceSet set = args.sequenceSet();
            args.sp();
            String mailbox = args.mailbox(ctx);
            args.end();
            return command.create(tag, isUid, set, mailbox);
        };
    }

    /**
     * {@code APPEND mailbox [SP flag-list] [SP date-time] SP literal}, the literal either a plain one
     * ({@code {n}}, {@code {n+}}) or a BINARY {@code literal8} ({@code ~{n}}).
     */
    private static ImapCommand append(String tag, ImapReader args, ImapParserContext ctx) throws ImapSyntaxException {
        args.sp();
        String mailbox = args.mailbox(ctx);
        args.sp();
        List<String> flags = List.of();
        if (args.peek() == '(') {
            flags = args.flagList();
            args.sp();
        }
        Optional<ZonedDateTime> date = Optional.empty();
        if (args.peek() == '"') {
            date = Optional.of(args.dateTime());
            args.sp();
        }
        if (args.peek() != '{' && args.peek() != '~') {
            throw new ImapSyntaxException("Message must be a literal");
        }
        ImapReader.Literal literal = args.literal(true);
        args.end();
        MessageLiteral message = literal.file()
                .map(file -> MessageLiteral.of(file, literal.binary()))
                .orElseGet(() -> new MessageLiteral.InFrame(args.frame(), literal.offset(), literal.length(), literal.binary()));
        return new ImapCommand.Append(tag, mailbox, flags, date, message);
    }
}
