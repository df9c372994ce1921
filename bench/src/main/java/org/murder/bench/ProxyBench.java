package org.murder.bench;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.murder.protocol.lmtp.Address;
import org.murder.protocol.lmtp.ForwardPath;
import org.murder.protocol.lmtp.LmtpClient;
import org.murder.protocol.lmtp.LmtpCommand;
import org.murder.protocol.lmtp.LmtpReply;
import org.murder.protocol.lmtp.ReversePath;

/**
 * The frontend benchmark's client, run by {@code bench/run-proxy.sh}: the same IMAP and LMTP operations against a
 * backend directly and through a frontend (ours, and Cyrus's proxyd / lmtpproxyd), the time a location change takes
 * to reach both frontends' copies, and the frontend's memory with many idle proxied IMAP sessions.
 *
 * <pre>
 * ProxyBench measure LABEL HOST IMAP_PORT LMTP_PORT OUT.properties [key=value ...]
 *     phases=populate,await,warmup,sessions,fetch,lmtp1,lmtpN   (any of them)
 *     clients=8 session-seconds=20 lmtp-seconds=20 lmtp-kb=2 fetch-msgs=500 fetch-kb=64 fetch-runs=15 warmup-seconds=10
 *     cpu-pids=NAME:PID,... (CPU per operation of those servers, from /proc)
 *     lmtp-auth=USER:PASSWORD (LMTP AUTH when offered) create-as=USER:PASSWORD (populate: CREATE user.NAME first)
 *     idle-users=10 (benchidle00.. get 20 messages at populate)
 * ProxyBench latency BE_HOST BE_IMAP ADMIN:PASSWORD FE_HTTP_PORTS(comma) NODE_USER:PASSWORD OUT.properties [count=50 spacing-ms=200]
 * ProxyBench idle FE_HOST FE_IMAP LAYOUT FE_PID BE_PID FE_HTTP OUT.properties [window=64]
 * ProxyBench report OUT.md DIR   (DIR holds ours-direct, ours-fe, cyrus-direct, cyrus-fe, latency, idle .properties)
 * </pre>
 *
 * Users (password {@code <user>-pw}): {@code benchsess} (20 messages of 4 KB), {@code benchfetch} (500 of 64 KB),
 * {@code benchlmtp} (the LMTP phases deliver to it), {@code benchidle00}... (20 messages of 4 KB each).
 */
public final class ProxyBench {

    static final String SESS = "benchsess";
    static final String FETCH = "benchfetch";
    static final String LMTP = "benchlmtp";
    static final String IDLE = "benchidle";
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(120);
    private static final int MAX_ERRORS = 50;

    private final Map<String, String> opt = new LinkedHashMap<>();
    private final Properties results = new Properties();
    private final String runId = Long.toString(System.currentTimeMillis(), 36);

    private ProxyBench(String[] a, int from) {
        opt.put("phases", "populate,await,warmup,sessions,fetch,lmtp1,lmtpN");
        opt.put("clients", "8");
        opt.put("session-seconds", "20");
        opt.put("lmtp-seconds", "20");
        opt.put("lmtp-kb", "2");
        opt.put("fetch-msgs", "500");
        opt.put("fetch-kb", "64");
        opt.put("fetch-runs", "15");
        opt.put("lmtp-auth", "");
        opt.put("create-as", "");
        opt.put("idle-users", "5");
        opt.put("count", "50");
        opt.put("spacing-ms", "200");
        opt.put("window", "64");
        opt.put("cpu-pids", "");
        opt.put("warmup-seconds", "10");
        for (int i = from; i < a.length; i++) {
            String[] kv = a[i].split("=", 2);
            if (kv.length != 2 || !opt.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown option " + a[i] + " (known: " + opt.keySet() + ")");
            }
            opt.put(kv[0], kv[1]);
        }
    }

