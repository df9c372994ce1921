package org.murder.it.cyrus;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One private Cyrus 3.6 installation (Debian binaries) in a directory of its own, run by its own {@code master}
 * process bound to a single loopback address.
 *
 * <p>The instance writes {@code imapd.conf}, {@code cyrus.conf} and a SASL {@code sasldb2} into the directory it is
 * given, never reads or touches {@code /etc/imapd.conf}, {@code /etc/cyrus.conf}, {@code /var/lib/cyrus} or the
 * system service: every command line in the generated {@code cyrus.conf} carries an explicit {@code -C}
 * (Cyrus' {@code master -C} is <em>not</em> inherited by the children it spawns).</p>
 *
 * <p>Layout of {@link #dir()}: {@code imapd.conf}, {@code cyrus.conf}, {@code sasldb2}, {@code master.log} (the
 * master's stdout/stderr; Cyrus itself only logs to syslog, which is usually absent here), {@code conf/} (the
 * configdirectory, with {@code socket/}, {@code proc/}, {@code lock/}, {@code log/}), {@code spool/}
 * (partition-default), {@code run/master.pid}, {@code tools/} (output of every tool run), {@code services} (see
 * {@link #usesPrivateServices()}).</p>
 *
 * <p>Running as root: Cyrus' master switches to user {@code cyrus} itself (as do the tools), so the harness
 * chowns the directory to {@code cyrus:mail} (override with {@code -Dcyrus.user} / {@code -Dcyrus.group}) and makes
 * sure the cyrus user can traverse its ancestors. Not root: it exports {@code CYRUS_USER=<current user>} and the
 * ports must be unprivileged.</p>
 *
 * <p>Every started instance is registered for a JVM shutdown hook; {@link #stop()} sends SIGTERM to the master
 * (which stops its children), escalates to SIGKILL and finally kills by pid any process whose command line
 * names this instance's {@code imapd.conf}.</p>
 */
public abstract class CyrusInstance implements AutoCloseable {

    /** Where Debian installs the Cyrus daemons and tools. */
    public static final Path CYRUS_BIN = Path.of(System.getProperty("cyrus.bin", "/usr/lib/cyrus/bin"));
    public static final Path SASLPASSWD2 = Path.of(System.getProperty("cyrus.saslpasswd2", "/usr/sbin/saslpasswd2"));

    static final String CYRUS_USER = System.getProperty("cyrus.user", "cyrus");
    static final String CYRUS_GROUP = System.getProperty("cyrus.group", "mail");
    static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_TOOL_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_UNIX_SOCKET_PATH = 100;

    private static final Set<CyrusInstance> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Object HOOK_LOCK = new Object();
    private static boolean hookInstalled;

    /** A listening service of {@code cyrus.conf}'s SERVICES section. */
    protected record Service(String name, String binary, List<String> args, int port, int prefork,
                             String bannerPrefix) {
    }

    private final String name;
    private final String ip;
    private final Path dir;
    private final Map<String, String> extraOptions = new LinkedHashMap<>();
    private final Map<String, String> pendingUsers = new LinkedHashMap<>();
    private final AtomicInteger toolRuns = new AtomicInteger();
    private Process master;
    private Instant startedAt;
    private boolean privateServices;

    protected CyrusInstance(String name, String ip, Path dir) {
        this.name = requireSafe("name", name);
        this.ip = requireLoopback(ip);
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
        requireSafe("dir", this.dir.toString());
    }

    // ------------------------------------------------------------------ role hooks

    /** The SERVICES of this role; every port is bound on {@link #ip()} only. */
    protected abstract List<Service> services();

    /** imapd.conf options specific to the role (applied after the common ones, before {@link #option}). */
    protected abstract void roleOptions(Map<String, String> options);

    /** Extra START entries (name to command line without the binary directory and -C) run after recovery. */
    protected Map<String, List<String>> extraStartCommands() {
        return Map.of();
    }

    // ------------------------------------------------------------------ accessors

    public String name() {
        return name;
    }

    public String ip() {
        return ip;
    }

    public Path dir() {
        return dir;
    }

    public Path imapdConf() {
        return dir.resolve("imapd.conf");
    }

    public Path cyrusConf() {
        return dir.resolve("cyrus.conf");
    }

    public Path configDirectory() {
        return dir.resolve("conf");
    }

    public Path spoolDirectory() {
        return dir.resolve("spool");
    }

    public Path sasldb() {
        return dir.resolve("sasldb2");
    }

    public Path masterLog() {
        return dir.resolve("master.log");
    }

    public Path pidFile() {
        return dir.resolve("run").resolve("master.pid");
    }

    /** The OS pid of this instance's master process, if running. */
    public synchronized Optional<Long> masterPid() {
        return master != null && master.isAlive() ? Optional.of(master.pid()) : Optional.empty();
    }

    public synchronized boolean isRunning() {
        return master != null && master.isAlive();
    }

    /**
     * Adds or overrides an imapd.conf option. Takes effect at {@link #start()} (a running instance would need a
     * restart). A {@code null} value removes an option the harness would otherwise write.
     */
    public synchronized CyrusInstance option(String key, String value) {
        extraOptions.put(key, value);
        return this;
    }

    /** The effective imapd.conf options (common + role + overrides), in file order. */
    public synchronized Map<String, String> effectiveOptions() {
        Map<String, String> o = new LinkedHashMap<>();
        commonOptions(o);
        roleOptions(o);
        extraOptions.forEach((k, v) -> {
            if (v == null) {
                o.remove(k);
            } else {
                o.put(k, v);
            }
        });
        return o;
    }

    // ------------------------------------------------------------------ users

    /** Creates (or replaces) a SASL user in this instance's sasldb, realm = servername = {@link #ip()}. */
    public synchronized CyrusInstance createUser(String user, String password) {
        requireSafe("user", user);
        Objects.requireNonNull(password, "password");
        if (!Files.isDirectory(dir)) {
            pendingUsers.put(user, password); // written at start, once the directory exists
            return this;
        }
        saslpasswd(user, password);
        return this;
    }

    /** Creates several SASL users (user to password). */
    public synchronized CyrusInstance createUsers(Map<String, String> usersAndPasswords) {
        usersAndPasswords.forEach(this::createUser);
        return this;
    }

    private void saslpasswd(String user, String password) {
        List<String> cmd = List.of(SASLPASSWD2.toString(), "-p", "-c", "-f", sasldb().toString(), "-u", ip, user);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(password.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("saslpasswd2 timed out for " + user);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("saslpasswd2 failed for " + user + " (exit " + p.exitValue() + "): " + out);
            }
            Files.setPosixFilePermissions(sasldb(), EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ));
            if (isRoot()) {
                chown(sasldb());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("saslpasswd2 for " + user, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    public CyrusInstance start() {
        return start(DEFAULT_START_TIMEOUT);
    }

    /**
     * Writes the configuration, starts {@code master} and waits (at most {@code timeout}) until every service
     * answers with its banner. On failure everything started is stopped and an exception with the master log and
     * configuration is thrown.
     */
    public synchronized CyrusInstance start(Duration timeout) {
        if (master != null) {
            throw new IllegalStateException(this + " already started");
        }
        Instant deadline = Instant.now().plus(timeout);
        List<Service> services = services();
        checkPortsFree(services);
        try {
            layout();
            writeImapdConf();
            writeCyrusConf(services);
            for (Map.Entry<String, String> u : pendingUsers.entrySet()) {
                saslpasswd(u.getKey(), u.getValue());
            }
            pendingUsers.clear();
            if (isRoot()) {
                chownTree(dir);
                ensureTraversable(dir);
            }
            List<String> cmd = new ArrayList<>();
            if (Boolean.getBoolean("cyrus.strace")) {
                cmd.addAll(List.of("strace", "-f", "-tt", "-s", "256", "-o", dir.resolve("strace.txt").toString()));
            }
            privateServices = privateServicesPossible();
            if (privateServices) {
                Path servicesFile = writeServicesFile();
                cmd.addAll(List.of(UNSHARE, "--mount", "--propagation", "private", "/bin/sh", "-c",
                        "mount --bind \"$0\" /etc/services && exec \"$@\"", servicesFile.toString()));
            }
            cmd.addAll(List.of(CYRUS_BIN.resolve("master").toString(), "-C", imapdConf().toString(),
                    "-M", cyrusConf().toString(), "-p", pidFile().toString(), "-D"));
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(masterLog().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            if (!isRoot()) {
                pb.environment().put("CYRUS_USER", System.getProperty("user.name"));
            }
            String verbose = System.getProperty("cyrus.verbose");
            if (verbose != null) {
                pb.environment().put("CYRUS_VERBOSE", verbose);
            }
            installShutdownHook();
            log("starting: " + String.join(" ", cmd));
            startedAt = Instant.now();
            master = pb.start();
            RUNNING.add(this);
            for (Service s : services) {
                awaitBanner(s, deadline);
            }
            log("ready in " + Duration.between(startedAt, Instant.now()).toMillis() + " ms: "
                    + services.stream().map(s -> s.name() + "@" + ip + ":" + s.port()).collect(Collectors.joining(", ")));
            return this;
        } catch (RuntimeException | IOException e) {
            String diag = diagnostics();
            try {
                stop();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException(this + " failed to start: " + e.getMessage() + "\n" + diag, e);
        }
    }

    /**
     * Whether this instance's master runs in a private mount namespace whose {@code /etc/services} (a bind-mounted
     * copy in {@link #dir()}) adds {@code lmtp 24/tcp} and {@code mupdate 3905/tcp}, which Debian's lacks. Cyrus
     * resolves those service names when a proxy connects to a backend (the frontend's LMTP proxy fails with
     * {@code 451 4.4.3 Server(s) unavailable} without it). Used when running as root and {@code unshare} + a bind
     * mount work; disable with {@code -Dcyrus.privateServices=false}. The host's /etc/services is never touched.
     */
    public synchronized boolean usesPrivateServices() {
        return privateServices;
    }

    private static final String UNSHARE = "/usr/bin/unshare";
    private static Boolean privateServicesProbe;

    private static synchronized boolean privateServicesPossible() {
        if ("false".equals(System.getProperty("cyrus.privateServices")) || !isRoot()
                || !Files.isExecutable(Path.of(UNSHARE)) || !Files.isRegularFile(Path.of("/etc/services"))) {
            return false;
        }
        if (privateServicesProbe == null) {
            try {
                Process p = new ProcessBuilder(UNSHARE, "--mount", "--propagation", "private", "/bin/sh", "-c",
                        "mount --bind /etc/services /etc/services").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                privateServicesProbe = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                privateServicesProbe = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                privateServicesProbe = false;
            }
        }
        return privateServicesProbe;
    }

    private Path writeServicesFile() throws IOException {
        String sys = Files.readString(Path.of("/etc/services"), StandardCharsets.ISO_8859_1);
        StringBuilder b = new StringBuilder(sys);
        if (!sys.endsWith("\n")) {
            b.append('\n');
        }
        b.append("# added by the Cyrus test harness (private mount namespace only)\n");
        if (!sys.matches("(?s).*(^|\n)lmtp\\s.*")) {
            b.append("lmtp\t\t24/tcp\n");
        }
        if (!sys.matches("(?s).*(^|\n)mupdate\\s.*")) {
            b.append("mupdate\t\t3905/tcp\n");
        }
        Path f = dir.resolve("services");
        Files.writeString(f, b.toString(), StandardCharsets.ISO_8859_1);
        return f;
    }

    /** Stops master and every process of this instance; idempotent; bounded (~20 s worst case). */
    public synchronized void stop() {
        Process m = master;
        if (m == null) {
            return;
        }
        try {
            Set<ProcessHandle> known = new LinkedHashSet<>();
            m.descendants().forEach(known::add);
            known.addAll(strayProcesses());
            if (m.isAlive()) {
                m.destroy(); // SIGTERM: master kills its children and exits
                if (!waitFor(m.toHandle(), Duration.ofSeconds(10))) {
                    log("master did not stop on SIGTERM, killing");
                    m.destroyForcibly();
                    waitFor(m.toHandle(), Duration.ofSeconds(5));
                }
            }
            known.addAll(strayProcesses());
            for (ProcessHandle h : known) {
                if (h.isAlive()) {
                    h.destroy();
                    if (!waitFor(h, Duration.ofSeconds(2))) {
                        h.destroyForcibly();
                        waitFor(h, Duration.ofSeconds(2));
                    }
                }
            }
            List<ProcessHandle> left = strayProcesses();
            if (!left.isEmpty()) {
                log("WARNING: processes still alive after stop: " + left);
            } else {
                log("stopped");
            }
        } finally {
            master = null;
            RUNNING.remove(this);
        }
    }

    @Override
    public void close() {
        stop();
    }

    // ------------------------------------------------------------------ tools

    /**
     * Runs {@code CYRUS_BIN/tool -C imapd.conf args...} (as root the tool itself switches to the cyrus user),
     * killing it after {@code timeout}. The output is also kept under {@code tools/}.
     */
    public ToolResult runTool(Duration timeout, String tool, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(CYRUS_BIN.resolve(tool).toString());
        cmd.add("-C");
        cmd.add(imapdConf().toString());
        cmd.addAll(List.of(args));
        return run(cmd, timeout, tool);
    }

    ToolResult run(List<String> cmd, Duration timeout, String label) {
        if (!Files.exists(imapdConf())) {
            throw new IllegalStateException(this + ": not configured yet (start() it first)");
        }
        Path out = dir.resolve("tools").resolve(String.format("%03d-%s.log", toolRuns.incrementAndGet(), label));
        Instant t0 = Instant.now();
        try {
            Files.createDirectories(out.getParent());
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            if (!isRoot()) {
                pb.environment().put("CYRUS_USER", System.getProperty("user.name"));
            }
            Process p = pb.start();
            int exit;
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                exit = p.exitValue();
            } else {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                exit = -1;
            }
            String text = Files.readString(out, StandardCharsets.ISO_8859_1);
            return new ToolResult(List.copyOf(cmd), exit, text, Duration.between(t0, Instant.now()));
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The local mailboxes.db as dumped by {@code ctl_mboxlist -d}, keyed by internal mailbox name (sorted as
     * Cyrus dumps them).
     */
    public Map<String, MailboxEntry> dumpMailboxes() {
        ToolResult r = runTool(DEFAULT_TOOL_TIMEOUT, "ctl_mboxlist", "-d");
        if (!r.ok()) {
            throw new IllegalStateException(this + ": " + r);
        }
        return parseDump(r.output());
    }

    @SuppressWarnings("unchecked")
    static Map<String, MailboxEntry> parseDump(String output) {
        int start = output.indexOf('{');
        if (start < 0) {
            throw new IllegalArgumentException("no JSON in ctl_mboxlist -d output: " + output);
        }
        Object parsed = MiniJson.parse(output.substring(start));
        Map<String, MailboxEntry> result = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : ((Map<String, Object>) parsed).entrySet()) {
            Map<String, Object> rec = (Map<String, Object>) e.getValue();
            Map<String, String> acl = new LinkedHashMap<>();
            Object a = rec.get("acl");
            if (a instanceof Map) {
                ((Map<String, Object>) a).forEach((k, v) -> acl.put(k, String.valueOf(v)));
            }
            result.put(e.getKey(), new MailboxEntry(e.getKey(), str(rec.get("server")), str(rec.get("partition")),
                    str(rec.get("mbtype")), Collections.unmodifiableMap(acl), Collections.unmodifiableMap(rec)));
        }
        return Collections.unmodifiableMap(result);
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    /** A report for failure messages: state, config files, the master log tail and the processes. */
    public String diagnostics() {
        StringBuilder b = new StringBuilder();
        b.append("==== ").append(this).append(" running=").append(isRunning()).append('\n');
        for (Path p : List.of(imapdConf(), cyrusConf())) {
            b.append("---- ").append(p).append('\n').append(readQuietly(p, 8000));
        }
        b.append("---- ").append(masterLog()).append(" (tail)\n").append(readQuietly(masterLog(), 4000));
        b.append("---- processes naming ").append(imapdConf()).append('\n');
        for (ProcessHandle h : strayProcesses()) {
            b.append(h.pid()).append(' ').append(h.info().commandLine().orElse("?")).append('\n');
        }
        b.append("(Cyrus logs to syslog only; /dev/log ")
                .append(Files.exists(Path.of("/dev/log")) ? "exists" : "is absent")
                .append(". -Dcyrus.strace=true traces master and children into strace.txt)\n");
        return b.toString();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + "@" + ip + " " + dir + "]";
    }

    // ------------------------------------------------------------------ internals

    private void commonOptions(Map<String, String> o) {
        Path conf = configDirectory();
        o.put("configdirectory", conf.toString());
        o.put("defaultpartition", "default");
        o.put("partition-default", spoolDirectory().toString());
        o.put("servername", ip);
        o.put("syslog_prefix", "cyrus-" + name);
        o.put("proc_path", conf.resolve("proc").toString());
        o.put("mboxname_lockpath", conf.resolve("lock").toString());
        o.put("lmtpsocket", conf.resolve("socket").resolve("lmtp").toString());
        o.put("idlesocket", conf.resolve("socket").resolve("idle").toString());
        o.put("notifysocket", conf.resolve("socket").resolve("notify").toString());
        o.put("sievedir", dir.resolve("sieve").toString());
        o.put("temp_path", dir.resolve("tmp").toString());
        // the namespace of the captured transcripts (and of Debian's packaged imapd.conf): '.' separator
        o.put("altnamespace", "no");
        o.put("unixhierarchysep", "no");
        o.put("lmtp_downcase_rcpt", "yes");
        o.put("allowplaintext", "yes");
        o.put("sasl_pwcheck_method", "auxprop");
        o.put("sasl_auxprop_plugin", "sasldb");
        o.put("sasl_sasldb_path", sasldb().toString());
        o.put("sasl_mech_list", "PLAIN LOGIN");
        o.put("master_bind_errors_fatal", "yes");
    }

    private void layout() throws IOException {
        Path conf = configDirectory();
        for (Path p : List.of(dir, conf, conf.resolve("db"), conf.resolve("socket"), conf.resolve("proc"),
                conf.resolve("lock"), conf.resolve("log"), spoolDirectory(), dir.resolve("run"),
                dir.resolve("sieve"), dir.resolve("tmp"), dir.resolve("tools"))) {
            Files.createDirectories(p);
        }
        if (!Files.exists(masterLog())) {
            Files.createFile(masterLog());
        }
        String longest = conf.resolve("socket").resolve("mupdate.target").toString();
        if (longest.length() > MAX_UNIX_SOCKET_PATH) {
            throw new IllegalStateException("directory too deep for UNIX socket paths (" + longest.length()
                    + " > " + MAX_UNIX_SOCKET_PATH + " chars): " + longest);
        }
    }

    private void writeImapdConf() throws IOException {
        StringBuilder b = new StringBuilder("# generated by " + getClass().getName() + " for " + this + "\n");
        effectiveOptions().forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
        Files.writeString(imapdConf(), b.toString());
        // it holds passwords: owner and the cyrus group only
        Files.setPosixFilePermissions(imapdConf(), EnumSet.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ));
    }

    private void writeCyrusConf(List<Service> services) throws IOException {
        String c = imapdConf().toString();
        StringBuilder b = new StringBuilder("# generated by " + getClass().getName() + " for " + this + "\n");
        b.append("START {\n");
        b.append("  recover cmd=\"").append(cmdLine("ctl_cyrusdb", List.of("-r"), c)).append("\"\n");
        extraStartCommands().forEach((n, argv) -> b.append("  ").append(n).append(" cmd=\"")
                .append(cmdLine(argv.get(0), argv.subList(1, argv.size()), c)).append("\"\n"));
        b.append("}\nSERVICES {\n");
        for (Service s : services) {
            b.append("  ").append(s.name()).append(" cmd=\"").append(cmdLine(s.binary(), s.args(), c))
                    .append("\" listen=\"").append(ip).append(':').append(s.port())
                    .append("\" proto=\"tcp4\" prefork=").append(s.prefork()).append('\n');
        }
        b.append("}\nEVENTS {\n");
        b.append("  checkpoint cmd=\"").append(cmdLine("ctl_cyrusdb", List.of("-c"), c)).append("\" period=30\n");
        b.append("}\n");
        Files.writeString(cyrusConf(), b.toString());
    }

    private static String cmdLine(String binary, List<String> args, String conf) {
        List<String> parts = new ArrayList<>();
        parts.add(CYRUS_BIN.resolve(binary).toString());
        parts.add("-C");
        parts.add(conf);
        parts.addAll(args);
        for (String p : parts) {
            requireSafe("command argument", p);
        }
        return String.join(" ", parts);
    }

    private void checkPortsFree(List<Service> services) {
        Set<Integer> seen = new LinkedHashSet<>();
        for (Service s : services) {
            if (!seen.add(s.port())) {
                throw new IllegalArgumentException(this + ": port " + s.port() + " used twice");
            }
            try (ServerSocket ss = new ServerSocket()) {
                ss.setReuseAddress(true);
                ss.bind(new InetSocketAddress(InetAddress.getByName(ip), s.port()));
            } catch (BindException e) {
                throw new IllegalStateException(this + ": " + ip + ":" + s.port() + " (" + s.name()
                        + ") is already in use - a leftover Cyrus? " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void awaitBanner(Service s, Instant deadline) {
        String last = "never tried";
        int attempts = 0;
        while (Instant.now().isBefore(deadline) && attempts++ < 1000) {
            if (!master.isAlive()) {
                throw new IllegalStateException("master exited with " + master.exitValue()
                        + " while waiting for " + s.name());
            }
            try (Socket sock = new Socket()) {
                sock.connect(new InetSocketAddress(ip, s.port()), 1000);
                sock.setSoTimeout(3000);
                String line = readLine(sock.getInputStream());
                if (line != null && line.startsWith(s.bannerPrefix())) {
                    return;
                }
                last = "banner " + line;
            } catch (IOException e) {
                last = e.toString();
            }
            sleep(150);
        }
        throw new IllegalStateException(s.name() + " on " + ip + ":" + s.port() + " never sent a banner starting "
                + s.bannerPrefix() + " (last: " + last + ")");
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return c < 0 && b.length() == 0 ? null : b.toString();
    }

    /** Live processes (ours by construction) whose command line names this instance's imapd.conf. */
    List<ProcessHandle> strayProcesses() {
        String needle = imapdConf().toString();
        List<ProcessHandle> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String pidText = p.getFileName().toString();
                if (!pidText.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    if (cmdline(Long.parseLong(pidText)).contains(needle)) {
                        ProcessHandle.of(Long.parseLong(pidText)).filter(ProcessHandle::isAlive).ifPresent(found::add);
                    }
                } catch (RuntimeException ignored) {
                    // raced with an exiting process
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to sweep
        }
        found.removeIf(h -> h.pid() == ProcessHandle.current().pid());
        return found;
    }

    /**
     * Kills (by pid) Cyrus processes left behind by an earlier JVM that died without running its shutdown hook
     * (e.g. SIGKILLed by a build timeout): those whose executable lies in {@link #CYRUS_BIN} and whose command line
     * names a configuration file below {@code baseDir}. Returns the pids killed.
     */
    public static List<Long> killStaleInstances(Path baseDir) {
        String needle = baseDir.toAbsolutePath().normalize() + "/";
        String bin = CYRUS_BIN.toString() + "/";
        List<Long> killed = new ArrayList<>();
        ProcessHandle.allProcesses()
                .filter(h -> h.pid() != ProcessHandle.current().pid())
                .filter(h -> h.info().command().map(c -> c.startsWith(bin)).orElse(false))
                .filter(h -> cmdline(h.pid()).contains(" -C " + needle))
                .forEach(h -> {
                    h.destroyForcibly();
                    killed.add(h.pid());
                });
        for (Long pid : killed) {
            ProcessHandle.of(pid).ifPresent(h -> waitFor(h, Duration.ofSeconds(5)));
        }
        return killed;
    }

    private static String cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, StandardCharsets.ISO_8859_1).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean waitFor(ProcessHandle h, Duration d) {
        try {
            h.onExit().get(d.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return !h.isAlive();
        }
    }

    private static void installShutdownHook() {
        synchronized (HOOK_LOCK) {
            if (hookInstalled) {
                return;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (CyrusInstance i : List.copyOf(RUNNING)) {
                    try {
                        i.stop();
                    } catch (RuntimeException e) {
                        System.err.println("cyrus harness: failed to stop " + i + ": " + e);
                    }
                }
            }, "cyrus-harness-shutdown"));
            hookInstalled = true;
        }
    }

    static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static void chown(Path p) throws IOException {
        UserPrincipalLookupService lookup = p.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(CYRUS_USER);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(CYRUS_GROUP);
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        view.setOwner(user);
        view.setGroup(group);
    }

    private static void chownTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                chown(p);
            }
        }
    }

    /**
     * The cyrus user must be able to reach the directory. Ancestors lacking o+x are fixed only below the JVM's
     * temp dir or working dir (e.g. a JUnit {@code @TempDir}, mode 700); anywhere else this fails loudly.
     */
    private static void ensureTraversable(Path target) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path a = target.getParent(); a != null; a = a.getParent()) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(a);
            if (perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                continue;
            }
            boolean fixable = (a.startsWith(tmp) && !a.equals(tmp)) || (a.startsWith(cwd) && !a.equals(cwd));
            if (!fixable) {
                throw new IllegalStateException("user " + CYRUS_USER + " cannot traverse " + a
                        + " (no o+x); put the instance directory elsewhere");
            }
            perms = EnumSet.copyOf(perms);
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(a, perms);
        }
    }

    private static String readQuietly(Path p, int tailChars) {
        try {
            String s = Files.readString(p, StandardCharsets.ISO_8859_1);
            return (s.length() > tailChars ? "...\n" + s.substring(s.length() - tailChars) : s)
                    + (s.endsWith("\n") || s.isEmpty() ? "" : "\n");
        } catch (IOException e) {
            return "(" + e + ")\n";
        }
    }

    void log(String msg) {
        System.out.println(LocalTime.now() + " [cyrus " + name + "@" + ip + "] " + msg);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String requireLoopback(String ip) {
        Objects.requireNonNull(ip, "ip");
        if (!ip.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("only loopback IPv4 addresses (127.x.y.z) are allowed: " + ip);
        }
        return ip;
    }

    static String requireSafe(String what, String s) {
        Objects.requireNonNull(s, what);
        if (s.isEmpty() || s.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\\' || c == 127)) {
            throw new IllegalArgumentException(what + " must be non-empty without spaces, quotes or control characters: '"
                    + s + "'");
        }
        return s;
    }

    /** An IMAP connection to this instance, logged in as {@code user}; closed again if the login fails. */
    protected ImapAdminClient imapLogin(int port, String user, String password) {
        ImapAdminClient c = ImapAdminClient.connect(ip(), port, Duration.ofSeconds(30));
        try {
            ImapAdminClient.Result r = c.login(user, password);
            if (!r.ok()) {
                throw new IllegalStateException("LOGIN " + user + " on " + this + " failed: " + r);
            }
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** An LMTP connection to this instance after LHLO and AUTH PLAIN as {@code user}; closed again on failure. */
    protected LmtpClient lmtpLogin(int port, String user, String password) {
        LmtpClient c = LmtpClient.connect(ip(), port, Duration.ofSeconds(30));
        try {
            LmtpClient.Reply hello = c.lhlo("harness.example.test");
            LmtpClient.Reply auth = hello.positive() ? c.authPlain(user, password) : hello;
            if (!auth.positive()) {
                throw new IllegalStateException("LMTP LHLO/AUTH " + user + " on " + this + " failed: " + auth);
            }
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }
}
