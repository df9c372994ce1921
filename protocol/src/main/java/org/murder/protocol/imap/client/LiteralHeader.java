package org.murder.protocol.imap.client;

/**
 * The literal a response line announces at its end: {@code {n}}, {@code {n+}} or a {@code literal8}
 * {@code ~{n}} (RFC 3516). Outside quoted strings a {@code {} can only open a literal, so a brace group without
 * spaces that ends the line but is not a well-formed header is an error, not text: guessing would desynchronise a
 * relay from its client. Sizes too long for a {@code long} become {@link Long#MAX_VALUE}, for a bound to refuse.
 */
record LiteralHeader(long size, boolean binary) {

    private static final int MAX_DIGITS = 18;

    /** The header ending {@code line[0, end)}, or null when the line does not end in one. */
    static LiteralHeader find(byte[] line, int end) {
        if (end == 0 || line[end - 1] != '}') {
            return null;
        }
        int open = end - 2;
        while (open >= 0 && line[open] != '{') {
            byte c = line[open];
            if (c == ' ' || c == '"' || c == '(' || c == ')') {
                return null; // the brace closes something else, e.g. an atom ending in '}'
            }
            open--;
        }
        if (open < 0) {
            return null;
        }
        int digitsEnd = line[end - 2] == '+' ? end - 2 : end - 1;
        int digits = digitsEnd - (open + 1);
        if (digits < 1) {
            throw new ImapResponseException("Malformed literal header");
        }
        long size = 0;
        for (int i = open + 1; i < digitsEnd; i++) {
            byte c = line[i];
            if (c < '0' || c > '9') {
                throw new ImapResponseException("Malformed literal header");
            }
            size = i - (open + 1) >= MAX_DIGITS ? Long.MAX_VALUE : size * 10 + (c - '0');
        }
        return new LiteralHeader(size, open > 0 && line[open - 1] == '~');
    }
}
