package org.murder.protocol.imap;

import static org.murder.protocol.imap.CommandArgumentsParser.noArguments;
import static org.murder.protocol.imap.ImapSyntaxException.INVALID_STRING;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.murder.protocol.imap.command.ImapCommand;

/** The connection's commands: CAPABILITY, NOOP, LOGOUT, STARTTLS, AUTHENTICATE, LOGIN. */
final class SessionCommandParsers {

    static final String INVALID_MECHANISM = "Invalid SASL mechanism name";
    static final String INVALID_INITIAL_RESPONSE = "Invalid initial response";

    private SessionCommandParsers() {
    }

    static void register(Map<String, CommandArgumentsParser> parsers) {
        parsers.put("CAPABILITY", noArguments(ImapCommand.Capability::new));
        parsers.put("NOOP", noArguments(ImapCommand.Noop::new));
        parsers.put("LOGOUT", noArguments(ImapCommand.Logout::new));
        parsers.put("STARTTLS", noArguments(ImapCommand.StartTls::new));
        parsers.put("AUTHENTICATE", SessionCommandParsers::authenticate);
        parsers.put("LOGIN", (tag, args, ctx) -> {
            args.sp();
            String user = args.astring(INVALID_STRING);
            args.sp();
            String password = args.astring(INVALID_STRING);
            args.end();
            return new ImapCommand.Login(tag, user, password);
        });
    }

    /** {@code AUTHENTICATE mechanism [SP (base64 / "=")]} (RFC 3501, RFC 4959 SASL-IR). */
    private static ImapCommand authenticate(String tag, ImapReader args, ImapParserContext ctx)
            throws ImapSyntaxException {
        args.sp();
        String mechanism = args.atom(INVALID_MECHANISM).toUpperCase(Locale.ROOT);
        if (!mechanism.matches("[A-Z0-9_-]{1,20}")) {
            throw new ImapSyntaxException(INVALID_MECHANISM);
        }
        Optional<String> initial = Optional.empty();
        if (args.hasMore()) {
            args.sp();
            String response = args.atom(INVALID_INITIAL_RESPONSE);
            if (!response.equals("=") && !isBase64(response)) {
                throw new ImapSyntaxException(INVALID_INITIAL_RESPONSE);
            }
            initial = Optional.of(response);
        }
        args.end();
        return new ImapCommand.Authenticate(tag, mechanism, initial);
    }

    /** Padded base64 (RFC 4648 §4), checked by hand: a regex would recurse once per group on long tokens. */
    static boolean isBase64(String s) {
        if (s.isEmpty() || s.length() % 4 != 0) {
            return false;
        }
        int padding = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
        for (int i = 0; i < s.length() - padding; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
