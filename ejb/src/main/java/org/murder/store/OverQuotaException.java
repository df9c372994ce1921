package org.murder.store;

/**
 * A write that would take a mailbox's quota root past a limit, found under the mailbox's lock before anything was
 * linked or written: IMAP answers {@code NO [OVERQUOTA]} (RFC 9208 §4.3); the transaction rolls back, with nothing in
 * it yet. An application exception, so the container passes it on as it is.
 */
@jakarta.ejb.ApplicationException(rollback = true)
public class OverQuotaException extends RuntimeException {

    public OverQuotaException(String mailbox) {
        super(mailbox + ": over quota");
    }
}
