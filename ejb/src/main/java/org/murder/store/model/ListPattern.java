package org.murder.store.model;

import java.util.BitSet;

/**
 * A compiled LIST/LSUB mailbox pattern (RFC 3501 §6.3.8) over external names.
 *
 * <p>{@code *} matches any run of characters, separators included; {@code %} matches any run without the
 * hierarchy separator; every other character matches itself, case-sensitively — except that the first five
 * characters of a name that is {@code INBOX} or starts with {@code INBOX<sep>} compare case-insensitively, so
 * {@code inbox}, {@code Inbox.%} and {@code *box} all reach the INBOX (RFC 3501 makes INBOX case-insensitive;
 * Cyrus's older glob called this {@code GLOB_INBOXCASE}).
 *
 * <p>The reference is joined to the pattern as Cyrus's {@code canonical_list_pattern} does: plain
 * concatenation, except that one separator is dropped when the reference ends with it and the pattern starts
 * with it.
 *
 * <p>Beyond a yes/no match, {@link #matchLength} gives what Cyrus's regex glob ({@code (^pattern)([sep]|$)})
 * returns: the longest prefix of a name, ending at a level boundary, that the pattern matches — how LIST finds
 * the intermediate levels {@code %} stops at.
 */
public final class ListPattern {

    private static final int STAR = -1;
    private static final int PERCENT = -2;

    private final String pattern;
    private final char separator;
    private final int[] tokens;

    private ListPattern(String pattern, char separator) {
        this.pattern = pattern;
        this.separator = separator;
        int[] t = new int[pattern.length()];
        int n = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            int tok = c == '*' ? STAR : c == '%' ? PERCENT : c;
            // "**", "%%", "%*", "*%" collapse as in Cyrus's glob_init; the language is unchanged
            if (n > 0 && tok < 0 && t[n - 1] < 0) {
                if (tok == STAR) {
                    t[n - 1] = STAR;
                }
                continue;
            }
            t[n++] = tok;
        }
        this.tokens = java.util.Arrays.copyOf(t, n);
    }

    /** Compiles {@code reference} + {@code pattern} for a namespace whose separator is {@code separator}. */
    public static ListPattern compile(String reference, String pattern, char separator) {
        return new ListPattern(canonical(reference, pattern, separator), separator);
    }

    /** Compiles a pattern with an empty reference. */
    public static ListPattern of(String pattern, char separator) {
        return new ListPattern(pattern, separator);
    }

    /** Cyrus's {@code canonical_list_pattern}. */
    public static String canonical(String reference, String pattern, char separator) {
        if (!reference.isEmpty() && reference.charAt(reference.length() - 1) == separator
                && !pattern.isEmpty() && pattern.charAt(0) == separator) {
            return reference + pattern.substring(1);
        }
        return reference + pattern;
    }

    /**
     * Whether a LIST pattern is the RFC 3501 "tell me the delimiter" request (an empty mailbox argument), which
     * Cyrus answers with {@code * LIST (\Noselect) "<sep>" ""} instead of matching anything.
     */
    public static boolean isDelimiterRequest(String pattern) {
        return pattern.isEmpty();
    }

    /** The pattern after joining with the reference. */
    public String pattern() {
        return pattern;
    }

    public char separator() {
        return separator;
    }

    /** Whether the whole external name matches. */
    public boolean matches(String name) {
        BitSet states = run(name, name.length(), initial(), inboxCase(name));
        return states.get(tokens.length);
    }

    /**
     * The length of the longest prefix of {@code name} that the pattern matches and that ends at the end of the
     * name or just before a separator; -1 when there is none. {@code name.length()} means a full match; anything
     * shorter names an ancestor level the pattern stops at ({@code %} against {@code user.bob.Sent} gives 4,
     * {@code user}).
     */
    public int matchLength(String name) {
        boolean inbox = inboxCase(name);
        BitSet states = initial();
        int best = -1;
        for (int i = 0; ; i++) {
            if (states.get(tokens.length) && (i == name.length() || name.charAt(i) == separator)) {
                best = i;
            }
            if (i == name.length() || states.isEmpty()) {
                return best;
            }
            states = step(states, name.charAt(i), i, inbox);
        }
    }

    /**
     * Whether some mailbox below {@code prefix} (a name starting with {@code prefix} and the separator) could
     * match — false lets a LIST skip a whole subtree.
     */
    public boolean couldMatchChildren(String prefix) {
        String probe = prefix + separator;
        return !run(probe, probe.length(), initial(), inboxCase(probe)).isEmpty();
    }

    private boolean inboxCase(String name) {
        return name.regionMatches(true, 0, Namespace.INBOX, 0, 5)
                && (name.length() == 5 || name.charAt(5) == separator);
    }

    private BitSet initial() {
        BitSet s = new BitSet(tokens.length + 1);
        s.set(0);
        return close(s);
    }

    private BitSet close(BitSet s) {
        // a wildcard may match nothing: its state also stands at the next token
        for (int i = 0; i < tokens.length; i++) {
            if (s.get(i) && tokens[i] < 0) {
                s.set(i + 1);
            }
        }
        return s;
    }

    private BitSet run(String name, int upTo, BitSet states, boolean inbox) {
        for (int i = 0; i < upTo && !states.isEmpty(); i++) {
            states = step(states, name.charAt(i), i, inbox);
        }
        return states;
    }

    private BitSet step(BitSet states, char c, int position, boolean inbox) {
        BitSet next = new BitSet(tokens.length + 1);
        for (int i = states.nextSetBit(0); i >= 0 && i < tokens.length; i = states.nextSetBit(i + 1)) {
            int tok = tokens[i];
            if (tok == STAR) {
                next.set(i);
            } else if (tok == PERCENT) {
                if (c != separator) {
                    next.set(i);
                }
            } else if (tok == c || (inbox && position < 5 && Character.toUpperCase((char) tok) == Character.toUpperCase(c))) {
                next.set(i + 1);
            }
        }
        return close(next);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
