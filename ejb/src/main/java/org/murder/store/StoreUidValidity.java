package org.murder.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The last UIDVALIDITY this node gave a mailbox (one row). Kept apart from the mailboxes because a deleted mailbox's
 * row goes, and with it the value a new mailbox of the same name must not repeat
 * ({@link org.murder.store.model.UidValidity}).
 */
@Entity
@Table(name = "store_uidvalidity")
public class StoreUidValidity {

    public static final int ID = 1;

    @Id
    private int id = ID;

    @Column(nullable = false)
    private long lastGiven;

    protected StoreUidValidity() {
    }

    public StoreUidValidity(long lastGiven) {
        this.lastGiven = lastGiven;
    }

    public long lastGiven() {
        return lastGiven;
    }

    public void lastGiven(long value) {
        this.lastGiven = value;
    }
}
