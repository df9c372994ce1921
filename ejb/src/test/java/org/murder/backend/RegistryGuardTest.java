package org.murder.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RegistryGuardTest {

    @Test
    void aChangeWaitsUntilThePushHasReadAndWritten() throws Exception {
        RegistryGuard guard = new RegistryGuard(Duration.ofSeconds(10));
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch pushing = new CountDownLatch(1);
        CountDownLatch finishPush = new CountDownLatch(1);
        CompletableFuture<Void> push = CompletableFuture.runAsync(() -> {
            try {
                guard.push(() -> {
                    events.add("push reads local");
                    pushing.countDown();
                    finishPush.await();
                    events.add("push reads master and writes");
                    return null;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(pushing.await(5, TimeUnit.SECONDS));
        CompletableFuture<Void> create = CompletableFuture.runAsync(() -> {
            try {
                guard.change(() -> events.add("create"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertFalse(create.isDone(), "a CREATE must not run between the push's two reads");
        finishPush.countDown();
        push.get(5, TimeUnit.SECONDS);
        create.get(5, TimeUnit.SECONDS);
        assertEquals(List.of("push reads local", "push reads master and writes", "create"), events);
    }

    @Test
    void changesRunSideBySideAndMayNest() throws Exception {
        RegistryGuard guard = new RegistryGuard(Duration.ofSeconds(10));
        CountDownLatch both = new CountDownLatch(2);
        CompletableFuture<?>[] changes = new CompletableFuture<?>[2];
        for (int i = 0; i < 2; i++) {
            changes[i] = CompletableFuture.runAsync(() -> {
                try {
                    guard.change(() -> {
                        both.countDown();
                        // both are inside at once, else this waits in vain
                        return both.await(5, TimeUnit.SECONDS) && guard.change(() -> true);
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        CompletableFuture.allOf(changes).get(10, TimeUnit.SECONDS);
        assertEquals(0, both.getCount());
    }

    @Test
    void aChangeGivesUpWhenAPushHangsBeyondTheBound() throws Exception {
        RegistryGuard guard = new RegistryGuard(Duration.ofMillis(200));
        CountDownLatch pushing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> push = CompletableFuture.supplyAsync(() -> {
            try {
                return guard.push(() -> {
                    pushing.countDown();
                    return release.await(10, TimeUnit.SECONDS);
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(pushing.await(5, TimeUnit.SECONDS));
        assertThrows(RegistryGuard.BusyException.class, () -> guard.change(() -> "too late"));
        release.countDown();
        assertEquals(true, push.get(5, TimeUnit.SECONDS));
        assertEquals("now", guard.change(() -> "now"));
    }

    @Test
    void theWorksExceptionPassesThrough() {
        RegistryGuard guard = new RegistryGuard(Duration.ofSeconds(1));
        MailboxService.MailboxException e = assertThrows(MailboxService.MailboxException.class,
                () -> guard.change(() -> {
                    throw new MailboxService.MailboxException("Mailbox already exists");
                }));
        assertEquals("Mailbox already exists", e.getMessage());
    }
}
