package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher tells the truth about its node: {@code ./murder} itself is driven, on a node directory and ports of
 * this test's own ({@code MURDER_HOME}, {@code MURDER_CONF}), and the server's JVM is killed under it.
 *
 * <ul>
 * <li>{@code adduser NAME} takes the password from standard input and writes SCRAM keys, no password; {@code hashusers}
 * rewrites a clear-text line; the user file and the settings are mode 0600; {@code status} reads /api/node as
 * {@code murder_node_user};</li>
 * <li>the JVM runs with {@code java_heap} and {@code -XX:+ExitOnOutOfMemoryError};</li>
 * <li>a start while another process holds the IMAP port fails, naming that process;</li>
 * <li>after {@code kill -9} of the JVM, {@code status} says it is down (or the supervisor already brought it back),
 * and the supervisor restarts it;</li>
 * <li>with the supervisor and the JVM both killed, and the pid file naming a live process that is not the node's,
 * {@code start} really starts a server;</li>
 * <li>a JVM that does not answer (stopped with SIGSTOP) is "running, but" with status 1, and {@code stop} of it
 * escalates to SIGKILL and leaves no JVM.</li>
 * </ul>
 *
 * Three WildFly starts; {@code h2-only}, it runs once per build.
 */
@Tag("h2-only")
@Timeout(900)
class LauncherIT {

    /** Clear of the Arquillian node (offset 10000), LmtpDurabilityIT (offset 5000, 6143, 7003, 8905) and the benchmarks (2xxxx). */
    private static final int IMAP = 7143;
    private static final int LMTP = 7024;
    private static final int MUPDATE = 7905;
    private static final int HTTP = 7080;
    private static final int POP3 = 7110;

    private final Path base = StandaloneNode.baseDir("launcher");
    private final Path home = base.resolve("node");
    private final Path conf = base.resolve("murder.conf");
    private final Path launcher = Path.of(System.getProperty("murder.launcher", "../murder")).toAbsolutePath().normalize();

    /** What a run of {@code ./murder} printed (stdout and stderr) and its exit status. */
    private record Run(int status, String output) {
        @Override
        public String toString() {
            return "exit " + status + ":\n" + output;
        }
    }

