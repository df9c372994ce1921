package org.murder.store;

/**
 * A write to a mailbox its move has frozen (docs/moves.md): IMAP answers {@code NO [UNAVAILABLE]}, LMTP a 451; the
 * transaction rolls back. An application exception, so the container passes it on as it is.
 */
@jakarta.ejb.ApplicationException(rollback = true)
public class MailboxFrozenException extends RuntimeException {

    public static final String TEXT = "Mailbox is being moved, try again later";

    public MailboxFrozenException(String mailbox) {
        super(mailbox + ": " + TEXT);
    }
}
