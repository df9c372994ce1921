package org.murder.protocol.lmtp;

import java.util.Optional;

/**
 * RFC 5321 §4.1.2 paths: {@code "<" [ A-d-l ":" ] Mailbox ">"}, reading from a position in a command line.
 * Differences from the letter of the RFC, each as Cyrus's {@code parseaddr} has it: the domain may be missing
 * ({@code <alice>}, LMTP's usual recipient form), an unquoted local part may have leading, trailing or doubled
 * dots, and an at-domain of a source route may be an address literal. Source routes are read and dropped.
 */
final class PathParser {

    /** Where a path ended and what it held; {@code address} is empty for {@code <>}. */
    record Path(Optional<Address> address, int end) {
    }

    private final String s;
    private final Refusal badSyntax;
    private int i;

    private PathParser(String s, int start, Refusal badSyntax) {
        this.s = s;
        this.i = start;
        this.badSyntax = badSyntax;
    }

    /**
     * Reads a path starting at {@code start} (which must be {@code <}).
     *
     * @param badSyntax the refusal for a malformed path (501 5.1.7 for senders, 501 5.1.3 for recipients)
     * @throws Refusal {@code badSyntax}, or 553 5.6.7 for non-ASCII inside the path (no SMTPUTF8, RFC 6531)
     */
    static Path parse(String line, int start, Refusal badSyntax) throws Refusal {
        return new PathParser(line, start, badSyntax).path();
    }

    private Path path() throws Refusal {
        int close = s.indexOf('>', i);
        for (int k = i; k < (close < 0 ? s.length() : close); k++) {
            if (s.charAt(k) > 0x7e) {
                throw new Refusal(553, "5.6.7", "Non-ASCII addresses are not permitted");
            }
        }
        expect('<');
        if (peek() == '>') {
            i++;
            return new Path(Optional.empty(), i);
        }
        if (peek() == '@') {
            sourceRoute();
        }
        String local = peek() == '"' ? quotedString() : dotString();
        Optional<String> domain = Optional.empty();
        if (peek() == '@') {
            i++;
            domain = Optional.of(domainOrLiteral());
        }
        expect('>');
        if (local.isEmpty()) {
            throw badSyntax;
        }
        return new Path(Optional.of(new Address(local, domain)), i);
    }

    /** {@code @one,@two:} — read and forgotten. */
    private void sourceRoute() throws Refusal {
        do {
            expect('@');
            domainOrLiteral();
        } while (accept(','));
        expect(':');
    }

    private String dotString() {
        int from = i;
        while (i < s.length() && (LmtpSyntax.isAtext(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        return s.substring(from, i);
    }

    private String quotedString() throws Refusal {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (i >= s.length()) {
                throw badSyntax;
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                if (i >= s.length() || !LmtpSyntax.isQuotable(s.charAt(i))) {
                    throw badSyntax;
                }
                c = s.charAt(i++);
            } else if (!LmtpSyntax.isQuotable(c)) {
                throw badSyntax;
            }
            sb.append(c);
        }
    }

    private String domainOrLiteral() throws Refusal {
        int from = i;
        if (peek() == '[') {
            int close = s.indexOf(']', i);
            if (close < 0) {
                throw badSyntax;
            }
            i = close + 1;
            String literal = s.substring(from, i);
            if (!LmtpSyntax.isAddressLiteral(literal)) {
                throw badSyntax;
            }
            return literal;
        }
        while (i < s.length() && (LmtpSyntax.isAlpha(s.charAt(i)) || LmtpSyntax.isDigit(s.charAt(i))
                || s.charAt(i) == '-' || s.charAt(i) == '.')) {
            i++;
        }
        String domain = s.substring(from, i);
        if (!LmtpSyntax.isDomain(domain)) {
            throw badSyntax;
        }
        return domain;
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private boolean accept(char c) {
        if (peek() == c && i < s.length()) {
            i++;
            return true;
        }
        return false;
    }

    private void expect(char c) throws Refusal {
        if (!accept(c)) {
            throw badSyntax;
        }
    }
}
