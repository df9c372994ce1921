package org.murder.move;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;
import org.murder.store.StoreMailbox;
import org.murder.store.StoreQuota;
import org.murder.store.StoreSubscription;

/** The moves' rows (docs/moves.md): every change in a transaction of its own, committed before it is relied on. */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class MoveStore {

    @PersistenceContext(unitName = "murder")
    EntityManager em;

    @jakarta.ejb.EJB
    org.murder.store.MessageStore store;

    /** A new move, or the unfinished one of the same mailbox from the same source (a repeated XPULL joins it). */
    public MailboxMove start(String mailbox, String source, String partition, String requestedBy) throws MoveRefused {
        for (MailboxMove m : unfinished()) {
            if (m.mailbox().equals(mailbox)) {
                if (m.source().equals(source)) {
                    return m;
                }
                throw new MoveRefused("Mailbox " + mailbox + " is already being moved here from " + m.source());
            }
            if (m.wholeUser() && mailbox.startsWith(m.mailbox() + ".")
                    || wholeUserName(mailbox) && m.mailbox().startsWith(mailbox + ".")) {
                throw new MoveRefused("A mailbox of this user is being moved already");
            }
        }
        MailboxMove m = new MailboxMove(mailbox, source, partition, requestedBy);
        em.persist(m);
        em.flush();
        return m;
    }

    private static boolean wholeUserName(String mailbox) {
        return org.murder.store.model.MailboxName.isUserInbox(mailbox);
    }

    /** Refused before anything was done. */
    public static class MoveRefused extends Exception {
        public MoveRefused(String message) {
            super(message);
        }
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Optional<MailboxMove> find(long id) {
        return Optional.ofNullable(em.find(MailboxMove.class, id));
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<MailboxMove> unfinished() {
        return em.createNamedQuery("MailboxMove.unfinished", MailboxMove.class).getResultList();
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<MailboxMove> recent(int max) {
        return em.createNamedQuery("MailboxMove.all", MailboxMove.class).setMaxResults(max).getResultList();
    }

    /** Names the moves under way here will make live: the start-up push leaves them to the moves. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<String> namesInMotion() {
        return em.createQuery("SELECT i.name FROM MailboxMoveItem i, MailboxMove m WHERE i.moveId = m.id AND "
                + "m.state <> org.murder.move.MoveState.DONE AND m.state <> org.murder.move.MoveState.FAILED", String.class)
                .getResultList();
    }

    public MailboxMove transition(long id, MoveState next) {
        MailboxMove m = lock(id);
        m.state(next);
        return m;
    }

    public void failed(long id, String error) {
        lock(id).failed(error);
    }

    public void extras(long id, String quota, String subscriptions) {
        lock(id).extras(quota, subscriptions);
    }

    public void passed(long id) {
        lock(id).passed();
    }

    /** Messages copied by one batch: counted as they land, so a pass cut short still shows its progress. */
    public void copied(long id, long messages) {
        lock(id).copied(messages);
    }

    private MailboxMove lock(long id) {
        return em.find(MailboxMove.class, id, LockModeType.PESSIMISTIC_WRITE);
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<MailboxMoveItem> items(long moveId) {
        return em.createNamedQuery("MailboxMoveItem.ofMove", MailboxMoveItem.class).setParameter("move", moveId)
                .getResultList();
    }

    public MailboxMoveItem addItem(long moveId, String name, long localId, long uidValidity) {
        MailboxMoveItem i = new MailboxMoveItem(moveId, name, localId, uidValidity);
        em.persist(i);
        em.flush();
        return i;
    }

    public void synced(long itemId, long modSeq, long uidNext, long recentUid) {
        MailboxMoveItem i = em.find(MailboxMoveItem.class, itemId);
        i.syncedModSeq(Math.max(i.syncedModSeq(), modSeq));
        i.syncedUidNext(Math.max(i.syncedUidNext(), uidNext));
        i.recentUid(recentUid);
    }

    /**
     * Messages a Cyrus source took after the last pass, appended to the copy (live by then) under new UIDs, and the
     * source's UIDNEXT recorded, in one transaction: a release repeated after a failure does not append them twice.
     */
    public void carried(long itemId, org.murder.store.Spool spool, List<org.murder.store.MessageStore.NewMessage> late,
                        long uidNext, long modSeq) {
        MailboxMoveItem i = em.find(MailboxMoveItem.class, itemId, LockModeType.PESSIMISTIC_WRITE);
        if (!late.isEmpty()) {
            store.appendAll(spool, i.localId(), late);
        }
        i.syncedModSeq(Math.max(i.syncedModSeq(), modSeq));
        i.syncedUidNext(Math.max(i.syncedUidNext(), uidNext));
    }

    /** What the source is ({@code ours}, {@code cyrus}): learned once, kept for every later step and a restart. */
    public void sourceKind(long id, String kind) {
        lock(id).sourceKind(kind);
    }

    /** A Cyrus source's entries as they were before the freeze (see {@link MailboxMove#frozenEntries()}). */
    public void frozenEntries(long id, String entries) {
        lock(id).frozenEntries(entries);
    }

    public void dropItem(long itemId) {
        MailboxMoveItem i = em.find(MailboxMoveItem.class, itemId);
        if (i != null) {
            em.remove(i);
        }
    }

    /** What goes live with the copy: the quota root of a whole user, and the owner's subscriptions. */
    public record LiveExtras(Optional<ImapMoveSource.Quota> quota, Optional<String> owner, List<String> subscriptions) {
    }

    /**
     * The copy goes live, in one transaction: its rows take their real names, the quota root and the subscriptions
     * come with them, and the move remembers it. Refused (nothing changed) if a mailbox of that name is here already.
     */
    public void goLive(long moveId, LiveExtras extras) {
        MailboxMove move = lock(moveId);
        if (move.live()) {
            return;
        }
        for (MailboxMoveItem i : items(moveId)) {
            StoreMailbox box = em.find(StoreMailbox.class, i.localId(), LockModeType.PESSIMISTIC_WRITE);
            if (!em.createNamedQuery("StoreMailbox.byName", StoreMailbox.class).setParameter("name", i.name())
                    .getResultList().isEmpty()) {
                throw new IllegalStateException("a mailbox " + i.name() + " exists here already");
            }
            box.rename(i.name());
        }
        em.flush();
        extras.quota().ifPresent(q -> {
            StoreQuota root = em.find(StoreQuota.class, q.root());
            if (root == null) {
                root = new StoreQuota(q.root());
                em.persist(root);
            }
            root.limits(q.storageKb(), q.messages());
        });
        // every moved mailbox falls under the nearest root here (the moved one, or one above it)
        for (MailboxMoveItem i : items(moveId)) {
            StoreMailbox box = em.find(StoreMailbox.class, i.localId());
            box.quotaRoot(nearestRoot(i.name()).orElse(null));
        }
        extras.owner().ifPresent(owner -> {
            // \Recent to the owner as it was at the source (a session's state, but a client would see it change)
            for (MailboxMoveItem i : items(moveId)) {
                if (i.recentUid() > 0 && em.find(org.murder.store.StoreRecent.class,
                        org.murder.store.StoreSeen.key(i.localId(), owner)) == null) {
                    org.murder.store.StoreRecent r = new org.murder.store.StoreRecent(i.localId(), owner);
                    r.recentUid(i.recentUid());
                    em.persist(r);
                }
            }
            if (extras.subscriptions().isEmpty()) {
                return;
            }
            List<String> have = em.createNamedQuery("StoreSubscription.ofUser", StoreSubscription.class)
                    .setParameter("user", owner).getResultStream().map(StoreSubscription::mailbox).toList();
            extras.subscriptions().stream().filter(s -> !have.contains(s)).distinct()
                    .forEach(s -> em.persist(new StoreSubscription(owner, s)));
        });
        move.live(true);
    }

    private Optional<String> nearestRoot(String name) {
        String n = name;
        while (true) {
            if (em.find(StoreQuota.class, n) != null) {
                return Optional.of(n);
            }
            int dot = n.lastIndexOf('.');
            if (dot < 0) {
                return Optional.empty();
            }
            n = n.substring(0, dot);
        }
    }
}
