package org.murder.web;

import org.murder.map.MailboxRecord;

/** A map entry as the REST API shows it. */
public record MailboxView(String name, String location, String server, String partition, String acl, String state,
                          long version) {

    static MailboxView of(MailboxRecord r) {
        return new MailboxView(r.name(), r.location().wire(), r.server(), r.partition(), r.acl(),
                r.kind().name().toLowerCase(java.util.Locale.ROOT), r.version());
    }
}
