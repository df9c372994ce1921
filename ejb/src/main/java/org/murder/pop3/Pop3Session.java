package org.murder.pop3;

import java.time.Instant;
import java.util.Optional;
import org.murder.protocol.sasl.SaslExchange;

/**
 * One POP3 connection's state, attached to the adapter's connection: RFC 1939's states as types. AUTHORIZATION (with
 * the name a USER gave, or a SASL exchange under way), TRANSACTION on this node's maildrop, or proxied to the backend
 * that holds the user's INBOX; then closed. The UPDATE state is QUIT's work, not a state a command can find.
 */
final class Pop3Session {

    sealed interface State permits Authorization, Authenticating, Transaction, Proxied, Closed {
    }

    /** Not logged in; {@code user} is the name USER gave, waiting for PASS. */
    record Authorization(Optional<String> user) implements State {
    }

    /** AUTH: the SASL exchange waiting for the client's next line. */
    record Authenticating(SaslExchange exchange) implements State {
    }

    /** Logged in on this node's maildrop, which this session holds locked. */
    record Transaction(String user, Maildrop maildrop, Instant login) implements State {
    }

    /** Logged in, the session relayed to the backend that holds the user's INBOX. */
    record Proxied(String user, Pop3BackendRelay backend) implements State {
    }

    record Closed() implements State {
    }

    private State state = new Authorization(Optional.empty());
    private Runnable release = () -> { };

    synchronized State state() {
        return state;
    }

    synchronized void state(State next) {
        if (state instanceof Closed) {
            return; // the connection went meanwhile (a backend answered late): stays closed
        }
        state = next;
    }

    synchronized boolean authenticated() {
        return state instanceof Transaction || state instanceof Proxied;
    }

    /** What to undo when the session ends (the maildrop's lock). */
    synchronized void onEnd(Runnable r) {
        release = r;
    }

    /** QUIT, a timeout or the connection gone: the maildrop's lock goes, a backend connection is closed. */
    void end() {
        State was;
        Runnable r;
        synchronized (this) {
            was = state;
            r = release;
            state = new Closed();
            release = () -> { };
        }
        r.run();
        if (was instanceof Proxied p) {
            p.backend().close();
        }
    }
}
