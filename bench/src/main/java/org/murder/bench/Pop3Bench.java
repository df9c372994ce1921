package org.murder.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.murder.protocol.lmtp.ReversePath;

/**
 * The POP3 benchmark's client, run by {@code bench/run-pop3.sh}: POP3 sessions per second — connect, USER/PASS, STAT,
 * UIDL, RETR of 10 messages, QUIT — against a backend directly and through a frontend (ours, and Cyrus's pop3d).
 * Every client has a user of its own ({@code benchpop00}…, password {@code <user>-pw}): RFC 1939 locks a maildrop
 * for one session, so two clients of one user would be refused ({@code [IN-USE]}) by our server.
 *
 * <pre>
 * Pop3Bench measure LABEL HOST POP3_PORT LMTP_HOST:LMTP_PORT OUT.properties [key=value ...]
 *     phases=populate,warmup,sessions   clients=8 session-seconds=20 warmup-seconds=10 messages=10 kb=4
 *     lmtp-auth=USER:PASSWORD (LMTP AUTH when offered)   create-as=USER:PASSWORD (populate: IMAP CREATE user.NAME first,
 *     at imap-port=143 on HOST)   cpu-pids=NAME:PID,...
 * Pop3Bench report OUT.md DIR   (DIR holds ours-direct, ours-fe, cyrus-direct, cyrus-fe .properties)
 * </pre>
 */
public final class Pop3Bench {

    static final String USER = "benchpop";
    private static final Duration IO = Duration.ofSeconds(60);
    private static final int MAX_ERRORS = 50;

    private final Map<String, String> opt = new LinkedHashMap<>();
    private final Properties results = new Properties();

    private Pop3Bench(String[] a, int from) {
        opt.put("phases", "populate,warmup,sessions");
        opt.put("clients", "8");
        opt.put("session-seconds", "20");
        opt.put("warmup-seconds", "10");
        opt.put("messages", "10");
        opt.put("kb", "4");
        opt.put("lmtp-auth", "");
        opt.put("create-as", "");
        opt.put("imap-port", "143");
        opt.put("cpu-pids", "");
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
        if (args.length > 0 && args[0].equals("measure") && args.length >= 6) {
            String[] lmtp = args[4].split(":");
            new Pop3Bench(args, 6).measure(args[1], args[2], Integer.parseInt(args[3]), lmtp[0], Integer.parseInt(lmtp[1]),
                    Path.of(args[5]));
        } else if (args.length == 3 && args[0].equals("report")) {
            report(Path.of(args[1]), Path.of(args[2]));
        } else {
            throw new IllegalArgumentException("usage: Pop3Bench measure LABEL HOST POP3_PORT LMTP_HOST:PORT OUT [k=v...] | report OUT DIR");
        }
    }

    static String user(int client) {
        return String.format(Locale.ROOT, "%s%02d", USER, client);
    }

    // ------------------------------------------------------------------ measure

    private String host;
    private int port;