    private int num(String key) {
        return Integer.parseInt(opt.get(key));
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: ProxyBench measure|latency|idle|report ...");
        }
        switch (args[0]) {
            case "measure" -> new ProxyBench(args, 6).measure(args[1], args[2], Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Path.of(args[5]));
            case "latency" -> new ProxyBench(args, 7).latency(args[1], Integer.parseInt(args[2]), args[3], args[4], args[5],
                    Path.of(args[6]));
            case "idle" -> new ProxyBench(args, 8).idle(args[1], Integer.parseInt(args[2]), args[3], Long.parseLong(args[4]),
                    Long.parseLong(args[5]), Integer.parseInt(args[6]), Path.of(args[7]));
            case "report" -> Report.write(Path.of(args[1]), Path.of(args[2]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    // ------------------------------------------------------------------ measure: one server (direct or through a frontend)

    private String host;
    private int imapPort;
    private int lmtpPort;

    private void measure(String label, String host, int imapPort, int lmtpPort, Path out) throws Exception {
        this.host = host;
        this.imapPort = imapPort;
        this.lmtpPort = lmtpPort;
        put("label", label);
        put("target", host + " IMAP " + imapPort + " LMTP " + lmtpPort);
        put("load.start", loadAverage());
        List<String> phases = List.of(opt.get("phases").split(","));
        boolean ok = true;
        try {
            if (phases.contains("populate")) {
                populate();
            }
            if (phases.contains("await")) {
                awaitUsers();
            }
            if (phases.contains("warmup")) {
                // a JVM is measured warm (its JIT has compiled the paths), a C server needs none: unmeasured rounds first
                int warm = num("warmup-seconds");
                sessions(Duration.ofSeconds(warm), num("clients"), "warmup");
                deliver(num("clients"), Duration.ofSeconds(Math.max(2, warm / 2)), "warmup");
            }
            if (phases.contains("sessions")) {
                Map<String, Long> cpu = cpuTicks();
                Result r = sessions(Duration.ofSeconds(num("session-seconds")), num("clients"), "sessions");
                putCpu("sessions", cpu, r.ops);
                putResult("sessions", r);
                log("%s sessions: %,d in %.1f s from %d clients: %.1f /s, p50 %.1f ms p99 %.1f ms, %d failed", label, r.ops,
                        r.seconds(), num("clients"), r.rate(), r.p(0.5), r.p(0.99), r.errors);
                checkErrors("sessions", r);
            }
            if (phases.contains("fetch")) {
                Map<String, Long> cpu = cpuTicks();
                fetchBodies();
                putCpu("fetch", cpu, Math.max(1, num("fetch-runs")) + 1); // the runs and the unmeasured first one
            }
            if (phases.contains("lmtp1")) {
                Result r = deliver(1, Duration.ofSeconds(num("lmtp-seconds")), "lmtp1");
                putResult("lmtp1", r);
                log("%s LMTP 1 client: %,d in %.1f s: %.1f msg/s, p50 %.1f ms p99 %.1f ms", label, r.ops, r.seconds(),
                        r.rate(), r.p(0.5), r.p(0.99));
                checkErrors("lmtp1", r);
            }
            if (phases.contains("lmtpN")) {
                Result r = deliver(num("clients"), Duration.ofSeconds(num("lmtp-seconds")), "lmtpN");
                putResult("lmtpN", r);
                log("%s LMTP %d clients: %,d in %.1f s: %.1f msg/s, p50 %.1f ms p99 %.1f ms", label, num("clients"), r.ops,
                        r.seconds(), r.rate(), r.p(0.5), r.p(0.99));
                checkErrors("lmtpN", r);
            }
        } catch (Exception e) {
            ok = false;
            put("error", String.valueOf(e));
            log("%s FAILED: %s", label, e);
            e.printStackTrace();
        } finally {
            put("load.end", loadAverage());
            put("clients", num("clients"));
            put("lmtp.kb", num("lmtp-kb"));
            store(out);
        }
        if (!ok) {
            System.exit(1);
        }
    }

    private List<String> idleUsers() {
        List<String> u = new ArrayList<>();
        for (int i = 0; i < num("idle-users"); i++) {
            u.add(String.format(Locale.ROOT, "%s%02d", IDLE, i));
        }
        return u;
    }

    /** Fills the users' INBOXes by LMTP to what the phases need (only what is missing); CREATEs them first on Cyrus. */
    private void populate() throws Exception {
        List<String> users = new ArrayList<>(List.of(SESS, FETCH, LMTP));
        users.addAll(idleUsers());
        if (!opt.get("create-as").isEmpty()) {
            String[] cred = opt.get("create-as").split(":", 2);
            try (ImapConn c = ImapConn.login(host, imapPort, IO_TIMEOUT, cred[0], cred[1])) {
                for (String u : users) {
                    ImapConn.Reply r = c.command("CREATE " + ImapConn.quote("user." + u));
                    log("populate: CREATE user.%s: %s", u, r);
                }
            }
        }
        fill(SESS, 20, 4096);
        fill(FETCH, num("fetch-msgs"), num("fetch-kb") * 1024);
        for (String u : idleUsers()) {
            fill(u, 20, 4096);
        }
    }

    private void fill(String user, int count, int size) throws Exception {
        long has = messages(user);
        if (has >= count) {
            log("populate: %s has %,d messages", user, has);
            return;
        }
        Result r = deliverTo(user, count - (int) has, size, "populate");
        checkErrors("populate " + user, r);
        log("populate: %s: %,d delivered (%.1f msg/s)", user, r.ops, r.rate());
        put("populate." + user, r.ops);
    }

    private long messages(String user) throws IOException {
        try (ImapConn c = ImapConn.login(host, imapPort, IO_TIMEOUT, user, user + "-pw")) {
            ImapConn.Reply r = c.command("STATUS INBOX (MESSAGES)");
            if (!r.ok()) {
                throw new IOException("STATUS INBOX of " + user + ": " + r);
            }
            for (String l : r.lines()) {
                int i = l.toUpperCase(Locale.ROOT).indexOf("MESSAGES ");
                if (l.startsWith("* STATUS") && i >= 0) {
                    return Long.parseLong(l.substring(i + 9).replaceAll("[^0-9].*", ""));
                }
            }
            throw new IOException("no MESSAGES in STATUS of " + user + ": " + r.lines());
        }
    }

    /** Until every user can SELECT INBOX here (a Cyrus frontend learns of new mailboxes every few seconds). */
    private void awaitUsers() throws Exception {
        long t0 = System.nanoTime();
        List<String> users = new ArrayList<>(List.of(SESS, FETCH, LMTP));
        users.addAll(idleUsers());
        for (String u : users) {
            String last = "";
            while (true) {
                try (ImapConn c = ImapConn.login(host, imapPort, IO_TIMEOUT, u, u + "-pw")) {
                    ImapConn.Reply r = c.command("EXAMINE INBOX");
                    if (r.ok()) {
                        break;
                    }
                    last = r.toString();
                } catch (IOException e) {
                    last = e.toString();
                }
                if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(120)) {
                    throw new IOException("INBOX of " + u + " not reachable at " + host + ":" + imapPort + " after 120 s: " + last);
                }
                Thread.sleep(500);
            }
        }
        log("await: every INBOX answers at %s:%d (%.1f s)", host, imapPort, (System.nanoTime() - t0) / 1e9);
    }

    /** One session after another from each client until the time is up: connect, LOGIN, SELECT, FETCH 1 (FLAGS), LOGOUT. */
    private Result sessions(Duration length, int clients, String what) throws Exception {
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        return timed(clients, length, (client, until) -> {
            List<Long> lat = new ArrayList<>();
            while (System.nanoTime() < until) {
                long t0 = System.nanoTime();
                String problem = null;
                try (ImapConn c = ImapConn.connect(host, imapPort, IO_TIMEOUT)) {
                    ImapConn.Reply r = c.command("LOGIN " + ImapConn.quote(SESS) + " " + ImapConn.quote(SESS + "-pw"), false);
                    if (!r.ok()) {
                        problem = "LOGIN: " + r;
                    } else if (!(r = c.command("SELECT INBOX", false)).ok()) {
                        problem = "SELECT: " + r;
                    } else if (!(r = c.command("FETCH 1 (FLAGS)", false)).ok() || r.fetches() != 1) {
                        problem = "FETCH 1 (FLAGS): " + r + " with " + r.fetches() + " FETCH responses";
                    } else if (!(r = c.logout()).ok()) {
                        problem = "LOGOUT: " + r;
                    }
                } catch (IOException e) {
                    problem = e.toString();
                }
                lat.add(System.nanoTime() - t0);
                if (problem != null) {
                    firstError.compareAndSet(null, problem);
                    if (errors.incrementAndGet() > MAX_ERRORS) {
                        throw new IOException(what + ": more than " + MAX_ERRORS + " sessions failed, first: " + firstError.get());
                    }
                }
            }
            return lat.stream().mapToLong(Long::longValue).toArray();
        }, errors, firstError);
    }

    private void fetchBodies() throws IOException {
        int n = num("fetch-msgs");
        int runs = Math.max(1, num("fetch-runs"));
        try (ImapConn c = ImapConn.login(host, imapPort, IO_TIMEOUT, FETCH, FETCH + "-pw")) {
            ImapConn.Reply sel = c.command("SELECT INBOX");
            if (!sel.ok() || sel.exists() < n) {
                throw new IOException("SELECT INBOX of " + FETCH + ": " + sel + ", EXISTS " + sel.exists());
            }
            double[] mbps = new double[runs];
            double[] secs = new double[runs];
            long bytes = 0;
            for (int run = -1; run < runs; run++) {
                long t0 = System.nanoTime();
                ImapConn.Reply r = c.command("UID FETCH 1:" + n + " BODY.PEEK[]", false);
                long nanos = System.nanoTime() - t0;
                if (!r.ok() || r.fetches() != n) {
                    throw new IOException("UID FETCH 1:" + n + " BODY.PEEK[]: " + r + " after " + r.fetches() + " FETCH responses");
                }
                double rate = r.bytes() / 1e6 / (nanos / 1e9);
                log("fetch %s: %,d octets in %.3f s: %.1f MB/s", run < 0 ? "warm-up" : "run " + (run + 1), r.bytes(),
                        nanos / 1e9, rate);
                if (run >= 0) {
                    mbps[run] = rate;
                    secs[run] = nanos / 1e9;
                    bytes = r.bytes();
                }
            }
            StringBuilder all = new StringBuilder();
            for (double m : mbps) {
                all.append(all.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f", m));
            }
            double[] sm = mbps.clone();
            Arrays.sort(sm);
            double[] ss = secs.clone();
            Arrays.sort(ss);
            put("fetch.mbps", sm[runs / 2]);
            put("fetch.mbps.min", sm[0]);
            put("fetch.mbps.max", sm[runs - 1]);
            put("fetch.mbps.all", all.toString());
            put("fetch.seconds", ss[runs / 2]);
            put("fetch.bytes", bytes);
            put("fetch.msgs", n);
            put("fetch.runs", runs);
        }
    }

    private static final String DATE = ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME);

    /** LMTP to benchlmtp from {@code clients} connections for {@code length}, one recipient per transaction. */
    private Result deliver(int clients, Duration length, String tag) throws Exception {
        int size = num("lmtp-kb") * 1024;
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicInteger seq = new AtomicInteger();
        return timed(clients, length, (client, until) -> {
            try (LmtpClient c = lmtpConnect()) {
                List<Long> lat = new ArrayList<>();
                while (System.nanoTime() < until) {
                    lat.add(deliverOne(c, LMTP, tag + "-" + runId + "-" + seq.incrementAndGet(), size, errors, firstError));
                }
                quietQuit(c);
                return lat.stream().mapToLong(Long::longValue).toArray();
            }
        }, errors, firstError);
    }

    /** {@code count} deliveries to {@code user} from 4 connections (populating). */
    private Result deliverTo(String user, int count, int size, String tag) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        return timed(Math.min(4, count), Duration.ofMinutes(20), (client, until) -> {
            try (LmtpClient c = lmtpConnect()) {
                List<Long> lat = new ArrayList<>();
                int i;
                while ((i = next.getAndIncrement()) < count && System.nanoTime() < until) {
                    lat.add(deliverOne(c, user, tag + "-" + user + "-" + runId + "-" + i, size, errors, firstError));
                }
                quietQuit(c);
                return lat.stream().mapToLong(Long::longValue).toArray();
            }
        }, errors, firstError);
    }

    private long deliverOne(LmtpClient c, String user, String id, int size, AtomicInteger errors,
                            AtomicReference<String> firstError) throws IOException {
        LmtpCommand.Mail mail = LmtpCommand.Mail.of(ReversePath.of(Address.of("bench", "example.org")));
        List<LmtpCommand.Rcpt> rcpt = List.of(LmtpCommand.Rcpt.of(ForwardPath.of(Address.local(user))));
        long t0 = System.nanoTime();
        LmtpClient.Delivery d = c.deliver(mail, rcpt, new ByteArrayInputStream(message(id, user, size)));
        long nanos = System.nanoTime() - t0;
        LmtpReply outcome = d.outcomes().get(0);
        if (outcome.code() != 250) {
            firstError.compareAndSet(null, outcome.toString());
            if (errors.incrementAndGet() > MAX_ERRORS) {
                throw new IOException("more than " + MAX_ERRORS + " deliveries refused, first: " + firstError.get());
            }
        }
        return nanos;
    }

    private static void quietQuit(LmtpClient c) {
        try {
            c.quit();
        } catch (IOException ignored) {
            // done anyway
        }
    }

    private LmtpClient lmtpConnect() throws IOException {
        LmtpClient c = new LmtpClient(host, lmtpPort, IO_TIMEOUT);
        try {
            LmtpReply greeting = c.greeting();
            if (greeting.code() != 220) {
                throw new IOException("LMTP greeting: " + greeting);
            }
            LmtpReply lhlo = c.lhlo("bench.example.org");
            if (!lhlo.positive()) {
                throw new IOException("LHLO: " + lhlo);
            }
            if (c.offers("AUTH") && !opt.get("lmtp-auth").isEmpty()) {
                String[] cred = opt.get("lmtp-auth").split(":", 2);
                LmtpReply auth = c.authPlain(cred[0], cred[1]);
                if (auth.code() != 235) {
                    throw new IOException("LMTP AUTH PLAIN as " + cred[0] + ": " + auth);
                }
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** A message of exactly {@code size} octets, CRLF line ends, its own Message-ID. */
    static byte[] message(String id, String user, int size) {
        String header = "From: Bench Sender <bench@example.org>\r\n"
                + "To: " + user + "@example.org\r\n"
                + "Subject: benchmark message " + id + "\r\n"
                + "Date: " + DATE + "\r\n"
                + "Message-ID: <" + id + "@bench.example.org>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n";
        StringBuilder b = new StringBuilder(size + 100).append(header);
        String line = "The quick brown fox jumps over the lazy dog, and the benchmark counts octets.";
        int k = 0;
        while (b.length() < size - 2) {
            b.append(k++ % 10).append(line).append("\r\n");
        }
        b.setLength(Math.max(size - 2, header.length()));
        if (b.charAt(b.length() - 1) == '\r') {
            b.setCharAt(b.length() - 1, '.');
        }
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------------ latency: a CREATE on a backend → both frontends' copies

    private void latency(String beHost, int beImap, String adminCred, String feHttpPorts, String nodeCred, Path out)
            throws Exception {
        int count = num("count");
        long spacing = num("spacing-ms");
        String[] admin = adminCred.split(":", 2);
        String auth = "Basic " + Base64.getEncoder().encodeToString(nodeCred.getBytes(StandardCharsets.UTF_8));
        String[] ports = feHttpPorts.split(",");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        put("latency.count", count);
        put("latency.spacing.ms", spacing);
        put("load.start", loadAverage());
        for (String p : ports) {
            String v = httpSend(http, auth, "POST", "http://127.0.0.1:" + p + "/api/copy/latency/reset");
            log("latency: reset fe http %s: %s", p, v);
        }
        long[][] fromSend = new long[ports.length][count];
        long[][] fromOk = new long[ports.length][count];
        long[] create = new long[count];
        List<String> names = new ArrayList<>();
        try (ImapConn c = ImapConn.login(beHost, beImap, IO_TIMEOUT, admin[0], admin[1])) {
            for (int i = -5; i < count; i++) { // 5 unmeasured
                String name = "user." + SESS + ".lat" + runId + "x" + (i + 5);
                names.add(name);
                long t0 = System.nanoTime();
                ImapConn.Reply r = c.command("CREATE " + ImapConn.quote(name), false);
                long tOk = System.nanoTime();
                if (!r.ok()) {
                    throw new IOException("CREATE " + name + " on the backend: " + r);
                }
                boolean[] seen = new boolean[ports.length];
                int left = ports.length;
                String q = "/api/copy?limit=1&prefix=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
                while (left > 0) {
                    for (int k = 0; k < ports.length; k++) {
                        if (seen[k]) {
                            continue;
                        }
                        String body = httpSend(http, auth, "GET", "http://127.0.0.1:" + ports[k] + q);
                        if (body.contains(name)) {
                            long now = System.nanoTime();
                            seen[k] = true;
                            left--;
                            if (i >= 0) {
                                fromSend[k][i] = now - t0;
                                fromOk[k][i] = now - tOk;
                            }
                        }
                    }
                    if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(60)) {
                        throw new IOException(name + " not in every frontend's copy after 60 s");
                    }
                    if (left > 0) {
                        Thread.sleep(2);
                    }
                }
                if (i >= 0) {
                    create[i] = tOk - t0;
                }
                Thread.sleep(spacing);
            }
            for (int k = 0; k < ports.length; k++) {
                String h = httpSend(http, auth, "GET", "http://127.0.0.1:" + ports[k] + "/api/copy/latency");
                put("latency.fe" + (k + 1) + ".histogram", h.trim());
                log("latency: fe%d's histogram (master send → applied): %s", k + 1, h.trim());
                long[] s = fromSend[k].clone();
                Arrays.sort(s);
                long[] o = fromOk[k].clone();
                Arrays.sort(o);
                put("latency.fe" + (k + 1) + ".send.p50", ms(s, 0.5));
                put("latency.fe" + (k + 1) + ".send.p99", ms(s, 0.99));
                put("latency.fe" + (k + 1) + ".send.max", ms(s, 1));
                put("latency.fe" + (k + 1) + ".ok.p50", ms(o, 0.5));
                put("latency.fe" + (k + 1) + ".ok.p99", ms(o, 0.99));
                log("latency: fe%d: CREATE sent → in copy p50 %.1f ms p99 %.1f ms max %.1f ms; tagged OK → in copy p50 %.1f p99 %.1f",
                        k + 1, ms(s, 0.5), ms(s, 0.99), ms(s, 1), ms(o, 0.5), ms(o, 0.99));
            }
            long[] both = new long[count];
            for (int i = 0; i < count; i++) {
                for (long[] f : fromSend) {
                    both[i] = Math.max(both[i], f[i]);
                }
            }
            Arrays.sort(both);
            put("latency.both.send.p50", ms(both, 0.5));
            put("latency.both.send.p99", ms(both, 0.99));
            put("latency.both.send.max", ms(both, 1));
            Arrays.sort(create);
            put("latency.create.p50", ms(create, 0.5));
            put("latency.create.p99", ms(create, 0.99));
            for (String name : names) { // not measured: the map keeps its size
                c.command("DELETE " + ImapConn.quote(name), false);
            }
        } finally {
            put("load.end", loadAverage());
            store(out);
        }
    }

    private static String httpSend(HttpClient http, String auth, String method, String url) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", auth).header("X-Requested-By", "bench");
        b = method.equals("POST") ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IOException(method + " " + url + ": HTTP " + r.statusCode() + " " + r.body());
            }
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    // ------------------------------------------------------------------ idle proxied sessions on one frontend

    private record Snapshot(long heapKb, long threads, long rssKb) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "heap used after GC %,d KB, %d threads, RSS %,d KB", heapKb, threads, rssKb);
        }
    }

