package org.murder.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaildropTest {

    private static Maildrop drop() {
        return new Maildrop(7, "user.alice", "default", 1700000000L, List.of(new Maildrop.Message(11, 3, 120),
                new Maildrop.Message(12, 5, 200), new Maildrop.Message(13, 9, 30)), UidlFormat.CYRUS);
    }

    @Test
    void numbersSizesAndUidls() {
        Maildrop d = drop();
        assertEquals(3, d.count());
        assertEquals(350, d.size());
        assertEquals("2 200", d.listing(2));
        assertEquals("1 1700000000.3", d.uidlListing(1));
        assertEquals(List.of(1, 2, 3), d.numbers());
    }

    @Test
    void aDeletedMessageNamesNothingUntilRset() {
        Maildrop d = drop();
        d.delete(2);
        assertFalse(d.exists(2));
        assertThrows(IllegalArgumentException.class, () -> d.message(2));
        assertThrows(IllegalArgumentException.class, () -> d.delete(2));
        assertEquals(2, d.count());
        assertEquals(150, d.size());
        assertEquals(List.of(1, 3), d.numbers(), "numbers do not shift");
        assertEquals("3 30", d.listing(3));
        assertEquals(List.of(5L), d.deletedUids());
        d.reset();
        assertTrue(d.exists(2));
        assertEquals(List.of(), d.deletedUids());
    }

    @Test
    void outOfRangeNumbersNameNothing() {
        Maildrop d = drop();
        for (int n : new int[] {0, -1, 4, Integer.MAX_VALUE}) {
            assertFalse(d.exists(n), Integer.toString(n));
        }
    }

    @Test
    void seenAtQuitIsWhatWasRetrievedAndKept() {
        Maildrop d = drop();
        d.retrieved(1);
        d.retrieved(2);
        d.delete(2);
        assertEquals(List.of(3L), d.seenUids());
        d.reset();
        assertEquals(List.of(), d.seenUids(), "RSET forgets what was read too, as Cyrus");
    }

    @Test
    void uidlFormatsOfCyrus() {
        assertEquals("1700000000.42", UidlFormat.of("cyrus").uidl(1700000000L, 42));
        assertEquals("42", UidlFormat.of("UIDONLY").uidl(1700000000L, 42));
        assertEquals("0000002a6553f100", UidlFormat.of("dovecot").uidl(1700000000L, 42));
        assertEquals("1700000000-42", UidlFormat.of("courier").uidl(1700000000L, 42));
        assertThrows(IllegalArgumentException.class, () -> UidlFormat.of("sha1"));
    }

    @Test
    void loginDelayAsCyrus() {
        Instant t = Instant.parse("2026-12-08T10:00:00Z");
        Duration five = Duration.ofMinutes(5);
        assertFalse(LoginDelay.tooSoon(Instant.EPOCH, t, five));
        assertFalse(LoginDelay.tooSoon(t.minus(five), t, five));
        assertTrue(LoginDelay.tooSoon(t.minusSeconds(299), t, five));
        assertFalse(LoginDelay.tooSoon(t, t, Duration.ZERO), "no popminpoll, no delay");
        // no padding: the stamp is the login
        assertEquals(t, LoginDelay.afterQuit(Instant.EPOCH, t, five, 1));
        // padding 3: three logins in a row, then the fourth waits
        Instant last = Instant.EPOCH;
        for (int i = 0; i < 3; i++) {
            assertFalse(LoginDelay.tooSoon(last, t, five), "login " + (i + 1));
            last = LoginDelay.afterQuit(last, t, five, 3);
        }
        assertTrue(LoginDelay.tooSoon(last, t, five), "the fourth at once");
        assertFalse(LoginDelay.tooSoon(last, t.plus(five), five), "one interval later");
    }
}
