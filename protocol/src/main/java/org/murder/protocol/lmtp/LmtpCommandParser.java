package org.murder.protocol.lmtp;

import java.util.Locale;
import java.util.Optional;

/**
 * Turns one command line from {@link LmtpDecoder} into an {@link LmtpCommand}, or into the reply that refuses
 * it. Never throws on input. Verbs and parameter keywords are case-insensitive; runs of spaces between
 * arguments and trailing spaces are taken (RFC 5321 §4.1.1 asks for one space; MTAs are not all that tidy).
 *
 * <p>Refusals, with RFC 3463 codes:
 * <ul>
 *   <li>{@code 500 5.5.2} — empty line, a control character (NUL, CR, TAB ...) anywhere, an unknown verb, or
 *       8-bit text outside a path;</li>
 *   <li>{@code 501 5.5.4} — wrong arguments: {@code DATA x}, {@code LHLO} without a domain, a malformed
 *       parameter, a bad {@code SIZE}/{@code BODY}/{@code AUTH}/{@code RET}/{@code ENVID} value, a duplicate
 *       parameter, {@code MAIL} without {@code FROM:};</li>
 *   <li>{@code 501 5.1.7} / {@code 501 5.1.3} — a malformed sender / recipient path (missing {@code <>},
 *       bad domain, unterminated quote ...), {@code RCPT TO:<>};</li>
 *   <li>{@code 553 5.6.7} — non-ASCII inside a path (we offer no SMTPUTF8, RFC 6531 §3.6.2);</li>
 *   <li>{@code 555 5.5.4} — a well-formed parameter we do not support (RFC 5321 §4.1.1.11);</li>
 *   <li>{@code 501 5.5.2} — an AUTH initial response that is not base64 (RFC 4954 §4).</li>
 * </ul>
 */
public final class LmtpCommandParser {

    private LmtpCommandParser() {
    }

    public static LmtpParseResult parse(String line) {
        try {
            return new LmtpParseResult.Parsed(command(line));
        } catch (Refusal refusal) {
            return refusal.malformed();
        }
    }

    private static LmtpCommand command(String line) throws Refusal {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new Refusal(500, "5.5.2", "Syntax error, control character in command");
            }
        }
        String trimmed = stripTrailingSpaces(line);
        if (trimmed.isEmpty()) {
            throw new Refusal(500, "5.5.2", "Syntax error, empty command");
        }
        int sp = trimmed.indexOf(' ');
        String word = sp < 0 ? trimmed : trimmed.substring(0, sp);
        // upper-case only what is ASCII: Locale.ROOT would turn a dotless i into I
        String verb = isAscii(word) ? word.toUpperCase(Locale.ROOT) : "";
        String args = sp < 0 ? "" : stripLeadingSpaces(trimmed.substring(sp + 1));
        if (verb.equals("MAIL")) {
            return TransactionCommandParsers.mail(args);
        }
        if (verb.equals("RCPT")) {
            return TransactionCommandParsers.rcpt(args);
        }
        if (!isAscii(trimmed)) {
            throw new Refusal(500, "5.5.2", "Syntax error, 8-bit character in command");
        }
        switch (verb) {
            case "LHLO":
                return new LmtpCommand.Lhlo(required(args, "Syntax: LHLO hostname"));
            case "HELO":
                return new LmtpCommand.Helo(args);
            case "EHLO":
                return new LmtpCommand.Ehlo(args);
            case "DATA":
                return noArguments(args, new LmtpCommand.Data());
            case "RSET":
                return noArguments(args, new LmtpCommand.Rset());
            case "QUIT":
                return noArguments(args, new LmtpCommand.Quit());
            case "STARTTLS":
                return noArguments(args, new LmtpCommand.StartTls());
            case "NOOP":
                return new LmtpCommand.Noop();
            case "VRFY":
                return new LmtpCommand.Vrfy(required(args, "Syntax: VRFY string"));
            case "AUTH":
                return auth(args);
            default:
                throw new Refusal(500, "5.5.2", "Syntax error, command unrecognized");
        }
    }

    /** {@code AUTH mechanism [initial-response]} (RFC 4954 §4). */
    private static LmtpCommand auth(String args) throws Refusal {
        String[] words = args.isEmpty() ? new String[0] : args.split(" +");
        if (words.length < 1 || words.length > 2) {
            throw Refusal.syntax("Syntax: AUTH mechanism [initial-response]");
        }
        String mechanism = words[0].toUpperCase(Locale.ROOT);
        if (!LmtpSyntax.isMechanism(mechanism)) {
            throw Refusal.syntax("Syntax error, not a SASL mechanism name");
        }
        if (words.length == 1) {
            return new LmtpCommand.Auth(mechanism, Optional.empty());
        }
        if (!LmtpSyntax.isInitialResponse(words[1])) {
            throw new Refusal(501, "5.5.2", "Cannot Base64-decode the initial response");
        }
        return new LmtpCommand.Auth(mechanism, Optional.of(words[1]));
    }

    private static String required(String args, String usage) throws Refusal {
        if (args.isEmpty()) {
            throw Refusal.syntax(usage);
        }
        return args;
    }

    private static LmtpCommand noArguments(String args, LmtpCommand command) throws Refusal {
        if (!args.isEmpty()) {
            throw Refusal.syntax("Syntax error, no parameters allowed");
        }
        return command;
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7e) {
                return false;
            }
        }
        return true;
    }

    static String stripTrailingSpaces(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(0, end);
    }

    static String stripLeadingSpaces(String s) {
        int start = 0;
        while (start < s.length() && s.charAt(start) == ' ') {
            start++;
        }
        return s.substring(start);
    }
}
