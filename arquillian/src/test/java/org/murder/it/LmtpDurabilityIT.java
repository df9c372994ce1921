package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.murder.protocol.lmtp.Address;
import org.murder.protocol.lmtp.ForwardPath;
import org.murder.protocol.lmtp.LmtpClient;
import org.murder.protocol.lmtp.LmtpCommand;
import org.murder.protocol.lmtp.LmtpReply;
import org.murder.protocol.lmtp.ReversePath;

/**
 * A 250 survives {@code kill -9}. Arquillian's managed container cannot bring back a server killed under it,
 * so this test runs a WildFly of its own, the way {@code ./murder} does: {@code standalone.sh -c murder.xml
 * -Djboss.server.base.dir=<base> -P <conf>} on a copy of the provisioned configuration, the EAR copied into
 * {@code <base>/deployments}, every port shifted (offset 5000, LMTP 7003, MUPDATE 8905) so it runs beside the
 * Arquillian node and the benchmarks. It uses the embedded H2 database, the default, hence {@code h2-only}: it runs once per build.
 *
 * <p>Several clients deliver a stream of messages to {@code alice} and {@code murder}, recording every
 * recipient that got 250; the server's JVM is killed with SIGKILL in the middle; after a restart every recorded
 * message must be in its mailbox's directory, byte for byte. Then more mail goes in: were a committed UID lost,
 * a new message would take its number and replace an acknowledged file. Last, the newest acknowledged message
 * is sent again: the duplicate record committed with it must still suppress it.</p>
 */
@Tag("h2-only")
@Timeout(900)
class LmtpDurabilityIT {

    /** Clear of the Arquillian node (10000) and of bench/run.sh and bench/run-backend.sh (2xxxx). */
    /**
     * Below the kernel's ephemeral range (32768-60999 here): a port in it may already be some outgoing
     * connection's local port, and the server's bind would fail at random.
     */
    private static final int OFFSET = 5000;
    private static final int LMTP_PORT = 7003;
    private static final int MUPDATE_PORT = 8905;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(300);
    private static final Duration IO = Duration.ofSeconds(20);
    private static final int CLIENTS = 3;
    private static final int MAX_MESSAGES_PER_CLIENT = 3000;
    private static final int ACKS_BEFORE_KILL = 150;
    private static final ReversePath SENDER = ReversePath.of(Address.of("sender", "example.org"));
    private static final List<String> RECIPIENTS = List.of(MurderNode.USER, MurderNode.ADMIN);

    /** One recipient's 250 for one message. */
    private record Ack(String subject, String recipient, long seq) {
    }

    private final Path jbossHome = Path.of(required("jboss.home"));
    private final Path ear = Path.of(required("murder.ear"));
    private final Path base = Path.of(System.getProperty("murder.node.dir", "target/nodes/h2")).toAbsolutePath()
            .getParent().resolve("durability");
    private final Map<String, byte[]> sent = new ConcurrentHashMap<>();

    private static String required(String property) {
        String v = System.getProperty(property);
        assertNotNull(v, "system property " + property + " (failsafe sets it)");
        return v;
    }

