package org.murder.store;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Parsed message facts (ENVELOPE, BODYSTRUCTURE, section map) on their way to the database. They are derived
 * from the message file, so a delivery need not wait for them: its transaction holds only what cannot be
 * rebuilt, and the facts of many deliveries are written together a moment later. Until then (and if a crash
 * loses them) they are served from here, or parsed from the file again. Writing them with each delivery cost
 * a third of its database time, and left the embedded database's file a sparse page behind every commit.
 */
@ApplicationScoped // a plain bean: FETCH asks it for every message, and an EJB call costs more than the look-up
public class MessageCaches {

    private static final Logger LOG = Logger.getLogger(MessageCaches.class.getName());
    /** How long facts wait, so that one transaction carries those of many deliveries. */
    static final long DELAY_MS = 200;
    /** Past this many waiting, new facts are not kept (they are parsed again when asked for). */
    static final int MAX_PENDING = 50_000;

    private final ConcurrentHashMap<Long, MessageCacheData> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ReentrantLock writing = new ReentrantLock();

    @Resource
    ManagedScheduledExecutorService scheduler;

    @EJB
    MessageStore store;

    /** Facts of a committed message, to be written soon. */
    public void offer(long messageId, MessageCacheData data) {
        if (pending.size() < MAX_PENDING) {
            pending.put(messageId, data);
            schedule();
        }
    }

    public Optional<MessageCacheData> pending(long messageId) {
        return Optional.ofNullable(pending.get(messageId));
    }

    /** The message is gone: its facts need not be written. */
    public void forget(long messageId) {
        pending.remove(messageId);
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                scheduler.schedule(this::write, DELAY_MS, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                scheduled.set(false); // shutting down: @PreDestroy writes what is left
            }
        }
    }

    private void write() {
        scheduled.set(false);
        writeNow();
        if (!pending.isEmpty()) {
            schedule();
        }
    }

    /** Writes what is waiting, in one transaction. */
    void writeNow() {
        writing.lock();
        try {
            Map<Long, MessageCacheData> batch = new HashMap<>(pending);
            if (batch.isEmpty()) {
                return;
            }
            try {
                store.saveCaches(batch);
            } catch (RuntimeException e) {
                // derived data: whoever needs them parses the file again (and offers them anew)
                LOG.log(Level.WARNING, "MURDER-STORE-002 cannot write the parsed facts of " + batch.size() + " messages", e);
            }
            batch.forEach(pending::remove);
        } finally {
            writing.unlock();
        }
    }

    @PreDestroy
    void drain() {
        writeNow();
    }
}
