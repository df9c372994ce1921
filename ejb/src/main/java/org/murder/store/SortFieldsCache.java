package org.murder.store;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.protocol.imap.sort.SortFields;
import org.murder.store.MessageStore.IndexRow;

/**
 * SORT's and THREAD's keys for the whole node, shared by every session as the mailbox index is: each message's
 * {@link SortFields} (computed at delivery and stored with its other parsed facts) kept by mailbox and UID — a UID's
 * message never changes — and the last few answers per mailbox, each valid for the one index version it was computed
 * on, so a repeated SORT on an unchanged mailbox is answered without sorting. Bounded: past {@link #MAX_CHARS} the
 * least recently used mailboxes go.
 */
@ApplicationScoped // a plain bean, as MessageCaches: SORT asks it for every message
public class SortFieldsCache {

    private static final Logger LOG = Logger.getLogger(SortFieldsCache.class.getName());

    /** About this many characters of keys and answers are kept (a 100,000-message mailbox takes ~25 M). */
    static final long MAX_CHARS = 40_000_000L;
    /** What one kept string costs beside its characters: the map's node, the boxed UID, the string's header. */
    private static final int OVERHEAD = 80;
    /** Missing this many keys, a mailbox's stored keys are read in one query rather than one by one. */
    static final int BULK = 64;
    /** Answers kept per mailbox. */
    static final int ANSWERS = 4;

    @EJB
    MessageStore store;

    @Inject
    Spool spool;

    @Inject
    MessageCaches caches;

    /** {@link #MAX_CHARS}, lower in tests. */
    long maxChars = MAX_CHARS;

    private final Map<Long, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong chars = new AtomicLong();
    private final AtomicLong clock = new AtomicLong();

    private static final class Entry {
        final Map<Long, String> byUid = new HashMap<>();
        final ArrayDeque<Answer> answers = new ArrayDeque<>();
        long chars;
        long answersChars;
        volatile long lastUse;
    }

    /** An answer and the index version it holds for (weakly: a version no session holds is gone, and so is this). */
    private record Answer(WeakReference<MailboxIndex> view, Object request, Object value, long chars) {
    }