    @Test
    void everyAcknowledgedDeliverySurvivesKillMinusNine() throws Exception {
        prepareBase();
        Server server = null;
        try {
            server = Server.start(jbossHome, base, 1);
            String aliceBox = markerBox(MurderNode.USER, "before");
            String murderBox = markerBox(MurderNode.ADMIN, "before");
            Map<String, String> boxOf = Map.of(MurderNode.USER, aliceBox, MurderNode.ADMIN, murderBox);

            // ---- a stream of deliveries, killed in the middle
            ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger seq = new AtomicInteger();
            List<Thread> clients = new ArrayList<>();
            ConcurrentLinkedQueue<String> endings = new ConcurrentLinkedQueue<>();
            for (int w = 0; w < CLIENTS; w++) {
                int worker = w;
                Thread t = new Thread(() -> endings.add(stream(worker, stop, seq, acks)), "lmtp-stream-" + w);
                t.setDaemon(true);
                clients.add(t);
                t.start();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (acks.size() < ACKS_BEFORE_KILL && System.nanoTime() < deadline && clients.stream().anyMatch(Thread::isAlive)) {
                Thread.sleep(20);
            }
            assertTrue(acks.size() >= ACKS_BEFORE_KILL, "only " + acks.size() + " deliveries acknowledged; clients ended: "
                    + endings + "; " + server.logTail());
            Thread.sleep(new Random().nextInt(300));
            int ackedAtKill = acks.size();
            server.kill9();
            for (Thread t : clients) {
                t.join(60_000);
                assertFalse(t.isAlive(), "a client still runs a minute after the kill");
            }
            stop.set(true);
            List<Ack> acknowledged = List.copyOf(acks);
            System.out.println("durability: " + acknowledged.size() + " acknowledged (" + ackedAtKill + " when kill -9 was sent), "
                    + seq.get() + " messages started; clients ended: " + endings);

            // ---- the same directory, a new server
            server = Server.start(jbossHome, base, 2);
            Map<String, List<Path>> stored = SpoolFiles.bySubject(spool());
            checkAcknowledged(acknowledged, stored, boxOf, "after the restart");
            checkNothingTorn(stored);

            // ---- new mail must not take the number of an acknowledged message
            List<Ack> later = new ArrayList<>();
            try (LmtpClient c = connect()) {
                for (int i = 0; i < 40; i++) {
                    String subject = MurderNode.RUN + " durability after " + i;
                    byte[] m = SpoolFiles.message(subject, subject.replace(' ', '.') + "@it.example.org", "after the restart " + i);
                    sent.put(subject, m);
                    LmtpClient.Delivery d = c.deliver(LmtpCommand.Mail.of(SENDER), rcpts(), new ByteArrayInputStream(m));
                    for (int r = 0; r < RECIPIENTS.size(); r++) {
                        assertEquals(250, d.outcomes().get(r).code(), d::toString);
                        later.add(new Ack(subject, RECIPIENTS.get(r), -1));
                    }
                }
                // the last message acknowledged for alice again: its duplicate record was committed with it
                Ack newest = acknowledged.stream().filter(a -> a.recipient().equals(MurderNode.USER))
                        .reduce((first, second) -> second).orElseThrow();
                LmtpClient.Delivery again = c.deliver(LmtpCommand.Mail.of(SENDER),
                        List.of(LmtpCommand.Rcpt.of(ForwardPath.of(Address.local(MurderNode.USER)))),
                        new ByteArrayInputStream(sent.get(newest.subject())));
                assertEquals(250, again.outcomes().get(0).code(), again::toString);
                stored = SpoolFiles.bySubject(spool());
                long copies = stored.getOrDefault(newest.subject(), List.of()).stream()
                        .filter(p -> SpoolFiles.mailboxOf(p).equals(aliceBox)).count();
                assertEquals(1, copies, "the newest acknowledged message (" + newest.subject()
                        + ") sent again after the restart is stored once: " + stored.get(newest.subject()));
            }
            checkAcknowledged(acknowledged, stored, boxOf, "after 40 more deliveries");
            checkAcknowledged(later, stored, boxOf, "delivered after the restart");
            checkNothingTorn(stored);
        } finally {
            if (server != null) {
                server.kill9();
            }
        }
    }

    private Path spool() {
        return base.resolve("data/murder/spool/default");
    }

    private static List<LmtpCommand.Rcpt> rcpts() {
        return RECIPIENTS.stream().map(r -> LmtpCommand.Rcpt.of(ForwardPath.of(Address.local(r)))).toList();
    }

    private static LmtpClient connect() throws IOException {
        LmtpClient c = new LmtpClient(MurderNode.HOST, LMTP_PORT, IO);
        assertEquals(220, c.greeting().code());
        assertEquals(250, c.lhlo("durability.example.org").code());
        return c;
    }

    /** One client's stream until the server dies (or the bound); returns how it ended. */
    private String stream(int worker, AtomicBoolean stop, AtomicInteger seq, ConcurrentLinkedQueue<Ack> acks) {
        Random random = new Random(worker);
        try (LmtpClient c = connect()) {
            for (int i = 0; i < MAX_MESSAGES_PER_CLIENT && !stop.get(); i++) {
                int n = seq.incrementAndGet();
                String subject = MurderNode.RUN + " durability " + worker + "/" + i;
                // mostly small, every tenth 60-180 KB, so the kill may land in a long write
                int lines = i % 10 == 9 ? 1500 + random.nextInt(3000) : 1 + random.nextInt(40);
                String[] body = new String[lines];
                for (int l = 0; l < lines; l++) {
                    body[l] = (l % 7 == 0 ? "." : "") + "message " + n + " line " + l + " " + Long.toHexString(random.nextLong());
                }
                byte[] m = SpoolFiles.message(subject, subject.replace(' ', '.').replace('/', '-') + "@it.example.org", body);
                sent.put(subject, m);
                LmtpClient.Delivery d = c.deliver(LmtpCommand.Mail.of(SENDER), rcpts(), new ByteArrayInputStream(m));
                for (int r = 0; r < RECIPIENTS.size(); r++) {
                    LmtpReply reply = d.outcomes().get(r);
                    if (reply.code() == 250) {
                        acks.add(new Ack(subject, RECIPIENTS.get(r), n));
                    } else {
                        return "worker " + worker + ": " + RECIPIENTS.get(r) + " got " + reply;
                    }
                }
            }
            return "worker " + worker + ": bound reached";
        } catch (IOException e) {
            return "worker " + worker + ": " + e.getClass().getSimpleName() + " " + e.getMessage();
        } catch (RuntimeException e) {
            return "worker " + worker + ": " + e;
        }
    }

    private void checkAcknowledged(List<Ack> acks, Map<String, List<Path>> stored, Map<String, String> boxOf, String when) {
        List<String> problems = new ArrayList<>();
        for (Ack a : acks) {
            List<Path> inBox = stored.getOrDefault(a.subject(), List.of()).stream()
                    .filter(p -> SpoolFiles.mailboxOf(p).equals(boxOf.get(a.recipient()))).toList();
            if (inBox.size() != 1) {
                problems.add(a + ": " + inBox.size() + " files in mailbox " + boxOf.get(a.recipient()) + " "
                        + stored.getOrDefault(a.subject(), List.of()));
                continue;
            }
            String bad = SpoolFiles.mismatch(inBox.get(0), sent.get(a.subject()));
            if (bad != null) {
                problems.add(a + ": " + bad);
            }
        }
        assertTrue(problems.isEmpty(), () -> problems.size() + " of " + acks.size() + " acknowledged deliveries wrong "
                + when + ":\n" + String.join("\n", problems.subList(0, Math.min(20, problems.size()))));
    }

    /** Every file in a mailbox directory is a whole message (a delivery in flight may or may not be there). */
    private void checkNothingTorn(Map<String, List<Path>> stored) {
        int files = 0;
        for (Path p : SpoolFiles.all(spool())) {
            files++;
            String subject = SpoolFiles.subjectOf(p);
            byte[] original = subject == null ? null : sent.get(subject);
            if (subject != null && subject.contains(" marker ")) {
                continue;
            }
            assertNotNull(original, () -> p + " is no message this test sent (subject " + subject + ")");
            assertNull(SpoolFiles.mismatch(p, original));
        }
        assertTrue(files > 0);
    }

    private String markerBox(String user, String when) throws IOException {
        String subject = MurderNode.RUN + " marker " + user + " " + when;
        byte[] m = SpoolFiles.message(subject, subject.replace(' ', '.') + "@it.example.org", "marker");
        try (LmtpClient c = connect()) {
            LmtpClient.Delivery d = c.deliver(LmtpCommand.Mail.of(SENDER),
                    List.of(LmtpCommand.Rcpt.of(ForwardPath.of(Address.local(user)))), new ByteArrayInputStream(m));
            assertEquals(250, d.outcomes().get(0).code(), d::toString);
        }
        List<Path> files = SpoolFiles.withSubject(spool(), subject);
        assertEquals(1, files.size(), files::toString);
        return SpoolFiles.mailboxOf(files.get(0));
    }

    /** A fresh node directory: the provisioned configuration, the test users, settings, the EAR. */
    private void prepareBase() throws IOException, InterruptedException {
        if (Files.exists(base)) {
            try (Stream<Path> s = Files.walk(base)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
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
        RealmUsers.add(base.resolve("configuration"), MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD);
        RealmUsers.add(base.resolve("configuration"), MurderNode.USER, MurderNode.USER_PASSWORD);
        // imapd.conf syntax, read with standalone.sh -P as ./murder does
        Files.writeString(base.resolve("murder.conf"), String.join("\n",
                "servername: durability-node",
                "admins: murder",
                "lmtp_port: " + LMTP_PORT,
                "mupdate_port: " + MUPDATE_PORT,
                "imap_port: " + (OFFSET + 1143),
                "pop3_port: " + (OFFSET + 1110),
                "autocreate_post: yes",
                "http_port: 8080",
                ""));
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

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** A WildFly started with standalone.sh; {@link #kill9()} SIGKILLs its JVM. */
    private static final class Server {
        private final Process shell;
        private final long javaPid;
        private final Path base;
        private final Path console;

        private Server(Process shell, long javaPid, Path base, Path console) {
            this.shell = shell;
            this.javaPid = javaPid;
            this.base = base;
            this.console = console;
        }

        static Server start(Path jbossHome, Path base, int attempt) throws IOException, InterruptedException {
            Path deployments = base.resolve("deployments");
            for (String marker : List.of(".deployed", ".failed", ".isdeploying", ".pending", ".undeployed")) {
                Files.deleteIfExists(deployments.resolve("murder.ear" + marker));
            }
            Path pidFile = base.resolve("server.pid");
            Files.deleteIfExists(pidFile);
            Path console = base.resolve("log/console-" + attempt + ".log");
            assertFalse(lmtpAnswers(), "something already listens on 127.0.0.1:" + LMTP_PORT);
            ProcessBuilder pb = new ProcessBuilder(jbossHome.resolve("bin/standalone.sh").toString(), "-c", "murder.xml",
                    "-Djboss.server.base.dir=" + base, "-Djboss.socket.binding.port-offset=" + OFFSET,
                    "-P", base.resolve("murder.conf").toString())
                    .redirectErrorStream(true).redirectOutput(console.toFile());
            pb.environment().put("JBOSS_HOME", jbossHome.toString());
            pb.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
            pb.environment().put("JBOSS_PIDFILE", pidFile.toString());
            Instant started = Instant.now();
            Process shell = pb.start();
            shell.getOutputStream().close();
            Server s = null;
            try {
                long pid = awaitJavaPid(shell, pidFile);
                s = new Server(shell, pid, base, console);
                s.awaitReady();
                System.out.println("durability: server " + attempt + " (pid " + pid + ") ready in "
                        + Duration.between(started, Instant.now()).toSeconds() + " s");
                return s;
            } catch (RuntimeException | Error | IOException | InterruptedException e) {
                if (s != null) {
                    s.kill9();
                }
                shell.destroyForcibly();
                throw e;
            }
        }

        /** The JVM standalone.sh started: the pid it wrote, checked to be a java child of our shell. */
        private static long awaitJavaPid(Process shell, Path pidFile) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (Files.exists(pidFile)) {
                    String text = Files.readString(pidFile).trim();
                    if (!text.isEmpty()) {
                        long pid = Long.parseLong(text);
                        Optional<ProcessHandle> child = shell.toHandle().children().filter(h -> h.pid() == pid).findFirst();
                        assertTrue(child.isPresent(), "pid " + pid + " is a child of standalone.sh");
                        assertTrue(child.get().info().command().orElse("").endsWith("java"), () -> "pid " + pid + " is "
                                + child.get().info().command());
                        return pid;
                    }
                }
                if (!shell.isAlive()) {
                    throw new AssertionError("standalone.sh exited with " + shell.exitValue());
                }
                Thread.sleep(50);
            }
            throw new AssertionError("standalone.sh wrote no pid file within 60 s");
        }

        private void awaitReady() throws InterruptedException {
            Path deployments = base.resolve("deployments");
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (!ProcessHandle.of(javaPid).map(ProcessHandle::isAlive).orElse(false)) {
                    throw new AssertionError("the server exited during start-up: " + logTail());
                }
                if (Files.exists(deployments.resolve("murder.ear.failed"))) {
                    throw new AssertionError("deployment failed: " + read(deployments.resolve("murder.ear.failed")) + logTail());
                }
                if (Files.exists(deployments.resolve("murder.ear.deployed")) && lmtpAnswers()) {
                    return;
                }
                Thread.sleep(250);
            }
            throw new AssertionError("not ready within " + START_TIMEOUT + ": " + logTail());
        }

        private static boolean lmtpAnswers() {
            try (LmtpClient c = new LmtpClient(MurderNode.HOST, LMTP_PORT, Duration.ofSeconds(5))) {
                return c.greeting().code() == 220;
            } catch (IOException e) {
                return false;
            }
        }

        /** {@code kill -9} the JVM, wait for it and for the shell; idempotent. */
        void kill9() throws IOException, InterruptedException {
            Optional<ProcessHandle> java = ProcessHandle.of(javaPid);
            if (java.isPresent() && java.get().isAlive()) {
                Process kill = new ProcessBuilder("kill", "-9", Long.toString(javaPid)).redirectErrorStream(true).start();
                if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                    kill.destroyForcibly();
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (java.get().isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertFalse(java.get().isAlive(), "pid " + javaPid + " outlived kill -9 by 30 s");
            }
            if (!shell.waitFor(30, TimeUnit.SECONDS)) {
                shell.destroyForcibly();
                shell.waitFor(10, TimeUnit.SECONDS);
            }
        }

        String logTail() {
            String log = read(console);
            return "\n--- " + console + " (tail):\n" + log.substring(Math.max(0, log.length() - 6000));
        }
    }
}
