package org.murder.protocol.sasl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PasswordMemoTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final PasswordMemo memo = new PasswordMemo(now::get);

    @Test
    void onlyTheRememberedPasswordAndOnlyUntilItsTimeRunsOut() {
        assertFalse(memo.remembers("secret".toCharArray()), "nothing remembered yet");
        memo.remember("secret".toCharArray(), Duration.ofSeconds(10));
        assertTrue(memo.remembers("secret".toCharArray()));
        assertFalse(memo.remembers("secret ".toCharArray()));
        assertFalse(memo.remembers("Secret".toCharArray()));
        assertFalse(memo.remembers(new char[0]));
        now.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
        assertTrue(memo.remembers("secret".toCharArray()));
        now.incrementAndGet();
        assertFalse(memo.remembers("secret".toCharArray()), "its time has run out");
    }

    @Test
    void theLastSuccessReplacesTheOneBefore() {
        memo.remember("old".toCharArray(), Duration.ofMinutes(1));
        memo.remember("new".toCharArray(), Duration.ofMinutes(1));
        assertFalse(memo.remembers("old".toCharArray()));
        assertTrue(memo.remembers("new".toCharArray()));
    }

    @Test
    void aZeroDurationRemembersNothing() {
        memo.remember("secret".toCharArray(), Duration.ZERO);
        assertFalse(memo.remembers("secret".toCharArray()));
    }

    @Test
    void storedCredentialsLetTheRememberedPasswordInAndNoOther() {
        StoredCredentials c = StoredCredentials.hash("pencil".toCharArray(), 4096);
        assertFalse(c.verify("pen".toCharArray(), Duration.ofMinutes(1)));
        assertTrue(c.verify("pencil".toCharArray(), Duration.ofMinutes(1)));
        assertTrue(c.verify("pencil".toCharArray(), Duration.ofMinutes(1)));
        assertFalse(c.verify("pen".toCharArray(), Duration.ofMinutes(1)), "a wrong guess after a success is still wrong");
        assertFalse(StoredCredentials.hash("other".toCharArray(), 4096).verify("pencil".toCharArray(), Duration.ofMinutes(1)));
    }
}
