package org.murder.it.cyrus;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Cyrus murder frontend: the MUPDATE <em>slave</em> ({@code mupdate} without {@code -m}, prefork=1, which
 * keeps this host's mailboxes.db in sync with the master at {@code mupdateHost:mupdatePort}) plus the IMAP and
 * LMTP proxies. Cyrus 3.6 has no separate {@code proxyd}/{@code lmtpproxyd} binaries: {@code imapd} and
 * {@code lmtpd} act as proxies when {@code mupdate_server} is set and {@code proxyservers} is not.
 *
 * <p>{@code user}/{@code password} authenticate both to the master (so {@code user} must be an admin there) and
 * to the backends as proxy ({@code proxy_authname}; so backends need it in their sasldb and proxyservers). It is
 * also this frontend's admin and is created in its sasldb. Users who log in through the frontend need
 * {@link #createUser} here too.</p>
 *
 * <p>Start it after the master is up: Cyrus' slave does not serve its own listener until its initial
 * {@code UPDATE} sync with the master has completed, so {@link #start()} returning means the slave has synced
 * once, and it fails (banner timeout) when the master is unreachable. Should the master go away later the slave
 * reconnects after {@code mupdate_retry_delay} (20 s + jitter; lower it with {@link #option}).</p>
 *
 * <p>Default ports on {@code ip}: 143 (imap), 24 (lmtp), 3905 (the slave's own listener, which nothing in the
 * murder needs but cyrus.conf requires). The proxies reach a backend at its {@code servername} on the service
 * names {@code imap} and {@code lmtp}, i.e. backends must listen on 143 and 24; Debian's /etc/services lacks
 * {@code lmtp}, so LMTP proxying answers {@code 451 4.4.3 Server(s) unavailable} unless the instance runs with
 * a private /etc/services ({@link #usesPrivateServices()}, automatic as root).</p>
 */
public class CyrusFrontend extends CyrusInstance {

    private final String mupdateHost;
    private final int mupdatePort;
    private final String user;
    private final String password;
    private int imapPort = 143;
    private int lmtpPort = 24;
    private int slavePort = 3905;
    /** 0: no POP3 proxy (pop3d) on this frontend. */
    private int pop3Port;

    public CyrusFrontend(Path dir, String ip, String mupdateHost, int mupdatePort, String user, String password) {
        this("frontend-" + ip, dir, ip, mupdateHost, mupdatePort, user, password);
    }

    public CyrusFrontend(String name, Path dir, String ip, String mupdateHost, int mupdatePort, String user,
                         String password) {
        super(name, ip, dir);
        this.mupdateHost = requireSafe("mupdateHost", mupdateHost);
        this.mupdatePort = mupdatePort;
        this.user = requireSafe("user", user);
        this.password = requireSafe("password", password);
        createUser(user, password);
    }

    public CyrusFrontend imapPort(int port) {
        this.imapPort = port;
        return this;
    }

    public CyrusFrontend lmtpPort(int port) {
        this.lmtpPort = port;
        return this;
    }

    /**
     * Runs {@code pop3d} on {@code port} too: on a frontend it proxies a user whose INBOX is on a backend to that
     * backend's {@code pop3} service (110), logging in there as the proxy identity for the user.
     */
    public CyrusFrontend pop3Port(int port) {
        this.pop3Port = port;
        return this;
    }

    public int pop3Port() {
        return pop3Port;
    }

    /** Port of the slave's own MUPDATE listener on {@link #ip()} (default 3905). */
    public CyrusFrontend slavePort(int port) {
        this.slavePort = port;
        return this;
    }

    public int imapPort() {
        return imapPort;
    }

    public int lmtpPort() {
        return lmtpPort;
    }

    public int slavePort() {
        return slavePort;
    }

    @Override
    protected void roleOptions(Map<String, String> o) {
        o.put("admins", user);
        o.put("mupdate_server", mupdateHost + ":" + mupdatePort);
        o.put("mupdate_port", Integer.toString(mupdatePort));
        o.put("mupdate_username", user);
        o.put("mupdate_authname", user);
        o.put("mupdate_password", password);
        o.put("proxy_authname", user);
        o.put("proxy_password", password);
    }

    @Override
    protected List<Service> services() {
        List<Service> services = new java.util.ArrayList<>(List.of(
                new Service("mupdate", "mupdate", List.of(), slavePort, 1, "* AUTH"),
                new Service("imap", "imapd", List.of(), imapPort, 0, "* OK"),
                new Service("lmtp", "lmtpd", List.of(), lmtpPort, 0, "220 ")));
        if (pop3Port > 0) {
            services.add(new Service("pop3", "pop3d", List.of(), pop3Port, 0, "+OK"));
        }
        return services;
    }

    /**
     * Polls this frontend's mailboxes.db (every 250 ms, at most {@code timeout}) until {@code mailbox} is there.
     *
     * @return the entry (its {@code server} is the backend)
     * @throws AssertionError on timeout, with the last dump
     */
    public MailboxEntry awaitMailbox(String mailbox, Duration timeout) {
        Instant t0 = Instant.now();
        Map<String, MailboxEntry> last = Map.of();
        for (int i = 0; i < 10_000; i++) {
            last = dumpMailboxes();
            MailboxEntry e = last.get(mailbox);
            if (e != null && !e.isReserved()) {
                log(mailbox + " visible after " + Duration.between(t0, Instant.now()).toMillis() + " ms");
                return e;
            }
            if (!Instant.now().isBefore(t0.plus(timeout))) {
                break;
            }
            sleep(250);
        }
        throw new AssertionError(mailbox + " did not appear on " + this + " within " + timeout
                + "; mailboxes.db has " + last.keySet());
    }

    /** Polls until {@code mailbox} is gone from this frontend's mailboxes.db (at most {@code timeout}). */
    public void awaitNoMailbox(String mailbox, Duration timeout) {
        Instant t0 = Instant.now();
        Map<String, MailboxEntry> last = Map.of();
        for (int i = 0; i < 10_000; i++) {
            last = dumpMailboxes();
            if (!last.containsKey(mailbox)) {
                log(mailbox + " gone after " + Duration.between(t0, Instant.now()).toMillis() + " ms");
                return;
            }
            if (!Instant.now().isBefore(t0.plus(timeout))) {
                break;
            }
            sleep(250);
        }
        throw new AssertionError(mailbox + " still on " + this + " after " + timeout + ": " + last.get(mailbox));
    }

    /** The entry for {@code mailbox} in this frontend's mailboxes.db right now, if any. */
    public Optional<MailboxEntry> mailbox(String mailbox) {
        return Optional.ofNullable(dumpMailboxes().get(mailbox));
    }

    /** An IMAP connection to this frontend's proxy, logged in as {@code user}. Close it when done. */
    public ImapAdminClient imap(String user, String password) {
        return imapLogin(imapPort, user, password);
    }

    /** An LMTP connection to this frontend's LMTP proxy, after LHLO and AUTH PLAIN as {@code user}. Close it when done. */
    public LmtpClient lmtp(String user, String password) {
        return lmtpLogin(lmtpPort, user, password);
    }

    // covariant overrides, for fluent set-up

    @Override
    public CyrusFrontend createUser(String user, String password) {
        super.createUser(user, password);
        return this;
    }

    @Override
    public CyrusFrontend createUsers(Map<String, String> usersAndPasswords) {
        super.createUsers(usersAndPasswords);
        return this;
    }

    @Override
    public CyrusFrontend option(String key, String value) {
        super.option(key, value);
        return this;
    }

    @Override
    public CyrusFrontend start() {
        super.start();
        return this;
    }

    @Override
    public CyrusFrontend start(Duration timeout) {
        super.start(timeout);
        return this;
    }
}
