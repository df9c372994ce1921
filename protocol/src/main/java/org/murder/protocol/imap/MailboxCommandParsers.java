package org.murder.protocol.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;

import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.QresyncParameters;
import org.murder.protocol.imap.command.StatusItem;

/** Commands on mailboxes as wholes: SELECT, EXAMINE, CREATE, DELETE, RENAME, (UN)SUBSCRIBE, LSUB, STATUS. */
final class MailboxCommandParsers {

    static final String INVALID_SELECT_PARAMETER = "Invalid select parameter";
    static final String INVALID_QRESYNC_PARAMETER = "Invalid QRESYNC parameter";
    static final String INVALID_CREATE_PARAMETER = "Invalid create parameter";
    static final String INVALID_RENAME_PARAMETER = "Invalid rename parameter";
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
            Optional<String> location = Optional.empty();
            if (args.hasMore()) {
                args.sp();
                location = Optional.of(args.astring(INVALID_RENAME_PARAMETER));
            }
            args.end();
            return new ImapCommand.Rename(tag, from, to, location);
        });
        MoveCommandParsers.register(parsers);
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
        ImapCommand create(String tag, String mailbox, boolean condstore, Optional<QresyncParameters> qresync);
    }

    /** {@code SELECT|EXAMINE mailbox [SP "(" select-param *(SP select-param) ")"]}. */
    private static CommandArgumentsParser select(SelectCommand command) {
        return (tag, args, ctx) -> {
            args.sp();
            String mailbox = args.mailbox(ctx);
            boolean condstore = false;
            Optional<QresyncParameters> qresync = Optional.empty();
            if (args.hasMore()) {
                args.sp();
                List<Object> params = args.parenthesized(() -> {
                    String name = args.keyword(INVALID_SELECT_PARAMETER);
                    if (name.equals("CONDSTORE")) {
                        return name;
                    }
                    if (!name.equals("QRESYNC")) {
                        throw new ImapSyntaxException(INVALID_SELECT_PARAMETER);
                    }
                    args.sp();
                    return qresync(args);
                }, false, INVALID_SELECT_PARAMETER);
                for (Object p : params) {
                    if (p instanceof QresyncParameters q) {
                        if (qresync.isPresent()) {
                            throw new ImapSyntaxException(INVALID_SELECT_PARAMETER);
                        }
                        qresync = Optional.of(q);
                    } else {
                        condstore = true;
                    }
                }
            }
            args.end();
            return command.create(tag, mailbox, condstore, qresync);
        };
    }

    /**
     * {@code "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"} (RFC 7162 §7); known
     * UIDs are written out ({@code *} is not allowed), and the two sets of seq-match-data pair up one to one.
     */
    private static QresyncParameters qresync(ImapReader args) throws ImapSyntaxException {
        args.expect('(', INVALID_QRESYNC_PARAMETER);
        long uidValidity = args.nzNumber();
        args.sp();
        long modSeq = args.number64();
        Optional<SequenceSet> knownUids = Optional.empty();
        Optional<QresyncParameters.SeqMatch> seqMatch = Optional.empty();
        if (!args.tryChar(')')) {
            args.sp();
            if (args.peek() != '(') {
                knownUids = Optional.of(written(args.sequenceSet()));
                if (!args.tryChar(')')) {
                    args.sp();
                    seqMatch = Optional.of(seqMatch(args));
                    args.expect(')', INVALID_QRESYNC_PARAMETER);
                }
            } else {
                seqMatch = Optional.of(seqMatch(args));
                args.expect(')', INVALID_QRESYNC_PARAMETER);
            }
        }
        return new QresyncParameters(uidValidity, modSeq, knownUids, seqMatch);
    }

    private static QresyncParameters.SeqMatch seqMatch(ImapReader args) throws ImapSyntaxException {
        args.expect('(', INVALID_QRESYNC_PARAMETER);
        SequenceSet msns = written(args.sequenceSet());
        args.sp();
        SequenceSet uids = written(args.sequenceSet());
        args.expect(')', INVALID_QRESYNC_PARAMETER);
        if (msns.count(ImapReader.MAX_NUMBER) != uids.count(ImapReader.MAX_NUMBER)) {
            throw new ImapSyntaxException(INVALID_QRESYNC_PARAMETER); // RFC 7162 §3.2.5.2: as many of each
        }
        return new QresyncParameters.SeqMatch(msns, uids);
    }

    private static SequenceSet written(SequenceSet set) throws ImapSyntaxException {
        if (set.usesStar()) {
            throw new ImapSyntaxException(INVALID_QRESYNC_PARAMETER);
        }
        return set;
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
