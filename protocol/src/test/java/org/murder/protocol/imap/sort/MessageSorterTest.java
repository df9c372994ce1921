package org.murder.protocol.imap.sort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.command.SortCriterion;
import org.murder.protocol.imap.command.SortCriterion.Key;

class MessageSorterTest {

    /** A message at a position with header fields given as name, value, name, value... */
    static SortMessage message(int position, long internalDate, long size, String... fields) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            map.put(fields[i], fields[i + 1]);
        }
        return new SortMessage(position, internalDate, size, SortFields.of(map));
    }

    private static int[] sort(List<SortMessage> messages, SortCriterion... criteria) {
        return MessageSorter.sort(messages, List.of(criteria));
    }

    private static SortCriterion by(Key key) {
        return new SortCriterion(key, false);
    }

    private static SortCriterion reverse(Key key) {
        return new SortCriterion(key, true);
    }

    /** Ranking the distinct values first orders as comparing the values pair by pair would. */
    @Test
    void ranksOrderAsComparingEachPair() {
        java.util.Random r = new java.util.Random(42);
        String[] subjects = {"", "a", "B", "ab", "\uE000", "\uD83D\uDE00", "\uFFFD", "Re: b", "zz", "A B"};
        for (int round = 0; round < 50; round++) {
            List<SortMessage> m = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                m.add(message(i, r.nextInt(5), r.nextInt(3), "subject", subjects[r.nextInt(subjects.length)],
                        "from", "u" + r.nextInt(4) + "@x"));
            }
            List<SortCriterion> criteria = List.of(new SortCriterion(Key.SUBJECT, r.nextBoolean()),
                    new SortCriterion(Key.FROM, r.nextBoolean()), new SortCriterion(Key.ARRIVAL, r.nextBoolean()));
            java.util.Comparator<SortMessage> pairwise = null;
            for (SortCriterion c : criteria) {
                java.util.Comparator<SortMessage> one = switch (c.key()) {
                    case SUBJECT -> (a, b) -> MessageSorter.compare(a.fields().subject().base(), b.fields().subject().base());
                    case FROM -> (a, b) -> MessageSorter.compare(a.fields().from(), b.fields().from());
                    default -> java.util.Comparator.comparingLong(SortMessage::internalDate);
                };
                one = c.reverse() ? one.reversed() : one;
                pairwise = pairwise == null ? one : pairwise.thenComparing(one);
            }
            List<SortMessage> expected = new ArrayList<>(m);
            expected.sort(pairwise.thenComparingInt(SortMessage::position));
            assertArrayEquals(expected.stream().mapToInt(SortMessage::position).toArray(), MessageSorter.sort(m, criteria));
        }
    }

    @Test
    void aSentDateGivenBesideTheFieldsIsWhatDateOrdersBy() {
        List<SortMessage> m = List.of(new SortMessage(0, 5, 300, 1, SortFields.EMPTY),
                new SortMessage(1, 6, 100, 1, SortFields.EMPTY), new SortMessage(2, 7, 200, 1, SortFields.EMPTY));
        assertArrayEquals(new int[] {1, 2, 0}, sort(m, by(Key.DATE)));
        assertArrayEquals(new int[] {0, 2, 1}, sort(m, reverse(Key.DATE)));
    }

    @Test
    void arrivalSizeAndTheirReverse() {
        List<SortMessage> m = List.of(message(0, 300, 10), message(1, 100, 30), message(2, 200, 20), message(3, 100, 5));
        assertArrayEquals(new int[] {1, 3, 2, 0}, sort(m, by(Key.ARRIVAL)));
        assertArrayEquals(new int[] {0, 2, 1, 3}, sort(m, reverse(Key.ARRIVAL))); // equal ones stay in mailbox order
        assertArrayEquals(new int[] {3, 0, 2, 1}, sort(m, by(Key.SIZE)));
        assertArrayEquals(new int[] {1, 2, 0, 3}, sort(m, reverse(Key.SIZE)));
        assertArrayEquals(new int[] {3, 1, 2, 0}, sort(m, by(Key.ARRIVAL), by(Key.SIZE)));
    }

    @Test
    void dateIsTheSentDateElseTheInternalDate() {
        List<SortMessage> m = List.of(
                message(0, 50, 1, "date", "1 Jan 1970 00:01:40 +0000"), // 100
                message(1, 150, 1),
                message(2, 999, 1, "date", "1 Jan 1970 00:02:00 +0000"), // 120
                message(3, 10, 1, "date", "not a date"));
        assertArrayEquals(new int[] {3, 0, 2, 1}, sort(m, by(Key.DATE)));
    }

    @Test
    void subjectIsTheBaseSubject() {
        List<SortMessage> m = List.of(message(0, 0, 0, "subject", "Re: beta"), message(1, 0, 0, "subject", "[list] ALPHA"),
                message(2, 0, 0), message(3, 0, 0, "subject", "Fwd: alpha"));
        assertArrayEquals(new int[] {2, 1, 3, 0}, sort(m, by(Key.SUBJECT)));
        assertArrayEquals(new int[] {0, 1, 3, 2}, sort(m, reverse(Key.SUBJECT)));
    }

    @Test
    void addressesAreTheirMailboxesAndDisplayNames() {
        List<SortMessage> m = List.of(
                message(0, 0, 0, "from", "Zed <alice@example.org>", "to", "x@y", "cc", "b@y"),
                message(1, 0, 0, "from", "\"Adam\" <carol@example.org>", "to", "W@y"),
                message(2, 0, 0, "from", "bob@example.org", "cc", "a@y"),
                message(3, 0, 0));
        assertArrayEquals(new int[] {3, 0, 2, 1}, sort(m, by(Key.FROM)));
        assertArrayEquals(new int[] {3, 1, 2, 0}, sort(m, by(Key.DISPLAYFROM)));
        assertArrayEquals(new int[] {2, 3, 1, 0}, sort(m, by(Key.TO)));
        assertArrayEquals(new int[] {1, 3, 2, 0}, sort(m, by(Key.CC)));
        assertArrayEquals(new int[] {2, 3, 1, 0}, sort(m, by(Key.DISPLAYTO)));
    }

    @Test
    void criteriaAreComparedInTurn() {
        List<SortMessage> m = List.of(message(0, 3, 0, "subject", "b"), message(1, 1, 0, "subject", "a"),
                message(2, 2, 0, "subject", "b"), message(3, 4, 0, "subject", "Re: a"));
        assertArrayEquals(new int[] {3, 1, 0, 2}, sort(m, by(Key.SUBJECT), reverse(Key.ARRIVAL)));
        assertArrayEquals(new int[] {0, 2, 3, 1}, sort(m, reverse(Key.SUBJECT), reverse(Key.ARRIVAL)));
    }

    @Test
    void stringsCompareByCodePoint() {
        assertTrue(MessageSorter.compare("\uFFFD", "\uD83D\uDE00") < 0);
        assertTrue(MessageSorter.compare("\uD83D\uDE00", "\uE000") > 0);
        assertTrue(MessageSorter.compare("A", "AB") < 0);
        assertTrue(MessageSorter.compare("B", "AB") > 0);
    }

    @Test
    void manyMessagesSortQuickly() {
        List<SortMessage> m = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            m.add(message(i, (i * 7919L) % 100_003, i, "subject", "Re: subject " + (i % 1000)));
        }
        long start = System.nanoTime();
        int[] order = sort(m, by(Key.SUBJECT), by(Key.ARRIVAL));
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
        assertTrue(order.length == 100_000);
    }
}
