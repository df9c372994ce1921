package org.murder.protocol.lmtp;

/**
 * A server reply that fits no reply form. Unchecked because it is the peer's bug, not an expected outcome;
 * {@link LmtpClient} turns it into an {@link java.io.IOException}.
 */
public final class LmtpProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LmtpProtocolException(String message) {
        super(message);
    }
}
