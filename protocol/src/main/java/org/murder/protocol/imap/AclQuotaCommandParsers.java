package org.murder.protocol.imap;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.StoreMode;

/**
 * ACL (RFC 4314: SETACL, DELETEACL, GETACL, LISTRIGHTS, MYRIGHTS) and QUOTA (RFC 9208: GETQUOTA, GETQUOTAROOT,
 * SETQUOTA).
 */
final class AclQuotaCommandParsers {

    static final String INVALID_IDENTIFIER = "Invalid identifier";
    static final String INVALID_RIGHTS = "Invalid rights";
    static final String INVALID_RESOURCE = "Invalid quota resource";

    /**
     * The rights of RFC 4314 §2.1 plus the obsolete {@code c}/{@code d} (RFC 2086), Cyrus's {@code n}, and the
     * digits RFC 4314 leaves to implementations. Upper case is refused, as in RFC 4314's own example.
     */
    static final String RIGHTS = "lrswipkxtecdan0123456789";

    private AclQuotaCommandParsers() {
    }

    static void register(Map<String, CommandArgumentsParser> parsers) {
        parsers.put("GETACL", (tag, args, ctx) -> new ImapCommand.GetAcl(tag,
                MailboxCommandParsers.onlyMailbox(args, ctx)));
        parsers.put("MYRIGHTS", (tag, args, ctx) -> new ImapCommand.MyRights(tag,
                MailboxCommandParsers.onlyMailbox(args, ctx)));
        parsers.put("SETACL", (tag, args, ctx) -> {
            args.sp();
            String mailbox = args.mailbox(ctx);
            args.sp();
            String identifier = identifier(args);
            args.sp();
            String modRights = args.astring(INVALID_RIGHTS);
            args.end();
            String rights = StoreMode.unsigned(modRights);
            if (!rights.chars().allMatch(c -> RIGHTS.indexOf(c) >= 0)) {
                throw new ImapSyntaxException(INVALID_RIGHTS);
            }
            return new ImapCommand.SetAcl(tag, mailbox, identifier, StoreMode.fromSign(modRights), rights);
        });
        parsers.put("DELETEACL", mailboxAndIdentifier(ImapCommand.DeleteAcl::new));
        parsers.put("LISTRIGHTS", mailboxAndIdentifier(ImapCommand.ListRights::new));
        parsers.put("GETQUOTA", (tag, args, ctx) -> {
            args.sp();
            String root = quotaRoot(args, ctx);
            args.end();
            return new ImapCommand.GetQuota(tag, root);
        });
        parsers.put("GETQUOTAROOT", (tag, args, ctx) -> new ImapCommand.GetQuotaRoot(tag,
                MailboxCommandParsers.onlyMailbox(args, ctx)));
        parsers.put("SETQUOTA", AclQuotaCommandParsers::setQuota);
    }

    @FunctionalInterface
    private interface MailboxIdentifierCommand {
        ImapCommand create(String tag, String mailbox, String identifier);
    }

    /** A command whose arguments are a mailbox and an identifier: DELETEACL, LISTRIGHTS. */
    private static CommandArgumentsParser mailboxAndIdentifier(MailboxIdentifierCommand command) {
        return (tag, args, ctx) -> {
            args.sp();
            String mailbox = args.mailbox(ctx);
            args.sp();
            String identifier = identifier(args);
            args.end();
            return command.create(tag, mailbox, identifier);
        };
    }

    /** {@code SETQUOTA root SP "(" [resource SP number64 *(SP resource SP number64)] ")"}. */
    private static ImapCommand setQuota(String tag, ImapReader args, ImapParserContext ctx) throws ImapSyntaxException {
        args.sp();
        String root = quotaRoot(args, ctx);
        args.sp();
        Map<String, Long> limits = new LinkedHashMap<>();
        args.parenthesized(() -> {
            String resource = args.atom(INVALID_RESOURCE).toUpperCase(Locale.ROOT);
            args.sp();
            if (limits.put(resource, args.number64()) != null) {
                throw new ImapSyntaxException(INVALID_RESOURCE);
            }
            return resource;
        }, true, INVALID_RESOURCE);
        args.end();
        return new ImapCommand.SetQuota(tag, root, limits);
    }

    /** An ACL identifier: any non-empty string without control characters ({@code anyone}, {@code -bob}). */
    private static String identifier(ImapReader args) throws ImapSyntaxException {
        String identifier = args.astring(INVALID_IDENTIFIER);
        if (identifier.isEmpty() || MailboxNames.hasControl(identifier)) {
            throw new ImapSyntaxException(INVALID_IDENTIFIER);
        }
        return identifier;
    }

    /** A quota root: named like a mailbox (decoded the same way, INBOX normalised) but may be empty. */
    private static String quotaRoot(ImapReader args, ImapParserContext ctx) throws ImapSyntaxException {
        return MailboxNames.normalizeInbox(ListCommandParser.decode(args.mailboxText(ctx, false), ctx));
    }
}
