package org.murder.frontend;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.backend.MupdateRegistry;
import org.murder.config.MurderSettings;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;
import org.murder.protocol.mupdate.MupdateClient;
import org.murder.protocol.mupdate.MupdateResponse;
import org.murder.protocol.sasl.SaslClientExchange;

/**
 * A frontend's map copy fed by any RFC 3656 master's UPDATE stream ({@code mupdate_follow: update}), e.g. Cyrus's
 * {@code mupdate} master, instead of our master's topic and REST snapshots: log in to {@code mupdate_server} as
 * {@code mupdate_authname} (an admin there), {@code UPDATE}, take the dump up to {@code OK "streaming starts"} as the
 * whole map, then apply each streamed MAILBOX / RESERVE / DELETE as it comes, as Cyrus's mupdate slave does. A lost
 * connection makes the copy unsynchronized (a name it lacks is then uncertain, not unknown) and is retried after
 * {@code mupdate_retry_delay} seconds (Cyrus's name; default 20) plus up to half of that again at random, the first
 * retries sooner (1, 2, 4 … seconds up to that delay).
 *
 * <p>One dedicated thread per node (from the container's managed thread factory) holds this one blocking
 * connection: it is a single long-lived stream, so no worker of a pool is taken from the sessions. Every
 * {@code NOOP_SECONDS} of silence it sends NOOP (Cyrus's barrier), which also proves the master still answers.</p>
 */
@Singleton
@Startup
@DependsOn("MapCopy")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class MupdateFollower {

    private static final Logger LOG = Logger.getLogger(MupdateFollower.class.getName());
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long NOOP_SECONDS = 30;

    @EJB
    MapCopy copy;

    @Inject
    MurderSettings settings;

    @Resource
    ManagedThreadFactory threads;

    private volatile boolean running;
    private volatile MupdateClient client;
    private Thread thread;

    @PostConstruct
    void start() {
        if (!copy.followsUpdateStream()) {
            return;
        }
        running = true;
        thread = threads.newThread(this::run);
        thread.setName("murder-mupdate-follower");
        thread.start();
    }

    @PreDestroy
    void stop() {
        running = false;
        closeClient();
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void run() {
        MupdateRegistry target = MupdateRegistry.of(settings.mupdateServer(), settings.mupdatePort(), "", "", "", "");
        long retryMax = settings.mupdateRetryDelay();
        long backoff = 1;
        while (running) {
            try {
                follow(target);
                backoff = 1;
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    return;
                }
                copy.streamLost();
                long delay = Math.min(backoff, retryMax);
                long wait = delay * 1000 + (delay >= retryMax ? ThreadLocalRandom.current().nextLong(delay * 500 + 1) : 0);
                LOG.log(Level.WARNING, "MURDER-COPY-010 UPDATE stream from " + target.endpoint() + " lost or refused ("
                        + e.getMessage() + "); retrying in " + wait + " ms", LOG.isLoggable(Level.FINE) ? e : null);
                backoff = Math.min(retryMax, backoff * 2);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException ie) {
                    return;
                }
            } finally {
                closeClient();
            }
        }
    }

    /** One connection: login, UPDATE, the dump, then changes until it breaks (an exception) or the node stops. */
    private void follow(MupdateRegistry target) throws IOException {
        String[] hostPort = splitEndpoint(target.endpoint());
        MupdateClient c = new MupdateClient(hostPort[0], Integer.parseInt(hostPort[1]), TIMEOUT);
        client = c;
        String authname = settings.mupdateAuthname();
        String username = settings.mupdateUsername();
        String authzid = username.isEmpty() || username.equals(authname) ? "" : username;
        MupdateResponse.Completion auth = c.authenticate(login(c, authname, authzid));
        if (!auth.ok()) {
            throw new IOException("login as " + authname + " refused: " + auth.status() + " " + auth.text());
        }
        MupdateClient.Reply dump = c.startUpdate(List.of());
        if (!dump.ok()) {
            throw new IOException("UPDATE refused: " + dump.completion().status() + " " + dump.completion().text());
        }
        List<MailboxRecord> all = new ArrayList<>(dump.data().size());
        for (MupdateResponse r : dump.data()) {
            record(r).filter(m -> m.kind() != MailboxKind.DELETED).ifPresent(all::add);
        }
        copy.replaceFromStream(all, target.endpoint());
        long quietSince = System.nanoTime();
        while (running) {
            MupdateResponse r;
            try {
                r = c.nextStreamed(Duration.ofSeconds(NOOP_SECONDS));
            } catch (SocketTimeoutException quiet) {
                MupdateResponse.Completion noop = c.noop();
                if (!noop.ok()) {
                    throw new IOException("NOOP refused: " + noop.status() + " " + noop.text());
                }
                continue;
            }
            if (r instanceof MupdateResponse.Bye bye) {
                throw new IOException("the master said BYE: " + bye.text());
            }
            record(r).ifPresent(copy::applyFromStream);
        }
    }

    /** A mechanism the banner offers in the clear, else STARTTLS first (as our backends log in to a master). */
    private SaslClientExchange login(MupdateClient c, String authname, String authzid) throws IOException {
        MupdateClient.Banner banner = c.greeting();
        try {
            return new SaslClientExchange(banner.authMechanisms(), authname, settings.mupdatePassword().toCharArray(), authzid);
        } catch (javax.security.sasl.SaslException e) {
            if (!banner.has("STARTTLS")) {
                throw e;
            }
        }
        banner = c.startTls((javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault());
        return new SaslClientExchange(banner.authMechanisms(), authname, settings.mupdatePassword().toCharArray(), authzid);
    }

    /** A streamed response as a change of the copy (its version is the copy's to give). */
    static Optional<MailboxRecord> record(MupdateResponse r) {
        if (r instanceof MupdateResponse.MailboxData m) {
            return Optional.of(new MailboxRecord(m.name(), m.location().server(), m.location().partition(), m.acl(),
                    MailboxKind.ACTIVE, 0));
        } else if (r instanceof MupdateResponse.ReserveData m) {
            return Optional.of(new MailboxRecord(m.name(), m.location().server(), m.location().partition(), "",
                    MailboxKind.RESERVED, 0));
        } else if (r instanceof MupdateResponse.DeleteData m) {
            return Optional.of(MailboxRecord.deleted(m.name(), "", "", 0));
        }
        return Optional.empty();
    }

    private static String[] splitEndpoint(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        return new String[] {endpoint.substring(0, colon), endpoint.substring(colon + 1)};
    }

    private void closeClient() {
        MupdateClient c = client;
        client = null;
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // going anyway
            }
        }
    }
}
