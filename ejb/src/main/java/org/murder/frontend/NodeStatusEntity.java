package org.murder.frontend;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;

/** What the master last heard from a frontend node: the map version its copy has applied. */
@Entity
@Table(name = "murder_node_status")
@NamedQuery(name = "NodeStatusEntity.all", query = "SELECT n FROM NodeStatusEntity n ORDER BY n.node")
public class NodeStatusEntity {

    @Id
    @Column(length = 255)
    private String node;

    @Column(nullable = false)
    private long appliedVersion;

    @Column(nullable = false)
    private long mailboxes;

    /** Epoch milliseconds (EclipseLink 4.0 would serialise an Instant). */
    @Column(nullable = false)
    private long reportedAt;

    protected NodeStatusEntity() {
    }

    public NodeStatusEntity(String node) {
        this.node = node;
    }

    public void report(long appliedVersion, long mailboxes, Instant at) {
        this.appliedVersion = appliedVersion;
        this.mailboxes = mailboxes;
        this.reportedAt = at.toEpochMilli();
    }

    public NodeStatus toStatus() {
        return new NodeStatus(node, appliedVersion, mailboxes, Instant.ofEpochMilli(reportedAt));
    }
}