    @Test
    void theLauncherTracksItsJvmAndSaysWhatIsWrong() throws Exception {
        fresh();
        try {
            // ---- users: the password on standard input, credential and settings files private
            Run add = murder("secret-pw\n", "adduser", "alice");
            assertEquals(0, add.status(), add::toString);
            Path users = home.resolve("configuration/murder-users.properties");
            String hashed = Files.readString(users);
            assertTrue(hashed.contains("alice=SCRAM-SHA-256$4096:") && hashed.contains(" SCRAM-SHA-1$4096:"), hashed);
            assertFalse(hashed.contains("secret-pw"), "no clear password: " + hashed);
            for (Path p : List.of(users, conf)) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
            }
            // a clear-text line of an earlier version: accepted, and rewritten hashed by hashusers
            Files.writeString(users, "bob=bob-pw\n", StandardOpenOption.APPEND);
            Run migrate = murder(null, "hashusers");
            assertEquals(0, migrate.status(), migrate::toString);
            assertTrue(migrate.output().contains("1 clear-text password(s) rewritten"), migrate::toString);
            assertFalse(Files.readString(users).contains("bob-pw"), Files.readString(users));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));

            // ---- a foreign listener on the IMAP port: no start
            try (ServerSocket squatter = new ServerSocket()) {
                squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), IMAP));
                Run refused = murder(null, "start");
                assertNotEquals(0, refused.status(), refused::toString);
                assertTrue(refused.output().contains("IMAP port " + IMAP + " is in use by pid " + ProcessHandle.current().pid()),
                        refused::toString);
                assertEquals(List.of(), jvms(), "no server JVM after a refused start");
            }

            // ---- a start, a kill -9, the supervisor's restart
            Run start = murder(null, "start");
            assertEquals(0, start.status(), start::toString);
            long first = pidFile();
            assertEquals(List.of(first), jvms(), "the pid file names the server's JVM");
            List<String> jvmArgs = List.of(ProcessHandle.of(first).orElseThrow().info().arguments().orElseThrow());
            assertTrue(jvmArgs.contains("-Xmx384m"), "java_heap: " + jvmArgs);
            assertTrue(jvmArgs.contains("-XX:+ExitOnOutOfMemoryError"), jvmArgs.toString());
            assertTrue(jvmArgs.stream().noneMatch(a -> a.startsWith("-XX:+HeapDumpOnOutOfMemoryError")), jvmArgs.toString());
            greets(IMAP, "* OK");
            greets(LMTP, "220");
            greets(POP3, "+OK");
            greets(MUPDATE, "* AUTH");
            Run up = murder(null, "status");
            assertEquals(0, up.status(), up::toString);
            // status shows /api/node as murder_node_user (an admin, from the 0600 settings file)
            assertTrue(up.output().contains("\"servername\":\"launcher-node\""), up::toString);
            Run json = murder(null, "status", "--json");
            assertEquals(0, json.status(), json::toString);
            try (jakarta.json.JsonReader r = jakarta.json.Json.createReader(new java.io.StringReader(json.output()))) {
                jakarta.json.JsonObject node = r.readArray().getJsonObject(0);
                assertTrue(node.getBoolean("up"), json::toString);
                assertEquals(first, node.getJsonNumber("pid").longValue(), json::toString);
                assertEquals("127.0.0.1:" + IMAP, node.getString("imap"), json::toString);
                assertEquals("127.0.0.1:" + POP3, node.getString("pop3"), json::toString);
                assertEquals(3, node.getJsonArray("roles").size(), json::toString);
            }

            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            awaitGone(first);
            Run down = murder(null, "status");
            assertTrue(down.status() == 3 || down.status() == 0 && !jvms().contains(first), down::toString);
            if (down.status() == 3) {
                assertTrue(down.output().contains("not running; the supervisor"), down::toString);
            }
            long second = awaitRestarted(first);
            String supervisorLog = Files.readString(home.resolve("log/supervisor.log"));
            assertTrue(supervisorLog.contains("server JVM pid " + first + " ended unexpectedly"), supervisorLog);
            assertTrue(supervisorLog.contains("restart 1 of at most 5"), supervisorLog);
            Run again = murder(null, "start");
            assertEquals(0, again.status(), again::toString);
            assertTrue(again.output().contains("already running (pid " + second + ")"), again::toString);

            // ---- supervisor and JVM killed, the pid file naming a live process that is not the node's JVM
            long supervisor = Long.parseLong(Files.readString(home.resolve("supervisor.pid")).trim());
            ProcessHandle.of(supervisor).orElseThrow().destroyForcibly();
            awaitGone(supervisor);
            ProcessHandle.of(second).orElseThrow().destroyForcibly();
            awaitGone(second);
            Files.writeString(home.resolve("murder.pid"), ProcessHandle.current().pid() + "\n");
            Run dead = murder(null, "status");
            assertEquals(3, dead.status(), dead::toString);
            Run restart = murder(null, "start");
            assertEquals(0, restart.status(), restart::toString);
            assertTrue(restart.output().contains("murder: started"), restart::toString);
            long third = pidFile();
            assertEquals(List.of(third), jvms());
            greets(IMAP, "* OK");

            // ---- stop of a JVM that does not answer SIGTERM: SIGKILL, and no JVM left
            long newSupervisor = Long.parseLong(Files.readString(home.resolve("supervisor.pid")).trim());
            assertNotEquals(supervisor, newSupervisor);
            signal("-STOP", third);
            // a hung JVM: the kernel still accepts connections, nothing greets
            Run hung = murder(null, "status");
            assertEquals(1, hung.status(), hung::toString);
            assertTrue(hung.output().contains("the server JVM (pid " + third + ") runs, but:"), hung::toString);
            assertTrue(hung.output().contains("IMAP 127.0.0.1:" + IMAP + " accepts connections but sends no '* OK' greeting"),
                    hung::toString);
            Run stop = murder(null, Map.of("MURDER_STOP_TIMEOUT", "5"), "stop");
            assertEquals(0, stop.status(), stop::toString);
            assertTrue(stop.output().contains("SIGKILL"), stop::toString);
            assertEquals(List.of(), jvms(), "no server JVM after stop");
            assertTrue(zombie(newSupervisor), "the supervisor is gone after stop");
            Run stopped = murder(null, "status");
            assertEquals(3, stopped.status(), stopped::toString);
        } finally {
            murder(null, "stop");
            for (long pid : jvms()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /**
     * A server that keeps dying (a stand-in standalone.sh that exits at once, in a copy of the launcher's tree):
     * the supervisor restarts it {@code murder_restart_max} times, then gives up, and {@code start} fails.
     */
    @Test
    void theSupervisorGivesUpOnAServerThatKeepsDying(@TempDir Path root) throws Exception {
        Path wildfly = root.resolve("ear/target/wildfly-39.0.1.Final");
        Files.createDirectories(wildfly.resolve("bin"));
        Files.createDirectories(wildfly.resolve("standalone/configuration"));
        Files.writeString(wildfly.resolve("standalone/configuration/murder.xml"), "<server/>\n");
        Files.writeString(root.resolve("ear/target/murder.ear"), "not an ear\n");
        Path standalone = wildfly.resolve("bin/standalone.sh");
        Files.writeString(standalone, "#!/bin/bash\nsleep 0.3 & echo $! >\"$JBOSS_PIDFILE\"; wait; echo dying; exit 3\n");
        Files.setPosixFilePermissions(standalone, PosixFilePermissions.fromString("rwx------"));
        Path copy = root.resolve("murder");
        Files.copy(launcher, copy);
        Path node = root.resolve("node");
        Path settings = root.resolve("murder.conf");
        Files.writeString(settings, "imap_port: " + IMAP + "\nlmtp_port: " + LMTP + "\nmupdate_port: " + MUPDATE
                + "\nhttp_port: " + HTTP + "\nmanagement_port: 7990\nmurder_restart_max: 3\nmurder_restart_window: 60\n");
        Run start = run(copy, node, settings, null, Map.of(), "start");
        assertEquals(1, start.status(), start::toString);
        assertTrue(start.output().contains("the supervisor exited during start-up"), start::toString);
        String log = Files.readString(node.resolve("log/supervisor.log"));
        assertTrue(log.contains("restart 3 of at most 3 within 60s"), log);
        assertTrue(log.contains("giving up: 3 restarts within 60s"), log);
        assertEquals(4, log.lines().filter(l -> l.contains("server JVM pid") && l.contains(" started ")).count(),
                log); // the first start and 3 restarts
        assertTrue(Files.notExists(node.resolve("supervisor.pid")), "no supervisor left");
    }

    private void fresh() throws IOException {
        StandaloneNode.deleteTree(base);
        Files.createDirectories(base);
        // settings the launcher did not create: it makes its own copies 0600, this one the test makes so
        Files.writeString(conf, String.join("\n",
                "servername: launcher-node", "admins: alice", "murder_node_user: alice", "murder_node_password: secret-pw",
                "imap_port: " + IMAP, "lmtp_port: " + LMTP, "mupdate_port: " + MUPDATE, "http_port: " + HTTP,
                "pop3_port: " + POP3,
                "https_port: 7443", "management_port: 7990", "management_https_port: 7993",
                "txn_recovery_port: 7712", "txn_status_port: 7713", "iiop_port: 7528", "iiop_ssl_port: 7529",
                "java_heap: 384m", ""), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
    }

    private Run murder(String stdin, String... args) throws IOException, InterruptedException {
        return murder(stdin, Map.of(), args);
    }

    private Run murder(String stdin, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(launcher, home, conf, stdin, env, args);
    }

    /** Runs {@code murder args} for the node in {@code home} with the settings {@code conf}. */
    private static Run run(Path murder, Path home, Path conf, String stdin, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = Stream.concat(Stream.of(murder.toString()), Stream.of(args)).toList();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("MURDER_HOME", home.toString());
        pb.environment().put("MURDER_CONF", conf.toString());
        pb.environment().put("MURDER_START_TIMEOUT", "240");
        pb.environment().putAll(env);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("./murder " + String.join(" ", args) + " still runs after 300 s:\n" + out);
        }
        System.out.println("./murder " + String.join(" ", args) + " -> " + p.exitValue() + "\n" + out);
        return new Run(p.exitValue(), out);
    }

    /** The live JVMs (not zombies) started with this node's base directory. */
    private List<Long> jvms() {
        String arg = "-Djboss.server.base.dir=" + home;
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().command().orElse("").endsWith("/java"))
                .filter(h -> h.info().arguments().map(a -> List.of(a).contains(arg)).orElse(false))
                .filter(h -> !zombie(h.pid()))
                .map(ProcessHandle::pid).sorted().toList();
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true; // gone
        }
    }

    private long pidFile() throws IOException {
        return Long.parseLong(Files.readString(home.resolve("murder.pid")).trim());
    }

    private static void awaitGone(long pid) throws InterruptedException {
        for (int i = 0; i < 300 && !zombie(pid); i++) {
            Thread.sleep(100);
        }
        assertTrue(zombie(pid), "pid " + pid + " still alive 30 s after SIGKILL");
    }

    /** Waits for the supervisor to bring a new JVM up: {@code status} 0 with a pid other than {@code old}. */
    private long awaitRestarted(long old) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        Run last = null;
        while (System.nanoTime() < deadline) {
            last = murder(null, "status");
            List<Long> now = jvms();
            if (last.status() == 0 && now.size() == 1 && now.get(0) != old) {
                return now.get(0);
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("the supervisor did not restart the server within 240 s; last status: " + last);
    }

    private static void greets(int port, String prefix) throws IOException {
        try (RawLineClient c = new RawLineClient(MurderNode.HOST, port)) {
            String line = c.line();
            assertTrue(line != null && line.startsWith(prefix), port + " greeted with " + line);
        }
    }

    private static void signal(String sig, long pid) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("kill", sig, Long.toString(pid)).inheritIO().start().waitFor());
    }
}
