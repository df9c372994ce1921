package org.murder.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The highest UID a user has been shown in a read-write session on a mailbox (Cyrus's {@code recentuid}):
 * messages above it are \Recent to the next session that selects the mailbox, and to that one only.
 */
@Entity
@Table(name = "store_recent")
public class StoreRecent {

    @Id
    @Column(name = "entry_key", length = 300)
    private String key;

    @Column(nullable = false)
    private long mailboxId;

    @Column(nullable = false)
    private long recentUid;

    protected StoreRecent() {
    }

    public StoreRecent(long mailboxId, String user) {
        this.key = StoreSeen.key(mailboxId, user);
        this.mailboxId = mailboxId;
    }

    long recentUid() {
        return recentUid;
    }

    public void recentUid(long uid) {
        this.recentUid = uid;
    }
}
