package org.murder.protocol.imap.sort;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.murder.protocol.imap.command.SortCriterion;

/**
 * SORT's ordering (RFC 5256 §3, RFC 5957): criteria compared in turn, REVERSE turning one criterion round, and
 * messages equal on every criterion kept in mailbox order (which REVERSE never turns). Strings compare as their
 * code points — the octets of UTF-8 — after {@link SortFields} upper-cased them, which is {@code i;ascii-casemap}.
 */
public final class MessageSorter {

    private MessageSorter() {
    }

    /** The messages' positions in sorted order. */
    public static int[] sort(List<SortMessage> messages, List<SortCriterion> criteria) {
        SortMessage[] m = messages.toArray(new SortMessage[0]);
        Comparator<SortMessage> order = null;
        for (SortCriterion c : criteria) {
            Comparator<SortMessage> one = comparator(c.key());
            if (c.reverse()) {
                one = one.reversed();
            }
            order = order == null ? one : order.thenComparing(one);
        }
        Comparator<SortMessage> byPosition = Comparator.comparingInt(SortMessage::position);
        Arrays.sort(m, order == null ? byPosition : order.thenComparing(byPosition));
        int[] out = new int[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].position();
        }
        return out;
    }

    static Comparator<SortMessage> comparator(SortCriterion.Key key) {
        switch (key) {
            case ARRIVAL:
                return Comparator.comparingLong(SortMessage::internalDate);
            case DATE:
                return Comparator.comparingLong(SortMessage::sentDate);
            case SIZE:
                return Comparator.comparingLong(SortMessage::size);
            case SUBJECT:
                return (a, b) -> compare(a.fields().subject().base(), b.fields().subject().base());
            case FROM:
                return (a, b) -> compare(a.fields().from(), b.fields().from());
            case TO:
                return (a, b) -> compare(a.fields().to(), b.fields().to());
            case CC:
                return (a, b) -> compare(a.fields().cc(), b.fields().cc());
            case DISPLAYFROM:
                return (a, b) -> compare(a.fields().displayFrom(), b.fields().displayFrom());
            case DISPLAYTO:
                return (a, b) -> compare(a.fields().displayTo(), b.fields().displayTo());
            default:
                throw new IllegalArgumentException("unknown sort key " + key);
        }
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
