package org.murder.backend;

import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.murder.config.MurderSettings;
import org.murder.store.MessageCacheData;
import org.murder.store.MessageFlags;
import org.murder.store.MessageStore;
import org.murder.store.Spool;
import org.murder.store.StoreDuplicate;
import org.murder.store.StoreMailbox;
import org.murder.store.model.Acl;
import org.murder.store.model.Rights;

/**
 * Local delivery (Cyrus's lmtpd deliver_mailbox): where a recipient's message goes, whether the quota
 * lets it in, duplicate suppression, and the append itself — one transaction per mailbox, committed
 * before the caller may say 250.
 */
@Stateless
public class DeliveryService {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(DeliveryService.class.getName());

    @PersistenceContext(unitName = "murder")
    EntityManager em;

    @EJB
    MessageStore store;

    @Inject
    MurderSettings settings;

    @Inject
    Spool spool;

    /** MOVING: the mailbox is frozen by a move (docs/moves.md), a 451 until it is live at its new backend. */
    public enum Result { DELIVERED, DUPLICATE, OVER_QUOTA, NO_MAILBOX, MOVING }

    /**
     * The mailbox a recipient's mail goes to: {@code user.<user>.<folders>} when it exists and anyone may
     * post to it (Cyrus checks the 'p' right), else the user's INBOX; a shared folder only if it exists
     * and accepts posts.
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Optional<StoreMailbox> target(Optional<String> user, List<String> folders, boolean postAsAdmin) {
        DeliveryMailboxes names = DeliveryMailboxes.of(user, folders);
        Optional<StoreMailbox> folder = names.folder().flatMap(store::mailbox).filter(m -> postAsAdmin || mayPost(m));
        return folder.isPresent() ? folder : names.inbox().flatMap(store::mailbox);
    }

    /**
     * Whether a recipient's mailbox left this backend by a move a short while ago (or is leaving it): a frontend
     * whose map copy is behind still sends here, and hears a 451 instead of a 550 (docs/moves.md).
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public boolean movedAway(Optional<String> user, List<String> folders) {
        DeliveryMailboxes names = DeliveryMailboxes.of(user, folders);
        return names.inbox().map(n -> em.find(org.murder.store.StoreMoved.class, n)).filter(
                t -> t.until() > System.currentTimeMillis()).isPresent()
                || names.folder().map(n -> em.find(org.murder.store.StoreMoved.class, n)).filter(
                t -> t.until() > System.currentTimeMillis()).isPresent();
    }

    private static boolean mayPost(StoreMailbox m) {
        Rights r = Acl.parse(m.acl()).rightsOf("anyone", java.util.Set.of(), false);
        return r.has('p');
    }

    /** Whether adding a message of this size would exceed the mailbox's quota root. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public boolean overQuota(StoreMailbox m, long size) {
        return overQuota(m, size, 1);
    }

    /** Whether adding {@code count} messages of {@code size} bytes in all would exceed the mailbox's quota root. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public boolean overQuota(StoreMailbox m, long size, long count) {
        return store.overQuota(m, size, count);
    }

    /** Appends the message to one mailbox, in a transaction of its own. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public Result deliver(long mailboxId, Spool.TempMessage file, MessageCacheData cache, Instant when,
                          boolean ignoreQuota) {
        // the append locks this row anyway; taking the lock first makes the duplicate and quota checks see
        // what a concurrent delivery to the same mailbox committed (else two copies of one message both pass
        // the check and the second fails on the duplicate record: a 451 instead of a 250)
        StoreMailbox m = em.find(StoreMailbox.class, mailboxId, LockModeType.PESSIMISTIC_WRITE);
        if (m == null) {
            return Result.NO_MAILBOX;
        }
        if (m.frozen()) {
            return Result.MOVING;
        }
        String duplicateKey = null;
        if (settings.duplicateSuppression() && !cache.messageIdHeader().isEmpty()) {
            // by the mailbox's unique id, as Cyrus: a rename keeps its record, a mailbox deleted and made again
            // under the same name is another mailbox and takes the message
            duplicateKey = sha256(cache.messageIdHeader() + '\0' + m.uniqueId());
            StoreDuplicate seen = em.find(StoreDuplicate.class, duplicateKey);
            if (seen != null && seen.deliveredAt().isAfter(when.minus(settings.duplicateWindow()))) {
                return Result.DUPLICATE;
            }
            if (seen != null) {
                em.remove(seen);
                em.flush();
            }
        }
        if (!ignoreQuota && overQuota(m, file.size())) {
            return Result.OVER_QUOTA;
        }
        store.append(spool, mailboxId, new MessageStore.NewMessage(file, MessageFlags.NONE, when, cache));
        if (duplicateKey != null) {
            em.persist(new StoreDuplicate(duplicateKey, when));
        }
        return Result.DELIVERED;
    }

    /**
     * Forgets deliveries older than the duplicate window (Cyrus's {@code cyr_expire -E}) and records of expunged
     * messages older than {@code expunge_days} ({@code cyr_expire -X}), so that neither grows
     * for ever; a key seen again after the window is delivered anyway.
     */
    @Schedule(hour = "*", minute = "23", persistent = false)
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void expireDuplicates() {
        long cutoff = Instant.now().minus(settings.duplicateWindow()).toEpochMilli();
        int gone = em.createQuery("DELETE FROM StoreDuplicate d WHERE d.deliveredAt < :cutoff")
                .setParameter("cutoff", cutoff).executeUpdate();
        if (gone > 0) {
            LOG.info(() -> "MURDER-BE-010 forgot " + gone + " delivery records older than " + settings.duplicateWindow());
        }
        long expungedCutoff = Instant.now().minus(settings.expungedRetention()).toEpochMilli();
        // what goes is remembered as each mailbox's deletedmodseq, so QRESYNC knows where its records begin
        for (Object[] r : em.createQuery("SELECT e.mailboxId, MAX(e.modSeq) FROM StoreExpunged e WHERE e.expungedAt < :cutoff"
                + " GROUP BY e.mailboxId", Object[].class).setParameter("cutoff", expungedCutoff).getResultList()) {
            StoreMailbox m = em.find(StoreMailbox.class, ((Number) r[0]).longValue());
            if (m != null) {
                m.forgotExpungesUpTo(((Number) r[1]).longValue());
            }
        }
        int forgotten = em.createQuery("DELETE FROM StoreExpunged e WHERE e.expungedAt < :cutoff")
                .setParameter("cutoff", expungedCutoff).executeUpdate();
        if (forgotten > 0) {
            LOG.info(() -> "MURDER-BE-011 forgot " + forgotten + " records of expunged messages older than "
                    + settings.expungedRetention());
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
