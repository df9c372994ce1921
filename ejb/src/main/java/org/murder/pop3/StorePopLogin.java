package org.murder.pop3;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A maildrop's POP3 login stamp for {@code popminpoll} (Cyrus keeps it in the mailbox's index header). */
@Entity
@Table(name = "store_pop3_login")
public class StorePopLogin {

    @Id
    private long mailboxId;

    /** Epoch milliseconds. */
    @Column(nullable = false)
    private long lastLogin;

    protected StorePopLogin() {
    }

    StorePopLogin(long mailboxId, long lastLogin) {
        this.mailboxId = mailboxId;
        this.lastLogin = lastLogin;
    }

    long lastLogin() {
        return lastLogin;
    }

    void lastLogin(long value) {
        this.lastLogin = value;
    }
}
