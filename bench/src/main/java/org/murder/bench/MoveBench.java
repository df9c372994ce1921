package org.murder.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.murder.protocol.lmtp.Address;
import org.murder.protocol.lmtp.ForwardPath;
import org.murder.protocol.lmtp.LmtpClient;
import org.murder.protocol.lmtp.LmtpCommand;
import org.murder.protocol.lmtp.LmtpReply;
import org.murder.protocol.lmtp.ReversePath;

/**
 * The move benchmark (issue 10, bench/README.md "Moves"): a user's INBOX of {@code messages} (100,000) on be1 is moved
 * to be2 by {@code RENAME user.U user.U be2!default} sent to fe1, while one client keeps delivering to that user
 * through fe1's LMTP (a 4xx is retried until it gets its 250); then every figure is checked on be2.
 *
 * <pre>
 * MoveBench HOST FE1_IMAP FE1_LMTP BE1_IMAP BE1_LMTP BE2_IMAP BE2_HTTP MASTER_HTTP ADMIN:PW NODE:PW OUT.md [key=value ...]
 * </pre>
 *
 * Options: {@code user} (benchmove), {@code messages} (100000), {@code bytes} (1000, the population's message size),
 * {@code clients} (8, LMTP connections filling be1), {@code interval-ms} (50, between two deliveries during the
 * move), {@code retry-ms} (200, before a 4xx is retried), {@code after-seconds} (10, deliveries after the RENAME's
 * answer), {@code move-minutes} (60, the longest the RENAME may take).
 */
public final class MoveBench {

    private static final Duration IO = Duration.ofSeconds(120);
    private static final Pattern MSGID = Pattern.compile("<movebench\\.([0-9a-z]+)\\.(\\d+)@bench\\.example\\.org>");

    private final String host;
    private final int fe1Imap;
    private final int fe1Lmtp;
    private final int be1Imap;
    private final int be1Lmtp;
    private final int be2Imap;
    private final int be2Http;
    private final int masterHttp;
    private final String[] admin;
    private final String[] node;
    private final Path out;
    private final Map<String, String> opt = new LinkedHashMap<>();
    private final Map<String, String> results = new LinkedHashMap<>();
    private final List<String> misses = new ArrayList<>();
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private Head before = new Head(-1, -1, -1, -1);
    private StatePoller poller = new StatePoller();

    private MoveBench(String[] a) {
        host = a[0];
        fe1Imap = Integer.parseInt(a[1]);
        fe1Lmtp = Integer.parseInt(a[2]);
        be1Imap = Integer.parseInt(a[3]);
        be1Lmtp = Integer.parseInt(a[4]);
        be2Imap = Integer.parseInt(a[5]);
        be2Http = Integer.parseInt(a[6]);
        masterHttp = Integer.parseInt(a[7]);
        admin = a[8].split(":", 2);
        node = a[9].split(":", 2);
        out = Path.of(a[10]);
        opt.put("user", "benchmove");
        opt.put("messages", "100000");
        opt.put("bytes", "1000");
        opt.put("clients", "8");
        opt.put("interval-ms", "50");
        opt.put("retry-ms", "200");
        opt.put("after-seconds", "10");
        opt.put("move-minutes", "60");
        for (int i = 11; i < a.length; i++) {
            String[] kv = a[i].split("=", 2);
            if (!opt.containsKey(kv[0]) || kv.length != 2) {
                throw new IllegalArgumentException("unknown option " + a[i]);
            }
            opt.put(kv[0], kv[1]);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 11) {
            System.err.println("usage: MoveBench HOST FE1_IMAP FE1_LMTP BE1_IMAP BE1_LMTP BE2_IMAP BE2_HTTP MASTER_HTTP "
                    + "ADMIN:PW NODE:PW OUT.md [key=value ...]");
            System.exit(2);
        }
        MoveBench b = new MoveBench(args);
        boolean ok;
        try {
            ok = b.measure();
        } catch (Exception e) {
            // every run is recorded: a run that broke off says where
            e.printStackTrace();
            b.miss("the run broke off: " + e);
            b.write(b.before, b.poller);
            ok = false;
        }
        System.exit(ok ? 0 : 1);
    }

    private int num(String k) {
        return Integer.parseInt(opt.get(k));
    }

    private String user() {
        return opt.get("user");
    }

    private String mailbox() {
        return "user." + user();
    }

    private void put(String k, Object v) {
        results.put(k, String.valueOf(v));
    }

    private void miss(String what) {
        misses.add(what);
        BackendBench.log("MISS: %s", what);
    }

