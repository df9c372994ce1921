package org.murder.frontend;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;

/** A frontend's local copy of one map entry (Cyrus: the frontend's mailboxes.db kept by its mupdate slave). */
@Entity
@Table(name = "frontend_mailbox")
@NamedQuery(name = "LocalMailboxEntity.all", query = "SELECT m FROM LocalMailboxEntity m ORDER BY m.name")
public class LocalMailboxEntity {

    @Id
    @Column(length = 1024)
    private String name;

    @Column(nullable = false, length = 255)
    private String server;

    @Column(nullable = false, length = 255)
    private String partition;

    @Column(nullable = false, length = 8192)
    private String acl;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private MailboxKind kind;

    @Column(nullable = false)
    private long version;

    protected LocalMailboxEntity() {
    }

    public LocalMailboxEntity(MailboxRecord r) {
        this.name = r.name();
        update(r);
    }

    public final void update(MailboxRecord r) {
        this.server = r.server();
        this.partition = r.partition();
        this.acl = r.acl();
        this.kind = r.kind();
        this.version = r.version();
    }

    public MailboxRecord toRecord() {
        return new MailboxRecord(name, server, partition, acl, kind, version);
    }
}
