package org.murder.backend;

import java.util.List;
import org.murder.map.MailboxMap;
import org.murder.map.MailboxRecord;
import org.murder.protocol.mupdate.Location;

/** The registry when this node is itself the master: the same map, without a socket in between. */
public final class LocalRegistry implements MurderRegistry {

    private final MailboxMap map;
    private final String servername;

    public LocalRegistry(MailboxMap map, String servername) {
        this.map = map;
        this.servername = servername;
    }

    private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public boolean joined() {
        return true;
    }

    /** The map is in this process: it is reached once, at start (when this backend pushes), and never lost. */
    @Override
    public MasterAvailability.Transition heartbeat() {
        return started.compareAndSet(false, true) ? MasterAvailability.Transition.FIRST_CONTACT
                : MasterAvailability.Transition.NONE;
    }

    private static void check(String what, MailboxMap.Outcome o) throws RegistryException {
        if (!o.ok()) {
            throw new RegistryException(what + " refused by the mailbox map: " + o.message(), false, null);
        }
    }

    @Override
    public void reserve(String mailbox, String partition) throws RegistryException {
        check("RESERVE " + mailbox, map.reserve(mailbox, new Location(servername, partition)));
    }

    @Override
    public void activate(String mailbox, String partition, String acl) throws RegistryException {
        check("ACTIVATE " + mailbox, map.activate(mailbox, new Location(servername, partition), acl));
    }

    @Override
    public void deactivate(String mailbox, String partition) throws RegistryException {
        check("DEACTIVATE " + mailbox, map.deactivate(mailbox, new Location(servername, partition)));
    }

    @Override
    public void activateAt(String mailbox, String server, String partition, String acl) throws RegistryException {
        check("ACTIVATE " + mailbox, map.activate(mailbox, new Location(server, partition), acl));
    }

    @Override
    public void delete(String mailbox) throws RegistryException {
        check("DELETE " + mailbox, map.delete(mailbox));
    }

    @Override
    public java.util.Optional<MailboxRecord> find(String mailbox) {
        return map.find(mailbox);
    }

    @Override
    public List<MailboxRecord> listOwn() {
        return map.list(servername + "!");
    }
}
