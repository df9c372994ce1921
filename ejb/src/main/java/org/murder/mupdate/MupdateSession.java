package org.murder.mupdate;

import java.util.Optional;
import org.murder.map.UpdateStream;

/**
 * One MUPDATE connection's state, attached to the adapter's connection (never kept in a pooled bean).
 * The states are types: a session is in exactly one of them.
 */
final class MupdateSession {

    sealed interface State permits NotAuthenticated, Authenticating, Authenticated, Streaming {
    }

    record NotAuthenticated() implements State {
    }

    record Authenticating(String tag, org.murder.protocol.sasl.SaslExchange exchange) implements State {
    }

    record Authenticated(String user) implements State {
    }

    record Streaming(String user, UpdateStream stream) implements State {
    }

    private volatile State state = new NotAuthenticated();

    State state() {
        return state;
    }

    void state(State state) {
        this.state = state;
    }

    Optional<String> user() {
        State s = state;
        if (s instanceof Authenticated a) {
            return Optional.of(a.user());
        }
        if (s instanceof Streaming st) {
            return Optional.of(st.user());
        }
        return Optional.empty();
    }
}