    /** The keys of some messages of a mailbox (rows of {@code view}), in their order. */
    public SortFields[] fields(long mailboxId, String partition, MailboxIndex view, List<IndexRow> rows) {
        Entry e = entry(mailboxId);
        String[] stored = new String[rows.size()];
        List<Integer> missing = new ArrayList<>();
        synchronized (e) {
            for (int i = 0; i < stored.length; i++) {
                stored[i] = e.byUid.get(rows.get(i).uid());
                if (stored[i] == null) {
                    missing.add(i);
                }
            }
        }
        boolean bulk = missing.size() >= BULK;
        Map<Long, String> found = new HashMap<>();
        if (bulk) {
            // the UIDs missing are mostly a run (a mailbox not read yet, or the newest deliveries): one range query
            long low = rows.get(missing.get(0)).uid();
            long high = low;
            for (int i : missing) {
                low = Math.min(low, rows.get(i).uid());
                high = Math.max(high, rows.get(i).uid());
            }
            Map<Long, String> all = store.sortFields(mailboxId, low, high);
            for (int i : missing) {
                String s = all.get(rows.get(i).uid());
                if (s != null) {
                    stored[i] = s;
                    found.put(rows.get(i).uid(), s);
                }
            }
        }
        Map<Long, String> backfill = new HashMap<>();
        for (int i : missing) {
            if (stored[i] != null) {
                continue;
            }
            IndexRow r = rows.get(i);
            // a delivery of the last moments (its facts not written yet), or one the bulk read could not see
            Optional<MessageCacheData> facts = bulk ? caches.pending(r.id()) : store.cache(r.id());
            String s = facts.map(MessageCacheData::sortFields).filter(f -> !f.isEmpty()).orElse(null);
            if (s == null) {
                try {
                    s = MessageCacheData.sortFields(spool.messagePath(partition, mailboxId, r.uid())).serialize();
                    backfill.put(r.id(), s);
                } catch (NoSuchFileException gone) {
                    stored[i] = SortFields.EMPTY.serialize(); // expunged meanwhile: sorts as a message without header
                    continue;
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            }
            stored[i] = s;
            found.put(r.uid(), s);
        }
        synchronized (e) {
            found.forEach((uid, s) -> {
                if (e.chars < maxChars && e.byUid.put(uid, s) == null) { // a mailbox past the bound alone: read again
                    e.chars += s.length() + OVERHEAD;
                    chars.addAndGet(s.length() + OVERHEAD);
                }
            });
            forgetExpunged(e, view);
        }
        if (!backfill.isEmpty()) {
            try {
                store.saveSortFields(backfill);
            } catch (RuntimeException ex) {
                // derived data: the next SORT after a restart reads the files again
                LOG.log(Level.WARNING, "MURDER-STORE-003 cannot store the sort fields of " + backfill.size() + " messages", ex);
            }
        }
        evict(mailboxId);
        SortFields[] out = new SortFields[stored.length];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = SortFields.deserialize(stored[i]);
            } catch (IllegalArgumentException damaged) {
                out[i] = SortFields.EMPTY;
            }
        }
        return out;
    }

    /** An answer computed on exactly this index version for an equal request, if one is kept. */
    public Optional<Object> answer(long mailboxId, MailboxIndex view, Object request) {
        Entry e = entries.get(mailboxId);
        if (e == null) {
            return Optional.empty();
        }
        synchronized (e) {
            for (Answer a : e.answers) {
                if (a.view.get() == view && a.request.equals(request)) {
                    e.lastUse = clock.incrementAndGet();
                    return Optional.of(a.value);
                }
            }
        }
        return Optional.empty();
    }

    /** Keeps an answer for {@link #answer}; {@code size} is about what it holds, in characters. */
    public void remember(long mailboxId, MailboxIndex view, Object request, Object value, long size) {
        Entry e = entry(mailboxId);
        synchronized (e) {
            e.answers.removeIf(a -> a.view.get() == null || a.request.equals(request));
            while (e.answers.size() >= ANSWERS) {
                e.answers.removeLast();
            }
            e.answers.addFirst(new Answer(new WeakReference<>(view), request, value, size));
            long held = e.answers.stream().mapToLong(Answer::chars).sum();
            chars.addAndGet(held - e.answersChars);
            e.answersChars = held;
        }
        evict(mailboxId);
    }

    /** About how many characters are kept, keys and answers (for tests and the bound). */
    long heldChars() {
        return chars.get();
    }

    private Entry entry(long mailboxId) {
        Entry e = entries.computeIfAbsent(mailboxId, k -> new Entry());
        e.lastUse = clock.incrementAndGet();
        return e;
    }

    /** Keys of messages long expunged go once they outnumber the mailbox's own. */
    private void forgetExpunged(Entry e, MailboxIndex view) {
        if (e.byUid.size() <= 2 * view.size() + 1024) {
            return;
        }
        Set<Long> present = new HashSet<>(view.size() * 2);
        for (int i = 0; i < view.size(); i++) {
            present.add(view.uid(i));
        }
        for (Iterator<Map.Entry<Long, String>> it = e.byUid.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, String> kv = it.next();
            if (!present.contains(kv.getKey())) {
                long cost = kv.getValue().length() + OVERHEAD;
                e.chars -= cost;
                chars.addAndGet(-cost);
                it.remove();
            }
        }
    }

    /** Least recently used mailboxes go (never the one in use) until the bound holds. */
    private void evict(long inUse) {
        while (chars.get() > maxChars) {
            Map.Entry<Long, Entry> oldest = null;
            for (Map.Entry<Long, Entry> kv : entries.entrySet()) {
                if (kv.getKey() != inUse && (oldest == null || kv.getValue().lastUse < oldest.getValue().lastUse)) {
                    oldest = kv;
                }
            }
            if (oldest == null || !entries.remove(oldest.getKey(), oldest.getValue())) {
                return; // only the mailbox in use is left: it may exceed the bound alone
            }
            Entry gone = oldest.getValue();
            synchronized (gone) {
                chars.addAndGet(-(gone.chars + gone.answersChars));
            }
        }
    }
}
