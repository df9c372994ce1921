package org.murder.protocol.wire;

/**
 * Input that does not follow the wire grammar. Checked on purpose: parsers catch it at the protocol boundary
 * and turn it into a value ({@code BAD}), it must never escape to a socket loop.
 */
public final class WireSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message short human text, fit for a {@code BAD} response */
    public WireSyntaxException(String message) {
        super(message, null, false, false);
    }
}
