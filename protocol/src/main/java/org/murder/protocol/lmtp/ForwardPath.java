package org.murder.protocol.lmtp;

import java.util.Objects;

/**
 * The recipient of {@code RCPT TO:}. A source route is accepted by the parser and dropped (RFC 5321 §4.1.1.3).
 * {@link Recipient#of} reads the Cyrus forms ({@code user+folder}, shared folders, virtual domains) out of it.
 */
public record ForwardPath(Address address) {

    public ForwardPath {
        Objects.requireNonNull(address, "address");
    }

    public static ForwardPath of(Address address) {
        return new ForwardPath(address);
    }

    /** {@code <mailbox>}. */
    public String wire() {
        return "<" + address.wire() + ">";
    }

    @Override
    public String toString() {
        return wire();
    }
}