    // ------------------------------------------------------------------------------------------------ the run

    private boolean measure() throws Exception {
        put("load.start", loadAverage());
        put("started", Instant.now());
        populate();
        before = head(be1Imap, "be1");
        put("before.uidvalidity", before.uidValidity);
        put("before.exists", before.exists);
        put("before.uidnext", before.uidNext);
        put("before.highestmodseq", before.highestModSeq);
        if (before.exists != num("messages")) {
            miss("be1's INBOX holds " + before.exists + " messages before the move, not " + num("messages"));
        }
        Set<Long> uidsBefore = uids(be1Imap, 1, before.uidNext - 1);

        Deliverer deliverer = new Deliverer();
        Thread deliveries = new Thread(deliverer, "deliveries");
        poller = new StatePoller();
        Thread polling = new Thread(poller, "move-states");
        deliveries.start();
        polling.start();
        Thread.sleep(2000); // deliveries flow before the move starts

        BackendBench.log("move: RENAME %s %s be2!default through fe1", mailbox(), mailbox());
        long t0 = System.nanoTime();
        poller.t0 = t0;
        deliverer.t0 = t0;
        ImapConn.Reply rename;
        try (ImapConn c = ImapConn.connect(host, fe1Imap, Duration.ofMinutes(num("move-minutes")))) {
            ImapConn.Reply login = c.command("LOGIN " + ImapConn.quote(admin[0]) + " " + ImapConn.quote(admin[1]));
            if (!login.ok()) {
                throw new IOException("admin LOGIN at fe1: " + login);
            }
            rename = c.command("RENAME " + mailbox() + " " + mailbox() + " be2!default");
            c.logout();
        }
        long moveNanos = System.nanoTime() - t0;
        deliverer.moveEnd = System.nanoTime();
        double moveSeconds = moveNanos / 1e9;
        BackendBench.log("move: %s after %.1f s", rename, moveSeconds);
        put("move.answer", rename.status() + " " + rename.text());
        put("move.seconds", String.format(Locale.ROOT, "%.1f", moveSeconds));
        put("move.rate", String.format(Locale.ROOT, "%.0f", before.exists / moveSeconds));
        if (!rename.ok()) {
            miss("the RENAME was answered " + rename);
        }
        Thread.sleep(num("after-seconds") * 1000L);
        deliverer.stop = true;
        deliveries.join(Duration.ofMinutes(5).toMillis());
        poller.stop = true;
        polling.join(10_000);
        put("load.end", loadAverage());

        // deliveries
        put("deliveries.attempts", deliverer.attempts.get());
        put("deliveries.accepted", deliverer.accepted.size());
        put("deliveries.deferred", deliverer.deferred.get());
        put("deliveries.deferred.messages", deliverer.deferredMessages.get());
        put("deliveries.longest.wait.ms", deliverer.longestWaitMs.get());
        put("deliveries.first.deferred.s", seconds(deliverer.firstDeferred.get(), t0));
        put("deliveries.last.deferred.s", seconds(deliverer.lastDeferred.get(), t0));
        put("deliveries.during.move", deliverer.acceptedDuringMove.get());
        put("deliveries.failed", deliverer.failures.size());
        put("deliveries.abandoned", deliverer.abandoned.get());
        put("deliveries.connection.errors", deliverer.connectionErrors.get());
        if (!deliverer.failures.isEmpty()) {
            miss("deliveries refused for good (5xx) or otherwise failed: " + deliverer.failures);
        }
        if (deliverer.abandoned.get() > 0) {
            miss(deliverer.abandoned.get() + " delivery still deferred when the client stopped");
        }
        put("states", poller.timeline());

        verify(before, uidsBefore, deliverer);
        write(before, poller);
        return misses.isEmpty();
    }

    private static String seconds(long nanos, long t0) {
        return nanos == 0 ? "-" : String.format(Locale.ROOT, "%.2f", (nanos - t0) / 1e9);
    }

    // ------------------------------------------------------------------------------------------------ population

