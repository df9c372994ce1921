package org.murder.protocol.sasl;

import java.util.Optional;

/** Where a SCRAM exchange gets a user's keys; empty when the user is unknown or the store cannot supply them. */
@FunctionalInterface
public interface ScramCredentials {

    ScramCredentials NONE = (user, hash) -> Optional.empty();

    Optional<ScramKeys> lookup(String authcid, ScramHash hash);
}
