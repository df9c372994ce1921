package org.murder.imap;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.sasl.SaslException;
import org.murder.protocol.sasl.SaslMechanisms;
import org.murder.auth.Authenticator;
import org.murder.backend.MailboxService;
import org.murder.config.MurderSettings;
import org.murder.connector.api.Connection;
import org.murder.connector.api.ImapListener;
import org.murder.protocol.imap.ImapParseResult;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.response.ImapResponses;
import org.murder.protocol.imap.response.ImapStatus;
import org.murder.protocol.sasl.SaslExchange;

/**
 * The IMAP server of a backend: the adapter calls it once per command, in order per connection. The
 * command's family decides which processor runs it; the session's state (not authenticated,
 * authenticated, selected) decides whether it may run at all.
 */
@MessageDriven(name = "ImapEndpoint", activationConfig = {
        @ActivationConfigProperty(propertyName = "protocol", propertyValue = "imap"),
        @ActivationConfigProperty(propertyName = "bindAddress", propertyValue = "${imap_listen:127.0.0.1}"),
        @ActivationConfigProperty(propertyName = "port", propertyValue = "${imap_port:1143}"),
        @ActivationConfigProperty(propertyName = "maxConnections", propertyValue = "${imap_connections_max:10000}"),
        @ActivationConfigProperty(propertyName = "memoryShedPercent", propertyValue = "${memory_shed_percent:90}"),
        @ActivationConfigProperty(propertyName = "maxConnectionsPerAddress", propertyValue = "${imap_connections_per_address:0}"),
        @ActivationConfigProperty(propertyName = "maxLineLength", propertyValue = "65536"),
        @ActivationConfigProperty(propertyName = "maxLiteralSize", propertyValue = "${imap_max_literal:67108864}"),
        // what a command holds in memory (lines, literals up to imap_literal_spill); larger literals are in files
        @ActivationConfigProperty(propertyName = "maxFrameSize", propertyValue = "1048576"),
        @ActivationConfigProperty(propertyName = "literalSpillThreshold", propertyValue = "${imap_literal_spill:65536}"),
        @ActivationConfigProperty(propertyName = "literalSpillDirectory",
                propertyValue = "${temp_path:${configdirectory:${jboss.server.data.dir}/murder}/tmp}/imap-literals"),
        @ActivationConfigProperty(propertyName = "tlsCertificate", propertyValue = "${tls_server_cert:}"),
        @ActivationConfigProperty(propertyName = "tlsKey", propertyValue = "${tls_server_key:}"),
        @ActivationConfigProperty(propertyName = "tlsKeyStore", propertyValue = "${tls_keystore:}"),
        @ActivationConfigProperty(propertyName = "tlsKeyStorePassword", propertyValue = "${tls_keystore_password:}")
})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ImapEndpoint implements ImapListener {

    private static final Logger LOG = Logger.getLogger(ImapEndpoint.class.getName());

    @Inject
    MurderSettings settings;

    @Inject
    Authenticator authenticator;

    @EJB
    MailboxService mailboxes;

    @Inject
    MailboxCommands mailboxCommands;

    @Inject
    MessageCommands messageCommands;

    @Inject
    ImapProxy proxy;

    @Inject
    org.murder.proxy.BackendCapabilities backendCapabilities;

    static ImapSession session(Connection c) {
        Object s = c.attachment();
        if (s instanceof ImapSession is) {
            return is;
        }
        ImapSession fresh = new ImapSession();
        c.attach(fresh);
        return fresh;
    }

    static void tagged(Connection c, String tag, ImapStatus status, String text) {
        c.write(ImapResponses.tagged(tag, status, Optional.empty(), text));
    }

    static void tagged(Connection c, String tag, ImapStatus status, String code, String text) {
        c.write(ImapResponses.tagged(tag, status, Optional.of(code), text));
    }

    private boolean plaintextAllowed(Connection c) {
        return authenticator.plaintextAllowed(c); // one rule for IMAP, LMTP and MUPDATE: PlaintextPolicy
    }

    List<String> capabilities(Connection c, ImapSession s) {
        // LITERAL+ or LITERAL-, never both (as Cyrus's literalminus): IMAP4rev2 implies LITERAL- (RFC 9051 §4.3), and
        // LITERAL+ only widens it, so both hold beside IMAP4rev2
        List<String> caps = new ArrayList<>(List.of("IMAP4rev1", "IMAP4rev2", settings.literalMinus() ? "LITERAL-" : "LITERAL+",
                "SASL-IR", "ID", "ENABLE", "IDLE",
                "NAMESPACE", "UIDPLUS", "UNSELECT", "CHILDREN", "MOVE", "CONDSTORE", "QRESYNC", "ACL", "RIGHTS=kxten", "QUOTA",
                "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE", "LIST-EXTENDED", "LIST-STATUS", "SPECIAL-USE", "CREATE-SPECIAL-USE",
                "ESEARCH", "BINARY", "SORT", "SORT=DISPLAY", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "ESORT",
                "SEARCHRES", "MULTIAPPEND", "CATENATE", "STATUS=SIZE", "CONTEXT=SEARCH", "CONTEXT=SORT"));
        if (!c.isCompressed()) {
            caps.add("COMPRESS=DEFLATE"); // RFC 4978; not once it is on (as Cyrus)
        }
        if (!s.authenticated()) {
            if (c.tlsAvailable()) {
                caps.add("STARTTLS");
            }
            // as Cyrus: before TLS, SCRAM (which never sends the password) stays on offer, PLAIN and LOGIN do not
            authenticator.mechanisms(plaintextAllowed(c)).forEach(m -> caps.add("AUTH=" + m));
            if (!plaintextAllowed(c)) {
                caps.add("LOGINDISABLED");
            }
            return caps;
        }
        return backendCapabilities.filter(caps);
    }

    @Override
    public void onConnect(Connection c) {
        ImapSession s = session(c);
        c.idleTimeout(settings.imapPreloginTimeout());
        if (settings.literalMinus()) {
            c.signalDecoder(ImapListener.LITERAL_MINUS);
        }
        c.write(ImapResponses.untagged(ImapStatus.OK, Optional.of("CAPABILITY " + String.join(" ", capabilities(c, s))),
                settings.servername() + " " + settings.product() + " IMAP server ready"));
    }

    @Override
    public void onDisconnect(Connection c) {
        session(c).end();
    }

    @Override
    public void onTimeout(Connection c) {
        c.write(ImapResponses.bye("Autologout; idle for too long"));
        session(c).end();
    }

    @Override
    public boolean onProduce(Connection c, org.murder.connector.api.ResponseProducer producer) {
        return producer.produce(c);
    }

    @Override
    public void onBadInput(Connection c, String tag, String message) {
        c.write(ImapResponses.tagged(tag.isEmpty() ? "*" : tag, ImapStatus.BAD, Optional.empty(), message));
    }

    @Override
    public void onRefused(Connection c, ImapParseResult refusal) {
        if (refusal instanceof ImapParseResult.Refused r) {
            if (r.emptiesSavedResult()) {
                ImapSession s = session(c);
                s.selected().ifPresent(sel -> sel.saveResult(new long[0]));
                s.proxied().ifPresent(proxy::emptySavedResult);
            }
            c.write(ImapResponses.tagged(r.tag(), ImapStatus.NO, r.responseCode(), r.message()));
        } else if (refusal instanceof ImapParseResult.Malformed m) {
            c.write(ImapResponses.tagged(m.tag().orElse("*"), ImapStatus.BAD, m.responseCode(), m.message()));
        }
    }

    @Override
    public void onCommand(Connection c, ImapCommand command) {
        try {
            dispatch(c, command);
        } catch (org.murder.store.MailboxFrozenException e) {
            // a write to a mailbox a move has frozen: nothing was changed (docs/moves.md)
            tagged(c, command.tag(), ImapStatus.NO, "UNAVAILABLE", org.murder.store.MailboxFrozenException.TEXT);
        } catch (RuntimeException e) {
            // a failure of ours must not leave the client waiting for a completion that never comes
            LOG.log(Level.SEVERE, "MURDER-IMAP-005 " + command.getClass().getSimpleName() + " failed for "
                    + session(c).identity().map(ImapSession.Identity::user).orElse("-") + " from " + c.remoteAddress(), e);
            tagged(c, command.tag(), ImapStatus.NO, "SERVERBUG", "Internal server error");
        }
    }

    private void dispatch(Connection c, ImapCommand command) {
        ImapSession s = session(c);
        String tag = command.tag();
        ImapSession.State state = s.state();
        if (command instanceof ImapCommand.AnyState) {
            anyState(c, s, command);
        } else if (state instanceof ImapSession.Logout) {
            tagged(c, tag, ImapStatus.BAD, "Logging out");
        } else if (command instanceof ImapCommand.NotAuthenticated) {
            if (state instanceof ImapSession.NotAuthenticated) {
                notAuthenticated(c, s, command);
            } else {
                tagged(c, tag, ImapStatus.BAD, "Already authenticated");
            }
        } else if (state instanceof ImapSession.NotAuthenticated) {
            tagged(c, tag, ImapStatus.BAD, "Please login first");
        } else if (command instanceof ImapCommand.Compress z) {
            compress(c, tag, z); // the frontend's own connection with its client: never a backend's business
        } else if (command instanceof ImapCommand.Selected sel) {
            if (state instanceof ImapSession.Selected selected) {
                messageCommands.run(c, s, selected, sel);
            } else if (state instanceof ImapSession.Proxied proxied) {
                proxy.selected(c, s, proxied, sel);
            } else {
                tagged(c, tag, ImapStatus.BAD, "Please select a mailbox first");
            }
        } else if (!proxy.route(c, s, command)) {
            mailboxCommands.run(c, s, command);
        }
    }

    /** RFC 4978: BAD for another mechanism, NO [COMPRESSIONACTIVE] the second time (as Dovecot says it). */
    private void compress(Connection c, String tag, ImapCommand.Compress z) {
        if (!z.mechanism().equals("DEFLATE")) {
            tagged(c, tag, ImapStatus.BAD, "Unknown compression mechanism " + z.mechanism());
        } else if (c.isCompressed()) {
            tagged(c, tag, ImapStatus.NO, "COMPRESSIONACTIVE", "DEFLATE active via COMPRESS");
        } else {
            c.startCompression(ImapResponses.tagged(tag, ImapStatus.OK, Optional.empty(), "DEFLATE active"));
        }
    }

    private void anyState(Connection c, ImapSession s, ImapCommand command) {
        String tag = command.tag();
        if (command instanceof ImapCommand.Capability) {
            c.write(ImapResponses.capability(capabilities(c, s)));
            tagged(c, tag, ImapStatus.OK, "Completed");
        } else if (command instanceof ImapCommand.Noop && s.proxied().isPresent()) {
            proxy.noop(c, s.proxied().get(), command);
        } else if (command instanceof ImapCommand.Noop) {
            messageCommands.sync(c, s, true, true, Map.of());
            tagged(c, tag, ImapStatus.OK, "Completed");
        } else if (command instanceof ImapCommand.Logout) {
            c.write(ImapResponses.bye("LOGOUT received"));
            tagged(c, tag, ImapStatus.OK, "Completed");
            s.end();
            c.close();
        } else if (command instanceof ImapCommand.Id) {
            c.write(ImapResponses.id(Map.of("name", settings.product(), "version", settings.version(),
                    "vendor", "Murder on Jakarta EE")));
            tagged(c, tag, ImapStatus.OK, "Completed");
        } else {
            tagged(c, tag, ImapStatus.BAD, "Unrecognized command");
        }
    }

    private void notAuthenticated(Connection c, ImapSession s, ImapCommand command) {
        String tag = command.tag();
        if (command instanceof ImapCommand.StartTls) {
            if (!c.tlsAvailable()) {
                tagged(c, tag, ImapStatus.NO, c.isTls() ? "TLS already active" : "TLS is not configured");
            } else {
                c.startTls(ImapResponses.tagged(tag, ImapStatus.OK, Optional.empty(), "Begin TLS negotiation now"));
            }
        } else if (command instanceof ImapCommand.Login l) {
            if (!plaintextAllowed(c)) {
                tagged(c, tag, ImapStatus.NO, "PRIVACYREQUIRED", "Login only available under a layer");
            } else if (authenticator.verify(l.user(), l.password().toCharArray())) {
                loggedIn(c, s, tag, l.user());
            } else {
                LOG.info(() -> "MURDER-IMAP-001 login failed for " + l.user() + " from " + c.remoteAddress());
                tagged(c, tag, ImapStatus.NO, "AUTHENTICATIONFAILED", "Authentication failed");
                c.pauseInput(settings.failedLoginPause());
            }
        } else if (command instanceof ImapCommand.Authenticate a) {
            authenticate(c, s, a);
        } else {
            tagged(c, tag, ImapStatus.BAD, "Unrecognized command");
        }
    }

    private void loggedIn(Connection c, ImapSession s, String tag, String user) {
        s.loggedIn(new ImapSession.Identity(user, settings.isAdmin(user)));
        c.signalDecoder(ImapListener.AUTHENTICATED);
        c.idleTimeout(settings.imapTimeout());
        mailboxCommands.ensureInbox(s);
        tagged(c, tag, ImapStatus.OK, "CAPABILITY " + String.join(" ", capabilities(c, s)), "User logged in");
    }

    private void authenticate(Connection c, ImapSession s, ImapCommand.Authenticate a) {
        if (!plaintextAllowed(c) && SaslMechanisms.isPlaintext(a.mechanism())) {
            tagged(c, a.tag(), ImapStatus.NO, "PRIVACYREQUIRED", "Authentication only available under a layer");
            return;
        }
        Optional<SaslExchange> sasl = authenticator.exchange(a.mechanism(), authenticator::mayActAs);
        if (sasl.isEmpty()) {
            tagged(c, a.tag(), ImapStatus.NO, "Unsupported authentication mechanism");
            return;
        }
        SaslExchange exchange = sasl.get();
        answer(c, s, a.tag(), exchange, exchange.start(a.initialResponse()));
    }

    /** One step of AUTHENTICATE, in IMAP's words. */
    private void answer(Connection c, ImapSession s, String tag, SaslExchange exchange, SaslExchange.Step step) {
        if (step instanceof SaslExchange.Challenge challenge) {
            s.await(new ImapSession.Authenticating(tag, exchange));
            c.expectContinuation(true);
            c.write(ImapResponses.continuation(challenge.base64()));
        } else if (step instanceof SaslExchange.Success success) {
            loggedIn(c, s, tag, success.authorized());
        } else if (step instanceof SaslExchange.Failure failure) {
            switch (failure.reason()) {
                case MALFORMED -> tagged(c, tag, ImapStatus.BAD, "Invalid base64");
                case CANCELLED -> tagged(c, tag, ImapStatus.BAD, "Authentication cancelled");
                case AUTHORIZATION_FAILED -> tagged(c, tag, ImapStatus.NO, "AUTHORIZATIONFAILED", failure.detail());
                case AUTHENTICATION_FAILED -> {
                    LOG.info(() -> "MURDER-IMAP-001 authentication failed from " + c.remoteAddress() + ": " + failure.detail());
                    tagged(c, tag, ImapStatus.NO, "AUTHENTICATIONFAILED", "Authentication failed");
                    c.pauseInput(settings.failedLoginPause());
                }
            }
        }
    }

    @Override
    public void onContinuation(Connection c, String line) {
        ImapSession s = session(c);
        Optional<ImapSession.Awaiting> awaiting = s.awaiting();
        if (awaiting.isPresent() && awaiting.get() instanceof ImapSession.Idling) {
            if (s.proxied().isPresent()) {
                proxy.endIdle(c, s, line);
            } else {
                messageCommands.endIdle(c, s, line);
            }
            return;
        }
        s.stopAwaiting();
        if (awaiting.isEmpty() || !(awaiting.get() instanceof ImapSession.Authenticating authenticating)) {
            c.write(ImapResponses.tagged("*", ImapStatus.BAD, Optional.empty(), "Unexpected continuation"));
            return;
        }
        answer(c, s, authenticating.tag(), authenticating.exchange(), authenticating.exchange().line(line));
    }
}
