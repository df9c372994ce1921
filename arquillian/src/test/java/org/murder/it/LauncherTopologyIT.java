package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ./murder start --topology discrete}: a master, two backends and two frontends as WildFly processes of
 * their own, in a var directory and at a port base of this test's ({@code MURDER_VAR}, {@code MURDER_PORT_BASE}).
 *
 * <ul>
 * <li>{@code status --json} lists the five nodes up, with their roles and endpoints;</li>
 * <li>a mailbox created on a backend reaches both frontends' map copies through the Artemis cluster within seconds
 * (the frontends' periodic check against the master would take 30 s and more), and the frontends' status reports
 * reach the master's queue;</li>
 * <li>{@code adduser} puts the user on every frontend and backend, the INBOX on the named backend or round robin;</li>
 * <li>{@code stop fe1} / {@code start fe1}: one node down is status 1, and back it has caught up;</li>
 * <li>{@code stop} stops every node.</li>
 * </ul>
 *
 * Five WildFly starts at once (about 75-90 s on two cores) and one more; {@code h2-only}, it runs once per build.
 */
@Tag("h2-only")
@Timeout(900)
class LauncherTopologyIT {

    /**
     * Nodes at 31000 + 100 x n: clear of the Arquillian node (offset 10000), LauncherIT (7xxx), the benchmarks (2xxxx)
     * and below the kernel's ephemeral range (32768), which the launcher refuses.
     */
    private static final int BASE = 31000;
    private static final int MASTER_HTTP = BASE + 80;
    private static final int BE1_HTTP = BASE + 180;
    private static final int BE2_HTTP = BASE + 280;
    private static final int BE2_IMAP = BASE + 243;
    private static final int FE1_HTTP = BASE + 380;
    private static final int FE1_IMAP = BASE + 343;
    private static final int FE2_LMTP = BASE + 424;
    private static final int FE2_HTTP = BASE + 480;

    private final Path var = StandaloneNode.baseDir("launcher-topology");
    private final Path topology = var.resolve("topology/discrete");
    private final Path launcher = Path.of(System.getProperty("murder.launcher", "../murder")).toAbsolutePath().normalize();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String nodePassword;

    private record Run(int status, String output) {
        @Override
        public String toString() {
            return "exit " + status + ":\n" + output;
        }
    }

    @Test
    void aDiscreteTopologyStartsCarriesTheMapAndStops() throws Exception {
        StandaloneNode.deleteTree(var);
        Files.createDirectories(var);
        try {
            long t0 = System.nanoTime();
            Run start = murder("start", "--topology", "discrete");
            long startSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            System.out.println("LauncherTopologyIT: the discrete topology started in " + startSeconds + " s");
            assertEquals(0, start.status(), start::toString);

            // ---- five nodes, each with its roles and endpoints
            JsonArray nodes = statusJson(0);
            assertEquals(List.of("master", "be1", "be2", "fe1", "fe2"),
                    nodes.stream().map(v -> v.asJsonObject().getString("name")).toList(), nodes::toString);
            for (JsonObject n : nodes.getValuesAs(JsonObject.class)) {
                assertTrue(n.getBoolean("up"), n::toString);
                assertTrue(n.getJsonNumber("pid").longValue() > 0, n::toString);
            }
            JsonObject master = nodes.getJsonObject(0);
            assertEquals(List.of("master"), roles(master));
            assertEquals("127.0.0.1:" + (BASE + 5), master.getString("mupdate"));
            assertTrue(master.isNull("imap"), master::toString);
            JsonObject be2 = nodes.getJsonObject(2);
            assertEquals(List.of("backend"), roles(be2));
            assertEquals("127.0.0.1:" + BE2_IMAP, be2.getString("imap"));
            assertTrue(be2.isNull("mupdate"), be2::toString);
            assertEquals(List.of("frontend"), roles(nodes.getJsonObject(3)));
            assertEquals("127.0.0.1:" + FE1_HTTP, nodes.getJsonObject(3).getString("http"));

            // generated secrets, private files
            for (Path p : List.of(topology.resolve("topology.conf"), topology.resolve("fe1/murder.conf"),
                    topology.resolve("be1/node/configuration/murder-users.properties"))) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
            }
            nodePassword = setting(topology.resolve("master/murder.conf"), "murder_node_password");
            assertTrue(nodePassword.length() >= 20, "a generated password");
            assertFalse(Files.readString(topology.resolve("be1/node/configuration/murder-users.properties")).contains(nodePassword));
            String fe1 = Files.readString(topology.resolve("fe1/murder.conf"));
            assertTrue(fe1.contains("be2_imap_address: 127.0.0.1:" + BE2_IMAP) && fe1.contains("proxy_authname: murderproxy")
                    && fe1.contains("murder_cluster: yes"), fe1);

            // ---- a mailbox created on be1 reaches both frontends' copies through Artemis
            long created = System.nanoTime();
            HttpResponse<String> made = post(BE1_HTTP, "/api/backend/mailboxes", "{\"name\": \"user.probe\", \"partition\": \"\"}");
            assertEquals(201, made.statusCode(), made::body);
            long fe1Millis = awaitInCopy(FE1_HTTP, "user.probe", "be1!default", created);
            long fe2Millis = awaitInCopy(FE2_HTTP, "user.probe", "be1!default", created);
            System.out.println("LauncherTopologyIT: user.probe in fe1's copy " + fe1Millis + " ms, fe2's " + fe2Millis
                    + " ms after the create was sent");
            // the frontends' status reports cross to the master's queue
            await("the master records both frontends' status", () -> get(MASTER_HTTP, "/api/nodes"),
                    body -> body.contains("\"node\":\"fe1\"") && body.contains("\"node\":\"fe2\""), 20);

            // ---- users: everywhere; the INBOX where asked, else round robin
            Run alice = murder("adduser", "alice", "alice-pw", "be2!default");
            assertEquals(0, alice.status(), alice::toString);
            assertTrue(alice.output().contains("INBOX user.alice created on be2!default"), alice::toString);
            Run bob = murder("adduser", "bob", "bob-pw");
            Run carol = murder("adduser", "carol", "carol-pw");
            assertTrue(bob.output().contains("INBOX user.bob created on be1!default"), bob::toString);
            assertTrue(carol.output().contains("INBOX user.carol created on be2!default"), carol::toString);
            awaitInCopy(FE2_HTTP, "user.carol", "be2!default", System.nanoTime());
            for (String node : List.of("be1", "be2", "fe1", "fe2")) {
                String users = Files.readString(topology.resolve(node + "/node/configuration/murder-users.properties"));
                assertTrue(users.contains("alice=SCRAM-SHA-256$") && users.contains("carol=SCRAM-SHA-256$"), node + ": " + users);
            }
            assertFalse(Files.readString(topology.resolve("master/node/configuration/murder-users.properties")).contains("alice="));
            try (RawLineClient c = new RawLineClient(MurderNode.HOST, BE2_IMAP)) {
                c.line();
                c.send("a LOGIN alice alice-pw\r\n");
                assertTrue(c.lineStartingWith("a ").startsWith("a OK"), "alice logs in at be2");
                c.send("b STATUS INBOX (MESSAGES)\r\n");
                assertTrue(c.lineStartingWith("* STATUS").contains("MESSAGES 0"), "alice's INBOX is on be2");
            }
            // ---- the murder at work: one LMTP transaction at fe2 for users on two backends, read back through fe1
            awaitInCopy(FE2_HTTP, "user.bob", "be1!default", System.nanoTime());
            try (RawLineClient lmtp = new RawLineClient(MurderNode.HOST, FE2_LMTP)) {
                assertTrue(lmtp.line().startsWith("220"));
                lmtp.send("LHLO it\r\n");
                lmtp.lineStartingWith("250 ");
                lmtp.send("MAIL FROM:<it@example.org>\r\n");
                assertTrue(lmtp.line().startsWith("250"));
                lmtp.send("RCPT TO:<alice>\r\n");
                assertTrue(lmtp.line().startsWith("250"), "alice, on be2");
                lmtp.send("RCPT TO:<bob>\r\n");
                assertTrue(lmtp.line().startsWith("250"), "bob, on be1");
                lmtp.send("DATA\r\n");
                assertTrue(lmtp.line().startsWith("354"));
                lmtp.send("Subject: through the murder\r\n\r\nproxied both ways\r\n.\r\n");
                String forAlice = lmtp.line();
                String forBob = lmtp.line();
                assertTrue(forAlice.startsWith("250") && forBob.startsWith("250"), forAlice + " / " + forBob);
            }
            for (String user : List.of("alice", "bob")) {
                try (RawLineClient c = new RawLineClient(MurderNode.HOST, FE1_IMAP)) {
                    c.line();
                    c.send("a LOGIN " + user + " " + user + "-pw\r\n");
                    assertTrue(c.lineStartingWith("a ").startsWith("a OK"), user + " logs in at fe1");
                    c.send("b SELECT INBOX\r\n");
                    c.lineStartingWith("* 1 EXISTS"); // user's INBOX, through fe1, with the one message
                    assertTrue(c.lineStartingWith("b ").startsWith("b OK"));
                    c.send("c FETCH 1 BODY.PEEK[TEXT]\r\n");
                    c.lineStartingWith("* 1 FETCH");
                    assertEquals("proxied both ways", c.line());
                    c.lineStartingWith("c OK");
                }
            }

            Run elsewhere = murder("adduser", "dave", "dave-pw", "fe1");
            assertEquals(1, elsewhere.status(), elsewhere::toString);
            assertTrue(elsewhere.output().contains("'fe1' is not a backend"), elsewhere::toString);

            // ---- one frontend down and back; it catches up with what changed meanwhile
            Run stopFe1 = murder("stop", "fe1");
            assertEquals(0, stopFe1.status(), stopFe1::toString);
            JsonArray oneDown = statusJson(1);
            assertFalse(oneDown.getJsonObject(3).getBoolean("up"), oneDown::toString);
            assertTrue(oneDown.getJsonObject(3).isNull("pid"), oneDown::toString);
            assertTrue(oneDown.getJsonObject(4).getBoolean("up"), oneDown::toString);
            assertEquals(201, post(BE2_HTTP, "/api/backend/mailboxes", "{\"name\": \"user.late\", \"partition\": \"\"}").statusCode());
            Run refused = murder("start", "--topology", "unified");
            assertEquals(1, refused.status(), refused::toString);
            assertTrue(refused.output().contains("the discrete topology runs"), refused::toString);
            Run startFe1 = murder("start", "fe1");
            assertEquals(0, startFe1.status(), startFe1::toString);
            awaitInCopy(FE1_HTTP, "user.late", "be2!default", System.nanoTime());
            long again = System.nanoTime();
            assertEquals(201, post(BE1_HTTP, "/api/backend/mailboxes", "{\"name\": \"user.again\", \"partition\": \"\"}").statusCode());
            awaitInCopy(FE1_HTTP, "user.again", "be1!default", again);
            statusJson(0);

            // ---- stop: every node
            Run stop = murder("stop");
            assertEquals(0, stop.status(), stop::toString);
            assertEquals(List.of(), jvms(), "no node JVM after stop");
            Run stopped = murder("status");
            assertEquals(3, stopped.status(), stopped::toString);
        } finally {
            murder("stop");
            for (long pid : jvms()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static List<String> roles(JsonObject node) {
        return node.getJsonArray("roles").getValuesAs(jakarta.json.JsonString.class).stream().map(s -> s.getString()).toList();
    }

    private JsonArray statusJson(int expectedStatus) throws IOException, InterruptedException {
        Run json = murder("status", "--json");
        assertEquals(expectedStatus, json.status(), json::toString);
        try (JsonReader r = Json.createReader(new StringReader(json.output()))) {
            return r.readArray();
        }
    }

    /** Waits (10 s at most) until the frontend's copy has the mailbox at the location; milliseconds since {@code since}. */
    private long awaitInCopy(int frontendHttp, String mailbox, String location, long since) throws Exception {
        await(mailbox + " in the copy of the frontend on " + frontendHttp, () -> get(frontendHttp, "/api/copy?prefix=" + mailbox),
                body -> body.contains("\"name\":\"" + mailbox + "\"") && body.contains("\"location\":\"" + location + "\""), 10);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    private interface Fetch {
        String get() throws Exception;
    }

    private static void await(String what, Fetch fetch, Predicate<String> done, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = null;
        while (System.nanoTime() < deadline) {
            last = fetch.get();
            if (done.test(last)) {
                return;
            }
            Thread.sleep(20);
        }
        fail(what + ": not within " + seconds + " s; last answer " + last);
    }

    private String get(int port, String path) throws IOException, InterruptedException {
        return http.send(request(port, path).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpResponse<String> post(int port, String path, String json) throws IOException, InterruptedException {
        return http.send(request(port, path).header("Content-Type", "application/json").header("X-Requested-By", "it")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(int port, String path) {
        String basic = Base64.getEncoder().encodeToString(("murder-node:" + nodePassword).getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Basic " + basic);
    }

    private static String setting(Path conf, String key) throws IOException {
        return Files.readAllLines(conf).stream().filter(l -> l.startsWith(key + ": ")).map(l -> l.substring(key.length() + 2))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError(key + " not in " + conf));
    }

    /** {@code ./murder args} on this test's var directory and port base (no MURDER_HOME/MURDER_CONF: the topology's). */
    private Run murder(String... args) throws IOException, InterruptedException {
        List<String> command = Stream.concat(Stream.of(launcher.toString()), Stream.of(args)).toList();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("MURDER_HOME");
        pb.environment().remove("MURDER_CONF");
        pb.environment().put("MURDER_VAR", var.toString());
        pb.environment().put("MURDER_PORT_BASE", Integer.toString(BASE));
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("./murder " + String.join(" ", args) + " still runs after 600 s:\n" + out);
        }
        System.out.println("./murder " + String.join(" ", args) + " -> " + p.exitValue() + "\n" + out);
        return new Run(p.exitValue(), out);
    }

    /** The live JVMs started with a node directory of this test's topology. */
    private List<Long> jvms() {
        String prefix = "-Djboss.server.base.dir=" + topology;
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().command().orElse("").endsWith("/java"))
                .filter(h -> h.info().arguments().map(a -> Stream.of(a).anyMatch(x -> x.startsWith(prefix))).orElse(false))
                .filter(h -> !zombie(h.pid()))
                .map(ProcessHandle::pid).sorted().toList();
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }
}
