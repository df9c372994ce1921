package org.murder.protocol.mupdate;

/**
 * A server response that fits no MUPDATE response form. Unchecked because it is the peer's bug, not an
 * expected outcome; {@link MupdateClient} turns it into an {@link java.io.IOException}.
 */
public final class MupdateProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MupdateProtocolException(String message) {
        super(message);
    }
}
