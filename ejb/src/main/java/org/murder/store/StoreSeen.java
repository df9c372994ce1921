package org.murder.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

/**
 * A user's \Seen state on a mailbox they do not own (Cyrus keeps seen state per user; the owner's is
 * on the messages themselves). The UIDs are an IMAP sequence set, e.g. {@code 1:40,42}.
 */
@Entity
@Table(name = "store_seen")
public class StoreSeen {

    @Id
    @Column(name = "entry_key", length = 300)
    private String key;

    @Lob
    @Column(nullable = false)
    private String uids = "";

    @Column(nullable = false)
    private long modSeq;

    protected StoreSeen() {
    }

    public StoreSeen(long mailboxId, String user) {
        this.key = key(mailboxId, user);
    }

    public static String key(long mailboxId, String user) {
        return mailboxId + ":" + user;
    }

    public String uids() {
        return uids;
    }

    public void uids(String uids, long modSeq) {
        this.uids = uids;
        this.modSeq = modSeq;
    }
}
