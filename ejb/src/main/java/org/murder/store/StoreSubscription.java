package org.murder.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** A user's subscription to a mailbox name (which need not exist: allowallsubscribe). */
@Entity
@Table(name = "store_subscription")
@NamedQuery(name = "StoreSubscription.ofUser", query = "SELECT s FROM StoreSubscription s WHERE s.userName = :user ORDER BY s.mailbox")
@NamedQuery(name = "StoreSubscription.find",
        query = "SELECT s FROM StoreSubscription s WHERE s.userName = :user AND s.mailbox = :mailbox")
public class StoreSubscription {

    /**
     * user SOH mailbox: one column key keeps it portable across H2 and PostgreSQL. Not NUL, which PostgreSQL's text
     * cannot hold (H2 nodes may still have such keys, so rows are looked up by user and mailbox, not by key).
     */
    @Id
    @Column(name = "entry_key", length = 1300)
    private String key;

    @Column(nullable = false, length = 255)
    private String userName;

    @Column(nullable = false, length = 1024)
    private String mailbox;

    protected StoreSubscription() {
    }

    public StoreSubscription(String user, String mailbox) {
        this.key = key(user, mailbox);
        this.userName = user;
        this.mailbox = mailbox;
    }

    public static String key(String user, String mailbox) {
        return user + '\u0001' + mailbox;
    }

    public String mailbox() {
        return mailbox;
    }
}