    private void measure(String label, String host, int port, String lmtpHost, int lmtpPort, Path out) throws Exception {
        this.host = host;
        this.port = port;
        put("label", label);
        put("target", host + " POP3 " + port);
        put("load.start", loadAverage());
        List<String> phases = List.of(opt.get("phases").split(","));
        boolean ok = true;
        try {
            if (phases.contains("populate")) {
                populate(lmtpHost, lmtpPort);
            }
            awaitUsers();
            if (phases.contains("warmup")) {
                sessions(Duration.ofSeconds(num("warmup-seconds")), "warmup"); // a JVM is measured warm
            }
            if (phases.contains("sessions")) {
                Map<String, Long> cpu = cpuTicks();
                Result r = sessions(Duration.ofSeconds(num("session-seconds")), "sessions");
                putCpu("sessions", cpu, r.ops);
                put("sessions.ops", r.ops);
                put("sessions.seconds", r.nanos / 1e9);
                put("sessions.rate", r.rate());
                put("sessions.p50", BackendBench.ms(r.latencies, 0.5));
                put("sessions.p99", BackendBench.ms(r.latencies, 0.99));
                put("sessions.errors", r.errors);
                BackendBench.log("%s POP3 sessions: %,d in %.1f s from %d clients: %.1f /s, p50 %.1f ms p99 %.1f ms, %d failed",
                        label, r.ops, r.nanos / 1e9, num("clients"), r.rate(), BackendBench.ms(r.latencies, 0.5),
                        BackendBench.ms(r.latencies, 0.99), r.errors);
                if (r.errors > 0) {
                    throw new IllegalStateException(r.errors + " of " + r.ops + " sessions failed, first: " + r.firstError);
                }
            }
        } catch (Exception e) {
            ok = false;
            put("error", String.valueOf(e));
            BackendBench.log("%s FAILED: %s", label, e);
            e.printStackTrace();
        } finally {
            put("load.end", loadAverage());
            put("clients", num("clients"));
            put("messages", num("messages"));
            put("kb", num("kb"));
            try (Writer w = Files.newBufferedWriter(out)) {
                results.store(w, "Pop3Bench");
            }
        }
        if (!ok) {
            System.exit(1);
        }
    }

