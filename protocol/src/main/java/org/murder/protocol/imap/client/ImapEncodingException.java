package org.murder.protocol.imap.client;

/**
 * A command value that cannot be put on the wire as it is: a NUL byte (no IMAP string may carry one outside a
 * {@code literal8}), a tag or atom with characters that would change the command's meaning, a mailbox name the
 * server must refuse anyway. Thrown before any byte is produced, so a proxy never sends half a command; it is an
 * {@link IllegalArgumentException} because the value, not the connection, is at fault.
 */
public final class ImapEncodingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ImapEncodingException(String message) {
        super(message);
    }
}
