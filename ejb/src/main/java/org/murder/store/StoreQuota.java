package org.murder.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A quota root's limits (RFC 9208 STORAGE in KiB and MESSAGE); null means unlimited. */
@Entity
@Table(name = "store_quota")
public class StoreQuota {

    @Id
    @Column(length = 1024)
    private String root;

    private Long storageKb;

    private Long messageLimit;

    protected StoreQuota() {
    }

    public StoreQuota(String root) {
        this.root = root;
    }

    public String root() {
        return root;
    }

    public Long storageKb() {
        return storageKb;
    }

    public Long messageLimit() {
        return messageLimit;
    }

    public void limits(Long storageKb, Long messageLimit) {
        this.storageKb = storageKb;
        this.messageLimit = messageLimit;
    }
}