    /** Each client's user gets the messages it lacks, by LMTP; on Cyrus their INBOXes are created first. */
    private void populate(String lmtpHost, int lmtpPort) throws Exception {
        if (!opt.get("create-as").isEmpty()) {
            String[] cred = opt.get("create-as").split(":", 2);
            try (ImapConn c = ImapConn.login(host, num("imap-port"), IO, cred[0], cred[1])) {
                for (int k = 0; k < num("clients"); k++) {
                    BackendBench.log("populate: CREATE user.%s: %s", user(k), c.command("CREATE " + ImapConn.quote("user." + user(k))));
                }
            }
        }
        byte[] body = new byte[num("kb") * 1024];
        Arrays.fill(body, (byte) 'x');
        for (int i = 76; i < body.length; i += 78) {
            body[i] = '\r';
            body[i + 1] = '\n';
        }
        for (int k = 0; k < num("clients"); k++) {
            String u = user(k);
            int has = stat(u);
            if (has >= num("messages")) {
                continue;
            }
            try (LmtpClient c = new LmtpClient(lmtpHost, lmtpPort, IO)) {
                c.greeting();
                c.lhlo("pop3bench.example.org");
                if (c.offers("AUTH") && !opt.get("lmtp-auth").isEmpty()) {
                    String[] cred = opt.get("lmtp-auth").split(":", 2);
                    if (c.authPlain(cred[0], cred[1]).code() != 235) {
                        throw new IOException("LMTP AUTH PLAIN as " + cred[0] + " refused");
                    }
                }
                for (int m = has; m < num("messages"); m++) {
                    ByteArrayOutputStream msg = new ByteArrayOutputStream();
                    msg.writeBytes(("From: bench@example.org\r\nTo: " + u + "@example.org\r\nSubject: pop3 bench " + m
                            + "\r\nMessage-ID: <pop3bench." + u + "." + m + "." + System.nanoTime() + "@example.org>\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    msg.writeBytes(body);
                    msg.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                    LmtpClient.Delivery d = c.deliver(LmtpCommand.Mail.of(ReversePath.of(Address.of("bench", "example.org"))),
                            List.of(LmtpCommand.Rcpt.of(ForwardPath.of(Address.local(u)))),
                            new ByteArrayInputStream(msg.toByteArray()));
                    if (d.outcomes().get(0).code() != 250) {
                        throw new IOException("delivery to " + u + ": " + d);
                    }
                }
            }
            BackendBench.log("populate: %s now has %d messages", u, stat(u));
        }
    }

    /** Until every user logs in here and has the messages (a Cyrus frontend learns of new mailboxes every few seconds). */
    private void awaitUsers() throws Exception {
        long t0 = System.nanoTime();
        for (int k = 0; k < num("clients"); k++) {
            String last = "";
            while (true) {
                try {
                    int n = stat(user(k));
                    if (n >= num("messages")) {
                        break;
                    }
                    last = n + " messages";
                } catch (IOException e) {
                    last = e.getMessage();
                }
                if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(120)) {
                    throw new IOException(user(k) + " not ready at " + host + ":" + port + " after 120 s: " + last);
                }
                Thread.sleep(500);
            }
        }
    }

    private int stat(String u) throws IOException {
        try (Pop3 p = Pop3.login(host, port, u)) {
            String s = p.command("STAT");
            p.command("QUIT");
            return Integer.parseInt(s.split(" ")[1]);
        }
    }

    /** One session after another per client: connect, USER/PASS, STAT, UIDL, RETR 1..messages, QUIT. */
    private Result sessions(Duration length, String what) throws Exception {
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> first = new AtomicReference<>();
        int messages = num("messages");
        int clients = num("clients");
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        try {
            long[] until = new long[1];
            List<Future<long[]>> futures = new ArrayList<>();
            for (int k = 0; k < clients; k++) {
                String u = user(k);
                futures.add(pool.submit(() -> {
                    go.await();
                    List<Long> lat = new ArrayList<>();
                    while (System.nanoTime() < until[0]) {
                        long t0 = System.nanoTime();
                        try (Pop3 p = Pop3.login(host, port, u)) {
                            p.command("STAT");
                            if (p.multi("UIDL") < messages) {
                                throw new IOException("UIDL lists fewer than " + messages);
                            }
                            for (int m = 1; m <= messages; m++) {
                                p.multi("RETR " + m);
                            }
                            p.command("QUIT");
                        } catch (IOException e) {
                            first.compareAndSet(null, e.getMessage());
                            if (errors.incrementAndGet() > MAX_ERRORS) {
                                throw new IOException(what + ": more than " + MAX_ERRORS + " sessions failed, first: " + first.get());
                            }
                        }
                        lat.add(System.nanoTime() - t0);
                    }
                    return lat.stream().mapToLong(Long::longValue).toArray();
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
            return new Result(lat.length, nanos, lat, errors.get(), first.get());
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private record Result(int ops, long nanos, long[] latencies, int errors, String firstError) {
        double rate() {
            return ops / (nanos / 1e9);
        }
    }

    /** A blocking POP3 client: status lines, multi-line answers read to their end. */
    private static final class Pop3 implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        private Pop3(String host, int port) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), (int) IO.toMillis());
            socket.setSoTimeout((int) IO.toMillis());
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
            ok(line(), "greeting");
        }

        static Pop3 login(String host, int port, String user) throws IOException {
            Pop3 p = new Pop3(host, port);
            try {
                p.command("USER " + user);
                p.command("PASS " + user + "-pw");
                return p;
            } catch (IOException e) {
                p.close();
                throw e;
            }
        }

        String command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return ok(line(), line.startsWith("PASS") ? "PASS" : line);
        }

        /** A multi-line command; how many lines its body had. */
        int multi(String line) throws IOException {
            command(line);
            int lines = 0;
            while (true) {
                String l = line();
                if (l.equals(".")) {
                    return lines;
                }
                lines++;
            }
        }

        private static String ok(String status, String what) throws IOException {
            if (!status.startsWith("+OK")) {
                throw new IOException(what + ": " + status);
            }
            return status;
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder(80);
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    int n = b.length();
                    return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
                }
                b.append((char) c);
            }
            throw new IOException("connection closed");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    // ------------------------------------------------------------------ bookkeeping

    private Map<String, Long> cpuTicks() {
        Map<String, Long> outTicks = new LinkedHashMap<>();
        for (String np : opt.get("cpu-pids").split(",")) {
            String[] kv = np.split(":", 2);
            if (kv.length != 2) {
                continue;
            }
            try {
                String stat = Files.readString(Path.of("/proc", kv[1].trim(), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                outTicks.put(kv[0].trim(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
            } catch (IOException | RuntimeException e) {
                BackendBench.log("cannot read the CPU time of %s: %s", np, e);
            }
        }
        return outTicks;
    }

    private void putCpu(String key, Map<String, Long> before, long ops) {
        Map<String, Long> after = cpuTicks();
        before.forEach((name, t) -> {
            Long a = after.get(name);
            if (a != null && ops > 0) {
                put(key + ".cpu." + name + ".ms", (a - t) * 10.0 / ops);
            }
        });
    }

    private void put(String key, Object value) {
        results.setProperty(key, value instanceof Double d ? String.format(Locale.ROOT, "%.6f", d) : String.valueOf(value));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    // ------------------------------------------------------------------ report

    static void report(Path out, Path dir) throws IOException {
        Map<String, Properties> p = new LinkedHashMap<>();
        for (String k : List.of("ours-direct", "ours-fe", "cyrus-direct", "cyrus-fe")) {
            Path f = dir.resolve(k + ".properties");
            Properties props = new Properties();
            if (Files.isRegularFile(f)) {
                try (var r = Files.newBufferedReader(f)) {
                    props.load(r);
                }
            }
            p.put(k, props);
        }
        StringBuilder b = new StringBuilder();
        b.append("# POP3 benchmark, ").append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z")))
                .append("\n\nOne session: connect, USER/PASS, STAT, UIDL, RETR of ").append(p.get("ours-direct").getProperty("messages", "10"))
                .append(" messages of ").append(p.get("ours-direct").getProperty("kb", "4")).append(" KiB, QUIT; ")
                .append(p.get("ours-direct").getProperty("clients", "8"))
                .append(" clients, each its own user, one session after another, on the loopback of this machine.\n\n");
        b.append("| target | sessions/s | p50 ms | p99 ms | sessions | failed | CPU ms/session |\n|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Properties> e : p.entrySet()) {
            Properties r = e.getValue();
            StringBuilder cpu = new StringBuilder();
            r.stringPropertyNames().stream().filter(n -> n.startsWith("sessions.cpu.")).sorted().forEach(n -> cpu
                    .append(cpu.length() == 0 ? "" : ", ").append(n.substring(13, n.length() - 3)).append(' ')
                    .append(fmt(r.getProperty(n))));
            b.append("| ").append(e.getKey()).append(" (").append(r.getProperty("target", "not measured")).append(") | ")
                    .append(fmt(r.getProperty("sessions.rate"))).append(" | ").append(fmt(r.getProperty("sessions.p50")))
                    .append(" | ").append(fmt(r.getProperty("sessions.p99"))).append(" | ")
                    .append(r.getProperty("sessions.ops", "-")).append(" | ").append(r.getProperty("sessions.errors", "-"))
                    .append(" | ").append(cpu.length() == 0 ? "-" : cpu).append(" |\n");
            if (r.getProperty("error") != null) {
                b.append("\n").append(e.getKey()).append(" failed: ").append(r.getProperty("error")).append("\n\n");
            }
        }
        b.append("\nTarget (issue 10): at least Cyrus's figure, direct and through the frontend.\n\n");
        b.append("| comparison | ours / Cyrus | verdict |\n|---|---|---|\n");
        for (String[] c : new String[][] {{"direct", "ours-direct", "cyrus-direct"}, {"through the frontend", "ours-fe", "cyrus-fe"}}) {
            double o = value(p.get(c[1]).getProperty("sessions.rate"));
            double y = value(p.get(c[2]).getProperty("sessions.rate"));
            double ratio = o / y;
            b.append("| ").append(c[0]).append(" | ").append(Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2f×", ratio))
                    .append(" | ").append(Double.isNaN(ratio) ? "not measured" : ratio >= 1 ? "**met**" : "**missed**").append(" |\n");
        }
        Files.writeString(out, b.toString());
    }

    private static double value(String v) {
        try {
            return v == null ? Double.NaN : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String fmt(String v) {
        double d = value(v);
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.1f", d);
    }
}
