package org.murder.bench;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.murder.protocol.mupdate.Location;
import org.murder.protocol.mupdate.MupdateClient;
import org.murder.protocol.mupdate.MupdateResponse;

/**
 * Benchmark of the MUPDATE master against a running node (see bench/README.md).
 *
 * <pre>
 * java -cp murder-bench.jar:murder-protocol.jar org.murder.bench.MupdateBench \
 *     HOST MUPDATE_PORT HTTP_PORT USER PASSWORD OUT.md [clients=8] [ops=2000] [map=100000] \
 *     [latency-ops=500] [spacing-ms=10] [runs=3] [minutes=15] [populate-minutes=45]
 * </pre>
 *
 * Phases, in the order they run: populate the map to {@code map} mailboxes (skipped when the node already
 * has that many); (a) ACTIVATE throughput from {@code clients} connections of {@code ops} new names each,
 * then DELETE of the same names (so the map stays at its size); (b) full LIST and full UPDATE dump,
 * {@code runs} times each; (c) change-to-subscriber latency through the UPDATE stream; (d) the same
 * through the JMS topic, as the server's own histogram measures it. Every loop is bounded in count and
 * by a deadline: {@code populate-minutes} for the population (done once per node; each ACTIVATE is one
 * transaction, so 100,000 take minutes), then {@code minutes} for phases a to d together. A watchdog
 * ends the JVM a minute after the deadline in force.
 */
public final class MupdateBench {

    private static final Duration IO_TIMEOUT = Duration.ofSeconds(60);
    private static final String LATENCY_MAILBOX = "user.benchlatency";
    private static final int WARMUP_OPS = 20;

