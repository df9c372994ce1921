package org.murder.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.io.Serializable;

/**
 * A message that was expunged, with the MODSEQ of its expunge (Cyrus keeps such records in cyrus.index): a
 * mailbox's index in memory is brought up to date with the rows changed and the UIDs expunged since its
 * MODSEQ, without reading the mailbox whole. Forgotten after {@code expunged_retention_days}.
 */
@Entity
@IdClass(StoreExpunged.Key.class)
@Table(name = "store_expunged", indexes = @Index(name = "store_expunged_modseq", columnList = "mailboxId, modSeq"))
public class StoreExpunged {

    public record Key(long mailboxId, long uid) implements Serializable {
        public Key() {
            this(0, 0);
        }
    }

    @Id
    private long mailboxId;

    @Id
    private long uid;

    @Column(nullable = false)
    private long modSeq;

    /** Epoch milliseconds, for forgetting old records. */
    @Column(nullable = false)
    private long expungedAt;

    protected StoreExpunged() {
    }

    StoreExpunged(long mailboxId, long uid, long modSeq, long expungedAt) {
        this.mailboxId = mailboxId;
        this.uid = uid;
        this.modSeq = modSeq;
        this.expungedAt = expungedAt;
    }
}
