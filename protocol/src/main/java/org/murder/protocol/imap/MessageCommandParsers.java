package org.murder.protocol.imap;

import static org.murder.protocol.imap.CommandArgumentsParser.noArguments;
import static org.murder.protocol.imap.ImapSyntaxException.INVALID_ARGUMENT;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.murder.protocol.imap.command.AppendData;
import org.murder.protocol.imap.command.AppendMessage;
import org.murder.protocol.imap.command.Catenate;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.MessageLiteral;

/** Commands that add, copy, move or remove messages: APPEND, COPY, MOVE, CHECK, CLOSE, EXPUNGE, UID EXPUNGE. */
final class MessageCommandParsers {

    static final String INVALID_CATENATE_PART = "Invalid CATENATE part";

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
     * {@code APPEND mailbox 1*(SP [flag-list SP] [date-time SP] append-data)} (RFC 3501, MULTIAPPEND RFC 3502), where
     * {@code append-data} is a literal — a plain one ({@code {n}}, {@code {n+}}) or a BINARY {@code literal8}
     * ({@code ~{n}}) — or {@code CATENATE (part ...)} (RFC 4469). Past {@link ImapCommand.Append#MAX_MESSAGES} messages
     * or {@link Catenate#MAX_PARTS} parts the command is refused with {@code NO [LIMIT]} (RFC 5530).
     */
    private static ImapCommand append(String tag, ImapReader args, ImapParserContext ctx) throws ImapSyntaxException {
        args.sp();
        String mailbox = args.mailbox(ctx);
        List<AppendMessage> messages = new ArrayList<>();
        do {
            args.sp();
            if (messages.size() == ImapCommand.Append.MAX_MESSAGES) {
                throw ImapSyntaxException.refusal("Too many messages in one APPEND", "LIMIT");
            }
            messages.add(appendMessage(args));
        } while (!args.atEnd());
        return new ImapCommand.Append(tag, mailbox, messages);
    }

    private static AppendMessage appendMessage(ImapReader args) throws ImapSyntaxException {
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
        AppendData data;
        if (args.peek() == '{' || args.peek() == '~') {
            data = message(args);
        } else if (args.peekKeyword().equals("CATENATE")) {
            args.keyword(INVALID_ARGUMENT);
            args.sp();
            List<Catenate.Part> parts = args.parenthesized(() -> catenatePart(args), false, INVALID_CATENATE_PART);
            if (parts.size() > Catenate.MAX_PARTS) {
                throw ImapSyntaxException.refusal("Too many parts in one CATENATE", "LIMIT");
            }
            data = new Catenate(parts);
        } else {
            throw new ImapSyntaxException(args.atEnd() ? ImapSyntaxException.MISSING_ARGUMENT : "Message must be a literal");
        }
        return new AppendMessage(flags, date, data);
    }

    /** {@code TEXT literal} (a {@code literal8} too, as Cyrus takes it) or {@code URL astring}. */
    private static Catenate.Part catenatePart(ImapReader args) throws ImapSyntaxException {
        String kind = args.keyword(INVALID_CATENATE_PART);
        args.sp();
        if (kind.equals("TEXT")) {
            if (args.peek() != '{' && args.peek() != '~') {
                throw new ImapSyntaxException(INVALID_CATENATE_PART);
            }
            return new Catenate.Text(message(args));
        }
        if (kind.equals("URL")) {
            return new Catenate.Url(args.astring(INVALID_CATENATE_PART));
        }
        throw new ImapSyntaxException(INVALID_CATENATE_PART);
    }

    /** A literal holding message text: where it sits in the frame, or the file the transport wrote it to. */
    private static MessageLiteral message(ImapReader args) throws ImapSyntaxException {
        ImapReader.Literal literal = args.literal(true);
        return literal.file()
                .map(file -> MessageLiteral.of(file, literal.binary()))
                .orElseGet(() -> new MessageLiteral.InFrame(args.frame(), literal.offset(), literal.length(), literal.binary()));
    }
}
