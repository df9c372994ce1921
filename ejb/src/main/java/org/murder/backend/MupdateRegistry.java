package org.murder.backend;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import javax.security.sasl.SaslException;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;
import org.murder.protocol.mupdate.Location;
import org.murder.protocol.mupdate.MupdateClient;
import org.murder.protocol.mupdate.MupdateResponse;
import org.murder.protocol.sasl.SaslClientExchange;

/**
 * The registry over MUPDATE, as a Cyrus backend does it: one short connection per operation (one per push),
 * authenticated with mupdate_authname / mupdate_password (acting as mupdate_username when given) by the
 * strongest SASL mechanism the master offers. It works with our master and with Cyrus's.
 *
 * <p>Every connection is bounded ({@code client_timeout}, as Cyrus's backend_connect), and a master found unreachable
 * is not tried again for as long ({@link MasterAvailability}): the calls fail at once, so a CREATE while the master is
 * down is refused quickly and no more than one call at a time waits for it. A separate connection, kept open and NOOPed by
 * {@link #heartbeat()}, notices a master that went away and came back even when no call was made meanwhile.</p>
 */
public final class MupdateRegistry implements MurderRegistry {

    private static final Logger LOG = Logger.getLogger(MupdateRegistry.class.getName());

    private final String host;
    private final int port;
    private final String authname;
    private final String username;
    private final String password;
    private final String servername;
    private final Duration timeout;
    private final MasterAvailability availability;
    /** The heartbeat's own connection (only the heartbeat's timer uses it). */
    private MupdateClient watch;

    public MupdateRegistry(String host, int port, String authname, String username, String password, String servername,
                           Duration timeout, Duration retryDelay) {
        this.host = host;
        this.port = port;
        this.authname = authname;
        this.username = username;
        this.password = password;
        this.servername = servername;
        this.timeout = timeout;
        this.availability = new MasterAvailability(retryDelay);
    }

    /** {@code mupdate_server} may carry the port ({@code host:3905}), as Debian's Cyrus needs. */
    public static MupdateRegistry of(String mupdateServer, int defaultPort, String authname, String username,
                                     String password, String servername, Duration timeout, Duration retryDelay) {
        String host = mupdateServer;
        int port = defaultPort;
        int colon = mupdateServer.lastIndexOf(':');
        if (colon > 0 && mupdateServer.indexOf(':') == colon) {
            host = mupdateServer.substring(0, colon);
            port = Integer.parseInt(mupdateServer.substring(colon + 1));
        }
        return new MupdateRegistry(host, port, authname, username, password, servername, timeout, retryDelay);
    }

    /** With Cyrus's default {@code client_timeout}, 10 s. */
    public static MupdateRegistry of(String mupdateServer, int defaultPort, String authname, String username,
                                     String password, String servername) {
        return of(mupdateServer, defaultPort, authname, username, password, servername, Duration.ofSeconds(10),
                Duration.ofSeconds(10));
    }

    /** host:port of the master, for logs and messages. */
    public String endpoint() {
        return host + ":" + port;
    }

    @Override
    public boolean joined() {
        return true;
    }

    @Override
    public Optional<Instant> masterDownSince() {
        return availability.downSince();
    }

    private interface Call<T> {
        T run(MupdateClient c) throws IOException, RegistryException;
    }

    /** One connection for {@code call}: connect, log in, run, LOGOUT. */
    private <T> T withMaster(String what, Call<T> call) throws RegistryException {
        if (!availability.mayTry(Instant.now())) {
            throw new RegistryException("MUPDATE master " + endpoint() + " unreachable since "
                    + availability.downSince().map(Instant::toString).orElse("?") + " (" + availability.why()
                    + "); " + what + " not tried", true, null);
        }
        try (MupdateClient c = open(what)) {
            reached();
            T result = call.run(c);
            c.logout();
            return result;
        } catch (SaslException e) {
            lost(e.getMessage());
            throw new RegistryException("MUPDATE master " + endpoint() + ": no login as " + authname + " during "
                    + what + ": " + e.getMessage(), true, e);
        } catch (IOException e) {
            lost(e.getMessage());
            throw new RegistryException("MUPDATE master " + endpoint() + " unreachable during " + what + ": "
                    + e.getMessage(), true, e);
        }
    }

