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
     * What the master records for one mailbox ({@code FIND}): a frontend asks on a miss in its map copy when
     * {@code lmtp_proxy_lookup: master}. Empty when the master has no such mailbox (or there is no master).
     */
    Optional<MailboxRecord> find(String mailbox) throws RegistryException;

    /** What the master records for this backend ({@code LIST servername!}). */
    List<MailboxRecord> listOwn() throws RegistryException;

    /** The master refused, or could not be reached. */
    class RegistryException extends Exception {
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
