package org.murder.map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;

/** A mailbox on two backends, as the master keeps it across restarts ({@link MailboxConflict}). */
@Entity
@Table(name = "mupdate_conflict")
@NamedQuery(name = "MailboxConflictEntity.all", query = "SELECT c FROM MailboxConflictEntity c")
public class MailboxConflictEntity {

    /** {@code refusedServer!mailbox}: one row per mailbox and refused server. */
    @Id
    @Column(name = "conflict_key", length = 1300)
    private String key;

    @Column(nullable = false, length = 1024)
    private String mailbox;

    @Column(name = "kept_location", nullable = false, length = 512)
    private String kept;

    @Column(name = "refused_location", nullable = false, length = 512)
    private String refused;

    /** Epoch milliseconds of the first and the latest refusal. */
    @Column(name = "first_refused", nullable = false)
    private long since;

    @Column(name = "last_refused", nullable = false)
    private long last;

    @Column(nullable = false)
    private long refusals;

    protected MailboxConflictEntity() {
    }

    public MailboxConflictEntity(MailboxConflict c) {
        this.key = c.key();
        update(c);
    }

    public final void update(MailboxConflict c) {
        this.mailbox = c.mailbox();
        this.kept = c.kept();
        this.refused = c.refused();
        this.since = c.since().toEpochMilli();
        this.last = c.last().toEpochMilli();
        this.refusals = c.refusals();
    }

    public MailboxConflict toConflict() {
        return new MailboxConflict(mailbox, kept, refused, Instant.ofEpochMilli(since), Instant.ofEpochMilli(last), refusals);
    }
}