    /** A connection, logged in; a refused login is an exception (not a reachability problem). */
    private MupdateClient open(String what) throws IOException, RegistryException {
        MupdateClient c = new MupdateClient(host, port, timeout);
        try {
            String authzid = username.isEmpty() || username.equals(authname) ? "" : username;
            MupdateResponse.Completion auth = c.authenticate(login(c, authzid));
            if (auth.status() != MupdateResponse.Status.OK) {
                throw new RegistryException("MUPDATE master " + endpoint() + " refused our login as " + authname
                        + " during " + what + ": " + auth.text(), true, null);
            }
            return c;
        } catch (IOException | RegistryException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void reached() {
        MasterAvailability.Transition t = availability.reached(Instant.now());
        if (t == MasterAvailability.Transition.RETURNED) {
            LOG.info(() -> "MURDER-BE-031 the MUPDATE master " + endpoint() + " answers again");
        }
    }

    private void lost(String why) {
        if (availability.lost(why, Instant.now()) == MasterAvailability.Transition.LOST) {
            logLost(why);
        }
    }

    /** Once per outage; a master this node never reached yet (the murder starting) is not worth a warning. */
    private void logLost(String why) {
        java.util.logging.Level level = availability.everReached() ? java.util.logging.Level.WARNING
                : java.util.logging.Level.INFO;
        LOG.log(level, () -> "MURDER-BE-030 the MUPDATE master " + endpoint() + " is unreachable (" + why + "): mailboxes"
                + " cannot be created, deleted or renamed until it is back; delivery and reading go on");
    }

    @Override
    public synchronized MasterAvailability.Transition heartbeat() {
        boolean broke = false;
        if (watch != null) {
            try {
                if (watch.noop().status() == MupdateResponse.Status.OK) {
                    return availability.reached(Instant.now());
                }
            } catch (IOException | RuntimeException e) {
                LOG.fine(() -> "the heartbeat's connection to " + endpoint() + " broke: " + e.getMessage());
            }
            closeWatch();
            broke = true;
        }
        try {
            watch = open("the heartbeat");
            if (watch.noop().status() != MupdateResponse.Status.OK) {
                throw new IOException("NOOP refused");
            }
            MasterAvailability.Transition t = availability.reached(Instant.now());
            if (t == MasterAvailability.Transition.NONE && broke) {
                // the connection broke and a new one came at once: the master may have restarted in between
                LOG.info(() -> "MURDER-BE-031 the MUPDATE master " + endpoint() + " answers again (its connection broke)");
                t = MasterAvailability.Transition.RETURNED;
            } else if (t == MasterAvailability.Transition.RETURNED) {
                LOG.info(() -> "MURDER-BE-031 the MUPDATE master " + endpoint() + " answers again");
            }
            return t;
        } catch (IOException | RegistryException | RuntimeException e) {
            closeWatch();
            MasterAvailability.Transition t = availability.lost(e.getMessage(), Instant.now());
            if (t == MasterAvailability.Transition.LOST) {
                logLost(e.getMessage());
            }
            return t;
        }
    }

    /** The heartbeat's connection, closed (at undeployment, or when it broke). */
    public synchronized void closeWatch() {
        if (watch != null) {
            try {
                watch.close();
            } catch (IOException | RuntimeException ignored) {
                // it is being dropped anyway
            }
            watch = null;
        }
    }

    /**
     * The exchange with the strongest mechanism the master offers (SCRAM before PLAIN). As Cyrus's backend does:
     * when none is usable in the clear (allowplaintext off and no SCRAM), STARTTLS first and ask again; the master's
     * certificate must be trusted by the JVM (javax.net.ssl.trustStore).
     */
    private SaslClientExchange login(MupdateClient c, String authzid) throws IOException {
        MupdateClient.Banner banner = c.greeting();
        try {
            return new SaslClientExchange(banner.authMechanisms(), authname, password.toCharArray(), authzid);
        } catch (SaslException e) {
            if (!banner.has("STARTTLS")) {
                throw e;
            }
        }
        banner = c.startTls((javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault());
        return new SaslClientExchange(banner.authMechanisms(), authname, password.toCharArray(), authzid);
    }

    private static void expectOk(String what, MupdateResponse.Completion c) throws RegistryException {
        if (c.status() != MupdateResponse.Status.OK) {
            throw new RegistryException(what + " refused by the MUPDATE master: " + c.text(), false, null);
        }
    }

    @Override
    public void reserve(String mailbox, String partition) throws RegistryException {
        withMaster("RESERVE", m -> on(m).reserveNow(mailbox, partition));
    }

    @Override
    public void activate(String mailbox, String partition, String acl) throws RegistryException {
        withMaster("ACTIVATE", m -> on(m).activateNow(mailbox, partition, acl));
    }

    @Override
    public void deactivate(String mailbox, String partition) throws RegistryException {
        withMaster("DEACTIVATE", m -> on(m).deactivateNow(mailbox, partition));
    }

    @Override
    public void activateAt(String mailbox, String server, String partition, String acl) throws RegistryException {
        withMaster("ACTIVATE", m -> on(m).activateAtNow(mailbox, server, partition, acl));
    }

    @Override
    public void delete(String mailbox) throws RegistryException {
        withMaster("DELETE", m -> on(m).deleteNow(mailbox));
    }

    @Override
    public Optional<MailboxRecord> find(String mailbox) throws RegistryException {
        return withMaster("FIND", m -> on(m).findNow(mailbox));
    }

    @Override
    public List<MailboxRecord> listOwn() throws RegistryException {
        return withMaster("LIST", m -> on(m).listOwnNow());
    }

    /** Every call of {@code work} on one connection; a broken connection ends the batch (the master is unreachable). */
    @Override
    public <T> T batch(Batch<T> work) throws RegistryException {
        return withMaster("a push", m -> work.run(on(m)));
    }

    private Session on(MupdateClient c) {
        return new Session(c);
    }

    /** The calls on one open connection. */
    private final class Session implements MurderRegistry {
        private final MupdateClient c;

        Session(MupdateClient c) {
            this.c = c;
        }

        @Override
        public boolean joined() {
            return true;
        }

        private <T> T io(String what, Call<T> call) throws RegistryException {
            try {
                return call.run(c);
            } catch (IOException e) {
                lost(e.getMessage());
                throw new RegistryException("MUPDATE master " + endpoint() + " unreachable during " + what + ": "
                        + e.getMessage(), true, e);
            }
        }

        Void reserveNow(String mailbox, String partition) throws RegistryException {
            expectOk("RESERVE " + mailbox, io("RESERVE", m -> m.reserve(mailbox, new Location(servername, partition))));
            return null;
        }

        Void activateNow(String mailbox, String partition, String acl) throws RegistryException {
            expectOk("ACTIVATE " + mailbox, io("ACTIVATE", m -> m.activate(mailbox, new Location(servername, partition), acl)));
            return null;
        }

        Void activateAtNow(String mailbox, String server, String partition, String acl) throws RegistryException {
            expectOk("ACTIVATE " + mailbox, io("ACTIVATE", m -> m.activate(mailbox, new Location(server, partition), acl)));
            return null;
        }

        @Override
        public void activateAt(String mailbox, String server, String partition, String acl) throws RegistryException {
            activateAtNow(mailbox, server, partition, acl);
        }

        Void deactivateNow(String mailbox, String partition) throws RegistryException {
            expectOk("DEACTIVATE " + mailbox, io("DEACTIVATE", m -> m.deactivate(mailbox, new Location(servername, partition))));
            return null;
        }

        Void deleteNow(String mailbox) throws RegistryException {
            expectOk("DELETE " + mailbox, io("DELETE", m -> m.delete(mailbox)));
            return null;
        }

        Optional<MailboxRecord> findNow(String mailbox) throws RegistryException {
            MupdateClient.Reply reply = io("FIND", m -> m.find(mailbox));
            expectOk("FIND " + mailbox, reply.completion());
            for (MupdateResponse r : reply.data()) {
                if (r instanceof MupdateResponse.MailboxData d && d.name().equals(mailbox)) {
                    return Optional.of(new MailboxRecord(d.name(), d.location().server(), d.location().partition(),
                            d.acl(), MailboxKind.ACTIVE, 0));
                } else if (r instanceof MupdateResponse.ReserveData d && d.name().equals(mailbox)) {
                    return Optional.of(new MailboxRecord(d.name(), d.location().server(), d.location().partition(),
                            "", MailboxKind.RESERVED, 0));
                }
            }
            return Optional.empty();
        }

        List<MailboxRecord> listOwnNow() throws RegistryException {
            MupdateClient.Reply reply = io("LIST", m -> m.list(servername + "!"));
            expectOk("LIST", reply.completion());
            List<MailboxRecord> out = new ArrayList<>();
            for (MupdateResponse r : reply.data()) {
                if (r instanceof MupdateResponse.MailboxData d && d.location().server().equals(servername)) {
                    out.add(new MailboxRecord(d.name(), d.location().server(), d.location().partition(), d.acl(),
                            MailboxKind.ACTIVE, 0));
                } else if (r instanceof MupdateResponse.ReserveData d && d.location().server().equals(servername)) {
                    out.add(new MailboxRecord(d.name(), d.location().server(), d.location().partition(), "",
                            MailboxKind.RESERVED, 0));
                }
            }
            return out;
        }

        @Override
        public void reserve(String mailbox, String partition) throws RegistryException {
            reserveNow(mailbox, partition);
        }

        @Override
        public void activate(String mailbox, String partition, String acl) throws RegistryException {
            activateNow(mailbox, partition, acl);
        }

        @Override
        public void deactivate(String mailbox, String partition) throws RegistryException {
            deactivateNow(mailbox, partition);
        }

        @Override
        public void delete(String mailbox) throws RegistryException {
            deleteNow(mailbox);
        }

        @Override
        public Optional<MailboxRecord> find(String mailbox) throws RegistryException {
            return findNow(mailbox);
        }

        @Override
        public List<MailboxRecord> listOwn() throws RegistryException {
            return listOwnNow();
        }
    }
}
