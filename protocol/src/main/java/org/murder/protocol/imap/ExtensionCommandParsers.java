package org.murder.protocol.imap;

import static org.murder.protocol.imap.CommandArgumentsParser.noArguments;
import static org.murder.protocol.imap.ImapSyntaxException.INVALID_STRING;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.murder.protocol.imap.command.ImapCommand;

/** Small extension commands: IDLE (RFC 2177), NAMESPACE (2342), ID (2971), ENABLE (5161), UNSELECT (3691). */
final class ExtensionCommandParsers {

    static final String INVALID_ID = "Invalid ID parameters";
    static final String INVALID_CAPABILITY = "Invalid capability";

    /** RFC 2971 §3.3 limits. */
    static final int MAX_ID_PAIRS = 30;
    static final int MAX_ID_FIELD = 30;
    static final int MAX_ID_VALUE = 1024;

    static final String INVALID_COMPRESSION = "Invalid compression mechanism";

    private ExtensionCommandParsers() {
    }

    static void register(Map<String, CommandArgumentsParser> parsers) {
        parsers.put("IDLE", noArguments(ImapCommand.Idle::new));
        parsers.put("NAMESPACE", noArguments(ImapCommand.Namespace::new));
        parsers.put("UNSELECT", noArguments(ImapCommand.Unselect::new));
        parsers.put("ENABLE", (tag, args, ctx) -> {
            List<String> capabilities = new ArrayList<>();
            do {
                args.sp();
                capabilities.add(args.atom(INVALID_CAPABILITY).toUpperCase(Locale.ROOT));
            } while (args.hasMore());
            args.end();
            return new ImapCommand.Enable(tag, capabilities);
        });
        parsers.put("ID", ExtensionCommandParsers::id);
        parsers.put("COMPRESS", (tag, args, ctx) -> {
            args.sp();
            String mechanism = args.atom(INVALID_COMPRESSION).toUpperCase(Locale.ROOT);
            args.end();
            return new ImapCommand.Compress(tag, mechanism);
        });
    }

    /** {@code ID SP ("(" [string SP nstring *(SP string SP nstring)] ")" / "NIL")}. */
    private static ImapCommand id(String tag, ImapReader args, ImapParserContext ctx) throws ImapSyntaxException {
        args.sp();
        if (args.peek() != '(') {
            if (!args.atom(INVALID_ID).equalsIgnoreCase("NIL")) {
                throw new ImapSyntaxException(INVALID_ID);
            }
            args.end();
            return new ImapCommand.Id(tag, Optional.empty());
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        int[] pairs = {0};
        args.parenthesized(() -> {
            if (++pairs[0] > MAX_ID_PAIRS) {
                throw new ImapSyntaxException(INVALID_ID);
            }
            String field = args.string(INVALID_STRING);
            args.sp();
            Optional<String> value = args.nstring(INVALID_STRING);
            // ID data ends up in logs: no control characters, so no forged log lines
            if (octets(field) > MAX_ID_FIELD || MailboxNames.hasControl(field)
                    || value.map(v -> octets(v) > MAX_ID_VALUE || MailboxNames.hasControl(v)).orElse(false)) {
                throw new ImapSyntaxException(INVALID_ID);
            }
            value.ifPresent(v -> parameters.putIfAbsent(field, v));
            return field;
        }, true, INVALID_ID);
        args.end();
        return new ImapCommand.Id(tag, Optional.of(parameters));
    }

    private static int octets(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
