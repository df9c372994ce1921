package org.murder.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.TableGenerator;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;

/**
 * One message in one mailbox: the small, hot part (UID, MODSEQ, flags, size, date), so that
 * {@code UID FETCH 1:* (FLAGS)} over a large mailbox reads narrow rows. Parsed structure lives in
 * {@link StoreMessageCache}.
 */
@Entity
// the unique constraint's index serves every look-up by mailbox and UID (a second index on the same columns
// only doubled the writes of each delivery)
@Table(name = "store_message",
        uniqueConstraints = @UniqueConstraint(name = "store_message_uid", columnNames = {"mailboxId", "uid"}))
@NamedQuery(name = "StoreMessage.inMailbox", query = "SELECT m FROM StoreMessage m WHERE m.mailboxId = :mailbox ORDER BY m.uid")
@NamedQuery(name = "StoreMessage.byUid", query = "SELECT m FROM StoreMessage m WHERE m.mailboxId = :mailbox AND m.uid = :uid")
@NamedQuery(name = "StoreMessage.deleted", query = "SELECT m FROM StoreMessage m WHERE m.mailboxId = :mailbox AND m.deleted = TRUE ORDER BY m.uid")
@NamedQuery(name = "StoreMessage.unseenCount", query = "SELECT COUNT(m) FROM StoreMessage m WHERE m.mailboxId = :mailbox AND m.seen = FALSE")
public class StoreMessage {

    @Id
    @TableGenerator(name = "store_message_ids", table = "store_sequence", pkColumnName = "name",
            valueColumnName = "next_value", pkColumnValue = "message", allocationSize = 100)
    @GeneratedValue(strategy = GenerationType.TABLE, generator = "store_message_ids")
    private long id;

    @Column(nullable = false)
    private long mailboxId;

    @Column(nullable = false)
    private long uid;

    @Column(nullable = false)
    private long modSeq;

    private boolean seen;
    private boolean answered;
    private boolean flagged;
    private boolean deleted;
    private boolean draft;

    /** Keywords, space-separated (IMAP atoms cannot contain spaces). */
    @Column(nullable = false, length = 4096)
    private String keywords = "";

    /** Epoch milliseconds (EclipseLink 4.0 would serialise an Instant). */
    @Column(nullable = false)
    private long internalDate;

    @Column(nullable = false)
    private long size;

    @Column(nullable = false, length = 64)
    private String sha256;

    /**
     * The date SORT (DATE) orders by, epoch seconds ({@link MessageCacheData#sentDate}); null in rows written before
     * it was kept, whose DATE then comes from the header keys.
     */
    private Long sentDate;

    protected StoreMessage() {
    }

    public StoreMessage(long mailboxId, long uid, long modSeq, MessageFlags flags, Instant internalDate, long size,
                        String sha256) {
        this.mailboxId = mailboxId;
        this.uid = uid;
        this.modSeq = modSeq;
        this.internalDate = internalDate.toEpochMilli();
        this.size = size;
        this.sha256 = sha256;
        flags(flags);
    }

    public long id() {
        return id;
    }

    public long mailboxId() {
        return mailboxId;
    }

    public long uid() {
        return uid;
    }

    public long modSeq() {
        return modSeq;
    }

    public void modSeq(long modSeq) {
        this.modSeq = modSeq;
    }

    public MessageFlags flags() {
        return new MessageFlags(seen, answered, flagged, deleted, draft, MessageFlags.splitKeywords(keywords));
    }

    public final void flags(MessageFlags f) {
        this.seen = f.seen();
        this.answered = f.answered();
        this.flagged = f.flagged();
        this.deleted = f.deleted();
        this.draft = f.draft();
        this.keywords = String.join(" ", f.keywords());
    }

    public Instant internalDate() {
        return Instant.ofEpochMilli(internalDate);
    }

    public long size() {
        return size;
    }

    public String sha256() {
        return sha256;
    }

    /** {@link #sentDate}, or {@link MessageStore.IndexRow#NO_SENT_DATE}. */
    public long sentDate() {
        return sentDate == null ? MessageStore.IndexRow.NO_SENT_DATE : sentDate;
    }

    public void sentDate(long seconds) {
        this.sentDate = seconds == MessageStore.IndexRow.NO_SENT_DATE ? null : seconds;
    }

    /** The sent date from the message's parsed facts, when they hold its sort fields. */
    public void sentDate(MessageCacheData facts) {
        facts.sentDate(internalDate()).ifPresent(this::sentDate);
    }
}
