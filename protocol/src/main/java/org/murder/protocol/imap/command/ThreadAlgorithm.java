package org.murder.protocol.imap.command;

import java.util.Optional;

/** THREAD's algorithms (RFC 5256 §3): the ones advertised as {@code THREAD=name}. */
public enum ThreadAlgorithm {
    ORDEREDSUBJECT, REFERENCES;

    public static Optional<ThreadAlgorithm> named(String atom) {
        return WireNames.lookup(values(), ThreadAlgorithm::name, atom);
    }
}
