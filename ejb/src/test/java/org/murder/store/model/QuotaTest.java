package org.murder.store.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuotaTest {

    @Test
    void candidatesInCyrusOrder() {
        assertEquals(List.of("user.alice.Sent", "user.alice", "user"), QuotaCheck.candidates("user.alice.Sent"));
        assertEquals(List.of("shared"), QuotaCheck.candidates("shared"));
        assertEquals(List.of("example.com!user.alice.x", "example.com!user.alice", "example.com!user", "example.com!"),
                QuotaCheck.candidates("example.com!user.alice.x"));
        assertEquals(List.of("user.john^doe.a^b", "user.john^doe", "user"), QuotaCheck.candidates("user.john^doe.a^b"));
    }

    private static final Set<String> ROOTS = Set.of("user.alice", "shared", "example.com!", "user.bob.big",
            "other.org!user.dave");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "user.alice                | user.alice",
        "user.alice.Sent           | user.alice",
        "user.alice.Sent.2024      | user.alice",
        "user.bob                  | -",
        "user.bob.big              | user.bob.big",
        "user.bob.big.x            | user.bob.big",
        "user.bob.small            | -",
        "shared                    | shared",
        "shared.a.b                | shared",
        "sharedx                   | -",
        "example.com!user.carol    | example.com!",
        "example.com!user.carol.x  | example.com!",
        "other.org!user.dave.x     | other.org!user.dave",
        "other.org!user.erin       | -",
    })
    void governingRootIsTheNearestAncestorWithARoot(String mailbox, String root) {
        assertEquals(Optional.ofNullable(root), QuotaCheck.governingRoot(mailbox, ROOTS));
    }

    @Test
    void userRoot() {
        assertEquals("user.alice", QuotaCheck.userRoot(UserId.parse("alice", false)));
        assertEquals("example.com!user.alice", QuotaCheck.userRoot(UserId.parse("alice@example.com", true)));
    }

    // 100 KiB and 10 messages, 102000 bytes and 9 messages used
    private static final QuotaRoot ROOT = new QuotaRoot("user.alice", 100, 10, 102_000, 9);

    @ParameterizedTest(name = "+{0} bytes +{1} messages: {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "400    | 1   | -",
        "401    | 1   | STORAGE",
        "0      | 1   | -",
        "0      | 2   | MESSAGE",
        "401    | 2   | STORAGE",
        "-1     | 5   | MESSAGE",
        "500    | -1  | STORAGE",
        "-1     | -1  | -",
        "-5000  | -3  | -",
        "0      | 0   | -",
    })
    void wouldExceedAsCyrusQuotaCheck(long bytes, long messages, String resource) {
        Optional<QuotaResource> expected = Optional.ofNullable(resource).map(QuotaResource::valueOf);
        assertEquals(expected, QuotaCheck.exceeded(ROOT, bytes, messages));
        assertEquals(expected.isPresent(), QuotaCheck.wouldExceed(ROOT, bytes, messages));
    }

    @Test
    void aRootAlreadyOverItsLimitRefusesEvenNothingButAllowsFreeing() {
        QuotaRoot over = new QuotaRoot("user.alice", 1, 1, 5000, 3);
        assertTrue(QuotaCheck.wouldExceed(over, 0, 0));
        assertFalse(QuotaCheck.wouldExceed(over, -100, -1));
        assertFalse(QuotaCheck.wouldExceed(over, -1, -1));
    }

    @Test
    void unlimitedResourcesNeverExceed() {
        QuotaRoot storageOnly = new QuotaRoot("r", 1, QuotaRoot.UNLIMITED, 0, Long.MAX_VALUE / 2);
        assertFalse(QuotaCheck.wouldExceed(storageOnly, 1024, 1_000_000));
        assertTrue(QuotaCheck.wouldExceed(storageOnly, 1025, 0));
        QuotaRoot none = new QuotaRoot("r", QuotaRoot.UNLIMITED, -7, Long.MAX_VALUE, Long.MAX_VALUE);
        assertFalse(QuotaCheck.wouldExceed(none, Long.MAX_VALUE, Long.MAX_VALUE));
        assertEquals(List.of(), none.report());
        QuotaRoot huge = new QuotaRoot("r", Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1, 0);
        assertFalse(QuotaCheck.wouldExceed(huge, Long.MAX_VALUE, 1));
    }

    @ParameterizedTest(name = "{0} bytes -> {1} KiB")
    @CsvSource(delimiter = '|', value = {"0 | 0", "1 | 0", "1023 | 0", "1024 | 1", "1025 | 1", "2047 | 1",
        "2048 | 2", "1048576 | 1024"})
    void storageIsReportedInWholeKiBRoundedDown(long bytes, long kib) {
        assertEquals(kib, new QuotaRoot("r", 10, 10, bytes, 0).usage(QuotaResource.STORAGE));
    }

    @Test
    void reportListsLimitedResourcesStorageFirst() {
        QuotaRoot r = new QuotaRoot("user.alice", 512, 100, 10_240, 7);
        assertEquals("[STORAGE 10 512, MESSAGE 7 100]", r.report().toString());
        assertEquals("[MESSAGE 7 100]", new QuotaRoot("x", QuotaRoot.UNLIMITED, 100, 10_240, 7).report().toString());
        assertEquals("[STORAGE 10 512]", new QuotaRoot("x", 512, QuotaRoot.UNLIMITED, 10_240, 7).report().toString());
    }

    @Test
    void usageNeverGoesNegative() {
        QuotaRoot r = QuotaRoot.of("r", 10, 10).withUsage(100, 2).withUsage(-500, -5);
        assertEquals(0, r.storageUsedBytes());
        assertEquals(0, r.messagesUsed());
    }

    @Test
    void wouldExceedMatchesArithmeticForRandomValues() {
        Random random = new Random(9208);
        for (int i = 0; i < 5000; i++) {
            long limitKiB = random.nextInt(3) == 0 ? QuotaRoot.UNLIMITED : random.nextInt(1000);
            long limitMsgs = random.nextInt(3) == 0 ? QuotaRoot.UNLIMITED : random.nextInt(50);
            long usedBytes = random.nextInt(1_200_000);
            long usedMsgs = random.nextInt(60);
            long addBytes = random.nextInt(200_000) - 20_000;
            long addMsgs = random.nextInt(5) - 1;
            QuotaRoot root = new QuotaRoot("r", limitKiB, limitMsgs, usedBytes, usedMsgs);
            boolean storage = limitKiB >= 0 && addBytes >= 0 && usedBytes + addBytes > limitKiB * 1024;
            boolean messages = limitMsgs >= 0 && addMsgs >= 0 && usedMsgs + addMsgs > limitMsgs;
            assertEquals(storage || messages, QuotaCheck.wouldExceed(root, addBytes, addMsgs), root + " " + addBytes);
        }
    }
}
