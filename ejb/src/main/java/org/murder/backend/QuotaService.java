package org.murder.backend;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.Optional;
import org.murder.store.StoreMailbox;
import org.murder.store.StoreQuota;

/** Quota roots (RFC 9208): limits per root, usage summed over the mailboxes the root governs. */
@Stateless
public class QuotaService {

    @PersistenceContext(unitName = "murder")
    EntityManager em;

    /** Usage of a root: bytes and messages. */
    public record Usage(long bytes, long messages) {
    }

    public Optional<StoreQuota> root(String root) {
        return Optional.ofNullable(em.find(StoreQuota.class, root));
    }

    public Usage usage(String root) {
        Object[] u = em.createQuery("SELECT COALESCE(SUM(b.totalSize), 0), COALESCE(SUM(b.messages), 0) "
                + "FROM StoreMailbox b WHERE b.quotaRoot = :root", Object[].class).setParameter("root", root).getSingleResult();
        return new Usage(((Number) u[0]).longValue(), ((Number) u[1]).longValue());
    }

    /**
     * SETQUOTA: sets a root's limits (null = none) and makes it govern the root mailbox and every mailbox
     * below it that no deeper root governs, as Cyrus does.
     */
    public void set(String root, Long storageKb, Long messages) {
        StoreQuota q = em.find(StoreQuota.class, root);
        if (q == null) {
            q = new StoreQuota(root);
            em.persist(q);
        }
        q.limits(storageKb, messages);
        for (StoreMailbox m : em.createNamedQuery("StoreMailbox.byPrefix", StoreMailbox.class)
                .setParameter("name", root).setParameter("children", root + ".%").getResultList()) {
            String current = m.quotaRoot();
            if (current == null || current.length() <= root.length()) {
                m.quotaRoot(root);
            }
        }
    }

    /** The root governing a mailbox, if any (the nearest ancestor that is a root). */
    public Optional<String> governing(StoreMailbox m) {
        if (m.quotaRoot() != null) {
            return Optional.of(m.quotaRoot());
        }
        String name = m.name();
        while (true) {
            if (em.find(StoreQuota.class, name) != null) {
                return Optional.of(name);
            }
            int dot = name.lastIndexOf('.');
            if (dot < 0) {
                return Optional.empty();
            }
            name = name.substring(0, dot);
        }
    }

    /** A new mailbox falls under its nearest root. */
    public void adopt(StoreMailbox created) {
        governing(created).ifPresent(root -> {
            StoreMailbox m = em.find(StoreMailbox.class, created.id());
            if (m != null) {
                m.quotaRoot(root);
            }
        });
    }
}
