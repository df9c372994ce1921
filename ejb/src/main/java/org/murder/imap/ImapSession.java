package org.murder.imap;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One IMAP connection's state, attached to the adapter's connection: RFC 3501's states as types
 * (not authenticated → authenticated → selected → logout), so a handler for the selected state is given a
 * selected mailbox and cannot find none. What the next continuation line answers (a SASL exchange, IDLE's
 * DONE) is a second, orthogonal value.
 */
final class ImapSession implements org.murder.connector.api.ImapListener.Session {

    /** What ENABLE IMAP4rev2 (RFC 9051 §6.3.1) puts into {@link #enabled}, spelt as ENABLED answers it. */
    static final String IMAP4REV2 = "IMAP4rev2";

    /** Who the session acts as. */
    record Identity(String user, boolean admin) {
    }

    sealed interface State permits NotAuthenticated, Authenticated, Selected, Proxied, Logout {
    }

    record NotAuthenticated() implements State {
    }

    record Authenticated(Identity identity) implements State {
    }

    record Selected(Identity identity, SelectedMailbox mailbox) implements State {
    }

    /** Selected, on another backend: the session's commands on it are relayed to that backend's session. */
    record Proxied(Identity identity, ProxiedMailbox mailbox) implements State {
    }

    /** The mailbox a proxied session has selected there, as the client named it. */
    record ProxiedMailbox(org.murder.proxy.BackendConnection backend, String name, boolean readOnly) {
    }

    record Logout() implements State {
    }

    /** A command in progress that reads continuation lines. */
    sealed interface Awaiting permits Authenticating, Idling {
    }

    /** AUTHENTICATE: the SASL exchange waiting for the client's next line. */
    record Authenticating(String tag, org.murder.protocol.sasl.SaslExchange exchange) implements Awaiting {
    }

    /** IDLE: {@code stop} unregisters what the idling session listens to. */
    record Idling(String tag, Runnable stop) implements Awaiting {
    }

    private volatile State state = new NotAuthenticated();
    private Awaiting awaiting;
    /** This session's connections to other backends (a frontend's proxied mailboxes). */
    final org.murder.proxy.BackendSessions backends = new org.murder.proxy.BackendSessions();
    /** Extensions the client turned on (ENABLE, or implicitly: CONDSTORE by SELECT (CONDSTORE), FETCH MODSEQ…). */
    final Set<String> enabled = ConcurrentHashMap.newKeySet();

    State state() {
        return state;
    }

    /**
     * IMAP4rev2 semantics (RFC 9051, Appendix E): UTF-8 mailbox names, ESEARCH for SEARCH, no \Recent, [CLOSED] on
     * every reselect, the base response codes.
     */
    boolean rev2() {
        return enabled.contains(IMAP4REV2);
    }

    /** Mailbox names travel as UTF-8, not modified UTF-7 (RFC 9051 §5.1). */
    boolean utf8Names() {
        return rev2();
    }

    @Override
    public org.murder.protocol.imap.ImapParserContext parserContext() {
        return utf8Names() ? org.murder.protocol.imap.ImapParserContext.UTF8_ACCEPT
                : org.murder.protocol.imap.ImapParserContext.DEFAULT;
    }

    boolean authenticated() {
        return state instanceof Authenticated || state instanceof Selected || state instanceof Proxied;
    }

    Optional<Identity> identity() {
        State s = state;
        if (s instanceof Authenticated a) {
            return Optional.of(a.identity());
        }
        if (s instanceof Selected sel) {
            return Optional.of(sel.identity());
        }
        if (s instanceof Proxied p) {
            return Optional.of(p.identity());
        }
        return Optional.empty();
    }

    /** The user of an authenticated session (the dispatcher lets only those reach the handlers that ask). */
    String user() {
        return identity().orElseThrow(() -> new IllegalStateException("not authenticated")).user();
    }

    boolean admin() {
        return identity().map(Identity::admin).orElse(false);
    }

    Optional<SelectedMailbox> selected() {
        return state instanceof Selected s ? Optional.of(s.mailbox()) : Optional.empty();
    }

    /** Whether this mailbox is the one selected. */
    boolean hasSelected(long mailboxId) {
        return selected().map(m -> m.mailboxId == mailboxId).orElse(false);
    }

    synchronized void loggedIn(Identity who) {
        if (!(state instanceof NotAuthenticated)) {
            throw new IllegalStateException("already authenticated");
        }
        state = new Authenticated(who);
    }

    /** Selects a mailbox, leaving the one selected before (RFC 3501 6.3.1). */
    synchronized void select(SelectedMailbox mailbox) {
        Identity who = identity().orElseThrow(() -> new IllegalStateException("not authenticated"));
        unselect();
        state = new Selected(who, mailbox);
    }

    /** Selects a mailbox on another backend, leaving the one selected before. */
    synchronized void selectProxied(ProxiedMailbox mailbox) {
        Identity who = identity().orElseThrow(() -> new IllegalStateException("not authenticated"));
        if (state instanceof Selected s) {
            s.mailbox().close();
        }
        state = new Proxied(who, mailbox);
    }

    Optional<ProxiedMailbox> proxied() {
        return state instanceof Proxied p ? Optional.of(p.mailbox()) : Optional.empty();
    }

    /**
     * Back to the authenticated state (CLOSE, UNSELECT, a failed SELECT, the mailbox deleted). A mailbox selected on
     * another backend is left there by whoever changes the state (UNSELECT sent to that backend).
     */
    synchronized void unselect() {
        if (state instanceof Selected s) {
            state = new Authenticated(s.identity());
            s.mailbox().close();
        } else if (state instanceof Proxied p) {
            state = new Authenticated(p.identity());
        }
    }

    Optional<Awaiting> awaiting() {
        return Optional.ofNullable(awaiting);
    }

    synchronized void await(Awaiting a) {
        awaiting = a;
    }

    /** The continuation command is over; returns what it was. */
    synchronized Optional<Awaiting> stopAwaiting() {
        Awaiting a = awaiting;
        awaiting = null;
        if (a instanceof Idling i) {
            i.stop().run();
        }
        return Optional.ofNullable(a);
    }

    /** LOGOUT or the connection gone: everything the session registered is released. */
    void end() {
        synchronized (this) {
            stopAwaiting();
            unselect();
            state = new Logout();
        }
        backends.closeAll(); // outside the session's lock: the backends' last replies may reach the session
    }
}