    /** be1's INBOX of the user filled to {@code messages} by LMTP straight to be1 from {@code clients} connections. */
    private void populate() throws Exception {
        long have = status(be1Imap);
        int want = num("messages");
        if (have >= want) {
            BackendBench.log("populate: %s holds %,d already", mailbox(), have);
            put("populate", "skipped (" + have + " there)");
            return;
        }
        int missing = (int) (want - have);
        BackendBench.log("populate: %,d messages of %d octets to %s by LMTP to be1 from %d connections", missing,
                num("bytes"), mailbox(), num("clients"));
        AtomicInteger next = new AtomicInteger();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < num("clients"); k++) {
            Thread t = new Thread(() -> {
                try (LmtpClient c = lmtp(be1Lmtp)) {
                    int i;
                    while ((i = next.getAndIncrement()) < missing && errors.isEmpty()) {
                        byte[] msg = message("populate", i, num("bytes"));
                        LmtpClient.Delivery d = deliver(c, msg);
                        if (d.outcomes().get(0).code() != 250) {
                            throw new IOException("populate delivery " + i + ": " + d.outcomes().get(0));
                        }
                        if (i > 0 && i % 10_000 == 0) {
                            BackendBench.log("populate: %,d delivered", i);
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (!errors.isEmpty()) {
            throw new IOException("populate failed", errors.get(0));
        }
        put("populate", String.format(Locale.ROOT, "%,d messages of %d octets by LMTP to be1 from %d connections in %.0f s"
                + " (%.0f msg/s)", missing, num("bytes"), num("clients"), s, missing / s));
        BackendBench.log("populate: %s", results.get("populate"));
    }

    private LmtpClient lmtp(int port) throws IOException {
        LmtpClient c = new LmtpClient(host, port, IO);
        c.greeting();
        c.lhlo("movebench.example.org");
        return c;
    }

    private LmtpClient.Delivery deliver(LmtpClient c, byte[] msg) throws IOException {
        return c.deliver(LmtpCommand.Mail.of(ReversePath.of(Address.of("bench", "example.org"))),
                List.of(LmtpCommand.Rcpt.of(ForwardPath.of(Address.local(user())))), new ByteArrayInputStream(msg));
    }

    /** A message with a Message-ID unique to this run, kind and number; padded to about {@code size} octets. */
    private byte[] message(String kind, int i, int size) {
        StringBuilder b = new StringBuilder();
        b.append("From: bench@example.org\r\nTo: ").append(user()).append("@example.org\r\nSubject: move bench ")
                .append(kind).append(' ').append(i).append("\r\nMessage-ID: <movebench.").append(kind.equals("during")
                        ? run : run + "p").append('.').append(i).append("@bench.example.org>\r\n\r\n");
        while (b.length() < size - 2) {
            int n = Math.min(76, size - 2 - b.length());
            b.append("x".repeat(Math.max(1, n))).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------------------------------------------ deliveries

    /**
     * One LMTP connection to fe1, a delivery every {@code interval-ms}: a 4xx is retried (the same message, after
     * {@code retry-ms}) until it gets its 250; every 250 is remembered by its number.
     */
    private final class Deliverer implements Runnable {
        volatile boolean stop;
        volatile long t0;
        volatile long moveEnd;
        final Set<Integer> accepted = ConcurrentHashMap.newKeySet();
        final AtomicInteger attempts = new AtomicInteger();
        final AtomicInteger deferred = new AtomicInteger();
        final AtomicInteger deferredMessages = new AtomicInteger();
        final AtomicInteger acceptedDuringMove = new AtomicInteger();
        final AtomicInteger abandoned = new AtomicInteger();
        final AtomicInteger connectionErrors = new AtomicInteger();
        final AtomicLong longestWaitMs = new AtomicLong();
        final AtomicLong firstDeferred = new AtomicLong();
        final AtomicLong lastDeferred = new AtomicLong();
        final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void run() {
            LmtpClient c = null;
            int i = 0;
            try {
                while (!stop) {
                    i++;
                    byte[] msg = message("during", i, 600);
                    long first = 0;
                    boolean done = false;
                    // once stopped, a message already deferred is still retried (2 minutes at most)
                    long giveUp = Long.MAX_VALUE;
                    while (!done) {
                        if (stop && giveUp == Long.MAX_VALUE) {
                            giveUp = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                        }
                        if (System.nanoTime() > giveUp) {
                            abandoned.incrementAndGet();
                            failures.add("message " + i + " still deferred after the client stopped");
                            break;
                        }
                        LmtpReply reply;
                        try {
                            if (c == null) {
                                c = lmtp(fe1Lmtp);
                            }
                            attempts.incrementAndGet();
                            LmtpClient.Delivery d = deliver(c, msg);
                            reply = d.outcomes().get(0);
                        } catch (IOException e) {
                            // the connection broke: whether the message landed is unknown, so it is retried (its
                            // Message-ID then shows twice on be2: counted as a duplicate below, never hidden)
                            connectionErrors.incrementAndGet();
                            closeQuietly(c);
                            c = null;
                            sleep(num("retry-ms"));
                            continue;
                        }
                        long now = System.nanoTime();
                        if (reply.code() == 250) {
                            accepted.add(i);
                            if (t0 != 0 && moveEnd == 0) {
                                acceptedDuringMove.incrementAndGet();
                            }
                            if (first != 0) {
                                long waited = (now - first) / 1_000_000;
                                longestWaitMs.accumulateAndGet(waited, Math::max);
                            }
                            done = true;
                        } else if (reply.code() / 100 == 4) {
                            deferred.incrementAndGet();
                            if (first == 0) {
                                first = now;
                                deferredMessages.incrementAndGet();
                            }
                            firstDeferred.compareAndSet(0, now);
                            lastDeferred.set(now);
                            closeQuietly(c); // a fresh transaction on a fresh connection, as an MTA's queue run
                            c = null;
                            sleep(num("retry-ms"));
                        } else {
                            failures.add("message " + i + ": " + reply);
                            done = true;
                        }
                    }
                    sleep(num("interval-ms"));
                }
            } finally {
                closeQuietly(c);
            }
        }
    }

    private static void closeQuietly(LmtpClient c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // going anyway
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------------------ move states

    /** Polls be2's {@code /api/backend/moves} and keeps when the move of the mailbox entered each state. */
    private final class StatePoller implements Runnable {
        volatile boolean stop;
        volatile long t0;
        final Map<String, Long> entered = new LinkedHashMap<>();
        final Map<String, String> last = new HashMap<>();
        private final Pattern move = Pattern.compile("\\{[^{}]*\"mailbox\":\"" + Pattern.quote(mailbox()) + "\"[^{}]*}");

        @Override
        public void run() {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            while (!stop) {
                try {
                    String body = get(http, be2Http, "/api/backend/moves");
                    Matcher m = move.matcher(body);
                    if (m.find() && t0 != 0) { // newest first
                        String one = m.group();
                        String state = field(one, "state");
                        synchronized (entered) {
                            entered.putIfAbsent(state, System.nanoTime());
                            last.put("passes", field(one, "passes"));
                            last.put("messagesCopied", field(one, "messagesCopied"));
                            last.put("attempts", field(one, "attempts"));
                            last.put("lastError", field(one, "lastError"));
                            last.put("state", state);
                        }
                    }
                } catch (Exception e) {
                    // be2 busy: the next poll tells
                }
                sleep(250);
            }
        }

        String timeline() {
            StringBuilder b = new StringBuilder();
            synchronized (entered) {
                entered.forEach((s, t) -> b.append(b.length() == 0 ? "" : ", ").append(s).append(" at ")
                        .append(seconds(t, t0)).append(" s"));
            }
            return b.toString();
        }

        /** From the first of {@code from} seen to the first of {@code to} seen (a short state may pass unseen). */
        double secondsIn(List<String> from, List<String> to) {
            synchronized (entered) {
                Long a = from.stream().map(entered::get).filter(java.util.Objects::nonNull).findFirst().orElse(null);
                Long z = to.stream().map(entered::get).filter(java.util.Objects::nonNull).findFirst().orElse(null);
                return a == null || z == null ? -1 : (z - a) / 1e9;
            }
        }
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"([^\"]*)\"|[^,}]*)").matcher(json);
        if (!m.find()) {
            return "";
        }
        return m.group(2) != null ? m.group(2) : m.group(1);
    }

    private String get(HttpClient http, int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (node[0] + ":" + node[1]).getBytes(StandardCharsets.UTF_8))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("GET " + path + " at " + port + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    // ------------------------------------------------------------------------------------------------ checks

    private record Head(long uidValidity, long exists, long uidNext, long highestModSeq) {
    }

    private long status(int port) throws IOException {
        try (ImapConn c = ImapConn.login(host, port, IO, user(), user() + "-pw")) {
            ImapConn.Reply r = c.command("STATUS INBOX (MESSAGES)");
            if (!r.ok()) {
                throw new IOException("STATUS INBOX: " + r);
            }
            Matcher m = Pattern.compile("MESSAGES (\\d+)").matcher(String.join(" ", r.lines()));
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        }
    }

    private Head head(int port, String where) throws IOException {
        try (ImapConn c = ImapConn.login(host, port, IO, user(), user() + "-pw")) {
            ImapConn.Reply r = c.command("EXAMINE INBOX (CONDSTORE)");
            if (!r.ok()) {
                throw new IOException("EXAMINE INBOX at " + where + ": " + r);
            }
            String all = String.join("\n", r.lines());
            return new Head(code(all, "UIDVALIDITY"), r.exists(), code(all, "UIDNEXT"), code(all, "HIGHESTMODSEQ"));
        }
    }

    private static long code(String text, String name) {
        Matcher m = Pattern.compile("\\[" + name + " (\\d+)]").matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private Set<Long> uids(int port, long from, long to) throws IOException {
        try (ImapConn c = ImapConn.login(host, port, IO, user(), user() + "-pw")) {
            ImapConn.Reply sel = c.command("EXAMINE INBOX");
            if (!sel.ok()) {
                throw new IOException("EXAMINE INBOX: " + sel);
            }
            ImapConn.Reply r = c.command("UID SEARCH UID " + from + ":" + to);
            if (!r.ok()) {
                throw new IOException("UID SEARCH: " + r);
            }
            Set<Long> out = new TreeSet<>();
            for (String l : r.lines()) {
                if (l.startsWith("* SEARCH")) {
                    for (String w : l.substring(8).trim().split(" +")) {
                        if (!w.isEmpty()) {
                            out.add(Long.parseLong(w));
                        }
                    }
                }
            }
            return out;
        }
    }

    private void verify(Head before, Set<Long> uidsBefore, Deliverer d) throws Exception {
        Head after = head(be2Imap, "be2");
        put("after.uidvalidity", after.uidValidity);
        put("after.exists", after.exists);
        put("after.highestmodseq", after.highestModSeq);
        long expected = before.exists + d.accepted.size();
        put("after.expected", expected);
        if (after.uidValidity != before.uidValidity) {
            miss("UIDVALIDITY changed: " + before.uidValidity + " on be1, " + after.uidValidity + " on be2");
        }
        if (after.exists != expected) {
            miss("be2 holds " + after.exists + " messages, expected " + before.exists + " + " + d.accepted.size() + " = "
                    + expected);
        }
        if (after.highestModSeq < before.highestModSeq) {
            miss("HIGHESTMODSEQ went down: " + before.highestModSeq + " → " + after.highestModSeq);
        }
        Set<Long> uidsAfter = uids(be2Imap, 1, before.uidNext - 1);
        put("after.population.uids.same", uidsAfter.equals(uidsBefore));
        if (!uidsAfter.equals(uidsBefore)) {
            miss("the population's UIDs differ: " + uidsBefore.size() + " on be1 before, " + uidsAfter.size() + " on be2");
        }
        // every delivery of the run by its Message-ID (ENVELOPE carries it as a quoted string)
        Map<Integer, Integer> seen = new HashMap<>();
        int others = 0;
        try (ImapConn c = ImapConn.login(host, be2Imap, IO, user(), user() + "-pw")) {
            c.command("EXAMINE INBOX");
            ImapConn.Reply r = c.command("UID FETCH " + before.uidNext + ":* (UID ENVELOPE)");
            if (!r.ok()) {
                throw new IOException("UID FETCH ENVELOPE at be2: " + r);
            }
            for (String l : r.lines()) {
                Matcher m = MSGID.matcher(l);
                if (m.find() && m.group(1).equals(run)) {
                    seen.merge(Integer.parseInt(m.group(2)), 1, Integer::sum);
                } else if (l.contains(" FETCH ")) {
                    others++;
                }
            }
        }
        int missing = 0;
        int twice = 0;
        int unacknowledged = 0;
        for (int i : d.accepted) {
            int n = seen.getOrDefault(i, 0);
            if (n == 0) {
                missing++;
            } else if (n > 1) {
                twice++;
            }
        }
        for (int i : seen.keySet()) {
            if (!d.accepted.contains(i)) {
                unacknowledged++;
            }
        }
        put("check.missing", missing);
        put("check.duplicates", twice);
        put("check.unacknowledged.present", unacknowledged);
        put("check.other.messages", others);
        if (missing > 0) {
            miss(missing + " deliveries answered 250 are not on be2");
        }
        if (twice > 0) {
            miss(twice + " deliveries are on be2 more than once");
        }
        if (unacknowledged > 0 || others > 0) {
            miss(unacknowledged + " messages not answered 250 and " + others + " unknown ones are on be2");
        }
        // the master's map, and be1
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String map = get(http, masterHttp, "/api/map/mailbox/" + mailbox());
        put("check.master", map);
        if (!"be2".equals(field(map, "server")) || !"active".equals(field(map, "state"))) {
            miss("the master's entry: " + map);
        }
        try (ImapConn c = ImapConn.login(host, be1Imap, IO, admin[0], admin[1])) {
            ImapConn.Reply list = c.command("LIST \"\" \"" + mailbox() + "*\"");
            ImapConn.Reply status = c.command("STATUS " + mailbox() + " (MESSAGES)");
            boolean gone = list.ok() && list.lines().stream().noneMatch(l -> l.startsWith("* LIST")) && !status.ok();
            put("check.be1", "LIST " + list.lines().size() + " lines; STATUS " + status);
            if (!gone) {
                miss("be1 still has " + mailbox() + ": " + list.lines() + " / " + status);
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    // ------------------------------------------------------------------------------------------------ report

    private void write(Head before, StatePoller poller) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("# Move of a ").append(String.format(Locale.ROOT, "%,d", num("messages")))
                .append("-message mailbox between two of our backends (").append(Instant.now()).append(")\n\n");
        b.append(misses.isEmpty() ? "Every check passed.\n\n" : "**Missed:**\n\n" + String.join("\n", misses.stream()
                .map(s -> "- " + s).toList()) + "\n\n");
        b.append("| | |\n|---|---|\n");
        row(b, "RENAME through fe1", "`RENAME " + mailbox() + " " + mailbox() + " be2!default` → " + results.get("move.answer"));
        row(b, "move time (RENAME sent → tagged answer)", results.get("move.seconds") + " s");
        row(b, "messages/s", results.get("move.rate") + " (" + String.format(Locale.ROOT, "%,d", before.exists)
                + " messages of " + num("bytes") + " octets / move time)");
        double frozen = poller.secondsIn(List.of("FREEZING", "FINAL_SYNC", "SWITCHING"), List.of("RELEASING", "DONE"));
        row(b, "frozen and switching, as be2's states tell (first of FREEZING/FINAL_SYNC seen → RELEASING, polled every 250 ms; be1's own log below)",
                frozen < 0 ? "not seen" : String.format(Locale.ROOT, "%.2f s", frozen));
        row(b, "deliveries deferred with 4xx", results.get("deliveries.deferred") + " replies for "
                + results.get("deliveries.deferred.messages") + " message(s), first at " + results.get("deliveries.first.deferred.s")
                + " s, last at " + results.get("deliveries.last.deferred.s") + " s after the RENAME was sent");
        row(b, "longest wait of one delivery (first 4xx → its 250)", results.get("deliveries.longest.wait.ms") + " ms");
        row(b, "deliveries through fe1 answered 250", results.get("deliveries.accepted") + " ("
                + results.get("deliveries.during.move") + " from the RENAME on; " + results.get("deliveries.attempts")
                + " attempts, " + results.get("deliveries.connection.errors") + " broken connections)");
        row(b, "refused for good / abandoned", results.get("deliveries.failed") + " / " + results.get("deliveries.abandoned"));
        row(b, "move states seen (s after the RENAME)", results.get("states"));
        synchronized (poller.entered) {
            row(b, "move at the end (be2's /api/backend/moves)", poller.last.toString());
        }
        row(b, "UIDVALIDITY be1 before / be2 after", results.get("before.uidvalidity") + " / " + results.get("after.uidvalidity"));
        row(b, "messages on be2", results.get("after.exists") + " (expected " + results.get("before.exists") + " + "
                + results.get("deliveries.accepted") + " = " + results.get("after.expected") + ")");
        row(b, "population's UIDs identical", results.get("after.population.uids.same"));
        row(b, "deliveries on be2: missing / twice / present without a 250 / unknown", results.get("check.missing") + " / "
                + results.get("check.duplicates") + " / " + results.get("check.unacknowledged.present") + " / "
                + results.get("check.other.messages"));
        row(b, "HIGHESTMODSEQ be1 before / be2 after", results.get("before.highestmodseq") + " / " + results.get("after.highestmodseq"));
        row(b, "master's entry", "`" + results.get("check.master") + "`");
        row(b, "be1 afterwards", results.get("check.be1"));
        row(b, "population", results.get("populate"));
        row(b, "load average (/proc/loadavg) at start / end", results.get("load.start") + " / " + results.get("load.end"));
        b.append("\nOptions: ").append(opt).append(".\n");
        Files.writeString(out, b.toString());
        BackendBench.log("results written to %s", out);
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("| ").append(k).append(" | ").append(v == null ? "-" : v.replace("|", "\\|")).append(" |\n");
    }
}
