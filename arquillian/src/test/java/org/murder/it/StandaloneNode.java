package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A WildFly node of a test's own, started the way {@code ./murder} starts one and not by Arquillian (which
 * cannot bring back a server killed under it, nor run a second node): {@code standalone.sh -c murder.xml
 * -Djboss.server.base.dir=<base> -Djboss.socket.binding.port-offset=<offset> -P <base>/murder.conf} on a copy of
 * the provisioned configuration, with users added to the node's user file as {@code ./murder adduser} adds them and the
 * EAR copied into {@code <base>/deployments}.
 *
 * <p>{@link #prepare()} makes a fresh base directory; {@link #start()} (again after {@link #kill9()} or
 * {@link #stop()}: the directory and its database stay) returns once the EAR is deployed and every
 * {@link Builder#listener listener} accepts a connection and sends its greeting.</p>
 */
public final class StandaloneNode implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(300);

    private final Path jbossHome;
    private final Path ear;
    private final Path base;
    private final int offset;
    private final Map<String, String> settings;
    private final Map<String, String> users;
    private final List<InetSocketAddress> listeners;
    private final String name;
    private final String config;
    private int attempt;
    private Process shell;
    private long javaPid = -1;
    private Path console;

    private StandaloneNode(Builder b) {
        this.jbossHome = Path.of(required("jboss.home"));
        this.ear = Path.of(required("murder.ear"));
        this.base = b.base.toAbsolutePath();
        this.offset = b.offset;
        this.settings = new LinkedHashMap<>(b.settings);
        this.users = new LinkedHashMap<>(b.users);
        this.listeners = List.copyOf(b.listeners);
        this.name = base.getFileName().toString();
        this.config = b.config;
    }

    /** A node in {@code base} (deleted and made again by {@link #prepare()}), WildFly's sockets shifted by {@code offset}. */
    public static Builder in(Path base, int offset) {
        return new Builder(base, offset);
    }

    /** Where the failsafe executions put their nodes: a sibling of {@code murder.node.dir} named {@code name}. */
    /** Starts the nodes at once (each a WildFly process of its own) and returns when all are up. */
    public static void startAll(StandaloneNode... nodes) throws Exception {
        java.util.concurrent.ExecutorService starters = java.util.concurrent.Executors.newFixedThreadPool(nodes.length);
        try {
            java.util.List<java.util.concurrent.Future<StandaloneNode>> started = new java.util.ArrayList<>();
            for (StandaloneNode n : nodes) {
                started.add(starters.submit(n::start));
            }
            for (java.util.concurrent.Future<StandaloneNode> f : started) {
                f.get();
            }
        } finally {
            starters.shutdownNow();
        }
    }

    public static Path baseDir(String name) {
        return Path.of(System.getProperty("murder.node.dir", "target/nodes/h2")).toAbsolutePath().getParent().resolve(name);
    }

    /** What a node is made of, before {@link #prepare()}. */
    public static final class Builder {
        private final Path base;
        private final int offset;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final Map<String, String> users = new LinkedHashMap<>();
        private final List<InetSocketAddress> listeners = new ArrayList<>();
        private String config = "murder.xml";

        private Builder(Path base, int offset) {
            this.base = base;
            this.offset = offset;
        }

        /** A line {@code key: value} of the node's murder.conf (imapd.conf syntax). */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /**
         * The server configuration to run ({@code murder.xml}; {@code murder-cluster.xml} for a node of the Artemis
         * cluster, as the launcher runs a node whose settings say {@code murder_cluster: yes}).
         */
        public Builder config(String serverConfig) {
            this.config = serverConfig;
            return this;
        }

        /** A user of the node's realm (hashed, as {@code ./murder adduser} writes). */
        public Builder user(String user, String password) {
            users.put(user, password);
            return this;
        }

        /** A protocol listener (it greets first: IMAP, LMTP, MUPDATE) that must answer before the node counts as started. */
        public Builder listener(String host, int port) {
            listeners.add(new InetSocketAddress(host, port));
            return this;
        }

        /** The base directory made afresh: configuration copy, users, murder.conf, EAR. */
        public StandaloneNode prepare() throws IOException, InterruptedException {
            if (listeners.isEmpty()) {
                throw new IllegalStateException("name at least one listener to wait for");
            }
            StandaloneNode n = new StandaloneNode(this);
            n.prepareBase();
            return n;
        }
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        assertNotNull(v, "system property " + property + " (failsafe sets it)");
        return v;
    }

    public Path base() {
        return base;
    }

    /** The console log of the latest start. */
    public Path console() {
        return console;
    }

    /** Deletes {@code dir} and everything in it, if it exists. */
    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private void prepareBase() throws IOException, InterruptedException {
        deleteTree(base);
        Files.createDirectories(base.resolve("deployments"));
        Files.createDirectories(base.resolve("log"));
        Path from = jbossHome.resolve("standalone/configuration");
        awaitSettled(from.resolve("murder.xml"));
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path to = base.resolve("configuration").resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        for (Map.Entry<String, String> user : users.entrySet()) {
            RealmUsers.add(base.resolve("configuration"), user.getKey(), user.getValue());
        }
        StringBuilder conf = new StringBuilder();
        settings.forEach((k, v) -> conf.append(k).append(": ").append(v).append('\n'));
        Files.writeString(base.resolve("murder.conf"), conf);
        Files.copy(ear, base.resolve("deployments/murder.ear"));
    }

    /**
     * Waits (bounded) until the provisioned murder.xml is whole and has not changed for a few seconds: a build of
     * the ear module running meanwhile in the same tree rewrites it, and a copy taken halfway has no datasource.
     */
    private static void awaitSettled(Path murderXml) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            long age = System.currentTimeMillis() - Files.getLastModifiedTime(murderXml).toMillis();
            if (age > 5000 && read(murderXml).contains("java:jboss/datasources/MurderDS")) {
                return;
            }
            Thread.sleep(500);
        }
        fail(murderXml + " is still being rewritten (or has no MurderDS) after 180 s");
    }

    /** Starts the node and waits until it is deployed and its listeners greet; on failure it is killed again. */
    public StandaloneNode start() throws IOException, InterruptedException {
        if (isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        attempt++;
        Path deployments = base.resolve("deployments");
        for (String marker : List.of(".deployed", ".failed", ".isdeploying", ".pending", ".undeployed")) {
            Files.deleteIfExists(deployments.resolve("murder.ear" + marker));
        }
        Path pidFile = base.resolve("server.pid");
        Files.deleteIfExists(pidFile);
        console = base.resolve("log/console-" + attempt + ".log");
        for (InetSocketAddress a : listeners) {
            assertFalse(accepts(a), "something already listens on " + a);
        }
        ProcessBuilder pb = new ProcessBuilder(jbossHome.resolve("bin/standalone.sh").toString(), "-c", config,
                "-Djboss.server.base.dir=" + base, "-Djboss.socket.binding.port-offset=" + offset,
                "-P", base.resolve("murder.conf").toString())
                .redirectErrorStream(true).redirectOutput(console.toFile());
        pb.environment().put("JBOSS_HOME", jbossHome.toString());
        pb.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        pb.environment().put("JBOSS_PIDFILE", pidFile.toString());
        Instant started = Instant.now();
        shell = pb.start();
        shell.getOutputStream().close();
        try {
            javaPid = awaitJavaPid(pidFile);
            awaitReady();
            System.out.println(name + ": server " + attempt + " (pid " + javaPid + ") ready in "
                    + Duration.between(started, Instant.now()).toSeconds() + " s");
            return this;
        } catch (RuntimeException | Error | IOException | InterruptedException e) {
            kill9();
            throw e;
        }
    }

    /** The JVM standalone.sh started: the pid it wrote, checked to be a java child of our shell. */
    private long awaitJavaPid(Path pidFile) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(pidFile)) {
                String text = Files.readString(pidFile).trim();
                if (!text.isEmpty()) {
                    long pid = Long.parseLong(text);
                    Optional<ProcessHandle> child = shell.toHandle().children().filter(h -> h.pid() == pid).findFirst();
                    assertTrue(child.isPresent(), "pid " + pid + " is a child of standalone.sh");
                    // the pid file is written as the child is started: for an instant it may not be java yet
                    if (child.get().info().command().orElse("").endsWith("java")) {
                        return pid;
                    }
                    Thread.sleep(50);
                    continue;
                }
            }
            if (!shell.isAlive()) {
                throw new AssertionError("standalone.sh exited with " + shell.exitValue() + logTail());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("standalone.sh wrote no pid file within 60 s" + logTail());
    }

    private void awaitReady() throws InterruptedException {
        Path deployments = base.resolve("deployments");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isAlive()) {
                throw new AssertionError("the server exited during start-up: " + logTail());
            }
            if (Files.exists(deployments.resolve("murder.ear.failed"))) {
                throw new AssertionError("deployment failed: " + read(deployments.resolve("murder.ear.failed")) + logTail());
            }
            if (Files.exists(deployments.resolve("murder.ear.deployed")) && listeners.stream().allMatch(StandaloneNode::greets)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not ready within " + START_TIMEOUT + ": " + logTail());
    }

    private static boolean accepts(InetSocketAddress a) {
        try (Socket s = new Socket()) {
            s.connect(a, 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a connection to {@code a} is accepted and a first line arrives. */
    private static boolean greets(InetSocketAddress a) {
        try (Socket s = new Socket()) {
            s.connect(a, 2000);
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    public boolean isAlive() {
        return javaPid > 0 && ProcessHandle.of(javaPid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** {@code kill -9} the JVM, wait for it and for the shell; idempotent. */
    public void kill9() throws IOException, InterruptedException {
        signal("-9", Duration.ofSeconds(30));
    }

    /** SIGTERM (WildFly shuts down in order), {@code kill -9} if it is not gone within a minute; idempotent. */
    public void stop() throws IOException, InterruptedException {
        if (!signal("-TERM", Duration.ofSeconds(60))) {
            kill9();
        }
    }

    /** Sends {@code sig} to the JVM and waits for it and the shell; returns whether the JVM is gone. */
    private boolean signal(String sig, Duration wait) throws IOException, InterruptedException {
        Optional<ProcessHandle> java = javaPid > 0 ? ProcessHandle.of(javaPid) : Optional.empty();
        if (java.isPresent() && java.get().isAlive()) {
            Process kill = new ProcessBuilder("kill", sig, Long.toString(javaPid)).redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
            long deadline = System.nanoTime() + wait.toNanos();
            while (java.get().isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (java.get().isAlive()) {
                if (sig.equals("-9")) {
                    throw new AssertionError("pid " + javaPid + " outlived kill -9 by " + wait);
                }
                return false;
            }
        }
        if (shell != null && !shell.waitFor(30, TimeUnit.SECONDS)) {
            shell.destroyForcibly();
            shell.waitFor(10, TimeUnit.SECONDS);
        }
        return true;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
    }

    /** The end of the latest console log, for failure messages. */
    public String logTail() {
        return logTail(6000);
    }

    public String logTail(int chars) {
        if (console == null) {
            return "";
        }
        String log = read(console);
        return "\n--- " + console + " (tail):\n" + log.substring(Math.max(0, log.length() - chars));
    }

    /** The latest console log's lines containing {@code needle}. */
    public List<String> logLines(String needle) {
        return console == null ? List.of() : read(console).lines().filter(l -> l.contains(needle)).toList();
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
