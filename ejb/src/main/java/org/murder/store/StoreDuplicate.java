package org.murder.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;

/** Cyrus's duplicate delivery database: one Message-ID delivered to one mailbox, and when. */
@Entity
@Table(name = "store_duplicate", indexes = @Index(name = "store_duplicate_at", columnList = "deliveredAt"))
public class StoreDuplicate {

    /** SHA-256 of Message-ID NUL mailbox, hex: bounded length whatever the header holds. */
    @Id
    @Column(name = "entry_key", length = 64)
    private String key;

    /** Epoch milliseconds (EclipseLink 4.0 would serialise an Instant). */
    @Column(nullable = false)
    private long deliveredAt;

    protected StoreDuplicate() {
    }

    public StoreDuplicate(String key, Instant deliveredAt) {
        this.key = key;
        this.deliveredAt = deliveredAt.toEpochMilli();
    }

    public Instant deliveredAt() {
        return Instant.ofEpochMilli(deliveredAt);
    }
}
