package org.murder.backend;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;
import org.murder.config.MurderSettings;
import org.murder.store.MessageStore;
import org.murder.store.Spool;
import org.murder.store.StoreMailbox;
import org.murder.store.StoreUidValidity;
import org.murder.store.model.AccessRules;
import org.murder.store.model.Acl;
import org.murder.store.model.UidValidity;

/**
 * Creating and deleting this backend's mailboxes, in Cyrus's order: RESERVE at the master, create
 * locally, ACTIVATE. If the master refuses or cannot be reached, the operation is refused (the mailbox
 * is "unreachable and un-creatable" rather than in two places); reading and delivering go on regardless.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class MailboxService {

    private static final Logger LOG = Logger.getLogger(MailboxService.class.getName());
    private static final AccessRules RULES = AccessRules.cyrusDefaults();

    @PersistenceContext(unitName = "murder")
    EntityManager em;

    @Inject
    MurderRegistry registry;

    @Inject
    Spool spool;

    @Inject
    MurderSettings settings;

    @Inject
    org.murder.store.model.Namespace namespace;

    @EJB
    org.murder.store.RecentStore recent;

    @EJB
    org.murder.store.MailboxIndexes indexes;

    @EJB
    MessageStore store;

    @EJB
    MailboxService self;

    @EJB
    QuotaService quotas;

    @EJB
    MapPushService push;

    /** Why a mailbox operation was refused, for a NO (with an IMAP response code when there is one). */
    public static class MailboxException extends Exception {
        private final String code;

        public MailboxException(String message) {
            this(null, message);
        }

        private MailboxException(String code, String message) {
            super(message);
            this.code = code;
        }

        /** The master cannot be reached: {@code NO [UNAVAILABLE]}, a temporary failure. */
        public static MailboxException unavailable() {
            return new MailboxException("UNAVAILABLE", MurderRegistry.RegistryException.UNREACHABLE);
        }

        /** The IMAP response code for the NO ({@code UNAVAILABLE}), if any. */
        public java.util.Optional<String> code() {
            return java.util.Optional.ofNullable(code);
        }

        /** Whether the operation may work later (the master was unreachable), rather than never. */
        public boolean temporary() {
            return "UNAVAILABLE".equals(code);
        }
    }

    public Optional<StoreMailbox> find(String internalName) {
        return store.mailbox(internalName);
    }

    /** A mailbox row by id, hidden or not (a move's copy); null when gone. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public StoreMailbox byId(long id) {
        return em.find(StoreMailbox.class, id);
    }

    /**
     * Refuses a change of the mailbox or its tree while a move has it frozen (docs/moves.md): a mailbox created,
     * renamed or deleted in the middle would be left behind or brought back.
     */
    private void refuseFrozen(String internalName) throws MailboxException {
        String n = internalName;
        while (true) {
            Optional<StoreMailbox> m = find(n);
            if (m.isPresent() && m.get().frozen()) {
                throw new MailboxException(org.murder.store.MailboxFrozenException.TEXT);
            }
            int dot = n.lastIndexOf('.');
            if (dot < 0) {
                return;
            }
            n = n.substring(0, dot);
        }
    }

    /**
     * CREATE on behalf of {@code user}: refused unless {@link AccessRules#checkCreate} allows it (the parent's
     * {@code k}, the owner's own tree, or an admin) — every path that makes a mailbox comes through here.
     *
     * @param acl the new mailbox's ACL; see {@link #initialAcl(String)}
     */
    public StoreMailbox create(String internalName, String partition, String acl, String user, boolean admin)
            throws MailboxException {
        return guarded(() -> {
            refuseUnless(RULES.checkCreate(internalName, namespace.virtDomains(), this::aclOf, user, Set.of(), admin));
            return createNow(internalName, partition, acl);
        });
    }

    /** The ACL Cyrus gives a new mailbox: its nearest existing ancestor's, else the owner's or defaultacl. */
    public String initialAcl(String internalName) {
        return RULES.initialAcl(internalName, AccessRules.nearestAncestorAcl(internalName, this::aclOf)).format();
    }

    private Optional<Acl> aclOf(String internalName) {
        return find(internalName).map(m -> Acl.parse(m.acl()));
    }

    private static void refuseUnless(Optional<AccessRules.Refusal> refusal) throws MailboxException {
        if (refusal.isPresent()) {
            throw new MailboxException(refusal.get().text());
        }
    }

    private StoreMailbox createNow(String internalName, String partition, String acl) throws MailboxException {
        String part = partition == null || partition.isEmpty() ? settings.defaultPartition() : partition;
        if (!spool.hasPartition(part)) {
            throw new MailboxException("Unknown partition " + part);
        }
        if (find(internalName).isPresent()) {
            throw new MailboxException("Mailbox already exists");
        }
        refuseFrozen(internalName);
        try {
            registry.reserve(internalName, part);
        } catch (MurderRegistry.RegistryException e) {
            LOG.warning(() -> "MURDER-BE-001 CREATE " + internalName + " refused: " + e.getMessage());
            throw e.unreachable() ? MailboxException.unavailable() : new MailboxException("Mailbox already exists");
        }
        StoreMailbox created = null;
        try {
            created = self.insert(internalName, part, acl);
            spool.createMailboxDir(part, created.id());
        } catch (RuntimeException | IOException e) {
            if (created == null && find(internalName).isPresent()) {
                // a concurrent create of the same name (two first deliveries to a new user) won between our
                // check and our insert; the master let our RESERVE through as the same server's, but the entry
                // is the winner's: releasing it would drop a live mailbox from the map
                throw new MailboxException("Mailbox already exists");
            }
            LOG.log(java.util.logging.Level.WARNING, "MURDER-BE-007 CREATE " + internalName + " failed", e);
            unreserve(internalName);
            throw new MailboxException("Cannot create mailbox: " + e.getMessage());
        }
        try {
            registry.activate(internalName, part, acl);
        } catch (MurderRegistry.RegistryException e) {
            // Cyrus leaves the mailbox reserved; we undo the local half so the name is not half-made
            LOG.warning(() -> "MURDER-BE-001 CREATE " + internalName + " not activated: " + e.getMessage());
            self.remove(created.id());
            unreserve(internalName);
            throw e.unreachable() ? MailboxException.unavailable() : new MailboxException("Mailbox already exists");
        }
        quotas.adopt(created);
        return created;
    }

    /** DELETE: the master first (so no frontend routes to it any more), then the local mailbox and files. */
    public void delete(StoreMailbox mailbox) throws MailboxException {
        guarded(() -> {
            deleteNow(mailbox);
            return null;
        });
    }

    private void deleteNow(StoreMailbox mailbox) throws MailboxException {
        refuseFrozen(mailbox.name());
        try {
            releaseIfOurs(mailbox.name());
        } catch (MurderRegistry.RegistryException e) {
            if (e.unreachable()) {
                LOG.warning(() -> "MURDER-BE-001 DELETE " + mailbox.name() + " refused: " + e.getMessage());
                throw MailboxException.unavailable();
            }
            // the master did not know it: nothing to undo there
        }
        self.remove(mailbox.id());
        try (var files = Files.walk(spool.mailboxDir(mailbox.partition(), mailbox.id()))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(spool::delete);
        } catch (IOException e) {
            LOG.fine(() -> "no spool directory for " + mailbox.name());
        }
    }

    /** A new ACL: stored, and told to the master (Cyrus sends an ACTIVATE with it). */
    public void setAcl(StoreMailbox mailbox, String acl) throws MailboxException {
        guarded(() -> {
            setAclNow(mailbox, acl);
            return null;
        });
    }

    private void setAclNow(StoreMailbox mailbox, String acl) throws MailboxException {
        refuseFrozen(mailbox.name());
        try {
            registry.activate(mailbox.name(), mailbox.partition(), acl);
        } catch (MurderRegistry.RegistryException e) {
            throw e.unreachable() ? MailboxException.unavailable()
                    : new MailboxException("The mailbox list master refused the change: " + e.getMessage());
        }
        self.updateAcl(mailbox.id(), acl);
    }

    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void updateAcl(long mailboxId, String acl) {
        StoreMailbox m = em.find(StoreMailbox.class, mailboxId);
        if (m != null) {
            m.acl(acl);
        }
    }

    /**
     * RENAME of a mailbox and everything below it, as Cyrus orders it per mailbox: RESERVE the new name,
     * rename locally, ACTIVATE the new name, DELETE the old one. The spool does not move (it is named by id).
     */
    public void rename(StoreMailbox from, String newName, String user, boolean admin) throws MailboxException {
        guarded(() -> {
            refuseUnless(RULES.checkRename(from.name(), newName, namespace.virtDomains(), this::aclOf, user, Set.of(), admin,
                    settings.allowUserMoves()));
            renameNow(from, newName);
            return null;
        });
    }

    private void renameNow(StoreMailbox from, String newName) throws MailboxException {
        if (find(newName).isPresent()) {
            throw new MailboxException("Mailbox already exists");
        }
        String old = from.name();
        refuseFrozen(old);
        refuseFrozen(newName);
        java.util.List<StoreMailbox> tree = em.createNamedQuery("StoreMailbox.byPrefix", StoreMailbox.class)
                .setParameter("name", old).setParameter("children", old + ".%").getResultList();
        for (StoreMailbox m : tree) {
            String target = newName + m.name().substring(old.length());
            try {
                registry.reserve(target, m.partition());
            } catch (MurderRegistry.RegistryException e) {
                LOG.warning(() -> "MURDER-BE-001 RENAME " + m.name() + " -> " + target + " refused: " + e.getMessage());
                throw e.unreachable() ? MailboxException.unavailable() : new MailboxException("Mailbox already exists");
            }
            self.renameRow(m.id(), target);
            try {
                registry.activate(target, m.partition(), m.acl());
                releaseIfOurs(m.name());
            } catch (MurderRegistry.RegistryException e) {
                LOG.warning(() -> "MURDER-BE-003 RENAME " + m.name() + " -> " + target + " not fully told to the master: "
                        + e.getMessage());
            }
        }
    }

    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void setSpecialUse(long mailboxId, String use) {
        StoreMailbox m = em.find(StoreMailbox.class, mailboxId);
        if (m != null) {
            m.specialUse(use);
        }
    }

    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void renameRow(long mailboxId, String newName) {
        StoreMailbox m = em.find(StoreMailbox.class, mailboxId);
        if (m != null) {
            m.rename(newName);
        }
    }

    /** A change of the map's entries for this backend, never during a push (see {@link RegistryGuard}). */
    private static <T> T guarded(RegistryGuard.Work<T, MailboxException> work) throws MailboxException {
        try {
            return RegistryGuard.BACKEND.change(work);
        } catch (RegistryGuard.BusyException e) {
            LOG.warning(() -> "MURDER-BE-006 " + e.getMessage());
            throw MailboxException.unavailable();
        }
    }

    /**
     * The master's entry for a mailbox this backend no longer has under that name, deleted — unless the master places
     * it on another backend: then this backend's copy was the second of a mailbox on two backends, and the entry is the
     * other backend's (Cyrus's DELETE would remove it). A push follows, so the master hears the conflict is over.
     */
    private void releaseIfOurs(String name) throws MurderRegistry.RegistryException {
        String elsewhere = registry.batch(r -> {
            java.util.Optional<org.murder.map.MailboxRecord> entry = r.find(name);
            if (entry.isPresent() && !entry.get().server().equals(settings.servername())) {
                return entry.get().location().wire();
            }
            if (entry.isPresent()) {
                r.delete(name);
            }
            return null;
        });
        if (elsewhere != null) {
            LOG.info(() -> "MURDER-BE-035 " + name + ": this backend's copy goes; the master's entry (" + elsewhere
                    + ", another backend's) stays");
            push.pushSoon("this backend's copy of " + name + " (on two backends) went");
        }
    }

    private void unreserve(String name) {
        try {
            registry.delete(name);
        } catch (MurderRegistry.RegistryException e) {
            LOG.warning(() -> "MURDER-BE-002 could not release the reservation of " + name + ": " + e.getMessage());
        }
    }

    /**
     * The row could not be written — usually a concurrent CREATE of the same name won. An application exception,
     * so that the container rolls back without logging an expected race as a server error; {@link #create} decides.
     */
    @jakarta.ejb.ApplicationException(rollback = true)
    public static class InsertFailed extends RuntimeException {
        InsertFailed(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public StoreMailbox insert(String name, String partition, String acl) {
        StoreMailbox m;
        try {
            m = new StoreMailbox(name, partition, acl, nextUidValidity(), UUID.randomUUID().toString().replace("-", ""));
        } catch (jakarta.persistence.PersistenceException e) {
            throw new InsertFailed(e);
        }
        try {
            em.persist(m);
            em.flush();
        } catch (jakarta.persistence.PersistenceException e) {
            throw new InsertFailed(e);
        }
        return m;
    }

    /**
     * The new mailbox's UIDVALIDITY, above every value this node gave before ({@link UidValidity}); the counter's row
     * lock holds concurrent CREATEs in line until this one commits.
     */
    private long nextUidValidity() {
        StoreUidValidity last = em.find(StoreUidValidity.class, StoreUidValidity.ID, LockModeType.PESSIMISTIC_WRITE);
        if (last == null) {
            try {
                self.startUidValidity();
            } catch (RuntimeException e) {
                LOG.fine(() -> "UIDVALIDITY counter started by a concurrent CREATE: " + e.getMessage());
            }
            last = em.find(StoreUidValidity.class, StoreUidValidity.ID, LockModeType.PESSIMISTIC_WRITE);
        }
        long next = UidValidity.next(last.lastGiven(), System.currentTimeMillis() / 1000);
        last.lastGiven(next);
        return next;
    }

    /**
     * The counter's row, made once per node above every mailbox already here (a node that kept no counter before).
     * Its own transaction, so that two first CREATEs racing to make it cost the loser nothing but this call.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void startUidValidity() {
        if (em.find(StoreUidValidity.class, StoreUidValidity.ID) == null) {
            Long highest = em.createQuery("SELECT MAX(m.uidValidity) FROM StoreMailbox m", Long.class).getSingleResult();
            em.persist(new StoreUidValidity(highest == null ? 0 : highest));
            em.flush();
        }
    }

    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void remove(long mailboxId) {
        StoreMailbox m = em.find(StoreMailbox.class, mailboxId);
        if (m != null) {
            org.murder.store.MessageFacts.removeMailbox(em, mailboxId);
            em.createQuery("DELETE FROM StoreMessage m WHERE m.mailboxId = :box").setParameter("box", mailboxId).executeUpdate();
            recent.forget(mailboxId);
            indexes.forget(mailboxId);
            em.remove(m);
        }
    }
}
