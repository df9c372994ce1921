package org.murder.protocol.wire;

/**
 * A literal announcement {@code {n}} or {@code {n+}} ending a line. Sizes past 32 bits are kept as-is (not
 * wrapped) so that a bound check rejects them instead of misreading them.
 */
record LiteralMarker(long size, boolean synchronizing) {

    /** More significant digits than this cannot be a literal any bound accepts; stop before {@code long} overflows. */
    static final int MAX_DIGITS = 18;

    /** The marker ending {@code bytes[from, to)}, or null when the line does not end in one. */
    static LiteralMarker find(byte[] bytes, int from, int to) {
        int i = to - 1;
        if (i < from || bytes[i] != '}') {
            return null;
        }
        i--;
        boolean sync = true;
        if (i >= from && bytes[i] == '+') {
            sync = false;
            i--;
        }
        int lastDigit = i;
        while (i >= from && bytes[i] >= '0' && bytes[i] <= '9') {
            i--;
        }
        int digits = lastDigit - i;
        if (digits == 0 || i < from || bytes[i] != '{') {
            return null;
        }
        long size = 0;
        int significant = 0;
        for (int d = i + 1; d <= lastDigit; d++) {
            int digit = bytes[d] - '0';
            if (significant == 0 && digit == 0) {
                continue; // number is 1*DIGIT: "{0000005+}" announces 5 bytes, however many zeros lead
            }
            if (++significant > MAX_DIGITS) {
                return new LiteralMarker(Long.MAX_VALUE, sync);
            }
            size = size * 10 + digit;
        }
        return new LiteralMarker(size, sync);
    }
}
