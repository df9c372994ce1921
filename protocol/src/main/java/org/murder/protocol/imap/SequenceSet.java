package org.murder.protocol.imap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongPredicate;
import java.util.stream.LongStream;

/**
 * An IMAP sequence set (RFC 3501 {@code sequence-set}) of message sequence numbers or UIDs, kept as written so
 * that {@link #toString()} gives the wire form back. {@code *} stands for the largest number in use, which is
 * only known when the set is applied: every query takes it as {@code max}. The SEARCHRES {@code $} (RFC 5182) is
 * {@link #LAST_RESULT}: the messages the session's last {@code SEARCH RETURN (SAVE)} found, which only the session
 * knows, so it has no numbers here and every query on it throws — the session resolves it first.
 *
 * <p>Parsing is bounded: at most {@link #MAX_RANGES} ranges, numbers within 32 bits, no leading zeros.
 */
public record SequenceSet(List<Range> ranges, boolean lastResult) {

    /** {@code *}: the largest number in use. Larger than any real number, so it sorts last. */
    public static final long STAR = Long.MAX_VALUE;

    /** More ranges than any real client sends (Thunderbird's longest UID lists are a few hundred). */
    public static final int MAX_RANGES = 10_000;

    /** One element of a set: a number, or a range in either order ({@code 5:3} is {@code 3:5}). */
    public record Range(long first, long last) {
        public Range {
            check(first);
            check(last);
        }

        public static Range of(long n) {
            return new Range(n, n);
        }

        /** The smaller end once {@code *} means {@code max}. */
        public long low(long max) {
            return Math.min(resolve(first, max), resolve(last, max));
        }

        /** The larger end once {@code *} means {@code max}. */
        public long high(long max) {
            return Math.max(resolve(first, max), resolve(last, max));
        }

        @Override
        public String toString() {
            return first == last ? format(first) : format(first) + ":" + format(last);
        }

        private static void check(long n) {
            if (n != STAR && (n < 1 || n > ImapReader.MAX_NUMBER)) {
                throw new IllegalArgumentException(ImapSyntaxException.INVALID_SEQUENCE_SET);
            }
        }

        private static long resolve(long n, long max) {
            return n == STAR ? max : n;
        }

        private static String format(long n) {
            return n == STAR ? "*" : Long.toString(n);
        }
    }

    /** {@code $} (RFC 5182 {@code seq-last-command}): the saved result of the session's last SEARCH. */
    public static final SequenceSet LAST_RESULT = new SequenceSet(List.of(), true);

    public SequenceSet {
        ranges = List.copyOf(ranges);
        if (ranges.isEmpty() != lastResult) {
            throw new IllegalArgumentException(ImapSyntaxException.INVALID_SEQUENCE_SET);
        }
    }

    public SequenceSet(List<Range> ranges) {
        this(ranges, false);
    }

    /**
     * The numbers in the given order, runs of consecutive ones as ranges ({@code 1,2,3,5} is {@code 1:3,5}), as a
     * server writes them (COPYUID, ESEARCH ALL). No bound on the count here: {@link #parse} bounds what clients send.
     */
    public static SequenceSet of(long... numbers) {
        List<Range> ranges = new ArrayList<>();
        int i = 0;
        while (i < numbers.length) {
            int j = i;
            while (j + 1 < numbers.length && numbers[j + 1] == numbers[j] + 1) {
                j++;
            }
            ranges.add(new Range(numbers[i], numbers[j]));
            i = j + 1;
        }
        return new SequenceSet(ranges);
    }

    public static SequenceSet range(long first, long last) {
        return new SequenceSet(List.of(new Range(first, last)));
    }

    /** {@code 1:*}: every message. */
    public static SequenceSet all() {
        return range(1, STAR);
    }

    /**
     * Parses the wire form. Throws {@link IllegalArgumentException} with {@code "Invalid sequence set"} or
     * {@code "Sequence set too large"} as its message.
     */
    public static SequenceSet parse(String text) {
        if (text.equals("$")) {
            return LAST_RESULT;
        }
        List<Range> ranges = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (true) {
            if (ranges.size() == MAX_RANGES) {
                throw new IllegalArgumentException(ImapSyntaxException.SEQUENCE_SET_TOO_LARGE);
            }
            int end = i;
            while (end < n && text.charAt(end) != ',' && text.charAt(end) != ':') {
                end++;
            }
            long first = number(text, i, end);
            long last = first;
            if (end < n && text.charAt(end) == ':') {
                i = end + 1;
                end = i;
                while (end < n && text.charAt(end) != ',' && text.charAt(end) != ':') {
                    end++;
                }
                last = number(text, i, end);
                if (end < n && text.charAt(end) == ':') {
                    throw invalid();
                }
            }
            ranges.add(new Range(first, last));
            if (end == n) {
                return new SequenceSet(ranges);
            }
            i = end + 1; // past ','
        }
    }

