package org.murder.protocol.lmtp;

import java.util.Objects;
import java.util.Optional;

/**
 * The sender of {@code MAIL FROM:}: a mailbox, or the null reverse path {@code <>} of bounces and other
 * notifications. A source route ({@code <@relay:user@host>}) is accepted by the parser and dropped, as RFC 5321
 * §4.1.1.2 lets a server do.
 */
public record ReversePath(Optional<Address> address) {

    public static final ReversePath NULL = new ReversePath(Optional.empty());

    public ReversePath {
        Objects.requireNonNull(address, "address");
    }

    public static ReversePath of(Address address) {
        return new ReversePath(Optional.of(address));
    }

    public boolean isNull() {
        return address.isEmpty();
    }

    /** {@code <>} or {@code <mailbox>}. */
    public String wire() {
        return "<" + address.map(Address::wire).orElse("") + ">";
    }

    @Override
    public String toString() {
        return wire();
    }
}
