package org.murder.protocol.imap.command;

import java.util.Optional;

/**
 * The range of a PARTIAL return option: positions {@code first} to {@code last} of the result, counted from 1 (RFC 5267
 * §4.4), or both negative, counted from the end ({@code -1:-10}, the last ten, RFC 9394). Written back as given, the
 * smaller magnitude first.
 */
public record PartialRange(long first, long last) {

    /** Positions fit in 32 bits (RFC 9394's {@code partial-range-first = nz-number}). */
    private static final long MAX = 0xffffffffL;

    public PartialRange {
        boolean positive = first > 0 && last > 0;
        boolean negative = first < 0 && last < 0;
        if (!positive && !negative || Math.abs(first) > MAX || Math.abs(last) > MAX) {
            throw new IllegalArgumentException("Invalid partial range");
        }
        if (Math.abs(first) > Math.abs(last)) {
            long t = first;
            first = last;
            last = t;
        }
    }

    /** {@code low:high} or {@code -low:-high}; empty when it is neither. */
    public static Optional<PartialRange> parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PartialRange(number(text.substring(0, colon)), number(text.substring(colon + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static long number(String s) {
        boolean minus = s.startsWith("-");
        String digits = minus ? s.substring(1) : s;
        if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                || digits.charAt(0) == '0') {
            throw new IllegalArgumentException("Invalid partial range");
        }
        long n = Long.parseLong(digits);
        return minus ? -n : n;
    }

    /** The zero-based indexes [from, to) of a result of {@code size} messages this range selects. */
    public int[] indexes(int size) {
        long from = first > 0 ? first - 1 : size + last;
        long to = first > 0 ? last : size + first + 1;
        from = Math.max(0, Math.min(size, from));
        to = Math.max(from, Math.min(size, to));
        return new int[] {(int) from, (int) to};
    }

    @Override
    public String toString() {
        return first + ":" + last;
    }
}