    /** True when {@code *} appears anywhere. */
    public boolean usesStar() {
        return ranges.stream().anyMatch(r -> r.first() == STAR || r.last() == STAR);
    }

    /** The largest number written out ({@code *} aside), e.g. to reject sequence numbers past the last message. */
    public OptionalLong largestNumber() {
        return ranges.stream()
                .flatMapToLong(r -> LongStream.of(r.first(), r.last()))
                .filter(v -> v != STAR)
                .max();
    }

    /** True when {@code 1 <= n <= max} and a range holds {@code n} ({@code *} meaning {@code max}). */
    public boolean contains(long n, long max) {
        unresolved();
        if (n < 1 || n > max) {
            return false;
        }
        for (Range r : ranges) {
            if (n >= r.low(max) && n <= r.high(max)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The numbers in {@code 1..max} this set holds, as ascending, disjoint, non-adjacent concrete ranges: what a
     * server iterates. Empty when {@code max} is 0.
     */
    public List<Range> normalized(long max) {
        unresolved();
        if (max < 1) {
            return List.of();
        }
        long bound = Math.min(max, ImapReader.MAX_NUMBER);
        long[][] spans = new long[ranges.size()][];
        int count = 0;
        for (Range r : ranges) {
            long low = r.low(bound);
            long high = Math.min(r.high(bound), bound);
            if (low <= high) {
                spans[count++] = new long[] {low, high};
            }
        }
        Arrays.sort(spans, 0, count, Comparator.comparingLong((long[] s) -> s[0]));
        List<Range> merged = new ArrayList<>();
        long low = 0;
        long high = -1;
        for (int i = 0; i < count; i++) {
            long[] s = spans[i];
            if (high >= 0 && s[0] <= high + 1) {
                high = Math.max(high, s[1]);
            } else {
                if (high >= 0) {
                    merged.add(new Range(low, high));
                }
                low = s[0];
                high = s[1];
            }
        }
        if (high >= 0) {
            merged.add(new Range(low, high));
        }
        return List.copyOf(merged);
    }

    /** Every number of {@link #normalized}, ascending. */
    public LongStream stream(long max) {
        return normalized(max).stream().flatMapToLong(r -> LongStream.rangeClosed(r.first(), r.last()));
    }

    /** How many numbers {@link #stream} gives. */
    public long count(long max) {
        return normalized(max).stream().mapToLong(r -> r.last() - r.first() + 1).sum();
    }

    /** A {@link #contains} test for many numbers against one {@code max}: binary search, not a scan. */
    public LongPredicate matcher(long max) {
        List<Range> spans = normalized(max);
        long[] lows = spans.stream().mapToLong(Range::first).toArray();
        long[] highs = spans.stream().mapToLong(Range::last).toArray();
        return n -> {
            int i = Arrays.binarySearch(lows, n);
            if (i >= 0) {
                return true;
            }
            int before = -i - 2;
            return before >= 0 && n <= highs[before];
        };
    }

    /** {@code $} has no numbers of its own: a server resolves it against the session's saved result first. */
    private void unresolved() {
        if (lastResult) {
            throw new IllegalStateException("$ is resolved by the session, not by the set");
        }
    }

    @Override
    public String toString() {
        if (lastResult) {
            return "$";
        }
        StringBuilder out = new StringBuilder();
        for (Range r : ranges) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(r);
        }
        return out.toString();
    }

    private static long number(String text, int from, int to) {
        if (to - from == 1 && text.charAt(from) == '*') {
            return STAR;
        }
        // nz-number: no sign, no leading zero, at most 10 digits (then range-checked by Range)
        if (to <= from || to - from > 10 || text.charAt(from) == '0') {
            throw invalid();
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid();
            }
            v = v * 10 + (c - '0');
        }
        if (v > ImapReader.MAX_NUMBER) {
            throw invalid();
        }
        return v;
    }

    private static IllegalArgumentException invalid() {
        return new IllegalArgumentException(ImapSyntaxException.INVALID_SEQUENCE_SET);
    }
}
