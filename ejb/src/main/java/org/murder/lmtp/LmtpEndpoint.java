package org.murder.lmtp;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.sasl.SaslException;
import org.murder.auth.Authenticator;
import org.murder.backend.DeliveryMailboxes;
import org.murder.backend.DeliveryService;
import org.murder.backend.MurderRegistry;
import org.murder.lmtp.proxy.LmtpProxy;
import org.murder.lmtp.proxy.ProxyTransaction;
import org.murder.routing.MailboxLocator;
import org.murder.routing.Route;
import org.murder.backend.MailboxService;
import org.murder.config.MurderSettings;
import org.murder.connector.api.Connection;
import org.murder.connector.api.LmtpListener;
import org.murder.protocol.lmtp.LmtpCommand;
import org.murder.protocol.lmtp.LmtpParseResult;
import org.murder.protocol.lmtp.LmtpReplies;
import org.murder.protocol.lmtp.Recipient;
import org.murder.protocol.lmtp.RecipientRules;
import org.murder.protocol.sasl.SaslExchange;
import org.murder.store.MessageCacheData;
import org.murder.store.Spool;
import org.murder.store.StoreMailbox;

/**
 * LMTP delivery on a backend (RFC 2033; Cyrus's lmtpd). One reply per accepted recipient after DATA,
 * each sent only once that mailbox's transaction committed: a 250 means the message is on disk and
 * indexed. Temporary trouble is always a 4xx.
 */
