package org.murder.protocol.mupdate;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.murder.protocol.wire.WireSyntaxException;

/** The commands about the connection rather than the map: AUTHENTICATE, NOOP, LOGOUT, STARTTLS, COMPRESS. */
final class SessionCommandParsers {

    private SessionCommandParsers() {
    }

    static void register(Map<String, CommandArgumentsParser> parsers) {
        parsers.put("AUTHENTICATE", (tag, args) -> {
            String mechanism = mechanism(args.string());
            Optional<String> initial = args.hasMore() ? Optional.of(args.string()) : Optional.empty();
            args.end();
            return new MupdateCommand.Authenticate(tag, mechanism, initial);
        });
        parsers.put("NOOP", (tag, args) -> {
            args.end();
            return new MupdateCommand.Noop(tag);
        });
        parsers.put("LOGOUT", (tag, args) -> {
            args.end();
            return new MupdateCommand.Logout(tag);
        });
        parsers.put("STARTTLS", (tag, args) -> {
            args.end();
            return new MupdateCommand.StartTls(tag);
        });
        parsers.put("COMPRESS", (tag, args) -> {
            String algorithm = args.string();
            args.end();
            if (algorithm.isEmpty() || MupdateSyntax.hasLineBreakOrNul(algorithm)) {
                throw new WireSyntaxException(Arguments.BADLY_FORMED);
            }
            return new MupdateCommand.Compress(tag, algorithm);
        });
    }

    /** RFC 4422 mechanism names: 1 to 20 of A-Z, 0-9, '-' and '_'; accepted in any case. */
    private static String mechanism(String name) throws WireSyntaxException {
        String upper = name.toUpperCase(Locale.ROOT);
        if (!upper.matches("[A-Z0-9_-]{1,20}")) {
            throw new WireSyntaxException("Invalid SASL mechanism name");
        }
        return upper;
    }
}
