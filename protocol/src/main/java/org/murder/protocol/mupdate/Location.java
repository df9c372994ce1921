package org.murder.protocol.mupdate;

import java.util.Objects;

/**
 * Where a mailbox lives: {@code server!partition}. Cyrus sends an empty partition ({@code 127.0.0.11!}) for
 * mailboxes it has not placed on a partition yet, so the partition may be empty.
 */
public record Location(String server, String partition) {

    public Location {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(partition, "partition");
        if (server.indexOf('!') >= 0) {
            // wire() would not round-trip through parse()
            throw new IllegalArgumentException("server must not contain '!': " + server);
        }
    }

    /** Splits at the first {@code !}; without one the whole string is the server and the partition is empty. */
    public static Location parse(String wire) {
        int bang = wire.indexOf('!');
        return bang < 0 ? new Location(wire, "") : new Location(wire.substring(0, bang), wire.substring(bang + 1));
    }

    /** {@code server!partition}, always with the {@code !}. */
    public String wire() {
        return server + "!" + partition;
    }

    @Override
    public String toString() {
        return wire();
    }
}
