package org.murder.map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** The master's authoritative map row (Cyrus: an entry of mailboxes.db on the mupdate master). */
@Entity
@Table(name = "mupdate_mailbox", indexes = @Index(name = "mupdate_mailbox_server", columnList = "server"))
@NamedQuery(name = "MailboxEntity.all", query = "SELECT m FROM MailboxEntity m ORDER BY m.name")
public class MailboxEntity {

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

    protected MailboxEntity() {
    }

    public MailboxEntity(MailboxRecord r) {
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
