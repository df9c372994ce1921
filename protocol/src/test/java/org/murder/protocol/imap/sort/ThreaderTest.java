package org.murder.protocol.imap.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 §3); threads written with positions + 1 as numbers. */
class ThreaderTest {

    /** A message at {@code position} sent at {@code date} (no Date field: INTERNALDATE is the sent date). */
    private static SortMessage m(int position, long date, String subject, String id, String references) {
        Map<String, String> fields = new HashMap<>();
        if (subject != null) {
            fields.put("subject", subject);
        }
        if (id != null) {
            fields.put("message-id", id);
        }
        if (references != null) {
            fields.put("references", references);
        }
        return new SortMessage(position, date, 0, SortFields.of(fields));
    }

    private static String references(SortMessage... messages) {
        return Threader.references(List.of(messages)).toString();
    }

    // ------------------------------------------------------------------ ORDEREDSUBJECT

    @Test
    void orderedSubjectGroupsByBaseSubjectUnderTheEarliest() {
        List<SortMessage> m = List.of(m(0, 10, "A", null, null), m(1, 20, "Re: A", null, null),
                m(2, 5, "B", null, null), m(3, 30, "a", null, null));
        assertEquals("(3)(1 (2)(4))", Threader.orderedSubject(m).toString());
    }

    @Test
    void orderedSubjectWithOneReplyIsAChain() {
        assertEquals("(2 1)", Threader.orderedSubject(List.of(m(0, 9, "Re: x", null, null), m(1, 1, "x", null, null)))
                .toString());
    }

    @Test
    void orderedSubjectTiesKeepMailboxOrder() {
        assertEquals("(1 (2)(3))(4)", Threader.orderedSubject(List.of(m(0, 1, "s", null, null), m(1, 1, "s", null, null),
                m(2, 1, "s", null, null), m(3, 1, "t", null, null))).toString());
    }

    @Test
    void nothingIsAnEmptyThreadList() {
        assertEquals("", Threader.orderedSubject(List.of()).toString());
        assertEquals("", Threader.references(List.of()).toString());
        assertTrue(Threader.references(List.of()).isEmpty());
    }

    // ------------------------------------------------------------------ REFERENCES

    @Test
    void repliesHangUnderWhatTheyReference() {
        assertEquals("(1 (2 3)(4))", references(
                m(0, 1, "x", "<1@x>", null),
                m(1, 2, "Re: x", "<2@x>", "<1@x>"),
                m(2, 3, "Re: x", "<3@x>", "<1@x> <2@x>"),
                m(3, 4, "Re: x", "<4@x>", "<1@x>")));
    }

    @Test
    void aMissingParentIsADummyAtTheTop() {
        assertEquals("((1)(2))", references(m(0, 1, "y", "<a@x>", "<gone@x>"), m(1, 2, "z", "<b@x>", "<gone@x>")));
    }

    @Test
    void aDummyWithOneChildGivesWay() {
        assertEquals("(1)", references(m(0, 1, "y", "<a@x>", "<gone@x>")));
        assertEquals("(1 2)", references(m(0, 1, "y", "<a@x>", "<gone1@x> <gone2@x>"),
                m(1, 2, "Re: y", "<b@x>", "<gone1@x> <gone2@x> <a@x>")));
    }

    @Test
    void dummiesInsideAThreadGiveWayToTheirChildren() {
        // <1> -> <missing> -> {<2>, <3>}: the dummy goes, <2> and <3> become children of <1>
        assertEquals("(1 (2)(3))", references(m(0, 1, "x", "<1@x>", null),
                m(1, 2, "Re: x", "<2@x>", "<1@x> <missing@x>"), m(2, 3, "Re: x", "<3@x>", "<1@x> <missing@x>")));
    }

    @Test
    void aTruncatedReferencesFieldIsCorrectedByTheParentsOwn() {
        // <3> says only <2>; <2> says <1>: one chain 1 -> 2 -> 3
        assertEquals("(3 2 1)", references(m(0, 3, "Re: s", "<3@x>", "<2@x>"), m(1, 2, "Re: s", "<2@x>", "<1@x>"),
                m(2, 1, "s", "<1@x>", null)));
        // <z> said <a> <b>; <b> itself says <c>: its own last reference wins (1.B), so <b> leaves <a> for <c>
        assertEquals("((2 1)(3))", references(m(0, 1, "s", "<z@x>", "<a@x> <b@x>"), m(1, 2, "t", "<b@x>", "<c@x>"),
                m(2, 3, "u", "<y@x>", "<c@x>")));
    }

    @Test
    void loopsAreNotLinked() {
        assertEquals("(2 1)", references(m(0, 1, "a", "<1@x>", "<2@x>"), m(1, 2, "b", "<2@x>", "<1@x>")));
        assertEquals("(1)", references(m(0, 1, "a", "<1@x>", "<1@x>")));
        assertEquals("(2 1)", references(m(0, 1, "a", "<1@x>", "<2@x> <1@x> <2@x>"), m(1, 2, "b", "<2@x>", "<1@x>")));
    }

