package org.murder.map;

import java.io.Serializable;
import org.murder.protocol.mupdate.Location;

/**
 * One mailbox's full state at a map version: what the master stores, what change messages carry,
 * what frontends copy. Applying a record whose version is not newer than yours is a no-op.
 */
public record MailboxRecord(String name, String server, String partition, String acl, MailboxKind kind, long version)
        implements Serializable {

    public MailboxRecord {
        acl = acl == null ? "" : acl;
    }

    public Location location() {
        return new Location(server, partition);
    }

    public static MailboxRecord deleted(String name, String server, String partition, long version) {
        return new MailboxRecord(name, server, partition, "", MailboxKind.DELETED, version);
    }
}
