package org.murder.protocol.imap.sort;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.murder.protocol.imap.command.SortCriterion;

/**
 * SORT's ordering (RFC 5256 §3, RFC 5957): criteria compared in turn, REVERSE turning one criterion round, and
 * messages equal on every criterion kept in mailbox order (which REVERSE never turns). Strings compare as their
 * code points — the octets of UTF-8 — after {@link SortFields} upper-cased them, which is {@code i;ascii-casemap}.
 */
public final class MessageSorter {

    private MessageSorter() {
    }

    /**
     * The messages' positions in sorted order. Each criterion is turned into one number per message first — dates and
     * sizes as they are, header text as its rank among the distinct values (each compared once, not once per pair of
     * messages) — and the criteria into one rank each, so that sorting is of plain numbers (positions must be ≥ 0).
     */
    public static int[] sort(List<SortMessage> messages, List<SortCriterion> criteria) {
        int n = messages.size();
        int[] rank = null; // the order so far; null: all equal
        for (SortCriterion c : criteria) {
            int[] next = ranks(messages, c.key());
            int top = 0;
            for (int r : next) {
                top = Math.max(top, r);
            }
            if (c.reverse()) {
                for (int i = 0; i < n; i++) {
                    next[i] = top - next[i];
                }
            }
            if (rank == null) {
                rank = next; // the first criterion's ranks are the order so far
                continue;
            }
            long[] pair = new long[n];
            for (int i = 0; i < n; i++) {
                pair[i] = (long) rank[i] << 32 | next[i];
            }
            rank = denseRanks(pair); // earlier criteria first, this one among their ties
        }
        if (rank == null) {
            rank = new int[n];
        }
        long[] packed = new long[n];
        for (int i = 0; i < n; i++) {
            packed[i] = (long) rank[i] << 32 | messages.get(i).position(); // equal ones in mailbox order, never reversed
        }
        Arrays.sort(packed);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = (int) packed[i];
        }
        return out;
    }

    /** Each value's rank among the distinct values, smallest 0. */
    private static int[] denseRanks(long[] values) {
        long[] distinct = values.clone();
        Arrays.sort(distinct);
        int d = 0;
        for (int i = 0; i < distinct.length; i++) {
            if (i == 0 || distinct[i] != distinct[d - 1]) {
                distinct[d++] = distinct[i];
            }
        }
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Arrays.binarySearch(distinct, 0, d, values[i]);
        }
        return out;
    }

    /** Each message's dense rank by one criterion (0 for the smallest value). */
    private static int[] ranks(List<SortMessage> m, SortCriterion.Key key) {
        switch (key) {
            case ARRIVAL:
                return denseRanks(m.stream().mapToLong(SortMessage::internalDate).toArray());
            case DATE:
                return denseRanks(m.stream().mapToLong(SortMessage::sentDate).toArray());
            case SIZE:
                return denseRanks(m.stream().mapToLong(SortMessage::size).toArray());
            case SUBJECT:
                return textRanks(m, f -> f.subject().base());
            case FROM:
                return textRanks(m, SortFields::from);
            case TO:
                return textRanks(m, SortFields::to);
            case CC:
                return textRanks(m, SortFields::cc);
            case DISPLAYFROM:
                return textRanks(m, SortFields::displayFrom);
            case DISPLAYTO:
                return textRanks(m, SortFields::displayTo);
            default:
                throw new IllegalArgumentException("unknown sort key " + key);
        }
    }

    /** Each message's value as its rank in {@link #compare} order among the distinct values (dense already). */
    private static int[] textRanks(List<SortMessage> m, Function<SortFields, String> value) {
        Map<String, Integer> ids = new HashMap<>();
        List<String> distinct = new ArrayList<>();
        int[] id = new int[m.size()];
        for (int i = 0; i < id.length; i++) {
            String v = value.apply(m.get(i).fields());
            Integer known = ids.putIfAbsent(v, distinct.size());
            if (known == null) {
                id[i] = distinct.size();
                distinct.add(v);
            } else {
                id[i] = known;
            }
        }
        Integer[] byValue = new Integer[distinct.size()];
        for (int d = 0; d < byValue.length; d++) {
            byValue[d] = d;
        }
        Arrays.sort(byValue, (a, b) -> compare(distinct.get(a), distinct.get(b)));
        int[] rank = new int[byValue.length];
        for (int r = 0; r < byValue.length; r++) {
            rank[byValue[r]] = r;
        }
        int[] out = new int[id.length];
        for (int i = 0; i < id.length; i++) {
            out[i] = rank[id[i]];
        }
        return out;
    }

    /** Code point order (UTF-16 order would put U+E000..U+FFFF after the supplementary planes). */
    public static int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return codePointRank(x) - codePointRank(y);
            }
        }
        return a.length() - b.length();
    }

    private static int codePointRank(char c) {
        if (c >= 0xD800 && c <= 0xDFFF) {
            return c + 0x2000;
        }
        return c >= 0xE000 ? c - 0x800 : c;
    }
}