    @Test
    void aRepeatedMessageIdMakesTwoMessages() {
        assertEquals("(1 3)(2)", references(m(0, 1, "a", "<d@x>", null), m(1, 2, "b", "<d@x>", null),
                m(2, 3, "Re: a", "<r@x>", "<d@x>")));
    }

    @Test
    void messagesWithoutIdsAreTheirOwnThreads() {
        assertEquals("(1)(2)", references(m(0, 1, "a", null, null), m(1, 2, "b", "not an id", null)));
    }

    @Test
    void aReplyBySubjectGoesUnderTheOriginal() {
        assertEquals("(1 2)", references(m(0, 1, "Hello", "<a@x>", null), m(1, 2, "Re: Hello", "<b@x>", null)));
        assertEquals("(2 1)", references(m(0, 2, "Re: Hello", "<b@x>", null), m(1, 1, "Hello", "<a@x>", null)));
    }

    @Test
    void twoOriginalsWithOneSubjectShareADummy() {
        assertEquals("((1)(2))", references(m(0, 1, "Hi", "<a@x>", null), m(1, 2, "Hi", "<b@x>", null)));
        assertEquals("((1)(2))", references(m(0, 1, "Re: Hi", "<a@x>", null), m(1, 2, "Fwd: Hi", "<b@x>", null)));
    }

    @Test
    void aDummyWithTheSubjectTakesTheOthersIn() {
        assertEquals("((1)(2)(3))", references(m(0, 1, "Topic", "<a@x>", null),
                m(1, 2, "Re: Topic", "<b@x>", "<p@x>"), m(2, 3, "Re: Topic", "<c@x>", "<p@x>")));
        // two dummies with one subject become one
        assertEquals("((1)(2)(3)(4))", references(m(0, 1, "T", "<a@x>", "<p@x>"), m(1, 2, "T", "<b@x>", "<p@x>"),
                m(2, 3, "T", "<c@x>", "<q@x>"), m(3, 4, "T", "<d@x>", "<q@x>")));
    }

    @Test
    void emptySubjectsAreNeverGathered() {
        assertEquals("(1)(2)", references(m(0, 1, "", "<a@x>", null), m(1, 2, null, "<b@x>", null)));
        assertEquals("(1)(2)", references(m(0, 1, "Re:", "<a@x>", null), m(1, 2, "[fwd:]", "<b@x>", null)));
    }

    @Test
    void threadsAndSiblingsBySentDateADummyByItsFirstChild() {
        assertEquals("((3)(2))(1)", references(m(0, 5, "x", "<x@x>", null), m(1, 3, "s1", "<1@x>", "<p@x>"),
                m(2, 1, "s2", "<2@x>", "<p@x>")));
        assertEquals("(1 (3)(2))", references(m(0, 1, "x", "<x@x>", null), m(1, 9, "Re: x", "<1@x>", "<x@x>"),
                m(2, 4, "Re: x", "<2@x>", "<x@x>")));
    }

    @Test
    void numbersAreWhatTheCallerSays() {
        ThreadTree t = Threader.references(List.of(m(0, 1, "x", "<1@x>", null), m(1, 2, "Re: x", "<2@x>", "<1@x>")));
        StringBuilder out = new StringBuilder();
        t.write(out, p -> 1000L + p);
        assertEquals("(1000 1001)", out.toString());
    }

    // ------------------------------------------------------------------ sizes nothing may recurse over

    @Test
    void aChainOfAHundredThousandReplies() {
        List<SortMessage> chain = new ArrayList<>();
        StringBuilder expected = new StringBuilder("(");
        for (int i = 0; i < 100_000; i++) {
            chain.add(m(i, i, i == 0 ? "deep" : "Re: deep", "<" + i + "@x>", i == 0 ? null : "<" + (i - 1) + "@x>"));
            expected.append(i == 0 ? "" : " ").append(i + 1);
        }
        expected.append(')');
        assertEquals(expected.toString(), Threader.references(chain).toString());
        assertTrue(Threader.orderedSubject(chain).toString().startsWith("(1 (2)(3)(4)"));
    }

    @Test
    void aCombThirtyThousandBranchesDeep() {
        List<SortMessage> comb = new ArrayList<>();
        comb.add(m(0, 0, "c", "<s0@x>", null));
        int depth = 30_000;
        for (int k = 1; k <= depth; k++) {
            comb.add(m(2 * k - 1, 2 * k - 1, "Re: c", "<s" + k + "@x>", "<s" + (k - 1) + "@x>"));
            comb.add(m(2 * k, 2 * k, "Re: c", "<l" + k + "@x>", "<s" + (k - 1) + "@x>"));
        }
        String threads = Threader.references(comb).toString();
        assertTrue(threads.startsWith("(1 (2 (4 (6 "), threads.substring(0, 40));
        assertTrue(threads.endsWith("(5))(3))"), threads.substring(threads.length() - 40));
    }
}
