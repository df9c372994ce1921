package org.murder.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.TableGenerator;
import java.time.Instant;

/**
 * A mailbox held by this backend (Cyrus: its mailboxes.db entry plus cyrus.index header). The name is
 * Cyrus's internal form ({@code user.alice.Sent}); the id names its spool directory, so RENAME moves
 * no files.
 */
@Entity
@Table(name = "store_mailbox")
@NamedQuery(name = "StoreMailbox.byName", query = "SELECT m FROM StoreMailbox m WHERE m.name = :name")
@NamedQuery(name = "StoreMailbox.all", query = "SELECT m FROM StoreMailbox m ORDER BY m.name")
@NamedQuery(name = "StoreMailbox.byPrefix", query = "SELECT m FROM StoreMailbox m WHERE m.name = :name OR m.name LIKE :children ORDER BY m.name")
public class StoreMailbox {

    @Id
    @TableGenerator(name = "store_ids", table = "store_sequence", pkColumnName = "name", valueColumnName = "next_value",
            pkColumnValue = "mailbox", allocationSize = 20)
    @GeneratedValue(strategy = GenerationType.TABLE, generator = "store_ids")
    private long id;

    @Column(nullable = false, unique = true, length = 1024)
    private String name;

    @Column(nullable = false, length = 64)
    private String uniqueId;

    @Column(nullable = false, length = 255)
    private String partition;

    @Column(nullable = false)
    private long uidValidity;

    @Column(nullable = false)
    private long uidNext = 1;

    @Column(nullable = false)
    private long highestModSeq = 1;

    @Column(nullable = false, length = 8192)
    private String acl = "";

    @Column(length = 1024)
    private String quotaRoot;

    @Column(length = 64)
    private String specialUse;

    @Column(nullable = false)
    private long messages;

    @Column(nullable = false)
    private long totalSize;

    @Column(nullable = false)
    private long createdAt;

    /**
     * The highest MODSEQ among the expunges whose records were forgotten (Cyrus's deletedmodseq): from it on the
     * records of expunges are complete, so QRESYNC can name exactly what vanished since a later MODSEQ. Null on a
     * mailbox made before this was kept: then only its age tells (younger than {@code expunge_days}).
     */
    @Column(name = "deleted_modseq")
    private Long deletedModSeq;

    /**
     * The move that froze this mailbox at its source (docs/moves.md), or null: a frozen mailbox takes no write.
     * Persisted with the row, so a restarted source stays frozen; checked under the row lock every write takes.
     */
    @Column(length = 64)
    private String frozenFor;

    protected StoreMailbox() {
    }

    public StoreMailbox(String name, String partition, String acl, long uidValidity, String uniqueId) {
        this.name = name;
        this.partition = partition;
        this.acl = acl;
        this.uidValidity = uidValidity;
        this.uniqueId = uniqueId;
        this.createdAt = Instant.now().toEpochMilli();
        this.deletedModSeq = 0L;
    }

    public long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public void rename(String newName) {
        this.name = newName;
    }

    public String uniqueId() {
        return uniqueId;
    }

    public String partition() {
        return partition;
    }

    public long uidValidity() {
        return uidValidity;
    }

    public long uidNext() {
        return uidNext;
    }

    /** Epoch milliseconds. */
    public long createdAt() {
        return createdAt;
    }

    /** See {@link #deletedModSeq}: empty when not known. */
    public java.util.Optional<Long> deletedModSeq() {
        return java.util.Optional.ofNullable(deletedModSeq);
    }

    /** Records of expunges up to {@code modSeq} were forgotten. */
    public void forgotExpungesUpTo(long modSeq) {
        if (deletedModSeq == null || modSeq > deletedModSeq) {
            deletedModSeq = modSeq;
        }
    }

    public long highestModSeq() {
        return highestModSeq;
    }

    public String acl() {
        return acl;
    }

    public void acl(String acl) {
        this.acl = acl;
    }

    public String quotaRoot() {
        return quotaRoot;
    }

    public void quotaRoot(String root) {
        this.quotaRoot = root;
    }

    public String specialUse() {
        return specialUse;
    }

    public void specialUse(String use) {
        this.specialUse = use;
    }

    public long messages() {
        return messages;
    }

    public long totalSize() {
        return totalSize;
    }

    /** A name no client can write or see: the rows of a copy a move is still making here (docs/moves.md). */
    public static final String HIDDEN_PREFIX = "\u0001move-";

    /** The hidden name of mailbox {@code name}'s copy made by move {@code moveId}. */
    public static String hiddenName(long moveId, String name) {
        return HIDDEN_PREFIX + moveId + "\u0001" + name;
    }

    public boolean hidden() {
        return name.startsWith(HIDDEN_PREFIX);
    }

    public boolean frozen() {
        return frozenFor != null;
    }

    public String frozenFor() {
        return frozenFor;
    }

    /** Freezes for a move, or with null unfreezes; the caller holds the row lock. */
    public void frozenFor(String moveId) {
        this.frozenFor = moveId;
    }

    /** A move's copy takes its source's counters: never below what the source has shown its clients. */
    public void importHead(long uidNextAtLeast, long highestModSeqAtLeast) {
        this.uidNext = Math.max(uidNext, uidNextAtLeast);
        this.highestModSeq = Math.max(highestModSeq, highestModSeqAtLeast);
    }

    /** The next UID, reserved; the caller holds the row lock. */
    public long takeUid() {
        return uidNext++;
    }

    /** The next MODSEQ; every change to the mailbox or one of its messages takes one. */
    public long takeModSeq() {
        return ++highestModSeq;
    }

    public void counted(long messageDelta, long sizeDelta) {
        this.messages += messageDelta;
        this.totalSize += sizeDelta;
    }

    /** Reconstruct's repair: metadata recomputed from what is really there. */
    public void recount(long messages, long totalSize, long uidNextAtLeast) {
        this.messages = messages;
        this.totalSize = totalSize;
        this.uidNext = Math.max(uidNext, uidNextAtLeast);
    }
}
