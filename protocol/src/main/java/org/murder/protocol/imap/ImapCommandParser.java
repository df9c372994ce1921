package org.murder.protocol.imap;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.murder.protocol.imap.command.ImapCommand;

/**
 * Turns one command frame from {@link org.murder.protocol.wire.FrameDecoder} into an
 * {@link org.murder.protocol.imap.command.ImapCommand}, or into the reason for a {@code BAD} (or, for an
 * unsupported SEARCH charset, a {@code NO}). Never throws on input. Command names are case-insensitive and
 * dispatched to one small parser per command family.
 *
 * <p>Lines a client sends inside a command (IDLE's {@code DONE}, the SASL exchange of AUTHENTICATE) are not
 * commands: the session reads them itself.
 */
public final class ImapCommandParser {

    public static final String MISSING_COMMAND = "Missing command";
    public static final String INVALID_TAG = "Invalid tag";
    public static final String UNKNOWN_COMMAND = "Unknown command";
    public static final String UNKNOWN_UID_COMMAND = "Unknown UID command";

    private static final Map<String, CommandArgumentsParser> COMMANDS = new HashMap<>();
    private static final Map<String, UidCommandArgumentsParser> UID_COMMANDS = new HashMap<>();

    static {
        SessionCommandParsers.register(COMMANDS);
        MailboxCommandParsers.register(COMMANDS);
        MessageCommandParsers.register(COMMANDS, UID_COMMANDS);
        SearchCommandParser.register(COMMANDS, UID_COMMANDS);
        SortThreadParsers.register(COMMANDS, UID_COMMANDS);
        FetchStoreParsers.register(COMMANDS, UID_COMMANDS);
        AclQuotaCommandParsers.register(COMMANDS);
        ExtensionCommandParsers.register(COMMANDS);
        COMMANDS.put("UID", ImapCommandParser::uid);
    }

    private ImapCommandParser() {
    }

    /** Parses with nothing enabled ({@link ImapParserContext#DEFAULT}). */
    public static ImapParseResult parse(byte[] frame) {
        return parse(frame, ImapParserContext.DEFAULT);
    }

    public static ImapParseResult parse(byte[] frame, ImapParserContext ctx) {
        return parse(new ImapReader(frame), frame.length, ctx);
    }

    /**
     * A frame whose large literals the decoder wrote to files: APPEND's message becomes a file-backed
     * {@link org.murder.protocol.imap.command.MessageLiteral}; a string argument that large is refused. The frame
     * keeps its files: the caller releases it once the command has been handled.
     */
    public static ImapParseResult parse(org.murder.protocol.wire.SpilledFrame frame, ImapParserContext ctx) {
        return parse(new ImapReader(frame), frame.bytes().length, ctx);
    }

    private static ImapParseResult parse(ImapReader reader, int frameLength, ImapParserContext ctx) {
        String tag = reader.takeWhile(b -> b != ' ');
        if (tag.isEmpty()) {
            return new ImapParseResult.Malformed(Optional.empty(), frameLength == 0 ? MISSING_COMMAND : INVALID_TAG);
        }
        if (!isTag(tag)) {
            return new ImapParseResult.Malformed(Optional.empty(), INVALID_TAG);
        }
        Optional<String> knownTag = Optional.of(tag);
        if (!reader.tryChar(' ')) {
            return new ImapParseResult.Malformed(knownTag, MISSING_COMMAND);
        }
        String name = reader.takeWhile(ImapReader::isAtomChar).toUpperCase(Locale.ROOT);
        if (name.isEmpty()) {
            return new ImapParseResult.Malformed(knownTag, MISSING_COMMAND);
        }
        CommandArgumentsParser parser = COMMANDS.get(name);
        if (parser == null) {
            return new ImapParseResult.Malformed(knownTag, UNKNOWN_COMMAND);
        }
        try {
            return new ImapParseResult.Parsed(parser.parse(tag, reader, ctx));
        } catch (ImapSyntaxException e) {
            if (e.refusal()) {
                return new ImapParseResult.Refused(tag, e.getMessage(), e.responseCode(), e.emptiesSavedResult());
            }
            return new ImapParseResult.Malformed(knownTag, e.getMessage(), e.responseCode());
        }
    }

    /** IMAP tag: one or more ASTRING-CHARs other than {@code +} (RFC 3501 §9 {@code tag}). */
    public static boolean isTag(String tag) {
        if (tag.isEmpty()) {
            return false;
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (c >= 0x80 || c == '+' || !(ImapReader.isAtomChar(c) || c == ']')) {
                return false;
            }
        }
        return true;
    }

    /** Registers a command both bare and after {@code UID}. */
    static void registerBoth(Map<String, CommandArgumentsParser> parsers, Map<String, UidCommandArgumentsParser> uid,
                             String name, UidCommandArgumentsParser parser) {
        parsers.put(name, (tag, args, ctx) -> parser.parse(tag, false, args, ctx));
        uid.put(name, parser);
    }

    private static ImapCommand uid(String tag, ImapReader args, ImapParserContext ctx)
            throws ImapSyntaxException {
        args.sp();
        String name = args.keyword(UNKNOWN_UID_COMMAND);
        UidCommandArgumentsParser parser = UID_COMMANDS.get(name);
        if (parser == null) {
            throw new ImapSyntaxException(UNKNOWN_UID_COMMAND);
        }
        return parser.parse(tag, true, args, ctx);
    }
}
