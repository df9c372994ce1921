package org.murder.pop3;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * RFC 1939's exclusive-access lock on a maildrop, for this node's maildrops: one POP3 session per INBOX at a time, a
 * second hears {@code -ERR [IN-USE]}. In memory: the maildrops are this node's, and a lock dies with its session (or
 * with the node).
 */
@ApplicationScoped
public class Maildrops {

    private final ConcurrentMap<Long, Long> holders = new ConcurrentHashMap<>();

    /** Locks the maildrop for connection {@code holder}; empty when another holds it, else how to unlock it. */
    Optional<Runnable> lock(long mailboxId, long holder) {
        Long before = holders.putIfAbsent(mailboxId, holder);
        if (before != null && before != holder) {
            return Optional.empty();
        }
        return Optional.of(() -> holders.remove(mailboxId, holder));
    }

    /** Maildrops locked now (status). */
    public int locked() {
        return holders.size();
    }
}
