package org.murder.protocol.imap.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.ImapTesting;
import org.murder.protocol.imap.command.ImapCommand.Search;

class SearchEvaluatorTest {

    /** A message in memory; texts come from suppliers so that tests can count how often they are read. */
    record Message(long uid, long sequenceNumber, Set<String> flags, boolean recent, ZonedDateTime internalDate,
                   long size, long modSeq, Map<String, List<String>> headers, Optional<ZonedDateTime> sentDate,
                   Supplier<String> headerSupplier, Supplier<String> bodySupplier) implements SearchableMessage {

        @Override
        public List<String> header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return List.of();
        }

        @Override
        public String headerText() {
            return headerSupplier.get();
        }

        @Override
        public String bodyText() {
            return bodySupplier.get();
        }
    }

    private static final ZoneOffset PST = ZoneOffset.ofHours(-8);
    private static final ZoneOffset CET = ZoneOffset.ofHours(1);

    /** 1: recent, unseen, from Fred; 2: seen and flagged, German; 3: deleted draft with a keyword, no Date: header. */
    private static final List<Message> MAILBOX = List.of(
            new Message(101, 1, Set.of(), true, ZonedDateTime.of(1994, 2, 7, 23, 30, 0, 0, PST), 1200, 10,
                    Map.of("From", List.of("Fred Foobar <foobar@Blurdybloop.COM>"), "Subject", List.of("afternoon meeting"),
                            "To", List.of("mooch@owatagu.siam.edu"), "X-Priority", List.of("1")),
                    Optional.of(ZonedDateTime.of(1994, 2, 7, 21, 52, 25, 0, PST)),
                    () -> "From: Fred Foobar <foobar@Blurdybloop.COM>\r\nSubject: afternoon meeting\r\n",
                    () -> "Hello Joe, do you think we can meet at 3:30 tomorrow?"),
            new Message(205, 2, Set.of("\\Seen", "\\Flagged"), false, ZonedDateTime.of(2024, 3, 5, 0, 30, 0, 0, CET), 50_000,
                    20, Map.of("From", List.of("Jürgen Groß <j@example.de>"), "Subject", List.of("Grüße aus der Straße"),
                            "Cc", List.of("anna@example.de", "bernd@example.de"), "Bcc", List.of("hidden@example.de")),
                    Optional.of(ZonedDateTime.of(2024, 3, 4, 23, 59, 0, 0, CET)),
                    () -> "From: =?utf-8?q?J=C3=BCrgen?= Groß\r\nSubject: Grüße aus der Straße\r\n",
                    () -> "ΣΊΣΥΦΟΣ und ein ﬁ-Ligatur Test"),
            new Message(300, 3, Set.of("\\Deleted", "\\Draft", "$Forwarded"), true,
                    ZonedDateTime.of(2024, 3, 5, 12, 0, 0, 0, ZoneOffset.UTC), 1200, 30, Map.of("Subject", List.of("")),
                    Optional.empty(), () -> "Subject: \r\n", () -> ""));

    /** SEARCHRES: `$` is the saved UIDs, as a sequence set or after UID, alone or inside other keys. */
    @Test
    void theSavedResultIsMatchedByUid() {
        for (String keys : List.of("$", "UID $", "OR $ DELETED", "NOT NOT $")) {
            Search search = (Search) ImapTesting.parsed("a SEARCH " + keys);
            SearchEvaluator evaluator = new SearchEvaluator(search.key(), MAILBOX.size(), 300, uid -> uid == 205 || uid == 999);
            List<Long> found = MAILBOX.stream().filter(evaluator::matches).map(Message::uid).toList();
            assertEquals(keys.startsWith("OR") ? List.of(205L, 300L) : List.of(205L), found, keys);
        }
        Search none = (Search) ImapTesting.parsed("a SEARCH $");
        assertTrue(MAILBOX.stream().noneMatch(new SearchEvaluator(none.key(), 3, 300)::matches), "nothing saved");
    }

    /** The UIDs a SEARCH command's key matches in {@link #MAILBOX}. */
    private static List<Long> uids(String keys) {
        Search search = (Search) ImapTesting.parsed("a SEARCH " + keys);
        SearchEvaluator evaluator = new SearchEvaluator(search.key(), MAILBOX.size(), 300);
        List<Long> uids = new ArrayList<>();
        for (Message m : MAILBOX) {
            if (evaluator.matches(m)) {
                uids.add(m.uid());
            }
        }
        return uids;
    }

    @Test
    void allAndFlags() {
        assertEquals(List.of(101L, 205L, 300L), uids("ALL"));
        assertEquals(List.of(205L), uids("SEEN"));
        assertEquals(List.of(101L, 300L), uids("UNSEEN"));
        assertEquals(List.of(205L), uids("FLAGGED"));
        assertEquals(List.of(101L, 300L), uids("UNFLAGGED"));
        assertEquals(List.of(300L), uids("DELETED"));
        assertEquals(List.of(101L, 205L), uids("UNDELETED"));
        assertEquals(List.of(300L), uids("DRAFT"));
        assertEquals(List.of(101L, 205L), uids("UNDRAFT"));
        assertEquals(List.of(), uids("ANSWERED"));
        assertEquals(List.of(101L, 205L, 300L), uids("UNANSWERED"));
        assertEquals(List.of(300L), uids("KEYWORD $Forwarded"));
        assertEquals(List.of(300L), uids("KEYWORD $forwarded"));
        assertEquals(List.of(101L, 205L), uids("UNKEYWORD $Forwarded"));
    }

    @Test
    void recentNewOld() {
        assertEquals(List.of(101L, 300L), uids("RECENT"));
        assertEquals(List.of(101L, 300L), uids("NEW"));
        assertEquals(List.of(205L), uids("OLD"));
        assertEquals(List.of(101L), uids("NEW UNDELETED"));
    }

    @Test
    void headerShortcutsAreCaseInsensitiveSubstrings() {
        assertEquals(List.of(101L), uids("FROM fred"));
        assertEquals(List.of(101L), uids("FROM BLURDYBLOOP.com"));
        assertEquals(List.of(205L), uids("FROM jürgen"));
        assertEquals(List.of(205L), uids("FROM JÜRGEN"));
        assertEquals(List.of(205L), uids("SUBJECT STRASSE"));
        assertEquals(List.of(205L), uids("SUBJECT grüsse"));
        assertEquals(List.of(205L), uids("CC bernd"));
        assertEquals(List.of(205L), uids("BCC hidden"));
        assertEquals(List.of(101L), uids("TO mooch"));
        assertEquals(List.of(), uids("TO nobody"));
    }

    @Test
    void anEmptyStringMatchesEveryMessageWithTheField() {
        assertEquals(List.of(101L, 205L, 300L), uids("SUBJECT \"\""));
        assertEquals(List.of(101L, 205L), uids("FROM \"\""));
        assertEquals(List.of(101L), uids("HEADER X-Priority \"\""));
        assertEquals(List.of(101L), uids("HEADER x-priority 1"));
        assertEquals(List.of(), uids("HEADER X-Missing \"\""));
    }

    @Test
    void bodyAndText() {
        assertEquals(List.of(101L), uids("BODY tomorrow"));
        assertEquals(List.of(), uids("BODY afternoon"));
        assertEquals(List.of(101L), uids("TEXT afternoon"));
        assertEquals(List.of(101L), uids("TEXT TOMORROW"));
        assertEquals(List.of(205L), uids("BODY σίσυφος"));
        assertEquals(List.of(205L), uids("BODY fi-ligatur"));
        assertEquals(List.of(101L, 205L, 300L), uids("BODY \"\""));
    }

    @Test
    void internalDatesCompareByCalendarDateInTheirOwnZone() {
        // message 1 arrived 1994-02-07 23:30 PST, which is already the 8th in UTC: its own zone decides
        assertEquals(List.of(101L), uids("ON 7-Feb-1994"));
        assertEquals(List.of(), uids("ON 8-Feb-1994"));
        assertEquals(List.of(101L), uids("BEFORE 8-Feb-1994"));
        assertEquals(List.of(), uids("BEFORE 7-Feb-1994"));
        // message 2 arrived 2024-03-05 00:30 CET, still the 4th in UTC
        assertEquals(List.of(205L, 300L), uids("ON 5-Mar-2024"));
        assertEquals(List.of(205L, 300L), uids("SINCE 5-Mar-2024"));
        assertEquals(List.of(101L, 205L, 300L), uids("SINCE 7-Feb-1994"));
        assertEquals(List.of(), uids("SINCE 6-Mar-2024"));
    }

    @Test
    void sentDatesUseTheDateHeaderOrFallBackToInternalDate() {
        assertEquals(List.of(101L), uids("SENTON 7-Feb-1994"));
        assertEquals(List.of(205L), uids("SENTON 4-Mar-2024"));
        assertEquals(List.of(300L), uids("SENTON 5-Mar-2024"));
        assertEquals(List.of(101L, 205L), uids("SENTBEFORE 5-Mar-2024"));
        assertEquals(List.of(205L, 300L), uids("SENTSINCE 4-Mar-2024"));
    }

    @Test
    void sizesAndModseq() {
        assertEquals(List.of(205L), uids("LARGER 1200"));
        assertEquals(List.of(101L, 205L, 300L), uids("LARGER 1199"));
        assertEquals(List.of(), uids("SMALLER 1200"));
        assertEquals(List.of(101L, 300L), uids("SMALLER 1201"));
        assertEquals(List.of(205L, 300L), uids("MODSEQ 20"));
        assertEquals(List.of(101L, 205L, 300L), uids("MODSEQ 0"));
    }

    @Test
    void sequenceNumbersAndUidsWithStar() {
        assertEquals(List.of(101L, 205L), uids("1:2"));
        assertEquals(List.of(300L), uids("*"));
        assertEquals(List.of(205L, 300L), uids("2:*"));
        assertEquals(List.of(300L), uids("5:*")); // 5:* is 3:5 in a mailbox of three
        assertEquals(List.of(101L, 205L), uids("UID 1:299"));
        assertEquals(List.of(300L), uids("UID *"));
        assertEquals(List.of(300L), uids("UID 1000:*"));
        assertEquals(List.of(101L, 300L), uids("UID 101,300"));
    }

    @Test
    void notOrAndParentheses() {
        assertEquals(List.of(101L, 300L), uids("NOT SEEN"));
        assertEquals(List.of(205L, 300L), uids("OR SEEN DELETED"));
        assertEquals(List.of(101L), uids("NOT (OR SEEN DELETED)"));
        assertEquals(List.of(300L), uids("(RECENT DELETED)"));
        assertEquals(List.of(101L, 205L), uids("OR (RECENT UNDELETED) (FLAGGED SEEN)"));
        assertEquals(List.of(101L), uids("UNFLAGGED UNDELETED SINCE 1-Feb-1994 NOT FROM \"Smith\""));
    }

    @Test
    void textsAreReadOnlyWhenNeededAndOnlyOnce() {
        AtomicInteger reads = new AtomicInteger();
        Message m = new Message(1, 1, Set.of("\\Seen"), false, ZonedDateTime.now(ZoneOffset.UTC), 1, 1, Map.of(),
                Optional.empty(), () -> {
                    reads.incrementAndGet();
                    return "Subject: x";
                }, () -> {
                    reads.incrementAndGet();
                    return "body";
                });
        new SearchEvaluator(((Search) ImapTesting.parsed("a SEARCH SEEN")).key(), 1, 1).matches(m);
        assertEquals(0, reads.get());
        assertTrue(new SearchEvaluator(((Search) ImapTesting.parsed("a SEARCH TEXT body BODY o OR BODY x TEXT b"))
                .key(), 1, 1).matches(m));
        assertEquals(2, reads.get());
    }

    @Test
    void containsIgnoreCaseFoldsCompatibilityAndCase() {
        assertTrue(SearchEvaluator.containsIgnoreCase("Grüße aus der Straße", "STRASSE"));
        assertTrue(SearchEvaluator.containsIgnoreCase("ﬁnance", "FIN"));
        assertTrue(SearchEvaluator.containsIgnoreCase("ＡＢＣ", "abc"));
        assertTrue(SearchEvaluator.containsIgnoreCase("anything", ""));
        assertFalse(SearchEvaluator.containsIgnoreCase("abc", "abd"));
    }
}