@MessageDriven(name = "LmtpEndpoint", activationConfig = {
        @ActivationConfigProperty(propertyName = "protocol", propertyValue = "lmtp"),
        @ActivationConfigProperty(propertyName = "bindAddress", propertyValue = "${lmtp_listen:127.0.0.1}"),
        @ActivationConfigProperty(propertyName = "port", propertyValue = "${lmtp_port:2003}"),
        @ActivationConfigProperty(propertyName = "maxConnections", propertyValue = "${lmtp_connections_max:200}"),
        @ActivationConfigProperty(propertyName = "memoryShedPercent", propertyValue = "${memory_shed_percent:90}"),
        @ActivationConfigProperty(propertyName = "maxConnectionsPerAddress", propertyValue = "${lmtp_connections_per_address:0}"),
        @ActivationConfigProperty(propertyName = "maxLineLength", propertyValue = "4096"),
        @ActivationConfigProperty(propertyName = "maxMessageSize", propertyValue = "${maxmessagesize:0}"),
        @ActivationConfigProperty(propertyName = "tlsCertificate", propertyValue = "${tls_server_cert:}"),
        @ActivationConfigProperty(propertyName = "tlsKey", propertyValue = "${tls_server_key:}"),
        @ActivationConfigProperty(propertyName = "tlsKeyStore", propertyValue = "${tls_keystore:}"),
        @ActivationConfigProperty(propertyName = "tlsKeyStorePassword", propertyValue = "${tls_keystore_password:}")
})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class LmtpEndpoint implements LmtpListener {

    private static final Logger LOG = Logger.getLogger(LmtpEndpoint.class.getName());
    private static final DateTimeFormatter RFC822 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    @EJB
    DeliveryService delivery;

    @EJB
    MailboxService mailboxes;

    @EJB
    org.murder.imap.MailboxEvents events;

    @Inject
    MurderSettings settings;

    @Inject
    Authenticator authenticator;

    @Inject
    Spool spool;

    @EJB
    LmtpProxy lmtpProxy;

    @Inject
    MailboxLocator locator;

    @Inject
    MurderRegistry registry;

    @Resource
    ManagedExecutorService executor;

    private static LmtpSession session(Connection c) {
        Object s = c.attachment();
        if (s instanceof LmtpSession ls) {
            return ls;
        }
        LmtpSession fresh = new LmtpSession();
        c.attach(fresh);
        return fresh;
    }

    @Override
    public void onConnect(Connection c) {
        LmtpSession s = session(c);
        // like a UNIX socket for Cyrus: a local MTA on the loopback needs no AUTH unless configured so
        s.trusted = c.remoteAddress().getAddress().isLoopbackAddress() && settings.lmtpTrustLoopback();
        c.idleTimeout(settings.lmtpTimeout());
        c.write(LmtpReplies.greeting(settings.servername(), settings.product() + " " + settings.version()));
    }

    @Override
    public void onTimeout(Connection c) {
        c.write(LmtpReplies.reply(421, "4.4.2", settings.servername() + " Timeout waiting for input"));
    }

    @Override
    public void onDisconnect(Connection c) {
        session(c).abandonTransaction();
    }

    @Override
    public void onBadInput(Connection c, String tag, String message) {
        c.write(LmtpReplies.lineTooLong());
    }

    @Override
    public void onMalformed(Connection c, LmtpParseResult.Malformed malformed) {
        c.write(LmtpReplies.malformed(malformed));
    }

    @Override
    public void onCommand(Connection c, LmtpCommand command) {
        LmtpSession s = session(c);
        if (command instanceof LmtpCommand.Lhlo l) {
            s.lhloHost = l.domain();
            s.abandonTransaction();
            c.write(LmtpReplies.lhlo(settings.servername(), LmtpReplies.capabilities(settings.maxMessageSize(),
                    c.tlsAvailable(), s.user == null ? authenticator.mechanisms(c) : List.of())));
        } else if (command instanceof LmtpCommand.Helo || command instanceof LmtpCommand.Ehlo) {
            c.write(LmtpReplies.useLhlo());
        } else if (command instanceof LmtpCommand.Quit) {
            s.abandonTransaction();
            c.write(LmtpReplies.bye());
            c.close();
        } else if (command instanceof LmtpCommand.Noop) {
            c.write(LmtpReplies.noop());
        } else if (command instanceof LmtpCommand.Rset) {
            s.abandonTransaction();
            c.write(LmtpReplies.reset(Optional.empty()));
        } else if (command instanceof LmtpCommand.Vrfy) {
            c.write(LmtpReplies.vrfy());
        } else if (!s.hasLhlo()) {
            c.write(LmtpReplies.badSequence("LHLO first"));
        } else if (command instanceof LmtpCommand.StartTls) {
            startTls(c, s);
        } else if (command instanceof LmtpCommand.Auth a) {
            authenticate(c, s, a);
        } else if (command instanceof LmtpCommand.Mail m) {
            mail(c, s, m);
        } else if (command instanceof LmtpCommand.Rcpt r) {
            rcpt(c, s, r);
        } else if (command instanceof LmtpCommand.Data) {
            data(c, s);
        } else {
            c.write(LmtpReplies.reply(502, "5.5.1", "Command not implemented"));
        }
    }

    private void startTls(Connection c, LmtpSession s) {
        if (!c.tlsAvailable()) {
            c.write(LmtpReplies.tlsNotAvailable(c.isTls() ? "Already using TLS" : "TLS not available"));
            return;
        }
        // RFC 3207: the session starts over
        s.lhloHost = null;
        s.abandonTransaction();
        c.startTls(LmtpReplies.startTls());
    }

    private void mail(Connection c, LmtpSession s, LmtpCommand.Mail m) {
        if (s.user == null && !s.trusted) {
            c.write(LmtpReplies.authenticationRequired(false));
            return;
        }
        if (s.sender != null) {
            c.write(LmtpReplies.badSequence("Nested MAIL command"));
            return;
        }
        long max = settings.maxMessageSize();
        if (max > 0 && m.size().isPresent() && m.size().getAsLong() > max) {
            c.write(LmtpReplies.declaredSizeTooLarge(max));
            return;
        }
        s.sender = m.from();
        if (settings.hasRole(MurderSettings.Role.FRONTEND)) {
            // cheap until a recipient turns out to be on a backend; it keeps every recipient's place from now on
            s.proxy = new ProxyTransaction(m, lmtpProxy.pool(), proxyClient(c),
                    receivedLine(c, s).getBytes(StandardCharsets.UTF_8));
        }
        c.write(LmtpReplies.senderOk());
    }

    private void rcpt(Connection c, LmtpSession s, LmtpCommand.Rcpt r) {
        if (s.sender == null) {
            c.write(LmtpReplies.badSequence("Need MAIL command"));
            return;
        }
        Optional<Recipient> recipient = Recipient.of(r.to().address(), RecipientRules.CYRUS_DEFAULTS);
        if (recipient.isEmpty()) {
            c.write(LmtpReplies.userUnknown(true));
            return;
        }
        Recipient who = recipient.get();
        if (s.proxy != null) {
            route(c, s, r, who);
            return;
        }
        rcptLocal(c, s, r, who);
    }

    /**
     * A frontend's RCPT: where the recipient's mailbox is (its folder, else its INBOX) decides. Here: delivered as
     * on a backend. On a backend: proxied. Certainly nowhere: 550. Not known for certain now: 451, never a bounce.
     */
    private void route(Connection c, LmtpSession s, LmtpCommand.Rcpt r, Recipient who) {
        DeliveryMailboxes names = DeliveryMailboxes.of(who.userId(), who.folders(settings.unixHierarchySep() ? '/' : '.'));
        Route route;
        try {
            route = RecipientRoutes.route(names, locator::locate);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "MURDER-LMTP-008 cannot route " + r.to().wire(), e);
            c.write(LmtpReplies.temporaryFailure("Mailbox lookup failed, try again later"));
            return;
        }
        if (settings.lmtpProxyLookup() == MurderSettings.LmtpLookup.MASTER
                && (route instanceof Route.Unknown || route instanceof Route.Uncertain)) {
            askMaster(c, s, r, who, names);
            return;
        }
        routed(c, s, r, who, route);
    }

    private void routed(Connection c, LmtpSession s, LmtpCommand.Rcpt r, Recipient who, Route route) {
        if (route instanceof Route.Remote remote) {
            s.proxy.rcpt(lmtpProxy.profile(remote.location().server()), r);
        } else if (route instanceof Route.Local || (route instanceof Route.Unknown && settings.hasRole(MurderSettings.Role.BACKEND))) {
            rcptLocal(c, s, r, who); // a unified node's own mailbox, or one its backend role may create (autocreate_post)
        } else if (route instanceof Route.Uncertain u) {
            LOG.fine(() -> "MURDER-LMTP-009 " + r.to().wire() + ": " + u.why());
            c.write(LmtpReplies.reply(451, "4.4.3", "Mailbox location not known now, try again later"));
        } else {
            c.write(LmtpReplies.userUnknown(true));
        }
    }

    /**
     * {@code lmtp_proxy_lookup: master}: the map copy missed, so the master decides (MUPDATE FIND). The call blocks,
     * so it runs on the managed executor while the client's input is held; a master that does not answer gives 451.
     */
    private void askMaster(Connection c, LmtpSession s, LmtpCommand.Rcpt r, Recipient who, DeliveryMailboxes names) {
        c.holdInput();
        try {
            executor.execute(() -> {
                Route route;
                try {
                    route = RecipientRoutes.route(names, name -> RecipientRoutes.fromMaster(registry.find(name),
                            settings.servername(), settings.hasRole(MurderSettings.Role.BACKEND)));
                } catch (RuntimeException | MurderRegistry.RegistryException e) {
                    LOG.info(() -> "MURDER-LMTP-010 the MUPDATE master did not answer for " + r.to().wire() + ": " + e.getMessage());
                    route = new Route.Uncertain("the master did not answer");
                }
                if (route instanceof Route.Remote) {
                    routed(c, s, r, who, route); // the proxy releases the input once the backend has answered
                    return;
                }
                try {
                    routed(c, s, r, who, route);
                } finally {
                    c.releaseInput();
                }
            });
        } catch (RuntimeException e) {
            c.releaseInput();
            c.write(LmtpReplies.remoteServerUnavailable());
        }
    }

    private static ProxyTransaction.Client proxyClient(Connection c) {
        return new ProxyTransaction.Client() {
            @Override
            public void write(byte[] bytes) {
                c.write(bytes);
            }

            @Override
            public void holdInput() {
                c.holdInput();
            }

            @Override
            public void releaseInput() {
                c.releaseInput();
            }
        };
    }

    /** The recipient is delivered here (a backend, or a unified node's own mailbox). */
    private void rcptLocal(Connection c, LmtpSession s, LmtpCommand.Rcpt r, Recipient who) {
        Optional<StoreMailbox> target;
        try {
            target = delivery.target(who.userId(), who.folders(settings.unixHierarchySep() ? '/' : '.'),
                    s.user != null && settings.isAdmin(s.user));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "MURDER-LMTP-001 cannot look up " + r.to().wire(), e);
            c.write(LmtpReplies.temporaryFailure("Mailbox lookup failed, try again later"));
            return;
        }
        if (target.isEmpty() && who.userId().isPresent() && settings.autocreatePost()
                && authenticator.exists(who.userId().get())) {
            try {
                target = autocreate(who.userId().get());
            } catch (MailboxService.MailboxException e) {
                // the user exists and would have an INBOX, but the master cannot register it now: never a bounce
                c.write(LmtpReplies.reply(451, "4.4.3", "Mailbox cannot be created now (the mailbox list master is"
                        + " unreachable), try again later"));
                return;
            }
        }
        if (target.isEmpty() && delivery.movedAway(who.userId(), who.folders(settings.unixHierarchySep() ? '/' : '.'))) {
            c.write(LmtpReplies.mailboxMoving());
            return;
        }
        if (target.isEmpty()) {
            c.write(LmtpReplies.userUnknown(true));
            return;
        }
        if (target.get().frozen()) {
            c.write(LmtpReplies.mailboxMoving());
            return;
        }
        if (!r.ignoreQuota() && delivery.overQuota(target.get(), 0)) {
            c.write(LmtpReplies.overQuota(settings.lmtpOverQuotaPermFailure(), Optional.empty()));
            return;
        }
        s.recipients.add(new LmtpSession.Rcpt(r.to().wire(), target.get().id(), r.ignoreQuota(),
                s.proxy == null ? -1 : s.proxy.addLocal()));
        c.write(LmtpReplies.recipientOk());
    }

    /** The user's INBOX, made for a delivery; a temporary refusal (the master unreachable) is thrown. */
    private Optional<StoreMailbox> autocreate(String user) throws MailboxService.MailboxException {
        String inbox = "user." + user.replace('.', '^');
        try {
            // as the recipient, whose own INBOX it is: AccessRules.checkCreate allows exactly that
            return Optional.of(mailboxes.create(inbox, "", mailboxes.initialAcl(inbox), user, false));
        } catch (MailboxService.MailboxException e) {
            LOG.info(() -> "MURDER-LMTP-006 cannot create " + inbox + " for delivery: " + e.getMessage());
            Optional<StoreMailbox> made = mailboxes.find(inbox); // a concurrent delivery may have made it
            if (made.isEmpty() && e.temporary()) {
                throw e;
            }
            return made;
        }
    }

    private void data(Connection c, LmtpSession s) {
        boolean proxied = s.proxy != null && s.proxy.hasRemoteRecipients();
        if (s.recipients.isEmpty() && !proxied) {
            c.write(LmtpReplies.badSequence(s.sender == null ? "Need MAIL command" : "No valid recipients"));
            return;
        }
        if (!s.recipients.isEmpty()) {
            try {
                s.data = spool.openTemp(settings.defaultPartition());
                s.data.write(traceHeaders(c, s));
            } catch (IOException e) {
                LOG.log(Level.WARNING, "MURDER-LMTP-002 cannot open a spool file", e);
                s.closeData();
                if (!proxied) {
                    c.write(LmtpReplies.temporaryFailure("Cannot store the message now, try again later"));
                    return;
                }
                s.dataFailed = true; // the local recipients hear 451 at the end, the proxied ones are delivered
            }
        }
        c.signalDecoder(START_DATA);
        if (proxied) {
            s.proxying = true;
            s.proxy.data(); // the 354 goes out once the backends have answered their DATA
        } else {
            c.write(LmtpReplies.goAhead());
        }
    }

    /** Cyrus's Return-Path and Received lines, which every delivered copy starts with. */
    private byte[] traceHeaders(Connection c, LmtpSession s) {
        return ("Return-Path: " + s.sender.wire() + "\r\n" + receivedLine(c, s)).getBytes(StandardCharsets.UTF_8);
    }

    /** This node's Received line (a frontend puts it before the message it passes on; the backend adds its own). */
    private String receivedLine(Connection c, LmtpSession s) {
        String date = RFC822.format(Instant.now().atZone(ZoneId.systemDefault()));
        return "Received: from " + clean(s.lhloHost) + " ([" + c.remoteAddress().getAddress().getHostAddress() + "])\r\n"
                + "\tby " + settings.servername() + " (" + settings.product() + " " + settings.version() + ") with LMTP"
                + (s.user != null ? "A" : "") + (c.isTls() ? "S" : "") + ";\r\n"
                + "\t" + date + "\r\n";
    }

    private static String clean(String s) {
        return s == null ? "unknown" : s.replaceAll("[^A-Za-z0-9.\\-\\[\\]:]", "?");
    }

    @Override
    public void onDataChunk(Connection c, byte[] chunk) {
        LmtpSession s = session(c);
        if (s.proxying) {
            s.proxy.chunk(chunk);
        }
        if (s.data == null || s.dataFailed) {
            return;
        }
        try {
            s.data.write(chunk);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "MURDER-LMTP-003 writing the spool file failed", e);
            s.dataFailed = true;
        }
    }

    @Override
    public void onDataEnd(Connection c, long size, boolean tooLarge) {
        LmtpSession s = session(c);
        try {
            if (s.proxying) {
                // the backends' final dots go out first, so that they deliver while this node does
                s.proxy.end(tooLarge, LmtpReplies.messageTooLarge(settings.maxMessageSize()));
            }
            List<byte[]> replies;
            if (s.recipients.isEmpty()) {
                replies = List.of();
            } else if (tooLarge) {
                replies = s.recipients.stream().map(r -> LmtpReplies.messageTooLarge(settings.maxMessageSize())).toList();
            } else if (s.data == null || s.dataFailed) {
                replies = s.recipients.stream().map(r -> LmtpReplies.temporaryFailure("Cannot store the message now")).toList();
            } else {
                replies = deliver(s);
            }
            if (s.proxying) {
                for (int i = 0; i < replies.size(); i++) {
                    s.proxy.localReply(s.recipients.get(i).slot(), replies.get(i));
                }
            } else {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                replies.forEach(all::writeBytes);
                c.write(all.toByteArray());
            }
        } finally {
            s.resetTransaction();
        }
    }

    /** Delivers to this node's recipients; one reply each, in their order. */
    private List<byte[]> deliver(LmtpSession s) {
        Spool.TempMessage file;
        MessageCacheData cache;
        try {
            file = s.data.finish();
            cache = MessageCacheData.parse(file.path());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "MURDER-LMTP-004 cannot prepare the message for delivery", e);
            return s.recipients.stream().map(r -> LmtpReplies.temporaryFailure("Cannot store the message now")).toList();
        }
        Instant now = Instant.now();
        List<byte[]> replies = new java.util.ArrayList<>(s.recipients.size());
        try {
            for (LmtpSession.Rcpt r : s.recipients) {
                DeliveryService.Result result;
                try {
                    result = delivery.deliver(r.mailboxId(), file, cache, now, r.ignoreQuota());
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "MURDER-LMTP-005 delivery to " + r.address() + " failed", e);
                    replies.add(LmtpReplies.temporaryFailure("Delivery failed, try again later"));
                    continue;
                }
                if (result == DeliveryService.Result.DELIVERED) {
                    events.changed(r.mailboxId()); // sessions with it selected hear EXISTS (at once when idling)
                }
                replies.add(switch (result) {
                    case DELIVERED, DUPLICATE -> LmtpReplies.delivered(Optional.empty());
                    case OVER_QUOTA -> LmtpReplies.overQuota(settings.lmtpOverQuotaPermFailure(), Optional.empty());
                    case NO_MAILBOX -> LmtpReplies.userUnknown(false);
                    case MOVING -> LmtpReplies.mailboxMoving();
                });
            }
        } finally {
            spool.delete(file.path());
        }
        return replies;
    }

    // ------------------------------------------------------------------ AUTH

    private void authenticate(Connection c, LmtpSession s, LmtpCommand.Auth a) {
        if (s.user != null) {
            c.write(LmtpReplies.alreadyAuthenticated());
            return;
        }
        if (authenticator.needsTls(c, a.mechanism())) {
            c.write(LmtpReplies.encryptionRequired());
            return;
        }
        Optional<SaslExchange> sasl = authenticator.exchange(a.mechanism(), authenticator::mayActAs);
        if (sasl.isEmpty()) {
            c.write(LmtpReplies.unrecognizedMechanism());
            return;
        }
        SaslExchange exchange = sasl.get();
        answer(c, s, exchange, exchange.start(a.initialResponse()));
    }

    @Override
    public void onContinuation(Connection c, String line) {
        LmtpSession s = session(c);
        SaslExchange exchange = s.sasl;
        s.sasl = null;
        if (exchange == null) {
            c.write(LmtpReplies.reply(500, "5.5.2", "Unexpected continuation"));
            return;
        }
        answer(c, s, exchange, exchange.line(line));
    }

    /** One step of AUTH, in LMTP's words (RFC 4954). */
    private void answer(Connection c, LmtpSession s, SaslExchange exchange, SaslExchange.Step step) {
        if (step instanceof SaslExchange.Challenge challenge) {
            s.sasl = exchange;
            c.expectContinuation(true);
            c.write(LmtpReplies.saslChallenge(java.util.Base64.getDecoder().decode(challenge.base64())));
        } else if (step instanceof SaslExchange.Success success) {
            s.user = success.authorized();
            c.write(LmtpReplies.authenticated());
        } else if (step instanceof SaslExchange.Failure failure) {
            switch (failure.reason()) {
                case MALFORMED -> c.write(LmtpReplies.reply(501, "5.5.2", "Cannot decode the response"));
                case CANCELLED -> c.write(LmtpReplies.authenticationCancelled());
                case AUTHENTICATION_FAILED -> c.write(LmtpReplies.authenticationFailed());
                case AUTHORIZATION_FAILED -> {
                    // an authzid is a claim to act as that user (an admin's rights included): proxyservers and admins only
                    LOG.info(() -> "MURDER-LMTP-007 " + failure.detail() + " (from " + c.remoteAddress() + ")");
                    c.write(LmtpReplies.authorizationFailed());
                }
            }
        }
    }
}
