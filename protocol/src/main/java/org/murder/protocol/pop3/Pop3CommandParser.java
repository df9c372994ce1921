package org.murder.protocol.pop3;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Parses one POP3 command line (as {@link Pop3LineDecoder} gives it: line end removed, octets as ISO-8859-1
 * characters) into a {@link Pop3Command}. Keywords are case-insensitive; arguments are separated by spaces (tabs too,
 * as Cyrus reads them); the password of PASS is the rest of the line as it is. Arguments are read as UTF-8. Anything
 * else is {@link Pop3ParseResult.Malformed}, with the words Cyrus's pop3d answers with.
 */
public final class Pop3CommandParser {

    /** RFC 2449 section 4: a command line is at most 255 octets, CRLF included. */
    public static final int MAX_COMMAND_OCTETS = 255;

    private Pop3CommandParser() {
    }

    public static Pop3ParseResult parse(String line) {
        if (line.length() + 2 > MAX_COMMAND_OCTETS) {
            return malformed("Line too long");
        }
        int space = 0;
        while (space < line.length() && !isSpace(line.charAt(space))) {
            space++;
        }
        String keyword = line.substring(0, space).toUpperCase(Locale.ROOT);
        // PASS keeps its argument whole after the one separator; the others lose surrounding white space
        String rest = space < line.length() ? line.substring(space + 1) : null;
        if (rest != null && !keyword.equals("PASS")) {
            rest = rest.strip();
            if (rest.isEmpty()) {
                rest = null;
            }
        }
        switch (keyword) {
            case "USER":
                return rest == null ? malformed("Missing argument") : parsed(new Pop3Command.User(utf8(rest)));
            case "PASS":
                return rest == null ? malformed("Missing argument") : parsed(new Pop3Command.Pass(utf8(rest)));
            case "AUTH":
                return auth(rest);
            case "STLS":
                return noArgument(rest, new Pop3Command.Stls());
            case "CAPA":
                return noArgument(rest, new Pop3Command.Capa());
            case "QUIT":
                return noArgument(rest, new Pop3Command.Quit());
            case "STAT":
                return noArgument(rest, new Pop3Command.Stat());
            case "NOOP":
                return noArgument(rest, new Pop3Command.Noop());
            case "RSET":
                return noArgument(rest, new Pop3Command.Rset());
            case "LIST":
                return optionalNumber(rest, n -> new Pop3Command.ListCommand(n));
            case "UIDL":
                return optionalNumber(rest, n -> new Pop3Command.Uidl(n));
            case "RETR":
                return rest == null ? malformed("Missing argument") : number(rest, n -> new Pop3Command.Retr(n));
            case "DELE":
                return rest == null ? malformed("Missing argument") : number(rest, n -> new Pop3Command.Dele(n));
            case "TOP":
                return top(rest);
            default:
                return malformed("Unrecognized command");
        }
    }

    private static Pop3ParseResult auth(String rest) {
        if (rest == null) {
            return parsed(new Pop3Command.Auth(Optional.empty(), Optional.empty()));
        }
        String[] words = rest.split("[ \t]+");
        if (words.length > 2) {
            return malformed("Unexpected extra argument");
        }
        String mechanism = words[0].toUpperCase(Locale.ROOT);
        if (!mechanism.matches("[A-Z0-9_-]{1,20}")) {
            return malformed("Invalid mechanism name");
        }
        Optional<String> initial = words.length == 2 ? Optional.of(words[1]) : Optional.empty();
        return parsed(new Pop3Command.Auth(Optional.of(mechanism), initial));
    }

    private static Pop3ParseResult top(String rest) {
        if (rest == null) {
            return malformed("Missing argument");
        }
        String[] words = rest.split("[ \t]+");
        if (words.length < 2) {
            return malformed("Missing argument");
        }
        if (words.length > 2) {
            return malformed("Unexpected extra argument");
        }
        OptionalInt message = digits(words[0]);
        if (message.isEmpty()) {
            return malformed("Not a number");
        }
        OptionalInt lines = digits(words[1]);
        if (lines.isEmpty()) {
            return malformed("Invalid number of lines");
        }
        return parsed(new Pop3Command.Top(message.getAsInt(), lines.getAsInt()));
    }

    private static Pop3ParseResult noArgument(String rest, Pop3Command command) {
        return rest == null ? parsed(command) : malformed("Unexpected extra argument");
    }

    private static Pop3ParseResult optionalNumber(String rest, java.util.function.Function<OptionalInt, Pop3Command> make) {
        if (rest == null) {
            return parsed(make.apply(OptionalInt.empty()));
        }
        return number(rest, n -> make.apply(OptionalInt.of(n)));
    }

    private static Pop3ParseResult number(String rest, java.util.function.IntFunction<Pop3Command> make) {
        if (rest.chars().anyMatch(Pop3CommandParser::isSpace)) {
            return digits(rest.split("[ \t]+")[0]).isPresent() ? malformed("Unexpected extra argument") : malformed("Not a number");
        }
        OptionalInt n = digits(rest);
        return n.isEmpty() ? malformed("Not a number") : parsed(make.apply(n.getAsInt()));
    }

    /** A decimal number; one too large for an int is {@link Integer#MAX_VALUE} (no message has that number). */
    private static OptionalInt digits(String s) {
        if (s.isEmpty()) {
            return OptionalInt.empty();
        }
        long value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalInt.empty();
            }
            value = Math.min(Integer.MAX_VALUE, value * 10 + (c - '0'));
        }
        return OptionalInt.of((int) value);
    }

    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t';
    }

    /** The line's octets (ISO-8859-1 characters) read as UTF-8. */
    private static String utf8(String octets) {
        return new String(octets.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static Pop3ParseResult parsed(Pop3Command command) {
        return new Pop3ParseResult.Parsed(command);
    }

    private static Pop3ParseResult malformed(String reason) {
        return new Pop3ParseResult.Malformed(reason);
    }
}
