package org.murder.backend;

import java.util.List;
import java.util.Optional;
import org.murder.map.MailboxRecord;

/**
 * How a backend tells the murder about its mailboxes (Cyrus: mupdate_server). Every operation either
 * succeeds or throws {@link RegistryException}; a backend refuses the mailbox operation then.
 */
public interface MurderRegistry {

    /** Whether this backend is part of a murder at all (else every call is a no-op). */
    boolean joined();

    void reserve(String mailbox, String partition) throws RegistryException;

    void activate(String mailbox, String partition, String acl) throws RegistryException;

    void delete(String mailbox) throws RegistryException;

    /**
     * Cyrus's {@code DEACTIVATE}: the mailbox's entry turns RESERVED at this backend's {@code partition} — the first
     * half of taking over a mailbox another backend holds (a move's switch, docs/moves.md), ACTIVATE the second.
     */
    void deactivate(String mailbox, String partition) throws RegistryException;

    /**
     * {@code ACTIVATE} at another server's {@code server!partition}: puts back the entry of a mailbox a move from a
     * Cyrus backend had taken RESERVED (docs/migration.md), when that move rolls back. Our own backends never need it.
     */
    default void activateAt(String mailbox, String server, String partition, String acl) throws RegistryException {
        throw new RegistryException("ACTIVATE at " + server + " is not possible here", false, null);
    }

    /**
     * What the master records for one mailbox ({@code FIND}): a frontend asks on a miss in its map copy when
     * {@code lmtp_proxy_lookup: master}. Empty when the master has no such mailbox (or there is no master).
     */
    Optional<MailboxRecord> find(String mailbox) throws RegistryException;

    /** What the master records for this backend ({@code LIST servername!}). */
    List<MailboxRecord> listOwn() throws RegistryException;

    /** Calls made together (a push): over MUPDATE one connection serves them all, as Cyrus's ctl_mboxlist's does. */
    interface Batch<T> {
        T run(MurderRegistry registry) throws RegistryException;
    }

    default <T> T batch(Batch<T> work) throws RegistryException {
        return work.run(this);
    }

    /**
     * Checks that the master answers (over MUPDATE: a NOOP on a connection kept open for it, reopened when it broke) and
     * says what changed; a registry without a remote master has nothing to watch.
     */
    default MasterAvailability.Transition heartbeat() {
        return MasterAvailability.Transition.NONE;
    }

    /** Since when the master has been unreachable, if it is (calls then fail at once for a while). */
    default java.util.Optional<java.time.Instant> masterDownSince() {
        return java.util.Optional.empty();
    }

    /**
     * The master refused, or could not be reached. What a client hears when it could not be reached:
     * {@link #UNREACHABLE}.
     */
    class RegistryException extends Exception {
        /** Cyrus's text for IMAP_SERVER_UNAVAILABLE, and why. */
        public static final String UNREACHABLE =
                "Server(s) unavailable to complete operation: the mailbox list master is unreachable";

        private final boolean unreachable;

        public RegistryException(String message, boolean unreachable, Throwable cause) {
            super(message, cause);
            this.unreachable = unreachable;
        }

        public boolean unreachable() {
            return unreachable;
        }
    }
}