    private final String host;
    private final int mupdatePort;
    private final int httpPort;
    private final String user;
    private final String password;
    private final Path out;
    private final int clients;
    private final int opsPerClient;
    private final int mapSize;
    private final int latencyOps;
    private final int spacingMs;
    private final int runs;
    private final long minutes;
    private final long populateMinutes;
    /** Where every loop stops: the population's budget first, then {@code minutes} for phases a to d. */
    private volatile long deadline;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private MupdateBench(String[] args) {
        if (args.length < 6) {
            throw new IllegalArgumentException("usage: MupdateBench HOST MUPDATE_PORT HTTP_PORT USER PASSWORD OUT.md"
                    + " [clients=8] [ops=2000] [map=100000] [latency-ops=500] [spacing-ms=10] [runs=3] [minutes=15] [populate-minutes=45]");
        }
        host = args[0];
        if (!host.equals("127.0.0.1")) {
            throw new IllegalArgumentException("the benchmark only talks to 127.0.0.1, not " + host);
        }
        mupdatePort = Integer.parseInt(args[1]);
        httpPort = Integer.parseInt(args[2]);
        user = args[3];
        password = args[4];
        out = Path.of(args[5]);
        Map<String, Integer> opt = new LinkedHashMap<>(Map.of("clients", 8, "ops", 2000, "map", 100_000,
                "latency-ops", 500, "spacing-ms", 10, "runs", 3, "minutes", 15));
        opt.put("populate-minutes", 45);
        for (int i = 6; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (kv.length != 2 || !opt.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + opt.keySet());
            }
            int v = Integer.parseInt(kv[1]);
            if (v < 1) {
                throw new IllegalArgumentException(kv[0] + " must be at least 1");
            }
            opt.put(kv[0], v);
        }
        clients = opt.get("clients");
        opsPerClient = opt.get("ops");
        mapSize = opt.get("map");
        latencyOps = opt.get("latency-ops");
        spacingMs = opt.get("spacing-ms");
        runs = opt.get("runs");
        minutes = opt.get("minutes");
        populateMinutes = opt.get("populate-minutes");
        deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(populateMinutes);
    }

    public static void main(String[] args) throws Exception {
        MupdateBench bench;
        try {
            bench = new MupdateBench(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        bench.startWatchdog();
        boolean ok = bench.run();
        System.exit(ok ? 0 : 1);
    }

    // ------------------------------------------------------------------ phases

    private boolean run() throws IOException {
        String started = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        long before = mapVersion().mailboxes;
        log("map holds %,d mailboxes at start", before);
        boolean ok = true;
        ok &= phase("populate", this::populate);
        deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
        ok &= phase("a", this::throughput);
        ok &= phase("b", this::listAndDump);
        ok &= phase("c", this::streamLatency);
        ok &= phase("d", this::topicLatency);
        long after = mapVersion().mailboxes;
        String report = report(started, before, after);
        System.out.println();
        System.out.println(report);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, report, StandardCharsets.UTF_8);
        log("results written to %s", out);
        return ok;
    }

    private interface Phase {
        void run() throws Exception;
    }

    private boolean phase(String name, Phase phase) {
        if (System.nanoTime() > deadline) {
            row(name, "phase " + name, "NOT RUN: global deadline passed", "", "");
            return false;
        }
        try {
            phase.run();
            return true;
        } catch (Exception e) {
            log("phase %s FAILED: %s", name, e);
            e.printStackTrace();
            row(name, "phase " + name, "FAILED: " + e, "", "no");
            return false;
        }
    }

    /** Brings the map to {@code mapSize} mailboxes named user.benchNNNNN on bench1..bench4. */
    private void populate() throws Exception {
        long have = mapVersion().mailboxes;
        if (have >= mapSize) {
            log("populate: skipped, the map already holds %,d mailboxes", have);
            notes.add(String.format(Locale.ROOT, "Population skipped: the map already held %,d mailboxes.", have));
            return;
        }
        log("populate: activating %,d mailboxes from %d clients (the map holds %,d)", mapSize, clients, have);
        int perClient = (mapSize + clients - 1) / clients;
        AtomicInteger done = new AtomicInteger();
        Result r = parallel(perClient, (c, k, i) -> {
            int n = i * clients + k;
            if (n >= mapSize) {
                return null;
            }
            MupdateResponse.Completion completion = c.activate(benchName(n),
                    new Location("bench" + (n % 4 + 1), "default"), acl("bench" + n));
            int d = done.incrementAndGet();
            if (d % 10_000 == 0) {
                log("populate: %,d", d);
            }
            return completion;
        });
        checkErrors("populate", r);
        long now = mapVersion().mailboxes;
        log("populate: %,d ACTIVATEs in %.1f s (%.0f/s); the map holds %,d", r.ops, r.seconds(), r.rate(), now);
        row("b", String.format(Locale.ROOT, "populate to %,d mailboxes (%d clients)", mapSize, clients),
                String.format(Locale.ROOT, "%,.0f ACTIVATE/s (%,d in %.1f s)", r.rate(), r.ops, r.seconds()), "", "");
        if (now < mapSize) {
            throw new IllegalStateException("the map holds only " + now + " mailboxes after population");
        }
    }

    /** (a) ACTIVATE of distinct new names from several connections, then DELETE of the same names. */
    private void throughput() throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        int total = clients * opsPerClient;
        log("a: %d clients x %,d ACTIVATEs of new names", clients, opsPerClient);
        Result act = parallel(opsPerClient, (c, k, i) -> c.activate(tputName(run, k, i),
                new Location("bench" + (k % 4 + 1), "default"), acl("tput" + k)));
        checkErrors("ACTIVATE", act);
        log("a: ACTIVATE %,.0f/s, p50 %.2f ms, p99 %.2f ms", act.rate(), act.p(0.5), act.p(0.99));
        row("a", String.format(Locale.ROOT, "ACTIVATE throughput, %d clients × %,d new names", clients, opsPerClient),
                String.format(Locale.ROOT, "**%,.0f /s** (%,d in %.2f s)", act.rate(), act.ops, act.seconds()),
                "—", "");
        row("a", "ACTIVATE latency per op (p50 / p99 / max)",
                String.format(Locale.ROOT, "%.2f / %.2f / %.2f ms", act.p(0.5), act.p(0.99), act.p(1.0)), "—", "");

        log("a: %d clients x %,d DELETEs of the same names", clients, opsPerClient);
        Result del = parallel(opsPerClient, (c, k, i) -> c.delete(tputName(run, k, i)));
        checkErrors("DELETE", del);
        log("a: DELETE %,.0f/s, p50 %.2f ms, p99 %.2f ms", del.rate(), del.p(0.5), del.p(0.99));
        row("a", String.format(Locale.ROOT, "DELETE throughput, same %,d names (clean-up)", total),
                String.format(Locale.ROOT, "%,.0f /s (%,d in %.2f s)", del.rate(), del.ops, del.seconds()), "—", "");
        row("a", "DELETE latency per op (p50 / p99 / max)",
                String.format(Locale.ROOT, "%.2f / %.2f / %.2f ms", del.p(0.5), del.p(0.99), del.p(1.0)), "—", "");
    }

    /** (b) full LIST and full UPDATE dump, {@code runs} times each. */
    private void listAndDump() throws Exception {
        long size = mapVersion().mailboxes;
        long[] listNanos = new long[runs];
        int listed = Integer.MAX_VALUE;
        try (MupdateClient c = login()) {
            for (int run = 0; run < runs; run++) {
                checkDeadline();
                long t0 = System.nanoTime();
                MupdateClient.Reply reply = c.list();
                listNanos[run] = System.nanoTime() - t0;
                if (!reply.ok()) {
                    throw new IOException("LIST: " + reply.completion());
                }
                int n = countMailboxes(reply);
                listed = Math.min(listed, n);
                log("b: LIST %d: %,d MAILBOX in %.3f s", run + 1, n, listNanos[run] / 1e9);
            }
        }
        long[] dumpNanos = new long[runs];
        int dumped = Integer.MAX_VALUE;
        for (int run = 0; run < runs; run++) {
            checkDeadline();
            try (MupdateClient c = login()) {
                long t0 = System.nanoTime();
                MupdateClient.Reply reply = c.startUpdate(List.of());
                dumpNanos[run] = System.nanoTime() - t0;
                if (!reply.ok()) {
                    throw new IOException("UPDATE: " + reply.completion());
                }
                int n = countMailboxes(reply);
                dumped = Math.min(dumped, n);
                log("b: UPDATE %d: %,d MAILBOX in %.3f s", run + 1, n, dumpNanos[run] / 1e9);
                quietLogout(c);
            }
        }
        Arrays.sort(listNanos);
        Arrays.sort(dumpNanos);
        double listMin = listNanos[0] / 1e9, listMed = listNanos[runs / 2] / 1e9;
        double dumpMin = dumpNanos[0] / 1e9, dumpMed = dumpNanos[runs / 2] / 1e9;
        row("b", String.format(Locale.ROOT, "full LIST of a %,d-mailbox map, send → tagged OK (min / median of %d)",
                        size, runs),
                String.format(Locale.ROOT, "**%.3f / %.3f s** (%,d MAILBOX)", listMin, listMed, listed),
                "≤ 2 s", verdict(listMed <= 2.0 && listed >= mapSize));
        row("b", String.format(Locale.ROOT, "full UPDATE dump, send → OK \"streaming starts\" (min / median of %d)",
                        runs),
                String.format(Locale.ROOT, "**%.3f / %.3f s** (%,d MAILBOX)", dumpMin, dumpMed, dumped),
                "≤ 2 s", verdict(dumpMed <= 2.0 && dumped >= mapSize));
        if (listed < mapSize || dumped < mapSize) {
            throw new IllegalStateException("LIST/UPDATE returned fewer than " + mapSize + " mailboxes");
        }
    }

    /** (c) writer ACTIVATE → streamed MAILBOX at an UPDATE subscriber, on one JVM clock. */
    private void streamLatency() throws Exception {
        try (MupdateClient stream = login(); MupdateClient writer = login()) {
            long t0 = System.nanoTime();
            MupdateClient.Reply dump = stream.startUpdate(List.of());
            if (!dump.ok()) {
                throw new IOException("UPDATE: " + dump.completion());
            }
            log("c: subscriber streaming after a dump of %,d in %.2f s", countMailboxes(dump),
                    (System.nanoTime() - t0) / 1e9);
            warmUp(writer);

            AtomicLongArray sent = new AtomicLongArray(latencyOps);
            AtomicLongArray arrived = new AtomicLongArray(latencyOps);
            AtomicReference<Throwable> readerError = new AtomicReference<>();
            AtomicInteger received = new AtomicInteger();
            CountDownLatch allReceived = new CountDownLatch(1);
            long readerStop = Math.min(deadline,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos((long) latencyOps * spacingMs * 4L + 60_000));
            Thread reader = new Thread(() -> {
                try {
                    while (System.nanoTime() < readerStop && received.get() < latencyOps
                            && !Thread.currentThread().isInterrupted()) {
                        MupdateResponse r;
                        try {
                            r = stream.nextStreamed(Duration.ofMillis(200));
                        } catch (SocketTimeoutException e) {
                            continue;
                        }
                        long now = System.nanoTime();
                        if (r instanceof MupdateResponse.Bye bye) {
                            throw new IOException("subscriber got BYE: " + bye.text());
                        }
                        if (r instanceof MupdateResponse.MailboxData m && m.name().equals(LATENCY_MAILBOX)) {
                            int seq = seqOf(m.location());
                            if (seq >= 0 && seq < latencyOps && sent.get(seq) != 0 && arrived.get(seq) == 0) {
                                arrived.set(seq, now);
                                received.incrementAndGet();
                            }
                        }
                    }
                } catch (Throwable e) {
                    readerError.set(e);
                } finally {
                    allReceived.countDown();
                }
            }, "bench-subscriber");
            reader.setDaemon(true);
            reader.start();

            long[] rtt = spacedWrites(writer, sent);
            allReceived.await(Math.max(1, Math.min(10_000,
                    TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))), TimeUnit.MILLISECONDS);
            reader.interrupt();
            reader.join(2_000);
            if (readerError.get() != null) {
                throw new IOException("subscriber failed", readerError.get());
            }
            long[] lat = new long[latencyOps];
            int n = 0;
            for (int i = 0; i < latencyOps; i++) {
                if (arrived.get(i) != 0) {
                    lat[n++] = arrived.get(i) - sent.get(i);
                }
            }
            lat = Arrays.copyOf(lat, n);
            Arrays.sort(lat);
            int missing = latencyOps - n;
            log("c: %d/%d streamed; p50 %.2f p90 %.2f p99 %.2f max %.2f ms", n, latencyOps, ms(lat, 0.5),
                    ms(lat, 0.9), ms(lat, 0.99), ms(lat, 1.0));
            row("c", String.format(Locale.ROOT,
                            "change → UPDATE subscriber: ACTIVATE sent → streamed MAILBOX read (%d changes, %d ms apart)",
                            latencyOps, spacingMs),
                    String.format(Locale.ROOT, "p50 %.2f / p90 %.2f / **p99 %.2f** / max %.2f ms (%d of %d seen%s)",
                            ms(lat, 0.5), ms(lat, 0.9), ms(lat, 0.99), ms(lat, 1.0), n, latencyOps,
                            missing == 0 ? "" : "; " + missing + " coalesced or lost"),
                    "p99 ≤ 100 ms (Cyrus: batches every 5 s)", verdict(n > 0 && ms(lat, 0.99) <= 100.0));
            Arrays.sort(rtt);
            row("c", "writer's ACTIVATE round trip during (c) (p50 / p99 / max)",
                    String.format(Locale.ROOT, "%.2f / %.2f / %.2f ms", ms(rtt, 0.5), ms(rtt, 0.99), ms(rtt, 1.0)),
                    "—", "");
            quietLogout(writer);
            quietLogout(stream);
        }
    }

    /** (d) writer ACTIVATE → applied to this node's local copy through the JMS topic (server-side histogram). */
    private void topicLatency() throws Exception {
        try (MupdateClient writer = login()) {
            warmUp(writer);
            Thread.sleep(500); // let the warm-up changes reach the copy before the histogram is reset
            http("POST", "/api/copy/latency/reset");
            AtomicLongArray sent = new AtomicLongArray(latencyOps);
            long[] rtt = spacedWrites(writer, sent);
            Latency h = copyLatency();
            long until = Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(15));
            while (h.samples < latencyOps && System.nanoTime() < until) {
                Thread.sleep(200);
                h = copyLatency();
            }
            log("d: %d samples; p50 %d p90 %d p99 %d max %d ms", h.samples, h.p50, h.p90, h.p99, h.max);
            row("d", String.format(Locale.ROOT,
                            "change → local copy via JMS topic: sent → applied, server histogram (%d changes, %d ms apart)",
                            latencyOps, spacingMs),
                    String.format(Locale.ROOT, "p50 %d / p90 %d / **p99 %d** / max %d ms (%d samples)",
                            h.p50, h.p90, h.p99, h.max, h.samples),
                    "p99 ≤ 100 ms (Cyrus CREATE → frontend: median 2.45 s)",
                    verdict(h.samples > 0 && h.p99 <= 100));
            Arrays.sort(rtt);
            row("d", "writer's ACTIVATE round trip during (d) (p50 / p99 / max)",
                    String.format(Locale.ROOT, "%.2f / %.2f / %.2f ms", ms(rtt, 0.5), ms(rtt, 0.99), ms(rtt, 1.0)),
                    "—", "");
            MupdateResponse.Completion c = writer.delete(LATENCY_MAILBOX);
            if (!c.ok()) {
                log("d: could not delete %s: %s", LATENCY_MAILBOX, c);
            }
            quietLogout(writer);
        }
    }

    // ------------------------------------------------------------------ helpers: MUPDATE

    private interface Op {
        /** @return the completion, or null when this index has nothing to do */
        MupdateResponse.Completion run(MupdateClient c, int client, int i) throws IOException;
    }

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

    /**
     * Runs {@code op} for i = 0..perClient-1 on {@code clients} connections at once; the clock runs from the
     * moment every connection is authenticated until the last op completes.
     */
    private Result parallel(int perClient, Op op) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int k = 0; k < clients; k++) {
                int client = k;
                futures.add(pool.submit(() -> {
                    MupdateClient c;
                    try {
                        c = login();
                    } finally {
                        ready.countDown();
                    }
                    try (c) {
                        go.await();
                        long[] lat = new long[perClient];
                        int n = 0;
                        for (int i = 0; i < perClient; i++) {
                            checkDeadline();
                            long t0 = System.nanoTime();
                            MupdateResponse.Completion done = op.run(c, client, i);
                            if (done == null) {
                                continue;
                            }
                            lat[n++] = System.nanoTime() - t0;
                            if (!done.ok()) {
                                errors.incrementAndGet();
                                firstError.compareAndSet(null, done.toString());
                            }
                        }
                        quietLogout(c);
                        return Arrays.copyOf(lat, n);
                    }
                }));
            }
            if (!ready.await(120, TimeUnit.SECONDS)) {
                throw new IOException("clients did not connect within 120 s");
            }
            long t0 = System.nanoTime();
            go.countDown();
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : futures) {
                long left = Math.max(1, deadline - System.nanoTime());
                all.add(f.get(left, TimeUnit.NANOSECONDS));
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
            throw new IllegalStateException(what + ": " + r.errors + " of " + r.ops + " refused, first: " + r.firstError);
        }
    }

    /** ACTIVATEs of {@link #LATENCY_MAILBOX} on a fixed schedule; the partition p&lt;seq&gt; identifies each. */
    private long[] spacedWrites(MupdateClient writer, AtomicLongArray sent) throws IOException, InterruptedException {
        long[] rtt = new long[latencyOps];
        long start = System.nanoTime();
        long spacing = TimeUnit.MILLISECONDS.toNanos(spacingMs);
        for (int i = 0; i < latencyOps; i++) {
            checkDeadline();
            long wait = start + i * spacing - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long t = System.nanoTime();
            sent.set(i, t);
            MupdateResponse.Completion c = writer.activate(LATENCY_MAILBOX, new Location("bench1", "p" + i),
                    acl("latency"));
            rtt[i] = System.nanoTime() - t;
            if (!c.ok()) {
                throw new IOException("ACTIVATE " + LATENCY_MAILBOX + ": " + c);
            }
        }
        return rtt;
    }

    private void warmUp(MupdateClient writer) throws IOException {
        for (int i = 0; i < WARMUP_OPS; i++) {
            MupdateResponse.Completion c = writer.activate(LATENCY_MAILBOX, new Location("bench1", "w" + i),
                    acl("latency"));
            if (!c.ok()) {
                throw new IOException("ACTIVATE " + LATENCY_MAILBOX + ": " + c);
            }
        }
    }

    private static int seqOf(Location location) {
        String p = location.partition();
        if (p.length() < 2 || p.charAt(0) != 'p') {
            return -1;
        }
        try {
            return Integer.parseInt(p.substring(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private MupdateClient login() throws IOException {
        MupdateClient c = new MupdateClient(host, mupdatePort, IO_TIMEOUT);
        try {
            c.greeting();
            MupdateResponse.Completion auth = c.authenticatePlain(user, password);
            if (!auth.ok()) {
                throw new IOException("AUTHENTICATE as " + user + " refused: " + auth);
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static void quietLogout(MupdateClient c) {
        try {
            c.logout();
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }

    private static int countMailboxes(MupdateClient.Reply reply) {
        int n = 0;
        for (MupdateResponse r : reply.data()) {
            if (r instanceof MupdateResponse.MailboxData) {
                n++;
            }
        }
        return n;
    }

    private static String benchName(int n) {
        return String.format(Locale.ROOT, "user.bench%05d", n);
    }

    private static String tputName(String run, int client, int i) {
        return "user.tput" + run + "c" + client + "n" + i;
    }

    private static String acl(String owner) {
        return owner + "\tlrswipkxtecda\tanyone\tlrs\t";
    }

    // ------------------------------------------------------------------ helpers: REST

    private record MapVersion(long version, long mailboxes, long streams) {
    }

    private record Latency(long samples, long p50, long p90, long p99, long max) {
    }

    private MapVersion mapVersion() throws IOException {
        String body = httpGet("/api/map/version");
        return new MapVersion(jsonLong(body, "version"), jsonLong(body, "mailboxes"), jsonLong(body, "streams"));
    }

    private Latency copyLatency() throws IOException {
        String body = httpGet("/api/copy/latency");
        return new Latency(jsonLong(body, "samples"), jsonLong(body, "p50Millis"), jsonLong(body, "p90Millis"),
                jsonLong(body, "p99Millis"), jsonLong(body, "maxMillis"));
    }

    private String httpGet(String path) throws IOException {
        return http("GET", path);
    }

    /** The node's REST API as the bench's user (an admin of the node), with the header unsafe methods need. */
    private String http(String method, String path) throws IOException {
        String basic = java.util.Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + httpPort + path))
                .timeout(Duration.ofSeconds(30)).header("Accept", "application/json")
                .header("Authorization", "Basic " + basic).header("X-Requested-By", "bench")
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(method + " " + path + ": HTTP " + response.statusCode() + " " + response.body());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static long jsonLong(String json, String key) throws IOException {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*(-?\\d+)").matcher(json);
        if (!m.find()) {
            throw new IOException("no \"" + key + "\" in " + json);
        }
        return Long.parseLong(m.group(1));
    }

    // ------------------------------------------------------------------ helpers: time, output

    private void checkDeadline() {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("global deadline passed");
        }
    }

    private void startWatchdog() {
        Thread t = new Thread(() -> {
            long grace = TimeUnit.SECONDS.toNanos(60);
            while (true) {
                long left = deadline + grace - System.nanoTime();
                if (left <= 0) {
                    System.err.println("MupdateBench: deadline passed by 60 s; giving up");
                    Runtime.getRuntime().halt(3);
                }
                try {
                    TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.SECONDS.toNanos(5)));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-watchdog");
        t.setDaemon(true);
        t.start();
    }

    /** Nearest-rank percentile of sorted nanosecond values, in milliseconds; NaN when empty. */
    private static double ms(long[] sortedNanos, double q) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int idx = (int) Math.ceil(q * sortedNanos.length) - 1;
        idx = Math.max(0, Math.min(sortedNanos.length - 1, idx));
        return sortedNanos[idx] / 1e6;
    }

    private static String verdict(boolean met) {
        return met ? "yes" : "**no**";
    }

    private void row(String section, String measurement, String result, String target, String met) {
        rows.add(new String[] {section, measurement, result, target, met});
    }

    private String report(String started, long before, long after) {
        StringBuilder b = new StringBuilder();
        b.append("# MUPDATE master benchmark\n\n");
        b.append(String.format(Locale.ROOT,
                "Run %s against 127.0.0.1 (MUPDATE :%d, HTTP :%d); %d CPUs, Java %s (%s); map %,d → %,d mailboxes.%n",
                started, mupdatePort, httpPort, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                before, after));
        b.append(String.format(Locale.ROOT,
                "Parameters: clients=%d ops=%d map=%d latency-ops=%d spacing-ms=%d runs=%d (+%d warm-up ACTIVATEs before c and d).%n%n",
                clients, opsPerClient, mapSize, latencyOps, spacingMs, runs, WARMUP_OPS));
        b.append("| | measurement | result | target / Cyrus 3.6 | met |\n");
        b.append("|---|---|---|---|---|\n");
        rows.sort((x, y) -> x[0].compareTo(y[0])); // stable: a, b, c, d, keeping each phase's order
        for (String[] r : rows) {
            b.append("| ").append(r[0]).append(" | ").append(r[1]).append(" | ").append(r[2]).append(" | ")
                    .append(r[3]).append(" | ").append(r[4]).append(" |\n");
        }
        if (!notes.isEmpty()) {
            b.append('\n');
            for (String n : notes) {
                b.append("- ").append(n).append('\n');
            }
        }
        return b.toString();
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%tT] " + format + "%n", prepend(new java.util.Date(), args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
