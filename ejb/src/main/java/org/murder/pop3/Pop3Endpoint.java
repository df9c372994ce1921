package org.murder.pop3;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.auth.Authenticator;
import org.murder.config.MurderSettings;
import org.murder.connector.api.Connection;
import org.murder.connector.api.Pop3Listener;
import org.murder.connector.api.ResponseProducer;
import org.murder.protocol.pop3.Pop3Command;
import org.murder.protocol.pop3.Pop3Responses;
import org.murder.protocol.sasl.SaslExchange;
import org.murder.protocol.sasl.SaslMechanisms;
import org.murder.routing.MailboxLocator;
import org.murder.routing.Route;

/**
 * The POP3 server (RFC 1939 with CAPA, STLS, AUTH): the adapter calls it once per command line, in order per
 * connection. Before login it authenticates (USER/PASS or SASL, Cyrus's {@code allowplaintext} as for IMAP); at login
 * the user's INBOX decides where the session runs — this node's maildrop ({@link MaildropCommands}), or, on a
 * frontend, the backend that holds it ({@link Pop3Proxy}).
 */
@MessageDriven(name = "Pop3Endpoint", activationConfig = {
        @ActivationConfigProperty(propertyName = "protocol", propertyValue = "pop3"),
        @ActivationConfigProperty(propertyName = "bindAddress", propertyValue = "${pop3_listen:127.0.0.1}"),
        @ActivationConfigProperty(propertyName = "port", propertyValue = "${pop3_port:1110}"),
        @ActivationConfigProperty(propertyName = "maxConnections", propertyValue = "${pop3_connections_max:10000}"),
        @ActivationConfigProperty(propertyName = "memoryShedPercent", propertyValue = "${memory_shed_percent:90}"),
        @ActivationConfigProperty(propertyName = "maxConnectionsPerAddress", propertyValue = "${pop3_connections_per_address:0}"),
        // a SASL response may be long (RFC 5034 lifts the 255 octets of a command line for it); commands are held to 255
        @ActivationConfigProperty(propertyName = "maxLineLength", propertyValue = "16384"),
        @ActivationConfigProperty(propertyName = "maxLiteralSize", propertyValue = "0"),
        @ActivationConfigProperty(propertyName = "maxFrameSize", propertyValue = "16384"),
        @ActivationConfigProperty(propertyName = "tlsCertificate", propertyValue = "${tls_server_cert:}"),
        @ActivationConfigProperty(propertyName = "tlsKey", propertyValue = "${tls_server_key:}"),
        @ActivationConfigProperty(propertyName = "tlsKeyStore", propertyValue = "${tls_keystore:}"),
        @ActivationConfigProperty(propertyName = "tlsKeyStorePassword", propertyValue = "${tls_keystore_password:}")
})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Pop3Endpoint implements Pop3Listener {

    private static final Logger LOG = Logger.getLogger(Pop3Endpoint.class.getName());

    @Inject
    MurderSettings settings;

    @Inject
    Authenticator authenticator;

    @Inject
    MaildropCommands maildrop;

    @Inject
    Pop3Proxy proxy;

    @Inject
    MailboxLocator locator;

    @Inject
    org.murder.store.model.Namespace namespace;

    static Pop3Session session(Connection c) {
        Object s = c.attachment();
        if (s instanceof Pop3Session ps) {
            return ps;
        }
        Pop3Session fresh = new Pop3Session();
        c.attach(fresh);
        return fresh;
    }

    @Override
    public void onConnect(Connection c) {
        session(c);
        c.idleTimeout(settings.popTimeout());
        c.write(Pop3Responses.ok(settings.servername() + " " + settings.product() + " POP3 server ready"));
    }

    @Override
    public void onDisconnect(Connection c) {
        session(c).end();
    }

    /** Cyrus's autologout: the connection just closes, without the UPDATE state (nothing deleted). */
    @Override
    public void onTimeout(Connection c) {
        session(c).end();
    }

    @Override
    public boolean onProduce(Connection c, ResponseProducer producer) {
        return producer.produce(c);
    }

    @Override
    public void onBadInput(Connection c, String tag, String message) {
        Pop3Session s = session(c);
        if (s.state() instanceof Pop3Session.Authenticating a) {
            // an over-long SASL line ends the exchange, as a cancel would (the identity store hears it failed)
            c.expectContinuation(false);
            a.exchange().line("*");
            s.state(new Pop3Session.Authorization(Optional.empty()));
            c.write(Pop3Responses.err("AUTH", message));
            return;
        }
        c.write(Pop3Responses.err(message));
    }

    @Override
    public void onMalformed(Connection c, String reason) {
        c.write(Pop3Responses.err(reason));
    }

    @Override
    public void onCommand(Connection c, Pop3Command command) {
        try {
            dispatch(c, session(c), command);
        } catch (RuntimeException e) {
            // a failure of ours must not leave the client waiting for an answer that never comes
            LOG.log(Level.SEVERE, "MURDER-POP3-001 " + command.keyword() + " failed from " + c.remoteAddress(), e);
            c.write(Pop3Responses.err("SYS/TEMP", "Internal server error"));
        }
    }

    private void dispatch(Connection c, Pop3Session s, Pop3Command command) {
        Pop3Session.State state = s.state();
        if (state instanceof Pop3Session.Proxied p) {
            proxy.relay(c, p, command);
        } else if (command instanceof Pop3Command.Capa) {
            c.write(Pop3Responses.multiLine("List of capabilities follows", capabilities(c, s)));
        } else if (command instanceof Pop3Command.Quit) {
            byte[] answer = state instanceof Pop3Session.Transaction t ? maildrop.quit(t) : Pop3Responses.ok("Bye");
            s.end(); // the lock goes before the answer: a client that logs in again at once finds the maildrop free
            c.write(answer);
            c.close();
        } else if (state instanceof Pop3Session.Authorization a && command instanceof Pop3Command.Authorization cmd) {
            authorization(c, s, a, cmd);
        } else if (state instanceof Pop3Session.Transaction t && command instanceof Pop3Command.Transaction cmd) {
            maildrop.run(c, t, cmd);
        } else {
            c.write(Pop3Responses.err("Unrecognized command"));
        }
    }

    /** CAPA (RFC 2449), in Cyrus's order and with its settings' values. */
    List<String> capabilities(Connection c, Pop3Session s) {
        List<String> caps = new ArrayList<>();
        boolean authenticated = s.authenticated();
        boolean plaintext = authenticator.plaintextAllowed(c);
        if (!authenticated) {
            List<String> mechanisms = authenticator.mechanisms(plaintext);
            if (!mechanisms.isEmpty()) {
                caps.add("SASL " + String.join(" ", mechanisms));
            }
            if (c.tlsAvailable()) {
                caps.add("STLS");
            }
        }
        caps.add(settings.popExpireTime().map(d -> "EXPIRE " + d.toDays()).orElse("EXPIRE NEVER"));
        caps.add("LOGIN-DELAY " + settings.popMinPoll().toSeconds());
        caps.addAll(List.of("TOP", "UIDL", "PIPELINING", "RESP-CODES", "AUTH-RESP-CODE"));
        if (!authenticated && plaintext) {
            caps.add("USER");
        }
        if (authenticated) {
            caps.add("IMPLEMENTATION " + settings.product().replace(' ', '-') + "-" + settings.version());
        }
        return caps;
    }

    private void authorization(Connection c, Pop3Session s, Pop3Session.Authorization a, Pop3Command.Authorization command) {
        if (command instanceof Pop3Command.Stls) {
            if (!c.tlsAvailable()) {
                c.write(Pop3Responses.err(c.isTls() ? "Already successfully executed STLS" : "TLS is not configured"));
            } else {
                s.state(new Pop3Session.Authorization(Optional.empty())); // nothing said in the clear carries over
                c.startTls(Pop3Responses.ok("Begin TLS negotiation now"));
            }
        } else if (command instanceof Pop3Command.User u) {
            if (!authenticator.plaintextAllowed(c)) {
                c.write(Pop3Responses.err("AUTH", "USER command only available under a layer"));
            } else if (a.user().isPresent()) {
                c.write(Pop3Responses.err("AUTH", "Must give PASS command"));
            } else {
                s.state(new Pop3Session.Authorization(Optional.of(u.name())));
                c.write(Pop3Responses.ok("Name is a valid mailbox"));
            }
        } else if (command instanceof Pop3Command.Pass p) {
            if (a.user().isEmpty()) {
                c.write(Pop3Responses.err("AUTH", "Must give USER command"));
                return;
            }
            String user = a.user().get();
            s.state(new Pop3Session.Authorization(Optional.empty()));
            if (authenticator.verify(user, p.password().toCharArray())) {
                loggedIn(c, s, user);
            } else {
                LOG.info(() -> "MURDER-POP3-002 login failed for " + user + " from " + c.remoteAddress());
                failedLogin(c, "Invalid login");
            }
        } else if (command instanceof Pop3Command.Auth auth) {
            authenticate(c, s, auth);
        }
    }

    private void failedLogin(Connection c, String text) {
        c.write(Pop3Responses.err("AUTH", text));
        Duration pause = settings.failedLoginPause();
        c.pauseInput(pause);
    }

    private void authenticate(Connection c, Pop3Session s, Pop3Command.Auth auth) {
        boolean plaintext = authenticator.plaintextAllowed(c);
        if (auth.mechanism().isEmpty()) {
            // the older draft's discovery: the mechanisms, one a line
            c.write(Pop3Responses.multiLine("List of supported mechanisms follows", authenticator.mechanisms(plaintext)));
            return;
        }
        String mechanism = auth.mechanism().get();
        if (!plaintext && SaslMechanisms.isPlaintext(mechanism)) {
            c.write(Pop3Responses.err("AUTH", "Plaintext authentication only available under a layer"));
            return;
        }
        Optional<SaslExchange> exchange = authenticator.exchange(mechanism, authenticator::mayActAs);
        if (exchange.isEmpty()) {
            c.write(Pop3Responses.err("AUTH", "Unsupported authentication mechanism"));
            return;
        }
        step(c, s, exchange.get(), exchange.get().start(auth.initialResponse()));
    }

    private void step(Connection c, Pop3Session s, SaslExchange exchange, SaslExchange.Step step) {
        if (step instanceof SaslExchange.Challenge challenge) {
            s.state(new Pop3Session.Authenticating(exchange));
            c.expectContinuation(true);
            c.write(Pop3Responses.continuation(challenge.base64()));
            return;
        }
        s.state(new Pop3Session.Authorization(Optional.empty()));
        if (step instanceof SaslExchange.Success success) {
            loggedIn(c, s, success.authorized());
        } else if (step instanceof SaslExchange.Failure failure) {
            switch (failure.reason()) {
                case MALFORMED -> c.write(Pop3Responses.err("AUTH", "Invalid base64"));
                case CANCELLED -> c.write(Pop3Responses.err("AUTH", "Client canceled authentication"));
                case AUTHORIZATION_FAILED -> c.write(Pop3Responses.err("AUTH", failure.detail()));
                case AUTHENTICATION_FAILED -> {
                    LOG.info(() -> "MURDER-POP3-002 authentication failed from " + c.remoteAddress() + ": " + failure.detail());
                    failedLogin(c, "Authentication failed");
                }
            }
        }
    }

    @Override
    public void onContinuation(Connection c, String line) {
        Pop3Session s = session(c);
        if (!(s.state() instanceof Pop3Session.Authenticating a)) {
            c.write(Pop3Responses.err("Unexpected continuation"));
            return;
        }
        step(c, s, a.exchange(), a.exchange().line(line));
    }

    /**
     * Authenticated as {@code user}: the INBOX's location decides where the session goes on. A frontend proxies an
     * INBOX another backend holds; this node serves its own (and creates it at first login, as IMAP does).
     */
    private void loggedIn(Connection c, Pop3Session s, String user) {
        Optional<String> inbox = namespace.toInternal("INBOX", user);
        if (inbox.isEmpty()) {
            c.write(Pop3Responses.err("SYS/PERM", "Unable to open maildrop: invalid user"));
            return;
        }
        if (settings.hasRole(MurderSettings.Role.FRONTEND)) {
            Route route = locator.locate(inbox.get());
            if (route instanceof Route.Remote remote) {
                proxy.open(c, s, user, remote.location().server());
                return;
            }
            if (route instanceof Route.Uncertain u) {
                c.write(Pop3Responses.err("SYS/TEMP", "Unable to open maildrop: location uncertain (" + u.why() + ")"));
                return;
            }
            if (!settings.hasRole(MurderSettings.Role.BACKEND)) {
                c.write(Pop3Responses.err("SYS/TEMP", "Unable to open maildrop: Mailbox does not exist"));
                return;
            }
        }
        maildrop.open(c, s, user);
    }
}
