package org.murder.protocol.imap.response;

/**
 * Checks a pre-rendered wire value (a cached ENVELOPE or BODYSTRUCTURE read back from the database) before it is
 * sent: parentheses balance, quoted strings close, and CR/LF appear only inside literals whose {@code {n}} count
 * matches. A value that fails could end the response line early, so it is refused.
 */
final class WireText {

    private WireText() {
    }

    static void check(byte[] b) {
        int depth = 0;
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            if (c == '\r' || c == '\n' || c == 0) {
                throw invalid("line break outside a literal");
            } else if (c == '(') {
                depth++;
                i++;
            } else if (c == ')') {
                if (--depth < 0) {
                    throw invalid("unbalanced parentheses");
                }
                i++;
            } else if (c == '"') {
                i = skipQuoted(b, i + 1);
            } else if (c == '{' || (c == '~' && i + 1 < b.length && b[i + 1] == '{')) {
                i = skipLiteral(b, c == '~' ? i + 2 : i + 1);
            } else {
                i++;
            }
        }
        if (depth != 0) {
            throw invalid("unbalanced parentheses");
        }
    }

    private static int skipQuoted(byte[] b, int i) {
        while (i < b.length) {
            int c = b[i] & 0xff;
            if (c == '\r' || c == '\n' || c == 0) {
                throw invalid("line break in a quoted string");
            } else if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else {
                i++;
            }
        }
        throw invalid("unterminated quoted string");
    }

    private static int skipLiteral(byte[] b, int i) {
        long n = 0;
        int digits = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            n = n * 10 + (b[i] - '0');
            if (++digits > 10) {
                throw invalid("literal too long");
            }
            i++;
        }
        if (digits == 0 || i + 2 >= b.length || b[i] != '}' || b[i + 1] != '\r' || b[i + 2] != '\n') {
            throw invalid("malformed literal");
        }
        long end = i + 3L + n;
        if (end > b.length) {
            throw invalid("literal longer than the value");
        }
        return (int) end;
    }

    private static IllegalArgumentException invalid(String why) {
        return new IllegalArgumentException("invalid wire value: " + why);
    }
}