    private static Snapshot snapshot(long pid) throws IOException, InterruptedException {
        long heap = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            jcmd(pid, "GC.run");
            Thread.sleep(500);
            heap = Math.min(heap, BackendBench.heapUsedKb(jcmd(pid, "GC.heap_info")));
        }
        return new Snapshot(heap, statusField(pid, "Threads"), statusField(pid, "VmRSS"));
    }

    private void idle(String feHost, int feImap, String layout, long fePid, long bePid, int feHttp, Path out) throws Exception {
        int n = 0;
        for (String part : layout.split(",")) {
            n += Integer.parseInt(part.split("=", 2)[1]);
        }
        put("idle.n", n);
        put("idle.layout", layout);
        put("idle.fe.flags", heapFlags(fePid));
        put("idle.be.flags", heapFlags(bePid));
        put("idle.fe.nofile", limit(fePid));
        put("load.start", loadAverage());
        Process p = null;
        try {
            Snapshot feBefore = snapshot(fePid);
            Snapshot beBefore = snapshot(bePid);
            log("idle: before: fe %s; be %s", feBefore, beBefore);
            putSnapshot("fe", "before", feBefore);
            putSnapshot("be", "before", beBefore);
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> cmd = List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    IdleImapClients.class.getName(), feHost, Integer.toString(feImap), layout, "select=yes", "idle=yes",
                    "window=" + num("window"), "open-seconds=600");
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (OutputStream toChild = p.getOutputStream();
                 BufferedReader fromChild = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                tell(toChild, "GO");
                String[] ready = awaitChild(fromChild, "READY").split(" ");
                put("idle.open.seconds", ready[2]);
                put("idle.open.p50.ms", ready[3]);
                put("idle.open.p99.ms", ready[4]);
                put("idle.open.max.ms", ready[5]);
                put("idle.exists.min", ready[6]);
                put("idle.exists.max", ready[7]);
                Thread.sleep(3000);
                Snapshot feWith = snapshot(fePid);
                Snapshot beWith = snapshot(bePid);
                log("idle: with %,d sessions: fe %s; be %s", n, feWith, beWith);
                putSnapshot("fe", "with", feWith);
                putSnapshot("be", "with", beWith);
                put("idle.fe.sockets.with", sockets(fePid));
                put("idle.be.sockets.with", sockets(bePid));
                tell(toChild, "NOOP");
                String[] noop = awaitChild(fromChild, "NOOP").split(" ", 5);
                put("idle.noop.ok", noop[1]);
                put("idle.noop.seconds", noop[3]);
                if (noop.length > 4) {
                    put("idle.noop.problem", noop[4]);
                }
                tell(toChild, "STOP");
                awaitChild(fromChild, "CLOSED");
                p.waitFor(120, TimeUnit.SECONDS);
                Thread.sleep(5000);
                Snapshot feClosed = snapshot(fePid);
                Snapshot beClosed = snapshot(bePid);
                log("idle: after closing: fe %s; be %s", feClosed, beClosed);
                putSnapshot("fe", "closed", feClosed);
                putSnapshot("be", "closed", beClosed);
                put("idle.fe.sockets.closed", sockets(fePid));
                put("idle.fe.heap.kb.per.session", (feWith.heapKb - feBefore.heapKb) / (double) n);
                put("idle.fe.rss.kb.per.session", (feWith.rssKb - feBefore.rssKb) / (double) n);
                put("idle.be.heap.kb.per.session", (beWith.heapKb - beBefore.heapKb) / (double) n);
                put("idle.be.rss.kb.per.session", (beWith.rssKb - beBefore.rssKb) / (double) n);
            }
        } catch (Exception e) {
            put("error", String.valueOf(e));
            log("idle FAILED: %s", e);
            throw e;
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
            put("load.end", loadAverage());
            store(out);
        }
    }

    private void putSnapshot(String who, String when, Snapshot s) {
        put("idle." + who + ".heap." + when + ".kb", s.heapKb);
        put("idle." + who + ".threads." + when, s.threads);
        put("idle." + who + ".rss." + when + ".kb", s.rssKb);
    }

    /** Open TCP sockets of a process (its fd links to socket:, IPv4 and IPv6 alike). */
    private static long sockets(long pid) {
        try (var s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return s.filter(f -> {
                try {
                    return Files.readSymbolicLink(f).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String limit(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits")).stream()
                    .filter(l -> l.startsWith("Max open files")).map(l -> l.replaceAll("\\s+", " ").trim()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static void tell(OutputStream toChild, String line) throws IOException {
        toChild.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        toChild.flush();
    }

    private static String awaitChild(BufferedReader fromChild, String word) throws IOException {
        String line;
        while ((line = fromChild.readLine()) != null) {
            log("idle: child: %s", line);
            if (line.startsWith(word)) {
                return line;
            }
            if (line.startsWith("ERROR")) {
                throw new IOException("the idle clients failed: " + line);
            }
        }
        throw new IOException("the idle clients ended before " + word);
    }

    private static String heapFlags(long pid) {
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.ISO_8859_1);
            StringBuilder b = new StringBuilder();
            for (String arg : cmdline.split("\0")) {
                if (arg.startsWith("-Xm") || arg.contains("HeapSize")) {
                    b.append(arg).append(' ');
                }
            }
            return b.toString().trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path bin = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        String exe = Files.isExecutable(bin) ? bin.toString() : "jcmd";
        Process p = new ProcessBuilder(exe, Long.toString(pid), command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + " failed: " + text);
        }
        return text;
    }

    private static long statusField(long pid, String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith(field + ":")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ timing

    private record Result(int ops, long nanos, long[] latencies, int errors, String firstError) {
        double seconds() {
            return nanos / 1e9;
        }

        double rate() {
            return ops / seconds();
        }

        double p(double q) {
            return ms(latencies, q);
        }
    }

    private interface Worker {
        long[] run(int client, long untilNanos) throws Exception;
    }

    /** {@code clients} workers started together; the clock runs until the last one is done (each stops at the deadline). */
    private static Result timed(int clients, Duration length, Worker worker, AtomicInteger errors,
                                AtomicReference<String> firstError) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        try {
            long[] until = new long[1];
            List<Future<long[]>> futures = new ArrayList<>();
            for (int k = 0; k < clients; k++) {
                int client = k;
                futures.add(pool.submit(() -> {
                    go.await();
                    return worker.run(client, until[0]);
                }));
            }
            long t0 = System.nanoTime();
            until[0] = t0 + length.toNanos();
            go.countDown();
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : futures) {
                all.add(f.get(length.toSeconds() + 300, TimeUnit.SECONDS));
            }
            long nanos = System.nanoTime() - t0;
            long[] lat = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Result(lat.length, nanos, lat, errors.get(), firstError.get());
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static void checkErrors(String what, Result r) {
        if (r.errors > 0) {
            throw new IllegalStateException(what + ": " + r.errors + " of " + r.ops + " failed, first: " + r.firstError);
        }
    }

    /**
     * CPU time (user + system) the servers named in {@code cpu-pids} (NAME:PID,...) have used so far, in clock ticks:
     * where a proxied operation's time goes when both processes share this machine's cores.
     */
    private Map<String, Long> cpuTicks() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String np : opt.get("cpu-pids").split(",")) {
            String[] kv = np.split(":", 2);
            if (kv.length != 2) {
                continue;
            }
            try {
                String stat = Files.readString(Path.of("/proc", kv[1].trim(), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                out.put(kv[0].trim(), Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime, stime
            } catch (IOException | RuntimeException e) {
                log("cannot read the CPU time of %s: %s", np, e);
            }
        }
        return out;
    }

    /** {@code KEY.cpu.NAME.ms}: CPU milliseconds per operation each server used since {@code before} (ticks of 10 ms). */
    private void putCpu(String key, Map<String, Long> before, long ops) {
        Map<String, Long> after = cpuTicks();
        before.forEach((name, t) -> {
            Long a = after.get(name);
            if (a != null && ops > 0) {
                put(key + ".cpu." + name + ".ms", (a - t) * 10.0 / ops);
            }
        });
    }

    private void putResult(String key, Result r) {
        put(key + ".ops", r.ops);
        put(key + ".seconds", r.seconds());
        put(key + ".rate", r.rate());
        put(key + ".p50", r.p(0.5));
        put(key + ".p99", r.p(0.99));
        put(key + ".errors", r.errors);
    }

    private void put(String key, Object value) {
        results.setProperty(key, value instanceof Double d ? String.format(Locale.ROOT, "%.6f", d) : String.valueOf(value));
    }

    private void store(Path out) throws IOException {
        try (Writer w = Files.newBufferedWriter(out)) {
            results.store(w, "ProxyBench");
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    static double ms(long[] sortedNanos, double q) {
        return BackendBench.ms(sortedNanos, q);
    }

    static void log(String format, Object... args) {
        BackendBench.log(format, args);
    }

    // ------------------------------------------------------------------ report

    static final class Report {
        private final Map<String, Properties> p = new LinkedHashMap<>();
        private final StringBuilder b = new StringBuilder();

        static void write(Path out, Path dir) throws IOException {
            Report r = new Report();
            for (String k : List.of("ours-direct", "ours-fe", "cyrus-direct", "cyrus-fe", "latency", "idle",
                    "ours-direct-nofsync", "ours-fe-nofsync")) {
                Properties props = new Properties();
                Path f = dir.resolve(k + ".properties");
                if (Files.exists(f)) {
                    try (Reader rd = Files.newBufferedReader(f)) {
                        props.load(rd);
                    }
                }
                r.p.put(k, props);
            }
            Files.writeString(out, r.render());
            System.out.print(Files.readString(out));
        }

        private double d(String who, String key) {
            String v = p.get(who).getProperty(key);
            try {
                return v == null ? Double.NaN : Double.parseDouble(v);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }

        private String s(String who, String key) {
            return p.get(who).getProperty(key, "—");
        }

        private static String f(double v, String fmt) {
            return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, fmt, v);
        }

        private static String met(boolean ok, double v) {
            return Double.isNaN(v) ? "not measured" : ok ? "**met**" : "**missed**";
        }

        private String render() {
            b.append("# Frontend benchmark: direct, through our frontend, through Cyrus 3.6's proxyd / lmtpproxyd\n\n");
            b.append("Written by `bench/run-proxy.sh` (`org.murder.bench.ProxyBench`), ")
                    .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append(". One run, all four ")
                    .append("targets one after the other with the same client; clients = ").append(s("ours-direct", "clients"))
                    .append(".\n\n");
            for (String who : List.of("ours-direct", "ours-fe", "cyrus-direct", "cyrus-fe")) {
                b.append("- ").append(who).append(": ").append(s(who, "target")).append(", load ").append(s(who, "load.start"))
                        .append(" → ").append(s(who, "load.end"));
                if (p.get(who).containsKey("error")) {
                    b.append(", **failed: ").append(s(who, "error")).append("**");
                }
                b.append('\n');
            }
            b.append("\n## Throughput\n\n");
            b.append("| | ours direct (be1) | through our fe1 | fe1 / direct | Cyrus direct (backend) | through Cyrus proxyd | Cyrus fe / direct | our fe / Cyrus fe | target | met |\n");
            b.append("|---|---|---|---|---|---|---|---|---|---|\n");
            row("IMAP sessions/s (connect, LOGIN, SELECT INBOX, FETCH 1 (FLAGS), LOGOUT)", "sessions.rate", "%.1f",
                    "fe ≥ 0.9 × direct", r -> r >= 0.9, false);
            row("FETCH 500 × 64 KB (UID FETCH 1:500 BODY.PEEK[]), MB/s, median", "fetch.mbps", "%.1f", "fe ≥ 0.9 × direct",
                    r -> r >= 0.9, false);
            row("the same, wall time s (median)", "fetch.seconds", "%.3f", "", null, false);
            cpuRow("CPU ms per IMAP session (user + system, `/proc/PID/stat`)", "sessions");
            cpuRow("CPU ms per FETCH of the 500 bodies", "fetch");
            row("LMTP msg/s, 1 client (" + s("ours-direct", "lmtp.kb") + " KB, 1 recipient)", "lmtp1.rate", "%.1f",
                    "our fe ≥ 5 × Cyrus fe", r -> r >= 5, true);
            row("LMTP msg/s, " + s("ours-direct", "clients") + " clients", "lmtpN.rate", "%.1f", "our fe ≥ 2 × Cyrus fe",
                    r -> r >= 2, true);
            b.append("\nLatencies (p50 / p99 ms):\n\n| | ours direct | our fe1 | Cyrus direct | Cyrus fe |\n|---|---|---|---|---|\n");
            for (String[] k : new String[][] {{"IMAP session", "sessions"}, {"LMTP delivery, 1 client", "lmtp1"},
                    {"LMTP delivery, N clients", "lmtpN"}}) {
                b.append("| ").append(k[0]);
                for (String who : List.of("ours-direct", "ours-fe", "cyrus-direct", "cyrus-fe")) {
                    b.append(" | ").append(f(d(who, k[1] + ".p50"), "%.1f")).append(" / ").append(f(d(who, k[1] + ".p99"), "%.1f"))
                            .append(" (n ").append(s(who, k[1] + ".ops")).append(")");
                }
                b.append(" |\n");
            }
            equalDurability();
            b.append("\nFETCH MB/s of every run: ");
            for (String who : List.of("ours-direct", "ours-fe", "cyrus-direct", "cyrus-fe")) {
                b.append(who).append(" ").append(s(who, "fetch.mbps.all")).append("; ");
            }
            b.append("\n\n## Location change → both frontends' copies (ours)\n\n");
            Properties l = p.get("latency");
            b.append("`").append(l.getProperty("latency.count", "?")).append("` IMAP `CREATE user.benchsess.lat…` as an admin on be1 ")
                    .append("(5 more unmeasured first), one every ").append(l.getProperty("latency.spacing.ms", "?"))
                    .append(" ms plus the time to see it; after each the client polls `GET /api/copy?prefix=NAME` on fe1 and fe2 ")
                    .append("every 2 ms until both list it. One JVM clock.\n\n");
            b.append("| | p50 ms | p99 ms | max ms | target | met |\n|---|---|---|---|---|---|\n");
            double p99 = d("latency", "latency.both.send.p99");
            b.append("| CREATE sent on be1 → in **both** copies (the later of fe1, fe2) | ").append(f(d("latency", "latency.both.send.p50"), "%.1f"))
                    .append(" | ").append(f(p99, "%.1f")).append(" | ").append(f(d("latency", "latency.both.send.max"), "%.1f"))
                    .append(" | p99 ≤ 100 | ").append(met(p99 <= 100, p99)).append(" |\n");
            for (int k = 1; k <= 2; k++) {
                b.append("| CREATE sent → in fe").append(k).append("'s copy | ").append(f(d("latency", "latency.fe" + k + ".send.p50"), "%.1f"))
                        .append(" | ").append(f(d("latency", "latency.fe" + k + ".send.p99"), "%.1f")).append(" | ")
                        .append(f(d("latency", "latency.fe" + k + ".send.max"), "%.1f")).append(" | | |\n");
                b.append("| CREATE's tagged OK → in fe").append(k).append("'s copy | ").append(f(d("latency", "latency.fe" + k + ".ok.p50"), "%.1f"))
                        .append(" | ").append(f(d("latency", "latency.fe" + k + ".ok.p99"), "%.1f")).append(" | | | |\n");
            }
            b.append("| the CREATE itself on be1 (send → tagged OK; includes RESERVE + ACTIVATE at the master) | ")
                    .append(f(d("latency", "latency.create.p50"), "%.1f")).append(" | ").append(f(d("latency", "latency.create.p99"), "%.1f"))
                    .append(" | | | |\n");
            b.append("\nThe frontends' own histograms (`GET /api/copy/latency`, reset before; master publishes → applied to the copy): fe1 `")
                    .append(l.getProperty("latency.fe1.histogram", "—")).append("`, fe2 `").append(l.getProperty("latency.fe2.histogram", "—"))
                    .append("`. Cyrus 3.6 for comparison (`/work/shared/reference/README.md`, not measured here): a CREATE on a backend ")
                    .append("reaches a Cyrus frontend in a median of 2.45 s (0.32–5.05 s).\n");
            if (l.containsKey("error")) {
                b.append("\n**The latency phase failed: ").append(l.getProperty("error")).append("**\n");
            }
            idle();
            return b.toString();
        }

        /** Our servers' CPU per operation, direct and through fe1: they share this machine's two cores. */
        private void cpuRow(String what, String key) {
            String direct = "be1 " + f(d("ours-direct", key + ".cpu.be1.ms"), "%.2f");
            String fe = "be1 " + f(d("ours-fe", key + ".cpu.be1.ms"), "%.2f") + " + fe1 " + f(d("ours-fe", key + ".cpu.fe1.ms"), "%.2f");
            b.append("| ").append(what).append(" | ").append(direct).append(" | ").append(fe).append(" | | | | | | | |\n");
        }

        private void equalDurability() {
            b.append("\n### LMTP at equal durability\n\n");
            if (p.get("ours-direct-nofsync").isEmpty() && p.get("ours-fe-nofsync").isEmpty()) {
                b.append("Not measured (see Provenance).\n");
                return;
            }
            b.append("Cyrus 3.6 made no fsync per delivery (Provenance); above, be1 fsyncs each message and its directory "
                    + "before its 250. Here be1 ran again under `eatmydata` (fsync and fdatasync are no-ops, checked with strace), "
                    + "the same LMTP phases direct and through fe1, against the same Cyrus figures.\n\n");
            b.append("| | ours direct (be1, no fsync) | through our fe1 | fe1 / direct | Cyrus direct (backend) | through Cyrus lmtpproxyd | Cyrus fe / direct | our fe / Cyrus fe | target | met |\n");
            b.append("|---|---|---|---|---|---|---|---|---|---|\n");
            row("LMTP msg/s, 1 client (" + s("ours-direct", "lmtp.kb") + " KB, 1 recipient)", "lmtp1.rate", "%.1f",
                    "our fe ≥ 5 × Cyrus fe", r -> r >= 5, true, "-nofsync");
            row("LMTP msg/s, " + s("ours-direct", "clients") + " clients", "lmtpN.rate", "%.1f", "our fe ≥ 2 × Cyrus fe",
                    r -> r >= 2, true, "-nofsync");
            b.append("\nLatencies without fsync (p50 / p99 ms): ours direct 1 client ")
                    .append(f(d("ours-direct-nofsync", "lmtp1.p50"), "%.1f")).append(" / ").append(f(d("ours-direct-nofsync", "lmtp1.p99"), "%.1f"))
                    .append(", through fe1 1 client ").append(f(d("ours-fe-nofsync", "lmtp1.p50"), "%.1f")).append(" / ")
                    .append(f(d("ours-fe-nofsync", "lmtp1.p99"), "%.1f")).append(", through fe1 N clients ")
                    .append(f(d("ours-fe-nofsync", "lmtpN.p50"), "%.1f")).append(" / ").append(f(d("ours-fe-nofsync", "lmtpN.p99"), "%.1f"))
                    .append(".\n");
            for (String who : List.of("ours-direct-nofsync", "ours-fe-nofsync")) {
                if (p.get(who).containsKey("error")) {
                    b.append("\n**").append(who).append(" failed: ").append(s(who, "error")).append("**\n");
                }
            }
        }

        private void idle() {
            Properties i = p.get("idle");
            b.append("\n## Idle proxied IMAP sessions on one frontend (fe1)\n\n");
            if (i.isEmpty()) {
                b.append("Not measured.\n");
                return;
            }
            b.append(i.getProperty("idle.n")).append(" sessions through fe1, each LOGIN, SELECT INBOX (a mailbox on be1), IDLE ")
                    .append("up to the `+`, held by one child JVM on one selector thread (`IdleImapClients`), 64 opening at a time; ")
                    .append("layout `").append(i.getProperty("idle.layout")).append("`. Opened in ").append(i.getProperty("idle.open.seconds"))
                    .append(" s (connect → `+` p50 ").append(i.getProperty("idle.open.p50.ms")).append(" ms, p99 ")
                    .append(i.getProperty("idle.open.p99.ms")).append(" ms). fe1 JVM: `").append(i.getProperty("idle.fe.flags"))
                    .append("`, ").append(i.getProperty("idle.fe.nofile")).append("; be1 JVM: `").append(i.getProperty("idle.be.flags"))
                    .append("`. Heap: used after `jcmd GC.run` then `GC.heap_info`, the least of 3; RSS and threads from `/proc/PID/status`.\n\n");
            b.append("| | before | with the sessions | after closing them | per session (with − before) / N | target | met |\n|---|---|---|---|---|---|---|\n");
            double n = Double.parseDouble(i.getProperty("idle.n"));
            for (String who : List.of("fe", "be")) {
                String name = who.equals("fe") ? "fe1" : "be1 (not the target: where the sessions' mailboxes are)";
                double heap = d("idle", "idle." + who + ".heap.kb.per.session");
                double rss = d("idle", "idle." + who + ".rss.kb.per.session");
                boolean target = who.equals("fe");
                b.append("| ").append(name).append(" heap KB | ").append(triple(i, "idle." + who + ".heap.%s.kb")).append(" | **")
                        .append(f(heap, "%.1f")).append(" KB** | ").append(target ? "≤ 50 KB | " + met(heap <= 50, heap) : "| ").append(" |\n");
                b.append("| ").append(name).append(" RSS KB | ").append(triple(i, "idle." + who + ".rss.%s.kb")).append(" | **")
                        .append(f(rss, "%.1f")).append(" KB** | ").append(target ? "≤ 50 KB | " + met(rss <= 50, rss) : "| ").append(" |\n");
                double tb = d("idle", "idle." + who + ".threads.before");
                double tw = d("idle", "idle." + who + ".threads.with");
                b.append("| ").append(name).append(" threads | ").append(triple(i, "idle." + who + ".threads.%s")).append(" | ")
                        .append(f((tw - tb) / n, "%.4f")).append(" | ").append(target ? "no thread per session | " + met(tw - tb < n / 100, tw) : "| ")
                        .append(" |\n");
            }
            b.append("| fe1 / be1 open sockets with the sessions | ").append(i.getProperty("idle.fe.sockets.with", "?")).append(" / ")
                    .append(i.getProperty("idle.be.sockets.with", "?")).append(" | | | | | |\n");
            String ok = i.getProperty("idle.noop.ok", "0");
            b.append("| sessions answering DONE + NOOP with OK | ").append(ok).append(" of ").append(i.getProperty("idle.n"))
                    .append(" in ").append(i.getProperty("idle.noop.seconds", "?")).append(" s | | | | all | ")
                    .append(met(ok.equals(i.getProperty("idle.n")), 0)).append(" |\n");
            if (i.containsKey("idle.noop.problem")) {
                b.append("\nFirst NOOP problem: ").append(i.getProperty("idle.noop.problem")).append('\n');
            }
            if (i.containsKey("error")) {
                b.append("\n**The idle phase failed: ").append(i.getProperty("error")).append("**\n");
            }
            b.append("\nCyrus 3.6 for comparison (reference, not measured here): ≈ 6 MiB per proxied idle session (a process on the frontend and one on the backend).\n");
        }

        private static String triple(Properties i, String fmt) {
            return String.format(Locale.ROOT, "%s / %s / %s", i.getProperty(String.format(fmt, "before"), "?"),
                    i.getProperty(String.format(fmt, "with"), "?"), i.getProperty(String.format(fmt, "closed"), "?"));
        }

        private void row(String what, String key, String fmt, String target, java.util.function.DoublePredicate ok,
                         boolean vsCyrus) {
            row(what, key, fmt, target, ok, vsCyrus, "");
        }

        /** {@code ours}: "" for the runs as configured, "-nofsync" for be1 under eatmydata. */
        private void row(String what, String key, String fmt, String target, java.util.function.DoublePredicate ok,
                         boolean vsCyrus, String ours) {
            double od = d("ours-direct" + ours, key);
            double of = d("ours-fe" + ours, key);
            double cd = d("cyrus-direct", key);
            double cf = d("cyrus-fe", key);
            double ratio = vsCyrus ? of / cf : of / od;
            b.append("| ").append(what).append(" | ").append(f(od, fmt)).append(" | ").append(f(of, fmt)).append(" | ")
                    .append(f(of / od, "%.2f")).append(" | ").append(f(cd, fmt)).append(" | ").append(f(cf, fmt)).append(" | ")
                    .append(f(cf / cd, "%.2f")).append(" | ").append(f(of / cf, "%.2f")).append(" | ").append(target).append(" | ")
                    .append(ok == null ? "" : met(ok.test(ratio), ratio)).append(" |\n");
        }
    }
}
