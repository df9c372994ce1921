package org.murder.protocol.imap.client;

/**
 * The server's output broke the IMAP grammar or one of the reader's bounds. Unchecked, like
 * {@code MupdateProtocolException}, because it is the peer's fault and not an outcome to branch on; but it is the
 * only exception the reader throws on input, so the transport catches it and closes the backend connection: IMAP
 * offers no way to find the next response in a stream that went wrong.
 */
public final class ImapResponseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ImapResponseException(String message) {
        super(message);
    }
}
