package org.murder.move;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.TableGenerator;

/** One move this backend runs as its destination (docs/moves.md); its state survives a restart. */
@Entity
@Table(name = "store_move")
@NamedQuery(name = "MailboxMove.all", query = "SELECT m FROM MailboxMove m ORDER BY m.id DESC")
@NamedQuery(name = "MailboxMove.unfinished", query = "SELECT m FROM MailboxMove m WHERE m.state <> org.murder.move.MoveState.DONE"
        + " AND m.state <> org.murder.move.MoveState.FAILED ORDER BY m.id")
public class MailboxMove {

    @Id
    @TableGenerator(name = "store_move_ids", table = "store_sequence", pkColumnName = "name", valueColumnName = "next_value",
            pkColumnValue = "move", allocationSize = 1)
    @GeneratedValue(strategy = GenerationType.TABLE, generator = "store_move_ids")
    private long id;

    /** The mailbox moved (internal name); an INBOX brings its whole tree. */
    @Column(nullable = false, length = 1024)
    private String mailbox;

    /** The backend it comes from. */
    @Column(nullable = false, length = 255)
    private String source;

    /** The partition it goes to here. */
    @Column(nullable = false, length = 255)
    private String partition;

    /** The admin who asked: the move reads the source as them. */
    @Column(nullable = false, length = 255)
    private String requestedBy;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 32)
    private MoveState state = MoveState.COPYING;

    /** Whether the copy went live here (in SWITCHING, between DEACTIVATE and ACTIVATE). */
    private boolean live;

    private int passes;
    private long messagesCopied;
    /** Failed attempts of the current step in a row. */
    private int attempts;

    @Column(length = 2048)
    private String lastError;

    /** For a whole user, read in FINAL_SYNC, applied when the copy goes live: {@code root storageKb messages}. */
    @Column(length = 1100)
    private String quota;

    /** For a whole user: the owner's subscriptions (internal names), one a line. */
    @Column(length = 65535)
    private String subscriptions;

    /**
     * What the source is, learned from it at the first step: {@code ours} (freeze and release with our X commands) or
     * {@code cyrus} (docs/migration.md); null before.
     */
    @Column(length = 16)
    private String sourceKind;

    /**
     * A Cyrus source's mailboxes as they were when the freeze began, one a line: {@code name \u0001 partition
     * \u0001 acl} (the master's ACL form, {@code id\trights\t…}). The freeze narrows their ACLs and takes the
     * master's entries; the rollback puts both back from here, and the copy takes these ACLs.
     */
    @Column(length = 65535)
    private String frozenEntries;

    @Column(nullable = false)
    private long createdAt;

    @Column(nullable = false)
    private long updatedAt;

    protected MailboxMove() {
    }

    public MailboxMove(String mailbox, String source, String partition, String requestedBy) {
        this.mailbox = mailbox;
        this.source = source;
        this.partition = partition;
        this.requestedBy = requestedBy;
        this.createdAt = System.currentTimeMillis();
        this.updatedAt = createdAt;
    }

    public long id() {
        return id;
    }

    public String mailbox() {
        return mailbox;
    }

    public String source() {
        return source;
    }

    public String partition() {
        return partition;
    }

    public String requestedBy() {
        return requestedBy;
    }

    public MoveState state() {
        return state;
    }

    public boolean live() {
        return live;
    }

    public int passes() {
        return passes;
    }

    public long messagesCopied() {
        return messagesCopied;
    }

    public int attempts() {
        return attempts;
    }

    public String lastError() {
        return lastError;
    }

    public long createdAt() {
        return createdAt;
    }

    public long updatedAt() {
        return updatedAt;
    }

    public String quota() {
        return quota;
    }

    public String subscriptions() {
        return subscriptions;
    }

    public java.util.Optional<String> sourceKind() {
        return java.util.Optional.ofNullable(sourceKind);
    }

    public String frozenEntries() {
        return frozenEntries == null ? "" : frozenEntries;
    }

    void sourceKind(String kind) {
        this.sourceKind = kind;
    }

    void frozenEntries(String entries) {
        this.frozenEntries = entries;
    }

    void extras(String quota, String subscriptions) {
        this.quota = quota;
        this.subscriptions = subscriptions;
    }

    void state(MoveState next) {
        this.state = state.to(next);
        this.attempts = 0;
        this.updatedAt = System.currentTimeMillis();
    }

    void live(boolean live) {
        this.live = live;
    }

    void passed() {
        this.passes++;
        this.updatedAt = System.currentTimeMillis();
    }

    void copied(long messages) {
        this.messagesCopied += messages;
        this.updatedAt = System.currentTimeMillis();
    }

    void failed(String error) {
        this.attempts++;
        this.lastError = error == null ? null : error.length() > 2000 ? error.substring(0, 2000) : error;
        this.updatedAt = System.currentTimeMillis();
    }

    /** Whether the move is of a user's INBOX, and so of everything below it. */
    public boolean wholeUser() {
        return org.murder.store.model.MailboxName.isUserInbox(mailbox);
    }
}
