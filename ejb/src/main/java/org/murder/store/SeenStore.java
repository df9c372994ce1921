package org.murder.store;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.util.Collection;
import java.util.TreeSet;

/**
 * \Seen of users on mailboxes they do not own (Cyrus's per-user seen database); the owner's \Seen is
 * the message's own flag.
 */
@Stateless
public class SeenStore {

    @PersistenceContext(unitName = "murder")
    EntityManager em;

    public TreeSet<Long> seen(long mailboxId, String user) {
        StoreSeen s = em.find(StoreSeen.class, StoreSeen.key(mailboxId, user));
        TreeSet<Long> out = new TreeSet<>();
        if (s != null) {
            parse(s.uids(), out);
        }
        return out;
    }

    /** Adds or removes UIDs; returns the new set. */
    public TreeSet<Long> change(long mailboxId, String user, Collection<Long> uids, boolean seen, long modSeq) {
        String key = StoreSeen.key(mailboxId, user);
        StoreSeen s = em.find(StoreSeen.class, key, LockModeType.PESSIMISTIC_WRITE);
        if (s == null) {
            s = new StoreSeen(mailboxId, user);
            em.persist(s);
        }
        TreeSet<Long> set = new TreeSet<>();
        parse(s.uids(), set);
        if (seen) {
            set.addAll(uids);
        } else {
            set.removeAll(uids);
        }
        s.uids(format(set), modSeq);
        return set;
    }

    /** Runs of UIDs as {@code 1:40,42}: compact whatever the set's size. */
    static String format(TreeSet<Long> uids) {
        StringBuilder b = new StringBuilder();
        Long start = null;
        Long prev = null;
        for (long u : uids) {
            if (prev != null && u == prev + 1) {
                prev = u;
                continue;
            }
            if (start != null) {
                run(b, start, prev);
            }
            start = u;
            prev = u;
        }
        if (start != null) {
            run(b, start, prev);
        }
        return b.toString();
    }

    private static void run(StringBuilder b, long from, long to) {
        if (b.length() > 0) {
            b.append(',');
        }
        b.append(from);
        if (to != from) {
            b.append(':').append(to);
        }
    }

    static void parse(String text, TreeSet<Long> into) {
        if (text == null || text.isEmpty()) {
            return;
        }
        for (String part : text.split(",")) {
            int colon = part.indexOf(':');
            long from = Long.parseLong(colon < 0 ? part : part.substring(0, colon));
            long to = colon < 0 ? from : Long.parseLong(part.substring(colon + 1));
            for (long u = from; u <= to; u++) {
                into.add(u);
            }
        }
    }
}
