package org.murder.it.cyrus;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Cyrus murder backend: {@code imapd} and {@code lmtpd} (TCP; Cyrus requires AUTH on TCP LMTP) on {@code ip},
 * reporting every mailbox change to the MUPDATE master at {@code mupdateHost:mupdatePort}.
 *
 * <p>Defaults: ports 143 (imap) and 24 (lmtp) - a frontend proxies to a backend at {@code servername} on the
 * standard ports only, so keep them unless no frontend is involved; {@code servername} = {@code ip} (so MUPDATE
 * locations read {@code 127.0.0.11!default}); {@code admins} = the given admins, or {@code mupdateUser} if none;
 * {@code proxyservers} = {@code mupdateUser} (a non-empty proxyservers is what makes Cyrus 3.6's imapd/lmtpd a
 * backend rather than a proxy); {@code proxy_authname}/{@code proxy_password} = the MUPDATE credentials (used for
 * backend-to-backend moves). The MUPDATE user is created in this backend's sasldb at start so frontends can
 * authenticate to it as proxy and the admin client can log in with it.</p>
 *
 * <p>Cyrus 3.6 ignores {@code mupdate_port} when it connects (it resolves the service name {@code mupdate},
 * absent from Debian's /etc/services), so the harness writes {@code mupdate_server: host:port}.</p>
 */
public class CyrusBackend extends CyrusInstance {

    private final String mupdateHost;
    private final int mupdatePort;
    private final String mupdateUser;
    private final String mupdatePassword;
    private final List<String> admins;
    private List<String> proxyServers;
    private int imapPort = 143;
    private int lmtpPort = 24;
    private int pop3Port;
    private boolean pushOnStart;

    public CyrusBackend(Path dir, String ip, String mupdateHost, int mupdatePort, String mupdateUser,
                        String mupdatePassword, String... admins) {
        this("backend-" + ip, dir, ip, mupdateHost, mupdatePort, mupdateUser, mupdatePassword, admins);
    }

    public CyrusBackend(String name, Path dir, String ip, String mupdateHost, int mupdatePort, String mupdateUser,
                        String mupdatePassword, String... admins) {
        super(name, ip, dir);
        this.mupdateHost = requireSafe("mupdateHost", mupdateHost);
        this.mupdatePort = mupdatePort;
        this.mupdateUser = requireSafe("mupdateUser", mupdateUser);
        this.mupdatePassword = requireSafe("mupdatePassword", mupdatePassword);
        this.admins = admins.length == 0 ? List.of(mupdateUser) : List.of(admins);
        this.admins.forEach(a -> requireSafe("admin", a));
        this.proxyServers = List.of(mupdateUser);
        createUser(mupdateUser, mupdatePassword);
    }

    /** IMAP port on {@link #ip()} (default 143). Call before {@link #start()}. */
    public CyrusBackend imapPort(int port) {
        this.imapPort = port;
        return this;
    }

    /** LMTP port on {@link #ip()} (default 24). Call before {@link #start()}. */
    public CyrusBackend lmtpPort(int port) {
        this.lmtpPort = port;
        return this;
    }

    /** Runs {@code pop3d} on {@link #ip()} at this port too (0, the default: no POP3). Call before {@link #start()}. */
    public CyrusBackend pop3Port(int port) {
        this.pop3Port = port;
        return this;
    }

    /** The users frontends proxy as (default: the MUPDATE user). Must not be empty. */
    public CyrusBackend proxyServers(String... users) {
        if (users.length == 0) {
            throw new IllegalArgumentException("a backend needs proxyservers, or Cyrus 3.6 runs it as a frontend");
        }
        this.proxyServers = List.of(users);
        return this;
    }

    /** Adds {@code ctl_mboxlist -m} to START, as Cyrus' install guide suggests (default off). */
    public CyrusBackend pushOnStart(boolean push) {
        this.pushOnStart = push;
        return this;
    }

    public int imapPort() {
        return imapPort;
    }

    public int lmtpPort() {
        return lmtpPort;
    }

    public String mupdateUser() {
        return mupdateUser;
    }

    public String mupdatePassword() {
        return mupdatePassword;
    }

    public List<String> admins() {
        return admins;
    }

    @Override
    protected void roleOptions(Map<String, String> o) {
        o.put("admins", String.join(" ", admins));
        o.put("proxyservers", String.join(" ", proxyServers));
        o.put("mupdate_server", mupdateHost + ":" + mupdatePort);
        o.put("mupdate_port", Integer.toString(mupdatePort));
        o.put("mupdate_username", mupdateUser);
        o.put("mupdate_authname", mupdateUser);
        o.put("mupdate_password", mupdatePassword);
        o.put("proxy_authname", mupdateUser);
        o.put("proxy_password", mupdatePassword);
    }

    @Override
    protected List<Service> services() {
        List<Service> services = new ArrayList<>(List.of(
                new Service("imap", "imapd", List.of(), imapPort, 0, "* OK"),
                new Service("lmtp", "lmtpd", List.of(), lmtpPort, 0, "220 ")));
        if (pop3Port > 0) {
            services.add(new Service("pop3", "pop3d", List.of(), pop3Port, 0, "+OK"));
        }
        return services;
    }

    @Override
    protected Map<String, List<String>> extraStartCommands() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (pushOnStart) {
            m.put("mupdatepush", List.of("ctl_mboxlist", "-m"));
        }
        return m;
    }

    /** {@code ctl_mboxlist -m}: pushes this backend's mailboxes.db to the MUPDATE master. */
    public ToolResult ctlMboxlistPush() {
        return runTool(DEFAULT_TOOL_TIMEOUT, "ctl_mboxlist", "-m");
    }

    /** {@code ctl_mboxlist -m -w}: prints what a push would do without doing it. */
    public ToolResult ctlMboxlistPushDryRun() {
        return runTool(DEFAULT_TOOL_TIMEOUT, "ctl_mboxlist", "-m", "-w");
    }

    /** Runs any {@code ctl_mboxlist} invocation (e.g. {@code "-m", "-a"}) with the default time limit. */
    public ToolResult ctlMboxlist(String... args) {
        return runTool(DEFAULT_TOOL_TIMEOUT, "ctl_mboxlist", args);
    }

    /** An IMAP connection to this backend, logged in as {@code user}. Close it when done. */
    public ImapAdminClient imap(String user, String password) {
        return imapLogin(imapPort, user, password);
    }

    /** An IMAP connection logged in with the MUPDATE credentials (an admin unless admins were given explicitly). */
    public ImapAdminClient imapAdmin() {
        return imap(mupdateUser, mupdatePassword);
    }

    /** One-shot: logs in as the MUPDATE user and runs CREATE for every name; returns the tagged results. */
    public List<ImapAdminClient.Result> createMailboxes(String... mailboxes) {
        List<ImapAdminClient.Result> results = new ArrayList<>();
        try (ImapAdminClient c = imapAdmin()) {
            for (String m : mailboxes) {
                results.add(c.create(m));
            }
        }
        return results;
    }

    /** An LMTP connection to this backend, after LHLO and AUTH PLAIN as {@code user}. Close it when done. */
    public LmtpClient lmtp(String user, String password) {
        return lmtpLogin(lmtpPort, user, password);
    }

    // covariant overrides, for fluent set-up

    @Override
    public CyrusBackend createUser(String user, String password) {
        super.createUser(user, password);
        return this;
    }

    @Override
    public CyrusBackend createUsers(Map<String, String> usersAndPasswords) {
        super.createUsers(usersAndPasswords);
        return this;
    }

    @Override
    public CyrusBackend option(String key, String value) {
        super.option(key, value);
        return this;
    }

    @Override
    public CyrusBackend start() {
        super.start();
        return this;
    }

    @Override
    public CyrusBackend start(Duration timeout) {
        super.start(timeout);
        return this;
    }
}
