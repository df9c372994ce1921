package org.murder.mupdate;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.logging.Logger;
import javax.security.sasl.SaslException;
import org.murder.protocol.sasl.AuthenticatingSaslServer;
import org.murder.auth.Authenticator;
import org.murder.config.MurderSettings;
import org.murder.connector.api.Connection;
import org.murder.connector.api.ResponseProducer;
import org.murder.connector.api.MupdateListener;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxMap;
import org.murder.map.MailboxRecord;
import org.murder.protocol.mupdate.MupdateCommand;
import org.murder.protocol.mupdate.MupdateResponses;
import org.murder.protocol.sasl.SaslExchange;

/**
 * The MUPDATE master's endpoint: the resource adapter calls it once per decoded command, in order per
 * connection. Answers follow Cyrus's mupdate (texts included) so Cyrus's clients are at home.
 * The adapter binding ({@code murder.ear#murder-connector.rar}) is in jboss-ejb3.xml.
 */
@MessageDriven(name = "MupdateEndpoint", activationConfig = {
        @ActivationConfigProperty(propertyName = "protocol", propertyValue = "mupdate"),
        @ActivationConfigProperty(propertyName = "bindAddress", propertyValue = "${mupdate_listen:127.0.0.1}"),
        @ActivationConfigProperty(propertyName = "port", propertyValue = "${mupdate_listen_port:${mupdate_port:3905}}"),
        @ActivationConfigProperty(propertyName = "maxConnections", propertyValue = "${mupdate_connections_max:128}"),
        @ActivationConfigProperty(propertyName = "memoryShedPercent", propertyValue = "${memory_shed_percent:90}"),
        @ActivationConfigProperty(propertyName = "tlsCertificate", propertyValue = "${tls_server_cert:}"),
        @ActivationConfigProperty(propertyName = "tlsKey", propertyValue = "${tls_server_key:}"),
        @ActivationConfigProperty(propertyName = "tlsKeyStore", propertyValue = "${tls_keystore:}"),
        @ActivationConfigProperty(propertyName = "tlsKeyStorePassword", propertyValue = "${tls_keystore_password:}")
})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class MupdateEndpoint implements MupdateListener {

    private static final Logger LOG = Logger.getLogger(MupdateEndpoint.class.getName());
    private static final int CHUNK = 64 * 1024;

    @EJB
    MailboxMap map;

    @Inject
    MurderSettings settings;

    @Inject
    Authenticator authenticator;

    @Override
    public void onConnect(Connection c) {
        c.attach(new MupdateSession());
        if (!settings.hasRole(MurderSettings.Role.MASTER)) {
            // this node's map is no murder's: a Cyrus backend or slave pointed here by mistake would register with
            // it, or copy it, and the murder would never hear of it
            String master = settings.mupdateServer();
            c.write(MupdateResponses.bye("This server is not a MUPDATE master" + (master.isEmpty() ? "" : "; the master is "
                    + master)));
            c.close();
            return;
        }
        c.write(MupdateResponses.banner(authenticator.mechanisms(c), c.tlsAvailable(), false, settings.servername(),
                settings.product(), settings.version(), true, ""));
    }

    @Override
    public void onDisconnect(Connection c) {
        if (session(c).state() instanceof MupdateSession.Streaming s) {
            map.stopUpdate(s.stream());
        }
    }

    @Override
    public void onBadInput(Connection c, String tag, String message) {
        if (session(c).state() instanceof MupdateSession.Authenticating a) {
            session(c).state(new MupdateSession.NotAuthenticated());
            c.write(MupdateResponses.no(a.tag(), message));
            return;
        }
        c.write(MupdateResponses.bad(tag.isEmpty() ? "*" : tag, message));
    }

    @Override
    public void onCommand(Connection c, MupdateCommand command) {
        MupdateSession session = session(c);
        String tag = command.tag();
        if (command instanceof MupdateCommand.Logout) {
            c.write(MupdateResponses.ok(tag, "bye-bye"));
            c.close();
            return;
        }
        if (command instanceof MupdateCommand.Noop) {
            if (session.state() instanceof MupdateSession.Streaming s) {
                // the barrier: the answer follows everything changed before this NOOP; the next command waits for it
                c.holdInput();
                s.stream().afterQueued(() -> {
                    c.write(MupdateResponses.ok(tag, "Noop done"));
                    c.releaseInput();
                });
                return;
            }
            c.write(MupdateResponses.ok(tag, "Noop done"));
            return;
        }
        if (session.state() instanceof MupdateSession.Streaming) {
            c.write(MupdateResponses.bad(tag, "not legal when streaming"));
            return;
        }
        if (command instanceof MupdateCommand.StartTls) {
            startTls(c, session, tag);
            return;
        }
        if (command instanceof MupdateCommand.Compress) {
            c.write(MupdateResponses.no(tag, "COMPRESS is not supported"));
            return;
        }
        if (command instanceof MupdateCommand.Authenticate a) {
            authenticate(c, session, a);
            return;
        }
        if (session.user().isEmpty()) {
            c.write(MupdateResponses.bad(tag, "Please login first"));
            return;
        }
        dispatchAuthenticated(c, session, command);
    }

    private void dispatchAuthenticated(Connection c, MupdateSession session, MupdateCommand command) {
        String tag = command.tag();
        if (command instanceof MupdateCommand.Find f) {
            map.find(f.mailbox()).ifPresent(r -> c.write(encode(tag, r)));
            c.write(MupdateResponses.ok(tag, "Search completed"));
        } else if (command instanceof MupdateCommand.ListMailboxes l) {
            sendAll(c, tag, map.list(l.locationPrefix().orElse("")), MupdateResponses.ok(tag, "list complete"));
        } else if (command instanceof MupdateCommand.Update u) {
            session.state(new MupdateSession.Streaming(session.user().orElseThrow(),
                    map.startUpdate(c, tag, new HashSet<>(u.hosts()))));
        } else if (command instanceof MupdateCommand.Reserve r) {
            answer(c, tag, map.reserve(r.mailbox(), r.location()));
        } else if (command instanceof MupdateCommand.Activate a) {
            answer(c, tag, map.activate(a.mailbox(), a.location(), a.acl()));
        } else if (command instanceof MupdateCommand.Deactivate d) {
            answer(c, tag, map.deactivate(d.mailbox(), d.location()));
        } else if (command instanceof MupdateCommand.Delete d) {
            answer(c, tag, map.delete(d.mailbox()));
        } else {
            c.write(MupdateResponses.bad(tag, "Unrecognized command"));
        }
    }

    private static void answer(Connection c, String tag, MailboxMap.Outcome outcome) {
        c.write(outcome.ok() ? MupdateResponses.ok(tag, outcome.message()) : MupdateResponses.no(tag, outcome.message()));
    }

    private static byte[] encode(String tag, MailboxRecord r) {
        return r.kind() == MailboxKind.ACTIVE
                ? MupdateResponses.mailbox(tag, r.name(), r.location(), r.acl())
                : MupdateResponses.reserve(tag, r.name(), r.location());
    }

    /** A large answer goes out as the client reads it (no thread waits for a slow one), then its completion. */
    private static void sendAll(Connection c, String tag, List<MailboxRecord> records, byte[] completion) {
        Iterator<MailboxRecord> next = records.iterator();
        c.stream(new ResponseProducer() {
            @Override
            public boolean produce(Connection connection) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream(CHUNK + 1024);
                while (next.hasNext() && buf.size() < CHUNK) {
                    buf.writeBytes(encode(tag, next.next()));
                }
                if (!next.hasNext()) {
                    buf.writeBytes(completion);
                }
                connection.write(buf.toByteArray());
                return next.hasNext();
            }

            @Override
            public void abandon() {
                // nothing held but the list
            }
        });
    }

    // ------------------------------------------------------------------ STARTTLS and SASL

    private void startTls(Connection c, MupdateSession session, String tag) {
        if (session.user().isPresent()) {
            c.write(MupdateResponses.bad(tag, "Can't STARTTLS after authentication"));
        } else if (c.isTls()) {
            c.write(MupdateResponses.bad(tag, "Already successfully executed STARTTLS"));
        } else if (!c.tlsAvailable()) {
            c.write(MupdateResponses.no(tag, "TLS is not configured"));
        } else {
            c.startTls(MupdateResponses.ok(tag, "Begin TLS negotiation now"));
            // as Cyrus does: the capabilities again, now under TLS (imtest waits for them)
            onConnect(c);
        }
    }

    private void authenticate(Connection c, MupdateSession session, MupdateCommand.Authenticate a) {
        if (session.user().isPresent()) {
            c.write(MupdateResponses.no(a.tag(), "Already authenticated"));
            return;
        }
        if (authenticator.needsTls(c, a.mechanism())) {
            // Cyrus: libsasl hides PLAIN and LOGIN before TLS unless allowplaintext (SASL_SEC_NOPLAINTEXT)
            c.write(MupdateResponses.no(a.tag(), "Encryption required for requested authentication mechanism"));
            return;
        }
        // Cyrus: only admins may authenticate to the master (backends and slaves are admins)
        var sasl = authenticator.exchange(a.mechanism(),
                (authn, authz) -> settings.isAdmin(authz) && authenticator.mayActAs(authn, authz));
        if (sasl.isEmpty()) {
            c.write(MupdateResponses.no(a.tag(), "unsupported SASL mechanism"));
            return;
        }
        SaslExchange exchange = sasl.get();
        answer(c, session, a.tag(), exchange, exchange.start(a.initialResponse()));
    }

    @Override
    public void onContinuation(Connection c, String line) {
        MupdateSession session = session(c);
        if (!(session.state() instanceof MupdateSession.Authenticating a)) {
            c.write(MupdateResponses.bad("*", "Unexpected continuation"));
            return;
        }
        answer(c, session, a.tag(), a.exchange(), a.exchange().line(line));
    }

    /** One step of AUTHENTICATE, in MUPDATE's (Cyrus's) words. */
    private void answer(Connection c, MupdateSession session, String tag, SaslExchange exchange, SaslExchange.Step step) {
        if (step instanceof SaslExchange.Challenge challenge) {
            session.state(new MupdateSession.Authenticating(tag, exchange));
            c.expectContinuation(true);
            c.write(MupdateResponses.saslChallenge(java.util.Base64.getDecoder().decode(challenge.base64())));
            return;
        }
        if (step instanceof SaslExchange.Success success) {
            session.state(new MupdateSession.Authenticated(success.authorized()));
            LOG.fine(() -> "MUPDATE login of " + success.authorized() + " from " + c.remoteAddress());
            c.write(MupdateResponses.ok(tag, "Authenticated"));
            return;
        }
        SaslExchange.Failure failure = (SaslExchange.Failure) step;
        session.state(new MupdateSession.NotAuthenticated());
        switch (failure.reason()) {
            case MALFORMED -> c.write(MupdateResponses.no(tag, "Invalid base64"));
            case CANCELLED -> c.write(MupdateResponses.no(tag, "Client canceled authentication"));
            case AUTHENTICATION_FAILED -> {
                LOG.info(() -> "MURDER-MUPDATE-001 authentication failed from " + c.remoteAddress());
                c.write(MupdateResponses.no(tag, "Authentication failed"));
            }
            case AUTHORIZATION_FAILED -> {
                LOG.info(() -> "MURDER-MUPDATE-002 " + failure.detail() + " (not an admin); refused from " + c.remoteAddress());
                c.write(MupdateResponses.no(tag, "Only admins may authenticate"));
            }
        }
    }

    private static MupdateSession session(Connection c) {
        Object s = c.attachment();
        if (s instanceof MupdateSession ms) {
            return ms;
        }
        MupdateSession fresh = new MupdateSession();
        c.attach(fresh);
        return fresh;
    }

}
