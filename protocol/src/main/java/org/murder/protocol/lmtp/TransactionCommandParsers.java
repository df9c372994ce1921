package org.murder.protocol.lmtp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code MAIL FROM:} and {@code RCPT TO:}: a path, then ESMTP parameters (RFC 5321 §4.1.2). */
final class TransactionCommandParsers {

    private static final Refusal BAD_SENDER = new Refusal(501, "5.1.7", "Bad sender address syntax");
    private static final Refusal BAD_RECIPIENT = new Refusal(501, "5.1.3", "Bad recipient address syntax");

    private TransactionCommandParsers() {
    }

    static LmtpCommand.Mail mail(String args) throws Refusal {
        int pathStart = afterPrefix(args, "FROM:", "Syntax: MAIL FROM:<address> [parameters]");
        PathParser.Path path = PathParser.parse(args, pathStart, BAD_SENDER);
        ReversePath from = path.address().map(ReversePath::of).orElse(ReversePath.NULL);
        Map<String, String> params = parameters(args, path.end(), BAD_SENDER);
        for (Map.Entry<String, String> p : params.entrySet()) {
            p.setValue(mailParameter(p.getKey(), p.getValue()));
        }
        return new LmtpCommand.Mail(from, params);
    }

    static LmtpCommand.Rcpt rcpt(String args) throws Refusal {
        int pathStart = afterPrefix(args, "TO:", "Syntax: RCPT TO:<address> [parameters]");
        PathParser.Path path = PathParser.parse(args, pathStart, BAD_RECIPIENT);
        if (path.address().isEmpty()) {
            throw BAD_RECIPIENT;
        }
        Map<String, String> params = parameters(args, path.end(), BAD_RECIPIENT);
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (!p.getKey().equals("IGNOREQUOTA")) {
                throw unsupported(p.getKey());
            }
            if (!p.getValue().isEmpty()) {
                throw Refusal.syntax("IGNOREQUOTA takes no value");
            }
        }
        return new LmtpCommand.Rcpt(ForwardPath.of(path.address().get()), params);
    }

    /** Where the path starts: after {@code FROM:} / {@code TO:} (any case) and, leniently, spaces. */
    private static int afterPrefix(String args, String prefix, String usage) throws Refusal {
        if (!args.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw Refusal.syntax(usage);
        }
        int i = prefix.length();
        while (i < args.length() && args.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    /** {@code *( SP esmtp-keyword ["=" esmtp-value] )} to the end of the line; keywords upper-cased. */
    private static Map<String, String> parameters(String args, int from, Refusal badPath) throws Refusal {
        Map<String, String> params = new LinkedHashMap<>();
        if (from == args.length()) {
            return params;
        }
        if (args.charAt(from) != ' ') {
            // "<a@b>x": the path did not end where it seemed to
            throw badPath;
        }
        String rest = LmtpCommandParser.stripLeadingSpaces(args.substring(from));
        if (rest.isEmpty()) {
            return params;
        }
        if (!LmtpCommandParser.isAscii(rest)) {
            throw Refusal.syntax("Syntax error in parameters, 8-bit character");
        }
        for (String word : rest.split(" +")) {
            int eq = word.indexOf('=');
            String keyword = (eq < 0 ? word : word.substring(0, eq)).toUpperCase(Locale.ROOT);
            String value = eq < 0 ? "" : word.substring(eq + 1);
            if (!LmtpSyntax.isKeyword(keyword) || (eq >= 0 && !LmtpSyntax.isParameterValue(value))) {
                throw Refusal.syntax("Syntax error in parameters");
            }
            if (params.putIfAbsent(keyword, value) != null) {
                throw Refusal.syntax("Duplicate " + keyword + " parameter");
            }
        }
        return params;
    }

    /** Checks one MAIL parameter and gives the value to keep. */
    private static String mailParameter(String keyword, String value) throws Refusal {
        switch (keyword) {
            case "SIZE":
                if (!LmtpSyntax.isDigits(value)) {
                    throw Refusal.syntax("Syntax error in SIZE parameter");
                }
                return value;
            case "BODY":
                String body = value.toUpperCase(Locale.ROOT);
                if (!body.equals("7BIT") && !body.equals("8BITMIME")) {
                    throw Refusal.syntax("Unrecognized BODY type");
                }
                return body;
            case "AUTH":
                if (!value.equals("<>") && !Xtext.isValid(value)) {
                    throw Refusal.syntax("Syntax error in AUTH parameter");
                }
                return value;
            case "RET":
                String ret = value.toUpperCase(Locale.ROOT);
                if (!ret.equals("FULL") && !ret.equals("HDRS")) {
                    throw Refusal.syntax("Syntax error in RET parameter");
                }
                return ret;
            case "ENVID":
                if (!Xtext.isValid(value)) {
                    throw Refusal.syntax("Syntax error in ENVID parameter");
                }
                return value;
            default:
                throw unsupported(keyword);
        }
    }

    /** The keyword is echoed: it has passed the esmtp-keyword check, so it is letters, digits and hyphens. */
    private static Refusal unsupported(String keyword) {
        return new Refusal(555, "5.5.4", "Unsupported parameter " + keyword);
    }
}
