package org.murder.move;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.TableGenerator;

/** One mailbox of a move's tree: where its copy is here and how far it is synchronized. */
@Entity
@Table(name = "store_move_item")
@NamedQuery(name = "MailboxMoveItem.ofMove", query = "SELECT i FROM MailboxMoveItem i WHERE i.moveId = :move ORDER BY i.name")
public class MailboxMoveItem {

    @Id
    @TableGenerator(name = "store_move_item_ids", table = "store_sequence", pkColumnName = "name",
            valueColumnName = "next_value", pkColumnValue = "move_item", allocationSize = 10)
    @GeneratedValue(strategy = GenerationType.TABLE, generator = "store_move_item_ids")
    private long id;

    @Column(nullable = false)
    private long moveId;

    /** The mailbox's name at the source (and here once live). */
    @Column(nullable = false, length = 1024)
    private String name;

    /** The copy's mailbox id here. */
    @Column(nullable = false)
    private long localId;

    @Column(nullable = false)
    private long uidValidity;

    /** The source's HIGHESTMODSEQ the copy is synchronized to. */
    @Column(nullable = false)
    private long syncedModSeq;

    /** The owner's \Recent mark at the source (UIDs above it are \Recent to their next session), from the last pass. */
    private long recentUid;

    /** The source's UIDNEXT at the last pass: a Cyrus source's messages from there on came after it (carried over). */
    private long syncedUidNext;

    protected MailboxMoveItem() {
    }

    public MailboxMoveItem(long moveId, String name, long localId, long uidValidity) {
        this.moveId = moveId;
        this.name = name;
        this.localId = localId;
        this.uidValidity = uidValidity;
    }

    public long id() {
        return id;
    }

    public long moveId() {
        return moveId;
    }

    public String name() {
        return name;
    }

    public long localId() {
        return localId;
    }

    public long uidValidity() {
        return uidValidity;
    }

    public long syncedModSeq() {
        return syncedModSeq;
    }

    public long recentUid() {
        return recentUid;
    }

    public long syncedUidNext() {
        return syncedUidNext;
    }

    void syncedUidNext(long uidNext) {
        this.syncedUidNext = uidNext;
    }

    void recentUid(long uid) {
        this.recentUid = uid;
    }

    void syncedModSeq(long modSeq) {
        this.syncedModSeq = modSeq;
    }
}
