package org.murder.backend;

import java.util.List;
import org.murder.map.MailboxRecord;

/** A backend outside any murder: nothing to tell anyone. */
public final class StandaloneRegistry implements MurderRegistry {

    @Override
    public boolean joined() {
        return false;
    }

    @Override
    public void reserve(String mailbox, String partition) {
    }

    @Override
    public void activate(String mailbox, String partition, String acl) {
    }

    @Override
    public void deactivate(String mailbox, String partition) {
    }

    @Override
    public void activateAt(String mailbox, String server, String partition, String acl) {
    }

    @Override
    public void delete(String mailbox) {
    }

    @Override
    public java.util.Optional<MailboxRecord> find(String mailbox) {
        return java.util.Optional.empty();
    }

    @Override
    public List<MailboxRecord> listOwn() {
        return List.of();
    }
}
