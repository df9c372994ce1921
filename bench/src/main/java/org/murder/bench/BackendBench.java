package org.murder.bench;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.murder.protocol.lmtp.Address;
import org.murder.protocol.lmtp.ForwardPath;
import org.murder.protocol.lmtp.LmtpClient;
import org.murder.protocol.lmtp.LmtpCommand;
import org.murder.protocol.lmtp.LmtpReply;
import org.murder.protocol.lmtp.ReversePath;

/**
 * Benchmark of a mail backend over IMAP and LMTP, the same on our node and on a Cyrus backend, so that
 * {@code bench/run-backend.sh} can run it against both, one after the other, and compare (see bench/README.md).
 *
 * <pre>
 * BackendBench measure LABEL HOST IMAP_PORT LMTP_PORT ADMIN PASSWORD OUT.properties [key=value ...]
 * BackendBench report OURS.properties CYRUS.properties OUT.md
 * </pre>
 *
 * {@code measure} phases, in order: make sure the users' INBOXes exist (LOGIN; an admin CREATEs
 * {@code user.<name>} where the server does not create INBOX at login); populate (only up to what is missing):
 * {@code benchsess} to {@code sess-msgs} messages of 4 KB, {@code benchfetch} to {@code fetch-msgs} of
 * {@code fetch-kb}, {@code benchbig} to {@code big} small messages from {@code clients} LMTP connections (its own
 * time limit, {@code populate-minutes}); an unmeasured warm-up; LMTP {@code lmtp-msgs} deliveries of
 * {@code lmtp-kb} to {@code benchlmtp} from 1 client, then from {@code clients} ({@code runs} times each, the median reported); {@code sessions} IMAP sessions
 * LOGIN + SELECT INBOX + FETCH 1:* (FLAGS) + LOGOUT from {@code clients} threads; FETCH 1:N BODY.PEEK[] of the
 * {@code benchfetch} mailbox ({@code runs} times after one unmeasured run); UID FETCH 1:* (FLAGS) of
 * {@code benchbig} ({@code runs} times); with {@code idle=N}, N idle IMAP sessions (LOGIN + SELECT INBOX + IDLE,
 * half as {@code benchbig}, half spread over {@code idle-users} users {@code benchidle00} ... whose INBOXes the
 * populate phase fills to {@code idle-msgs} by COPY from benchbig's) held by a child JVM on one selector thread
 * while the server's heap after a full GC ({@code jcmd}, needs {@code server-pid}), RSS and threads, or the
 * proportional set size of its processes ({@code procs-matching}), are measured; then every session must answer
 * DONE + NOOP with OK.
 * Every user's password is {@code <user>-pw}. LMTP sessions AUTHenticate as the admin whenever the server
 * offers AUTH (Cyrus requires it over TCP). Results are written as properties for {@code report}.
 */
public final class BackendBench {

    static final String SESS = "benchsess";
    static final String LMTP = "benchlmtp";
    static final String FETCH = "benchfetch";
    static final String BIG = "benchbig";
    /** prefix of the idle phase's users besides {@link #BIG}: benchidle00, benchidle01 ... */
    static final String IDLE = "benchidle";
    private static final List<String> USERS = List.of(LMTP, SESS, FETCH, BIG);
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(180);
    private static final int MAX_ERRORS = 50;

    private final String label;
    private final String host;
    private final int imapPort;
    private final int lmtpPort;
    private final String admin;
    private final String adminPassword;
    private final Path out;
    private final Map<String, String> opt = new LinkedHashMap<>();
    private final Properties results = new Properties();
    private final List<String> notes = new ArrayList<>();
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private volatile long deadline;
    private volatile Process child;

    private BackendBench(String[] a) {
        if (a.length < 8) {
            throw new IllegalArgumentException("usage: BackendBench measure LABEL HOST IMAP_PORT LMTP_PORT ADMIN PASSWORD"
                    + " OUT.properties [key=value ...] | BackendBench report OURS.properties CYRUS.properties OUT.md");
        }
        label = a[1];
        host = a[2];
        if (!host.startsWith("127.")) {
            throw new IllegalArgumentException("the benchmark only talks to the loopback, not " + host);
        }
        imapPort = Integer.parseInt(a[3]);
        lmtpPort = Integer.parseInt(a[4]);
        admin = a[5];
        adminPassword = a[6];
        out = Path.of(a[7]);
        opt.put("clients", "8");
        opt.put("lmtp-msgs", "2000");
        opt.put("lmtp-kb", "4");
        opt.put("sessions", "2000");
        opt.put("sess-msgs", "20");
        opt.put("fetch-msgs", "500");
        opt.put("fetch-kb", "64");
        opt.put("big", "100000");
        opt.put("big-bytes", "1000");
        opt.put("runs", "5");
        opt.put("fetch-runs", "21");
        opt.put("uid-runs", "21");
        opt.put("fetch-warmups", "5");
        // a JVM server compiles its delivery path over the first few thousand messages (measured: steady after
        // about 5,000); a mail server runs for days, so both servers are measured warm
        opt.put("warmup-msgs", "5000");
        opt.put("warmup-sessions", "100");
        opt.put("minutes", "20");
        opt.put("populate-minutes", "40");
        opt.put("idle", "0");
        opt.put("idle-select", "yes");
        opt.put("idle-idle", "yes");
        opt.put("idle-users", "50");
        opt.put("idle-msgs", "100000");
        opt.put("idle-window", "64");
        opt.put("copy-chunk", "10000");
        opt.put("http-port", "0");
        opt.put("idle-minutes", "10");
        opt.put("server-pid", "0");
        opt.put("procs-matching", "");
        opt.put("hup-pid", "0");
        opt.put("phases", "all");
        opt.put("lmtp-user", LMTP);
        opt.put("lmtp-selected", "no");
        for (int i = 8; i < a.length; i++) {
            String[] kv = a[i].split("=", 2);
            if (kv.length != 2 || !opt.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown option " + a[i] + "; known: " + opt.keySet());
            }
            opt.put(kv[0], kv[1]);
        }
        deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(num("minutes"));
    }

    private int num(String key) {
        int v = Integer.parseInt(opt.get(key));
        if (v < 0) {
            throw new IllegalArgumentException(key + " must not be negative");
        }
        return v;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 6 && args[0].equals("db-report")) {
            Report.writeDb(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), Path.of(args[4]), Path.of(args[5]));
            return;
        }
        if (args.length > 0 && List.of("report", "memory-report", "lmtp-selected-report").contains(args[0])) {
            if (args.length != 4) {
                System.err.println("usage: BackendBench report|memory-report|lmtp-selected-report OURS.properties CYRUS.properties OUT.md");
                System.exit(2);
            }
            Report.write(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), args[0]);
            return;
        }
        BackendBench bench;
        try {
            if (args.length == 0 || !args[0].equals("measure")) {
                throw new IllegalArgumentException("first argument: measure or report");
            }
            bench = new BackendBench(args);
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
        put("label", label);
        put("host", host);
        put("imap", imapPort);
        put("lmtp", lmtpPort);
        put("started", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        put("cpus", Runtime.getRuntime().availableProcessors());
        put("loadavg.start", loadAverage());
        opt.forEach((k, v) -> put("opt." + k, v));
        deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(num("minutes"));
        boolean ok = phase("setup", this::setup);
        if (ok) {
            deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(num("populate-minutes"));
            ok &= phase("populate", this::populate);
            deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(num("minutes"));
            ok &= phase("warmup", this::warmUp);
            ok &= phase("lmtp1", () -> lmtp("lmtp1", 1, false));
            ok &= phase("lmtpN", () -> lmtp("lmtpN", num("clients"), false));
            if (opt.get("lmtp-selected").equals("yes")) {
                // after the phases without: on our node a SELECT makes the node keep the mailbox's index, and
                // every later delivery brings it up to date, so a run without after one with would not be without
                ok &= phase("lmtp1-sel", () -> lmtp("lmtp1-sel", 1, true));
                ok &= phase("lmtpN-sel", () -> lmtp("lmtpN-sel", num("clients"), true));
            }
            if (lmtpBaseline != null && !lmtpUser().equals(LMTP)) {
                ok &= phase("lmtp-cleanup", this::lmtpCleanup);
            }
            ok &= phase("sessions", this::sessions);
            ok &= phase("fetch", this::fetchBodies);
            ok &= phase("uid", this::uidFetch);
            if (num("idle") > 0) {
                deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(num("idle-minutes"));
                ok &= phase("idle", this::idle);
            }
        }
        put("loadavg.end", loadAverage());
        put("finished", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        for (int i = 0; i < notes.size(); i++) {
            put("note." + i, notes.get(i));
        }
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            results.store(w, "BackendBench " + label);
        }
        log("results written to %s", out);
        return ok;
    }

    private interface Phase {
        void run() throws Exception;
    }

    private boolean phase(String name, Phase phase) {
        String only = opt.get("phases");
        if (!only.equals("all") && !name.equals("setup") && !name.equals("lmtp-cleanup")
                && !List.of(only.split(",")).contains(name)) {
            return true;
        }
        if (System.nanoTime() > deadline) {
            put("error." + name, "not run: deadline passed");
            return false;
        }
        long t0 = System.nanoTime();
        try {
            phase.run();
            log("phase %s done in %.1f s", name, (System.nanoTime() - t0) / 1e9);
            return true;
        } catch (Exception e) {
            log("phase %s FAILED: %s", name, e);
            e.printStackTrace();
            put("error." + name, String.valueOf(e));
            return false;
        }
    }

    /** Every user's INBOX exists (ours creates it at LOGIN; Cyrus's admin CREATEs it). Remembers the counts. */
    private void setup() throws IOException {
        try (ImapConn c = ImapConn.connect(host, imapPort, IO_TIMEOUT)) {
            put("greeting", c.greeting());
            log("%s IMAP greeting: %s", label, c.greeting());
        }
        for (String user : allUsers()) {
            long n = messageCount(user);
            if (n < 0) {
                try (ImapConn a = ImapConn.login(host, imapPort, IO_TIMEOUT, admin, adminPassword)) {
                    ImapConn.Reply r = a.command("CREATE " + ImapConn.quote("user." + user));
                    log("CREATE user.%s as %s: %s", user, admin, r);
                }
                n = messageCount(user);
                if (n < 0) {
                    throw new IOException("cannot SELECT the INBOX of " + user);
                }
            }
            log("%s: INBOX of %s holds %,d messages", label, user, n);
        }
    }

    /** The idle phase's users besides {@link #BIG} ({@code idle-users} of them, none without {@code idle}). */
    private List<String> idleUsers() {
        int n = num("idle") > 0 ? num("idle-users") : 0;
        List<String> users = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            users.add(String.format(Locale.ROOT, "%s%02d", IDLE, i));
        }
        return users;
    }

    private List<String> allUsers() {
        List<String> all = new ArrayList<>(USERS);
        all.addAll(idleUsers());
        if (!all.contains(lmtpUser())) {
            all.add(lmtpUser());
        }
        return all;
    }

    /**
     * MESSAGES of the user's INBOX ({@code STATUS}), or -1 when the server says NO. Not SELECT: on our node a SELECT
     * makes the node keep the mailbox's index, which every later delivery then brings up to date, and that costs
     * each delivery a scan of the mailbox's rows (measured: 130 msg/s falling to 34 msg/s at 18,000 messages).
     */
    private long messageCount(String user) throws IOException {
        try (ImapConn c = ImapConn.login(host, imapPort, IO_TIMEOUT, user, user + "-pw")) {
            ImapConn.Reply r = c.command("STATUS INBOX (MESSAGES)");
            if (!r.ok()) {
                return -1;
            }
            long n = -1;
            for (String l : r.lines()) {
                Matcher m = Pattern.compile("\\(.*MESSAGES (\\d+)").matcher(l);
                if (l.startsWith("* STATUS") && m.find()) {
                    n = Long.parseLong(m.group(1));
                }
            }
            c.logout();
            return n;
        }
    }

    private void populate() throws Exception {
        fill(SESS, num("sess-msgs"), num("lmtp-kb") * 1024, 1, "sess");
        fill(FETCH, num("fetch-msgs"), num("fetch-kb") * 1024, 1, "fetch");
        int big = num("big");
        long have = messageCount(BIG);
        if (have >= big) {
            log("populate: %s already holds %,d messages, skipped", BIG, have);
            put("populate.skipped", "yes");
            put("populate.have", have);
            populateIdle(have);
            return;
        }
        int missing = (int) (big - have);
        log("populate: delivering %,d small messages to %s (it holds %,d) from %d clients", missing, BIG, have,
                num("clients"));
        Result r = deliver(BIG, missing, num("big-bytes"), num("clients"), "big", 10_000);
        long now = messageCount(BIG);
        log("populate: %,d deliveries in %.1f s (%.0f/s), %d refused; %s holds %,d", r.ops, r.seconds(), r.rate(),
                r.errors, BIG, now);
        put("populate.skipped", "no");
        put("populate.ops", r.ops);
        put("populate.seconds", r.seconds());
        put("populate.rate", r.rate());
        put("populate.errors", r.errors);
        put("populate.have", now);
        if (now < big) {
            throw new IllegalStateException(BIG + " holds only " + now + " messages after population");
        }
        populateIdle(now);
    }

    /**
     * Tops every idle user's INBOX up to {@code idle-msgs} by IMAP COPY from {@link #BIG}'s (LMTP at a few hundred
     * messages a second would take hours for 50 × 100,000): the admin gives itself the rights (Cyrus's admin has
     * none to read or insert; ours has all, the SETACLs change nothing), EXAMINEs {@code user.benchbig} and
     * COPYs {@code copy-chunk} messages per command. Each INBOX's time is logged; the rate goes to the results.
     */
    private void populateIdle(long bigHas) throws IOException {
        List<String> users = idleUsers();
        int want = num("idle-msgs");
        if (users.isEmpty() || want == 0 || bigHas < want) {
            return; // nothing to do, or benchbig is not filled yet (populate fills it first)
        }
        int chunk = Math.max(1, num("copy-chunk"));
        long copied = 0;
        long nanos = 0;
        try (ImapConn a = ImapConn.login(host, imapPort, IO_TIMEOUT, admin, adminPassword)) {
            boolean examined = false;
            for (String user : users) {
                long have = messageCount(user);
                if (have >= want) {
                    continue;
                }
                if (!examined) {
                    log("populate: SETACL %s: %s", "user." + BIG,
                            a.command("SETACL " + ImapConn.quote("user." + BIG) + " " + admin + " lr"));
                    ImapConn.Reply ex = a.command("EXAMINE " + ImapConn.quote("user." + BIG));
                    if (!ex.ok() || ex.exists() < want) {
                        throw new IOException("EXAMINE user." + BIG + " as " + admin + ": " + ex + ", EXISTS " + ex.exists());
                    }
                    examined = true;
                }
                String target = ImapConn.quote("user." + user);
                log("populate: SETACL %s: %s", "user." + user, a.command("SETACL " + target + " " + admin + " lrswipkxtea"));
                long t0 = System.nanoTime();
                for (long from = 1; from <= want - have; from += chunk) {
                    checkDeadline();
                    long to = Math.min(want - have, from + chunk - 1);
                    long t1 = System.nanoTime();
                    ImapConn.Reply r = a.command("COPY " + from + ":" + to + " " + target, false);
                    if (!r.ok()) {
                        throw new IOException("COPY " + from + ":" + to + " user." + BIG + " → user." + user + ": " + r);
                    }
                    log("populate: COPY %,d:%,d → %s in %.1f s", from, to, user, (System.nanoTime() - t1) / 1e9);
                }
                long spent = System.nanoTime() - t0;
                long now = messageCount(user);
                log("populate: %s now holds %,d messages (%,d copied in %.1f s, %.0f/s)", user, now, want - have,
                        spent / 1e9, (want - have) / (spent / 1e9));
                if (now < want) {
                    throw new IllegalStateException(user + " holds only " + now + " messages after COPY");
                }
                copied += want - have;
                nanos += spent;
            }
        }
        if (copied > 0) {
            put("populate.copy.msgs", copied);
            put("populate.copy.seconds", nanos / 1e9);
            put("populate.copy.rate", copied / (nanos / 1e9));
        }
    }

    /** Tops the user's INBOX up to {@code count} messages of {@code size}; an INBOX with more is left alone. */
    private void fill(String user, int count, int size, int clients, String tag) throws Exception {
        long have = messageCount(user);
        if (have >= count) {
            log("populate: %s already holds %,d messages", user, have);
            return;
        }
        Result r = deliver(user, (int) (count - have), size, clients, tag, 0);
        checkErrors("populate " + user, r);
        long now = messageCount(user);
        log("populate: %s now holds %,d messages (%,d delivered at %.0f/s)", user, now, r.ops, r.rate());
        if (now < count) {
            throw new IllegalStateException(user + " holds only " + now + " messages after population");
        }
    }

    private void warmUp() throws Exception {
        int msgs = num("warmup-msgs");
        if (msgs > 0) {
            Result r = deliver(LMTP, msgs, num("lmtp-kb") * 1024, num("clients"), "warm", 0);
            checkErrors("warm-up LMTP", r);
            log("warm-up: %,d LMTP deliveries at %.0f/s", r.ops, r.rate());
        }
        int sessions = num("warmup-sessions");
        if (sessions > 0) {
            Result r = sessions(sessions, num("clients"));
            checkErrors("warm-up sessions", r);
            log("warm-up: %,d IMAP sessions at %.0f/s", r.ops, r.rate());
        }
    }

    /** The LMTP phases' recipient ({@code lmtp-user}, {@link #LMTP} unless told). */
    private String lmtpUser() {
        return opt.get("lmtp-user");
    }

    /** MESSAGES and UIDNEXT of the LMTP target's INBOX before the first LMTP phase (for {@link #lmtpCleanup}). */
    private volatile long[] lmtpBaseline;

    /**
     * {@code runs} runs of {@code lmtp-msgs} deliveries to {@code lmtp-user}; the run with the median rate is
     * reported (the machine is shared). With {@code selected}, one IMAP session of that user has SELECTed its INBOX
     * and IDLEs throughout the runs (opened before the first, ended with DONE + NOOP + LOGOUT after the last),
     * reading the EXISTS the server sends.
     */
    private void lmtp(String key, int clients, boolean selected) throws Exception {
        String user = lmtpUser();
        int msgs = num("lmtp-msgs");
        int size = num("lmtp-kb") * 1024;
        int runs = Math.max(1, num("runs"));
        if (lmtpBaseline == null) {
            lmtpBaseline = status(user);
            log("%s: INBOX of %s holds %,d messages, UIDNEXT %d", key, user, lmtpBaseline[0], lmtpBaseline[1]);
        }
        long before = messageCount(user);
        List<Result> all = new ArrayList<>();
        SelectedSession watcher = selected ? SelectedSession.open(this, user) : null;
        try {
            if (watcher != null) {
                log("%s: a session of %s has SELECTed INBOX (%,d messages) and IDLEs", key, user, watcher.selectExists);
                put(key + ".selected.exists.select", watcher.selectExists);
            }
            for (int run = 0; run < runs; run++) {
                Result r = deliver(user, msgs, size, clients, key + "-" + run, 0);
                log("%s run %d: %,d x %d B to %s from %d client(s)%s: %.1f msg/s (%.2f s), p50 %.2f ms, p99 %.2f ms, %d refused",
                        key, run + 1, r.ops, size, user, clients, selected ? " with its INBOX selected" : "", r.rate(),
                        r.seconds(), r.p(0.5), r.p(0.99), r.errors);
                checkErrors(key, r);
                all.add(r);
                put(key + ".run" + (run + 1) + ".rate", r.rate());
            }
        } finally {
            if (watcher != null) {
                watcher.close(key);
            }
        }
        long after = messageCount(user);
        all.sort(java.util.Comparator.comparingDouble(Result::rate));
        Result r = all.get(all.size() / 2);
        log("%s: median of %d runs %.1f msg/s, p50 %.2f ms, p99 %.2f ms; INBOX of %s %,d -> %,d", key, runs, r.rate(),
                r.p(0.5), r.p(0.99), user, before, after);
        putResult(key, r);
        put(key + ".clients", clients);
        put(key + ".size", size);
        put(key + ".user", user);
        put(key + ".selected", selected ? "yes" : "no");
        put(key + ".runs", runs);
        put(key + ".inbox.before", before);
        put(key + ".stored", after - before);
        if (after - before != (long) msgs * runs) {
            throw new IllegalStateException(key + ": " + msgs * runs + " delivered but the INBOX grew by " + (after - before));
        }
        if (watcher != null) {
            put(key + ".selected.exists.updates", watcher.updates.get());
            put(key + ".selected.exists.last", watcher.lastExists.get());
            if (watcher.lastExists.get() != after) {
                notes.add(key + ": the selected session last saw EXISTS " + watcher.lastExists.get() + ", the INBOX holds " + after);
            }
        }
    }

    /** MESSAGES and UIDNEXT of the user's INBOX ({@code STATUS}). */
    private long[] status(String user) throws IOException {
        try (ImapConn c = ImapConn.login(host, imapPort, IO_TIMEOUT, user, user + "-pw")) {
            ImapConn.Reply r = c.command("STATUS INBOX (MESSAGES UIDNEXT)");
            long messages = -1;
            long uidNext = -1;
            for (String l : r.lines()) {
                Matcher m = Pattern.compile("MESSAGES (\\d+)").matcher(l);
                Matcher u = Pattern.compile("UIDNEXT (\\d+)").matcher(l);
                if (l.startsWith("* STATUS") && m.find() && u.find()) {
                    messages = Long.parseLong(m.group(1));
                    uidNext = Long.parseLong(u.group(1));
                }
            }
            if (!r.ok() || messages < 0 || uidNext < 1) {
                throw new IOException("STATUS INBOX (MESSAGES UIDNEXT) of " + user + ": " + r + " " + r.lines());
            }
            c.logout();
            return new long[] {messages, uidNext};
        }
    }

    /**
     * The LMTP phases delivered to another user's INBOX than {@link #LMTP}'s (say the 100,000-message
     * {@link #BIG}, so that a selected session holds a big index): their messages (UID ≥ the UIDNEXT before the
     * first phase) are expunged, so that the mailbox keeps its size for the other benchmarks.
     */
    private void lmtpCleanup() throws IOException {
        String user = lmtpUser();
        long[] base = lmtpBaseline;
        try (ImapConn c = ImapConn.login(host, imapPort, IO_TIMEOUT, user, user + "-pw")) {
            ImapConn.Reply sel = c.command("SELECT INBOX");
            if (!sel.ok()) {
                throw new IOException("SELECT INBOX of " + user + ": " + sel);
            }
            long added = sel.exists() - base[0];
            if (added > 0) { // else UID n:* would name the last message, whatever its UID
                long t0 = System.nanoTime();
                ImapConn.Reply st = c.command("UID STORE " + base[1] + ":* +FLAGS.SILENT (\\Deleted)", false);
                ImapConn.Reply ex = c.command("EXPUNGE", false);
                log("lmtp-cleanup: %,d messages of %s (UID %d:*) expunged in %.1f s: STORE %s, EXPUNGE %s", added, user,
                        base[1], (System.nanoTime() - t0) / 1e9, st, ex);
                if (!st.ok() || !ex.ok()) {
                    throw new IOException("expunging UID " + base[1] + ":* of " + user + ": STORE " + st + ", EXPUNGE " + ex);
                }
                put("lmtp-cleanup.expunged", added);
                put("lmtp-cleanup.seconds", (System.nanoTime() - t0) / 1e9);
            }
            c.logout();
        }
        long now = messageCount(user);
        put("lmtp-cleanup.inbox", now);
        if (now != base[0]) {
            throw new IllegalStateException("the INBOX of " + user + " holds " + now + " messages after the clean-up, "
                    + base[0] + " before the LMTP phases");
        }
    }

    /**
     * One IMAP session that has SELECTed a user's INBOX and IDLEs, a thread of its own reading the server's
     * responses (counting the EXISTS) until {@link #close} ends the IDLE with DONE.
     */
    private static final class SelectedSession {
        private final ImapConn conn;
        private final String tag;
        final long selectExists;
        final AtomicInteger updates = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicLong lastExists = new java.util.concurrent.atomic.AtomicLong(-1);
        private final AtomicReference<String> completion = new AtomicReference<>();
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private final Thread reader;

        private SelectedSession(ImapConn conn, long selectExists) throws IOException {
            this.conn = conn;
            this.selectExists = selectExists;
            this.lastExists.set(selectExists);
            this.tag = conn.idle();
            this.reader = new Thread(this::read, "selected-session");
            reader.setDaemon(true);
            reader.start();
        }

        static SelectedSession open(BackendBench b, String user) throws IOException {
            // no read time-out to speak of: a run may bring no update for minutes on a server that polls
            ImapConn c = ImapConn.login(b.host, b.imapPort, Duration.ofMinutes(b.num("minutes") + 10L), user, user + "-pw");
            try {
                ImapConn.Reply sel = c.command("SELECT INBOX");
                if (!sel.ok()) {
                    throw new IOException("SELECT INBOX of " + user + ": " + sel);
                }
                return new SelectedSession(c, sel.exists());
            } catch (IOException | RuntimeException e) {
                c.close();
                throw e;
            }
        }

        private void read() {
            try {
                while (true) {
                    String l = conn.readResponse();
                    if (l.startsWith(tag + " ")) {
                        completion.set(l);
                        return;
                    }
                    String[] w = l.split(" ");
                    if (w.length >= 3 && w[0].equals("*") && w[2].equalsIgnoreCase("EXISTS")) {
                        lastExists.set(Long.parseLong(w[1]));
                        updates.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                failure.set(e);
            }
        }

        /** DONE (the IDLE must end with a tagged OK), NOOP, LOGOUT. */
        void close(String key) throws IOException, InterruptedException {
            try {
                conn.done();
                reader.join(TimeUnit.SECONDS.toMillis(120));
                if (failure.get() != null) {
                    throw new IOException(key + ": the selected session failed while idling: " + failure.get(), failure.get());
                }
                String end = completion.get();
                if (end == null || !end.startsWith(tag + " OK")) {
                    throw new IOException(key + ": the selected session's IDLE ended with " + end);
                }
                ImapConn.Reply noop = conn.command("NOOP");
                if (!noop.ok()) {
                    throw new IOException(key + ": NOOP of the selected session: " + noop);
                }
                long n = noop.exists();
                if (n >= 0) {
                    lastExists.set(n);
                }
                log("%s: the selected session saw %,d EXISTS updates while idling, the last %,d; DONE: %s, NOOP: %s", key,
                        updates.get(), lastExists.get(), end, noop);
                conn.logout();
            } finally {
                conn.close();
            }
        }
    }

    private void sessions() throws Exception {
        Result r = sessions(num("sessions"), num("clients"));
        log("sessions: %,d from %d clients: %.1f /s (%.2f s), p50 %.2f ms, p99 %.2f ms, %d failed", r.ops,
                num("clients"), r.rate(), r.seconds(), r.p(0.5), r.p(0.99), r.errors);
        putResult("sessions", r);
        put("sessions.clients", num("clients"));
        checkErrors("sessions", r);
    }

    /** FETCH 1:N BODY.PEEK[]: one unmeasured run, then {@code runs}; MB/s = octets received / time to tagged OK. */
    private void fetchBodies() throws IOException {
        int n = num("fetch-msgs");
        // one run takes about 0.1 s: on a shared machine a handful of them is mostly noise
        int runs = Math.max(1, num("fetch-runs"));
        int warmups = Math.max(1, num("fetch-warmups"));
        try (ImapConn c = ImapConn.login(host, imapPort, IO_TIMEOUT, FETCH, FETCH + "-pw")) {
            ImapConn.Reply sel = c.command("SELECT INBOX");
            if (!sel.ok() || sel.exists() < n) {
                throw new IOException("SELECT INBOX of " + FETCH + ": " + sel + ", EXISTS " + sel.exists());
            }
            double[] mbps = new double[runs];
            double[] secs = new double[runs];
            long bytes = 0;
            long literal = 0;
            for (int run = -warmups; run < runs; run++) {
                checkDeadline();
                long t0 = System.nanoTime();
                ImapConn.Reply r = c.command("FETCH 1:" + n + " BODY.PEEK[]", false);
                long nanos = System.nanoTime() - t0;
                if (!r.ok() || r.fetches() != n) {
                    throw new IOException("FETCH 1:" + n + " BODY.PEEK[]: " + r + " after " + r.fetches() + " FETCH responses");
                }
                double rate = r.bytes() / 1e6 / (nanos / 1e9);
                log("fetch %s: %,d octets (%,d in literals) in %.3f s: %.1f MB/s", run < 0 ? "warm-up" : "run " + (run + 1),
                        r.bytes(), r.literalBytes(), nanos / 1e9, rate);
                if (run >= 0) {
                    mbps[run] = rate;
                    secs[run] = nanos / 1e9;
                    bytes = r.bytes();
                    literal = r.literalBytes();
                }
            }
            double[] sorted = mbps.clone();
            Arrays.sort(sorted);
            put("fetch.mbps", sorted[runs / 2]);
            put("fetch.mbps.min", sorted[0]);
            put("fetch.mbps.max", sorted[runs - 1]);
            double[] s = secs.clone();
            Arrays.sort(s);
            put("fetch.seconds", s[runs / 2]);
            put("fetch.bytes", bytes);
            put("fetch.literal", literal);
            put("fetch.msgs", n);
            put("fetch.runs", runs);
        }
    }

    /** SELECT of the big INBOX, then UID FETCH 1:* (FLAGS) {@code runs} times; time to tagged OK. */
    private void uidFetch() throws IOException {
        int runs = Math.max(1, num("uid-runs")); // about 0.1 s each: a median of many, as for FETCH
        try (ImapConn c = ImapConn.login(host, imapPort, IO_TIMEOUT, BIG, BIG + "-pw")) {
            long t0 = System.nanoTime();
            ImapConn.Reply sel = c.command("SELECT INBOX");
            double selectSeconds = (System.nanoTime() - t0) / 1e9;
            long exists = sel.exists();
            if (!sel.ok() || exists < 1) {
                throw new IOException("SELECT INBOX of " + BIG + ": " + sel);
            }
            log("uid: SELECT INBOX of %s (%,d messages) in %.3f s", BIG, exists, selectSeconds);
            put("uid.select.seconds", selectSeconds);
            put("uid.exists", exists);
            double[] secs = new double[runs];
            long bytes = 0;
            for (int run = 0; run < runs; run++) {
                checkDeadline();
                long t1 = System.nanoTime();
                ImapConn.Reply r = c.command("UID FETCH 1:* (FLAGS)", false);
                secs[run] = (System.nanoTime() - t1) / 1e9;
                if (!r.ok() || r.fetches() != exists) {
                    throw new IOException("UID FETCH 1:* (FLAGS): " + r + " with " + r.fetches() + " FETCH responses for "
                            + exists + " messages");
                }
                bytes = r.bytes();
                log("uid: run %d: %,d FETCH responses, %,d octets in %.3f s", run + 1, r.fetches(), r.bytes(), secs[run]);
            }
            put("uid.first", secs[0]);
            double[] s = secs.clone();
            Arrays.sort(s);
            put("uid.seconds", s[runs / 2]);
            put("uid.min", s[0]);
            put("uid.max", s[runs - 1]);
            put("uid.bytes", bytes);
            put("uid.runs", runs);
        }
    }

    // ------------------------------------------------------------------ idle connections

    /**
     * {@code idle} connections held by a child JVM ({@link IdleImapClients}, one selector thread): half LOGIN as
     * {@link #BIG}, the other half spread over the {@code idle-users} users, each SELECT INBOX and IDLE. The server
     * is measured before, with them (and with {@code http-port}, what it says of its sessions), then every
     * connection ends its IDLE and sends NOOP (all must answer OK), then they are closed and it is measured again.
     */
    private void idle() throws Exception {
        int n = num("idle");
        long pid = Long.parseLong(opt.get("server-pid"));
        String matching = opt.get("procs-matching");
        boolean select = !opt.get("idle-select").equals("no");
        boolean idling = select && !opt.get("idle-idle").equals("no");
        String layout = idleLayout(n);
        put("idle.n", n);
        put("idle.layout", layout);
        put("idle.state", (select ? "logged in, INBOX selected" : "logged in") + (idling ? ", in IDLE" : ""));
        if (pid > 0) {
            put("idle.server.heap.flags", heapFlags(pid));
        }
        long hup = Long.parseLong(opt.get("hup-pid"));
        if (hup > 0) {
            // Cyrus's master passes SIGHUP on: its idle children (kept from earlier sessions) exit, so that
            // every connection below gets a process of its own and the difference counts them all
            Process k = new ProcessBuilder("kill", "-HUP", Long.toString(hup)).inheritIO().start();
            k.waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(5000);
        }
        Snapshot before = snapshot(pid, matching);
        log("idle: before: %s", before);
        putSnapshot("before", before);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                IdleImapClients.class.getName(), host, Integer.toString(imapPort), layout, "select=" + (select ? "yes" : "no"),
                "idle=" + (idling ? "yes" : "no"), "window=" + num("idle-window"),
                // the child gives up in time for the snapshots and the report to be written
                "open-seconds=" + Math.max(30, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()) - 120));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        child = p;
        try (OutputStream toChild = p.getOutputStream();
             BufferedReader fromChild = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
            tell(toChild, "GO");
            String[] ready = awaitChild(fromChild, "READY").split(" ");
            // READY n seconds p50 p99 max exists-min exists-max
            put("idle.open.seconds", ready[2]);
            put("idle.open.p50.ms", ready[3]);
            put("idle.open.p99.ms", ready[4]);
            put("idle.open.max.ms", ready[5]);
            put("idle.exists.min", ready[6]);
            put("idle.exists.max", ready[7]);
            put("idle.client.threads", statusField(p.pid(), "Threads"));
            Thread.sleep(3000); // let the server finish whatever the logins started
            Snapshot with = snapshot(pid, matching);
            log("idle: with %,d connections: %s", n, with);
            putSnapshot("with", with);
            serverSessions("with");
            tell(toChild, "NOOP");
            String[] noop = awaitChild(fromChild, "NOOP").split(" ", 5);
            // NOOP ok n seconds [problem]
            put("idle.noop.ok", noop[1]);
            put("idle.noop.seconds", noop[3]);
            if (noop.length > 4) {
                put("idle.noop.problem", noop[4]);
            }
            tell(toChild, "STOP");
            awaitChild(fromChild, "CLOSED");
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            Thread.sleep(5000);
            Snapshot closed = snapshot(pid, matching);
            log("idle: after closing them: %s", closed);
            putSnapshot("closed", closed);
            serverSessions("closed");
            if (pid > 0) {
                put("idle.heap.kb.per.conn", (with.heapKb - before.heapKb) / (double) n);
                put("idle.rss.kb.per.conn", (with.rssKb - before.rssKb) / (double) n);
            }
            if (!matching.isEmpty()) {
                put("idle.pss.kb.per.conn", (with.pssKb - before.pssKb) / (double) n);
            }
            if (!noop[1].equals(noop[2])) {
                throw new IOException("only " + noop[1] + " of " + noop[2] + " idle connections answered DONE + NOOP with OK");
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            child = null;
        }
    }

    /** {@code benchbig=n/2,benchidle00=k,...}: half the connections on one user, the rest spread over the others. */
    private String idleLayout(int n) {
        List<String> users = idleUsers();
        int one = users.isEmpty() ? n : n / 2;
        StringBuilder b = new StringBuilder(BIG + "=" + one);
        for (int i = 0; i < users.size(); i++) {
            int share = (n - one) / users.size() + (i < (n - one) % users.size() ? 1 : 0);
            if (share > 0) {
                b.append(',').append(users.get(i)).append('=').append(share);
            }
        }
        return b.toString();
    }

    private static void tell(OutputStream toChild, String line) throws IOException {
        toChild.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        toChild.flush();
    }

    /** Logs the child's lines up to the one starting with {@code word}; fails on ERROR or its end. */
    private String awaitChild(BufferedReader fromChild, String word) throws IOException {
        String line;
        while ((line = fromChild.readLine()) != null) {
            log("idle: child: %s", line);
            if (line.startsWith(word)) {
                return line;
            }
            if (line.startsWith("ERROR")) {
                put("idle.client.error", line);
                throw new IOException("the idle clients failed: " + line);
            }
            checkDeadline();
        }
        throw new IOException("the idle clients ended before " + word);
    }

    private void putSnapshot(String when, Snapshot s) {
        if (s.heapKb >= 0) {
            put("idle.heap." + when + ".kb", s.heapKb);
            put("idle.threads." + when, s.threads);
            put("idle.rss." + when + ".kb", s.rssKb);
        }
        if (!opt.get("procs-matching").isEmpty()) {
            put("idle.pss." + when + ".kb", s.pssKb);
            put("idle.procs." + when, s.processes);
        }
    }

    /** What the server says of its IMAP sessions ({@code GET /api/backend/sessions}), when it has an HTTP port. */
    private void serverSessions(String when) {
        int port = num("http-port");
        if (port == 0) {
            return;
        }
        try {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + host + ":" + port + "/api/backend/sessions"))
                            // the API answers admins only (HTTP BASIC): the bench's admin is one
                            .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                                    (admin + ":" + adminPassword).getBytes(StandardCharsets.UTF_8)))
                            .timeout(Duration.ofSeconds(30)).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            log("idle: server sessions %s: HTTP %d %s", when, r.statusCode(), r.body());
            put("idle.sessions." + when, r.statusCode() == 200 ? r.body().trim() : "HTTP " + r.statusCode());
        } catch (IOException | InterruptedException e) {
            put("idle.sessions." + when, String.valueOf(e));
        }
    }

    /** The server JVM's heap options on its command line, and the heap it reserved (GC.heap_info). */
    private static String heapFlags(long pid) {
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.ISO_8859_1);
            StringBuilder b = new StringBuilder();
            for (String arg : cmdline.split("\0")) {
                if (arg.startsWith("-Xm") || arg.startsWith("-XX:MaxRAM") || arg.contains("HeapSize")) {
                    b.append(arg).append(' ');
                }
            }
            String info = jcmd(pid, "GC.heap_info");
            return (b.length() == 0 ? "no -Xmx " : b.toString()) + "(GC.heap_info: " + info.lines().filter(l -> l.contains("heap")).findFirst().orElse("?").trim() + ")";
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    private record Snapshot(long heapKb, long threads, long rssKb, long pssKb, int processes) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "heap used after GC %,d KB, %d threads, RSS %,d KB; PSS %,d KB in %d processes",
                    heapKb, threads, rssKb, pssKb, processes);
        }
    }

    private Snapshot snapshot(long pid, String matching) throws IOException, InterruptedException {
        long heap = -1;
        long threads = -1;
        long rss = -1;
        if (pid > 0) {
            heap = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                jcmd(pid, "GC.run");
                Thread.sleep(500);
                heap = Math.min(heap, heapUsedKb(jcmd(pid, "GC.heap_info")));
            }
            threads = statusField(pid, "Threads");
            rss = statusField(pid, "VmRSS");
        }
        long pss = 0;
        int procs = 0;
        if (!matching.isEmpty()) {
            try (Stream<Path> all = Files.list(Path.of("/proc"))) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    String name = p.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try {
                        String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.ISO_8859_1)
                                .replace('\0', ' ');
                        if (!cmdline.contains(matching) || Long.parseLong(name) == ProcessHandle.current().pid()) {
                            continue;
                        }
                        for (String l : Files.readAllLines(p.resolve("smaps_rollup"), StandardCharsets.ISO_8859_1)) {
                            if (l.startsWith("Pss:")) {
                                pss += Long.parseLong(l.replaceAll("[^0-9]", ""));
                                procs++;
                            }
                        }
                    } catch (IOException | RuntimeException raced) {
                        // the process went away meanwhile
                    }
                }
            }
        }
        return new Snapshot(heap, threads, rss, pss, procs);
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

    /** Heap in use from GC.heap_info: G1's whole-heap line, else the sum of the generations' "used". */
    static long heapUsedKb(String heapInfo) throws IOException {
        Pattern used = Pattern.compile("used (\\d+)K");
        long sum = 0;
        boolean any = false;
        for (String line : heapInfo.split("\n")) {
            String t = line.trim();
            if (t.startsWith("Metaspace") || t.startsWith("class space") || !t.contains("total")) {
                continue;
            }
            Matcher m = used.matcher(t);
            if (!m.find()) {
                continue;
            }
            if (t.startsWith("garbage-first heap") || t.startsWith("ZHeap") || t.startsWith("Shenandoah")) {
                return Long.parseLong(m.group(1));
            }
            sum += Long.parseLong(m.group(1));
            any = true;
        }
        if (!any) {
            throw new IOException("no heap usage in: " + heapInfo);
        }
        return sum;
    }

    private static long statusField(long pid, String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith(field + ":")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ LMTP

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
        /** One client's loop; returns its latencies. */
        long[] run(int client, CountDownLatch ready, CountDownLatch go) throws Exception;
    }

    /** Runs {@code clients} workers; the clock runs from the moment all are ready until the last one is done. */
    private Result parallel(int clients, Worker worker, AtomicInteger errors, AtomicReference<String> firstError)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int k = 0; k < clients; k++) {
                int client = k;
                futures.add(pool.submit(() -> worker.run(client, ready, go)));
            }
            if (!ready.await(120, TimeUnit.SECONDS)) {
                throw new IOException("clients did not connect within 120 s");
            }
            long t0 = System.nanoTime();
            go.countDown();
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : futures) {
                long left = Math.max(1, deadline + TimeUnit.SECONDS.toNanos(30) - System.nanoTime());
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

    /**
     * {@code count} deliveries of {@code size}-octet messages to {@code user} from {@code clients} connections
     * (each LHLO, and AUTH as the admin when offered, before the clock starts), one message per transaction.
     */
    private Result deliver(String user, int count, int size, int clients, String tag, int progressEvery)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicInteger done = new AtomicInteger();
        byte[] body = body(size);
        LmtpCommand.Mail mail = LmtpCommand.Mail.of(ReversePath.of(Address.of("bench", "example.org")));
        List<LmtpCommand.Rcpt> rcpt = List.of(LmtpCommand.Rcpt.of(ForwardPath.of(Address.local(user))));
        return parallel(clients, (client, ready, go) -> {
            LmtpClient c;
            try {
                c = lmtpConnect();
            } finally {
                ready.countDown();
            }
            try (c) {
                go.await();
                long[] lat = new long[count];
                int n = 0;
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    checkDeadline();
                    byte[] msg = message(tag + "-" + runId + "-" + i, user, body, size);
                    long t0 = System.nanoTime();
                    LmtpClient.Delivery d = c.deliver(mail, rcpt, new ByteArrayInputStream(msg));
                    lat[n++] = System.nanoTime() - t0;
                    LmtpReply outcome = d.outcomes().get(0);
                    if (outcome.code() != 250) {
                        if (errors.incrementAndGet() > MAX_ERRORS) {
                            throw new IOException("more than " + MAX_ERRORS + " deliveries refused, first: " + firstError.get());
                        }
                        firstError.compareAndSet(null, outcome.toString());
                    }
                    int dn = done.incrementAndGet();
                    if (progressEvery > 0 && dn % progressEvery == 0) {
                        log("%s: %,d delivered", tag, dn);
                    }
                }
                try {
                    c.quit();
                } catch (IOException ignored) {
                    // done anyway
                }
                return Arrays.copyOf(lat, n);
            }
        }, errors, firstError);
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
            if (c.offers("AUTH")) {
                LmtpReply auth = c.authPlain(admin, adminPassword);
                if (auth.code() != 235) {
                    throw new IOException("LMTP AUTH PLAIN as " + admin + ": " + auth);
                }
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static final String DATE = ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME);

    /** Text lines, at least {@code size} octets: what {@link #message} cuts each message's body from. */
    private static byte[] body(int size) {
        StringBuilder b = new StringBuilder(size + 160);
        String line = "The quick brown fox jumps over the lazy dog, and the benchmark counts octets.";
        int k = 0;
        while (b.length() < size) {
            b.append(k++ % 10).append(line).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A message of exactly {@code size} octets (at least its header), CRLF line ends, its own Message-ID. */
    private static byte[] message(String id, String user, byte[] body, int size) {
        String header = "From: Bench Sender <bench@example.org>\r\n"
                + "To: " + user + "@example.org\r\n"
                + "Subject: benchmark message " + id + "\r\n"
                + "Date: " + DATE + "\r\n"
                + "Message-ID: <" + id + "@bench.example.org>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        int total = Math.max(size, h.length + 4);
        byte[] m = Arrays.copyOf(h, total);
        System.arraycopy(body, 0, m, h.length, total - h.length);
        // end on a whole line, and leave no bare CR behind
        m[total - 2] = '\r';
        m[total - 1] = '\n';
        if (m[total - 3] == '\r') {
            m[total - 3] = '.';
        }
        return m;
    }

    // ------------------------------------------------------------------ IMAP sessions

    /** {@code total} sessions (connect, LOGIN, SELECT INBOX, FETCH 1:* (FLAGS), LOGOUT) from {@code clients}. */
    private Result sessions(int total, int clients) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        String password = SESS + "-pw";
        return parallel(clients, (client, ready, go) -> {
            ready.countDown();
            go.await();
            long[] lat = new long[total];
            int n = 0;
            while (next.getAndIncrement() < total) {
                checkDeadline();
                long t0 = System.nanoTime();
                String problem = null;
                try (ImapConn c = ImapConn.connect(host, imapPort, IO_TIMEOUT)) {
                    ImapConn.Reply r = c.command("LOGIN " + ImapConn.quote(SESS) + " " + ImapConn.quote(password), false);
                    if (!r.ok()) {
                        problem = "LOGIN: " + r;
                    } else {
                        r = c.command("SELECT INBOX", true);
                        long exists = r.exists();
                        if (!r.ok()) {
                            problem = "SELECT: " + r;
                        } else {
                            r = c.command("FETCH 1:* (FLAGS)", false);
                            if (!r.ok() || r.fetches() != exists) {
                                problem = "FETCH 1:* (FLAGS): " + r + ", " + r.fetches() + " of " + exists;
                            } else {
                                r = c.logout();
                                if (!r.ok()) {
                                    problem = "LOGOUT: " + r;
                                }
                            }
                        }
                    }
                } catch (IOException e) {
                    problem = e.toString();
                }
                lat[n++] = System.nanoTime() - t0;
                if (problem != null) {
                    firstError.compareAndSet(null, problem);
                    if (errors.incrementAndGet() > MAX_ERRORS) {
                        throw new IOException("more than " + MAX_ERRORS + " sessions failed, first: " + firstError.get());
                    }
                }
            }
            return Arrays.copyOf(lat, n);
        }, errors, firstError);
    }

    // ------------------------------------------------------------------ helpers

    private static void checkErrors(String what, Result r) {
        if (r.errors > 0) {
            throw new IllegalStateException(what + ": " + r.errors + " of " + r.ops + " failed, first: " + r.firstError);
        }
    }

    private void putResult(String key, Result r) {
        put(key + ".ops", r.ops);
        put(key + ".seconds", r.seconds());
        put(key + ".rate", r.rate());
        put(key + ".p50", r.p(0.5));
        put(key + ".p99", r.p(0.99));
        put(key + ".max", r.p(1.0));
        put(key + ".errors", r.errors);
        if (r.firstError != null) {
            put(key + ".firstError", r.firstError);
        }
    }

    private void put(String key, Object value) {
        String v = value instanceof Double d ? String.format(Locale.ROOT, "%.6f", d) : String.valueOf(value);
        results.setProperty(key, v);
    }

    private void checkDeadline() {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("deadline passed");
        }
    }

    private void startWatchdog() {
        Thread t = new Thread(() -> {
            long grace = TimeUnit.SECONDS.toNanos(90);
            while (true) {
                long left = deadline + grace - System.nanoTime();
                if (left <= 0) {
                    System.err.println("BackendBench: deadline passed by 90 s; giving up");
                    Process p = child;
                    if (p != null) {
                        p.destroyForcibly();
                    }
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
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Process p = child;
            if (p != null) {
                p.destroyForcibly();
            }
        }, "bench-child-reaper"));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /** Nearest-rank percentile of sorted nanosecond values, in milliseconds; NaN when empty. */
    static double ms(long[] sortedNanos, double q) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int idx = (int) Math.ceil(q * sortedNanos.length) - 1;
        idx = Math.max(0, Math.min(sortedNanos.length - 1, idx));
        return sortedNanos[idx] / 1e6;
    }

    static void log(String format, Object... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = new java.util.Date();
        System.arraycopy(args, 0, all, 1, args.length);
        System.out.printf(Locale.ROOT, "[%tT] " + format + "%n", all);
        System.out.flush();
    }

    // ------------------------------------------------------------------ report

    /** Turns the two properties files into the Markdown table. */
    static final class Report {

        private final Properties ours;
        private final Properties cyrus;
        private final StringBuilder b = new StringBuilder();

        private Report(Properties ours, Properties cyrus) {
            this.ours = ours;
            this.cyrus = cyrus;
        }

        static void write(Path oursFile, Path cyrusFile, Path outFile, String kind) throws IOException {
            Report r = new Report(load(oursFile), load(cyrusFile));
            String text = switch (kind) {
                case "memory-report" -> r.renderMemory();
                case "lmtp-selected-report" -> r.renderLmtpSelected();
                default -> r.render();
            };
            if (outFile.getParent() != null) {
                Files.createDirectories(outFile.getParent());
            }
            Files.writeString(outFile, text, StandardCharsets.UTF_8);
            System.out.println(text);
        }

        /**
         * bench/run-backend.sh db: our node on H2 and on PostgreSQL, and on H2 with fsync disabled (LMTP only),
         * against Cyrus, one column each.
         */
        static void writeDb(Path oursFile, Path pgFile, Path noFsyncFile, Path cyrusFile, Path outFile) throws IOException {
            Properties h2 = load(oursFile);
            Properties pg = load(pgFile);
            Properties noFsync = load(noFsyncFile);
            Properties cyrus = load(cyrusFile);
            Report r = new Report(h2, cyrus);
            String text = r.renderDb(pg, noFsync);
            if (outFile.getParent() != null) {
                Files.createDirectories(outFile.getParent());
            }
            Files.writeString(outFile, text, StandardCharsets.UTF_8);
            System.out.println(text);
        }

        private String renderDb(Properties pg, Properties noFsync) {
            b.append("# Backend benchmark: our node on H2 and on PostgreSQL against Debian's Cyrus 3.6\n\n");
            for (Properties p : List.of(ours, pg, noFsync, cyrus)) {
                if (p.getProperty("label") != null) {
                    b.append(String.format(Locale.ROOT, "- %s: %s, IMAP %s:%s, LMTP :%s, measured %s → %s (load average %s → %s).%n",
                            p.getProperty("label"), p.getProperty("greeting", "?"), p.getProperty("host"), p.getProperty("imap"),
                            p.getProperty("lmtp"), p.getProperty("started"), p.getProperty("finished"),
                            p.getProperty("loadavg.start"), p.getProperty("loadavg.end")));
                }
            }
            b.append(String.format(Locale.ROOT, "%n%s CPUs; the same client (BackendBench, Java %s) on all, one server at a time. "
                            + "Parameters: clients=%s lmtp-msgs=%s lmtp-kb=%s sessions=%s fetch-msgs=%s fetch-kb=%s big=%s "
                            + "big-bytes=%s runs=%s (+%s LMTP deliveries and %s sessions of unmeasured warm-up).%n%n",
                    ours.getProperty("cpus", "?"), System.getProperty("java.version"),
                    ours.getProperty("opt.clients"), ours.getProperty("opt.lmtp-msgs"), ours.getProperty("opt.lmtp-kb"),
                    ours.getProperty("opt.sessions"), ours.getProperty("opt.fetch-msgs"), ours.getProperty("opt.fetch-kb"),
                    ours.getProperty("opt.big"), ours.getProperty("opt.big-bytes"), ours.getProperty("opt.runs"),
                    ours.getProperty("opt.warmup-msgs"), ours.getProperty("opt.warmup-sessions")));
            b.append("Durability: all three of ours fsync each message file and its directory before the 250; on H2 the ")
                    .append("index is written but not fsynced per commit; on PostgreSQL each commit waits for its WAL flush ")
                    .append("(synchronous_commit); \"H2, no fsync\" ran under eatmydata (fsync a no-op), which is what Cyrus ")
                    .append("3.6 does here (see the fsync counts below). Target: each at least Cyrus's figure.\n\n");
            b.append("| measurement | ours, H2 | ours, PostgreSQL | ours, H2, no fsync | Cyrus 3.6 | H2 / Cyrus | PostgreSQL / Cyrus | no fsync / Cyrus |\n");
            b.append("|---|---|---|---|---|---|---|---|\n");
            String clients = ours.getProperty("opt.clients", "8");
            dbRow("LMTP deliveries to one user, 1 client, msg/s (median of " + ours.getProperty("opt.runs") + " runs)",
                    "lmtp1.rate", "%,.1f", pg, noFsync, false);
            dbRow("LMTP deliveries to one user, " + clients + " clients, msg/s", "lmtpN.rate", "%,.1f", pg, noFsync, false);
            dbRow("IMAP sessions (LOGIN + SELECT + FETCH 1:* (FLAGS) + LOGOUT), " + clients + " clients, sessions/s",
                    "sessions.rate", "%,.1f", pg, noFsync, false);
            dbRow("FETCH 1:" + ours.getProperty("opt.fetch-msgs") + " BODY.PEEK[] of " + ours.getProperty("opt.fetch-kb")
                    + " KB messages, MB/s (median)", "fetch.mbps", "%,.1f", pg, noFsync, false);
            dbRow("UID FETCH 1:* (FLAGS) of the " + f(d(ours, "uid.exists"), "%,.0f") + "-message mailbox, s (median; ratio: Cyrus's time / ours)",
                    "uid.seconds", "%.3f", pg, noFsync, true);
            dbRow("SELECT INBOX of the big mailbox, s", "uid.select.seconds", "%.3f", pg, noFsync, true);
            b.append("\nLatencies (p50 / p99 / max)\n\n| | ours, H2 | ours, PostgreSQL | ours, H2, no fsync | Cyrus 3.6 |\n|---|---|---|---|---|\n");
            for (String[] k : List.of(new String[] {"LMTP 1 client", "lmtp1"}, new String[] {"LMTP " + clients + " clients", "lmtpN"},
                    new String[] {"IMAP session", "sessions"})) {
                b.append("| ").append(k[0]).append(" | ").append(lat(ours, k[1])).append(" | ").append(lat(pg, k[1]))
                        .append(" | ").append(lat(noFsync, k[1])).append(" | ").append(lat(cyrus, k[1])).append(" |\n");
            }
            b.append("| populate the big mailbox | ").append(populate(ours)).append(" | ").append(populate(pg))
                    .append(" | — | ").append(populate(cyrus)).append(" |\n");
            problems();
            for (Properties p : List.of(pg, noFsync)) {
                for (String k : p.stringPropertyNames().stream().sorted().toList()) {
                    if (k.startsWith("error.") || k.endsWith(".firstError")) {
                        b.append("- ").append(p.getProperty("label")).append(' ').append(k).append(": ")
                                .append(p.getProperty(k).replace("|", "\\|")).append('\n');
                    }
                }
            }
            return b.toString();
        }

        /** one row of the db report; {@code time}: smaller is better (the ratio is Cyrus's over ours) */
        private void dbRow(String what, String key, String format, Properties pg, Properties noFsync, boolean time) {
            double c = d(cyrus, key);
            b.append("| ").append(what);
            for (Properties p : List.of(ours, pg, noFsync, cyrus)) {
                b.append(" | ").append(f(d(p, key), format));
            }
            for (Properties p : List.of(ours, pg, noFsync)) {
                double v = d(p, key);
                double ratio = time ? c / v : v / c;
                b.append(" | ").append(Double.isNaN(ratio) ? "—" : f(ratio, "%.2f") + (ratio >= 1.0 ? "" : " (**missed**)"));
            }
            b.append(" |\n");
        }

        private static Properties load(Path p) throws IOException {
            Properties props = new Properties();
            if (Files.exists(p)) {
                try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                    props.load(r);
                }
            }
            return props;
        }

        private static double d(Properties p, String key) {
            String v = p.getProperty(key);
            if (v == null) {
                return Double.NaN;
            }
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }

        private static String f(double v, String format) {
            return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, format, v);
        }

        private String render() {
            b.append("# Backend benchmark: our node against Debian's Cyrus 3.6\n\n");
            b.append(String.format(Locale.ROOT, "Ours: %s, IMAP %s:%s, LMTP :%s, measured %s → %s (load average %s → %s).%n",
                    ours.getProperty("greeting", "?"), ours.getProperty("host"), ours.getProperty("imap"),
                    ours.getProperty("lmtp"), ours.getProperty("started"), ours.getProperty("finished"),
                    ours.getProperty("loadavg.start"), ours.getProperty("loadavg.end")));
            b.append(String.format(Locale.ROOT, "Cyrus: %s, IMAP %s:%s, LMTP :%s, measured %s → %s (load average %s → %s).%n",
                    cyrus.getProperty("greeting", "?"), cyrus.getProperty("host"), cyrus.getProperty("imap"),
                    cyrus.getProperty("lmtp"), cyrus.getProperty("started"), cyrus.getProperty("finished"),
                    cyrus.getProperty("loadavg.start"), cyrus.getProperty("loadavg.end")));
            b.append(String.format(Locale.ROOT, "%s CPUs; the same client (BackendBench, Java %s) on both, one server at a time. "
                            + "Parameters: clients=%s lmtp-msgs=%s lmtp-kb=%s sessions=%s fetch-msgs=%s fetch-kb=%s big=%s "
                            + "big-bytes=%s runs=%s (+%s LMTP deliveries and %s sessions of unmeasured warm-up).%n%n",
                    ours.getProperty("cpus", "?"), System.getProperty("java.version"),
                    ours.getProperty("opt.clients"), ours.getProperty("opt.lmtp-msgs"), ours.getProperty("opt.lmtp-kb"),
                    ours.getProperty("opt.sessions"), ours.getProperty("opt.fetch-msgs"), ours.getProperty("opt.fetch-kb"),
                    ours.getProperty("opt.big"), ours.getProperty("opt.big-bytes"), ours.getProperty("opt.runs"),
                    ours.getProperty("opt.warmup-msgs"), ours.getProperty("opt.warmup-sessions")));

            b.append("| measurement | ours | Cyrus 3.6 (this run) | ours / Cyrus | target | met | Cyrus, shared/reference |\n");
            b.append("|---|---|---|---|---|---|---|\n");
            String clients = ours.getProperty("opt.clients", "8");
            String msgs = String.format(Locale.ROOT, "%,d", (long) d(ours, "opt.lmtp-msgs"));
            rate("LMTP " + msgs + " × " + ours.getProperty("opt.lmtp-kb") + " KB deliveries to one user, 1 client (median of "
                    + ours.getProperty("opt.runs") + " runs)",
                    "lmtp1", "msg/s", "107 msg/s");
            rate("LMTP " + msgs + " × " + ours.getProperty("opt.lmtp-kb") + " KB deliveries to one user, " + clients
                    + " clients (median of " + ours.getProperty("opt.runs") + " runs)", "lmtpN", "msg/s", "246 msg/s");
            rate(String.format(Locale.ROOT, "IMAP sessions LOGIN + SELECT INBOX (%s msgs) + FETCH 1:* (FLAGS) + LOGOUT, %s clients, %,d sessions",
                    ours.getProperty("opt.sess-msgs"), clients, (long) d(ours, "sessions.ops")),
                    "sessions", "sessions/s", "181 sessions/s");
            fetchRow();
            uidRow();
            idleRow();
            b.append('\n');

            b.append("Details\n\n");
            b.append("| | ours | Cyrus 3.6 |\n|---|---|---|\n");
            detail("LMTP 1 client: per delivery p50 / p99 / max", "lmtp1");
            detail("LMTP " + clients + " clients: per delivery p50 / p99 / max", "lmtpN");
            detail("IMAP session: p50 / p99 / max", "sessions");
            b.append("| FETCH of bodies: min / median / max of ").append(ours.getProperty("fetch.runs", "?"))
                    .append(" runs; octets received per run | ")
                    .append(fetchDetail(ours)).append(" | ").append(fetchDetail(cyrus)).append(" |\n");
            b.append("| UID FETCH 1:* (FLAGS): first / min / max; octets | ").append(uidDetail(ours)).append(" | ")
                    .append(uidDetail(cyrus)).append(" |\n");
            b.append("| SELECT INBOX of the big mailbox | ").append(f(d(ours, "uid.select.seconds"), "%.3f s"))
                    .append(" | ").append(f(d(cyrus, "uid.select.seconds"), "%.3f s")).append(" |\n");
            b.append("| populate the big mailbox by LMTP, ").append(clients).append(" clients | ")
                    .append(populate(ours)).append(" | ").append(populate(cyrus)).append(" |\n");
            b.append("| idle connections: ").append(ours.getProperty("idle.state", "—")).append(" | ")
                    .append(idleDetailOurs()).append(" | ").append(idleDetailCyrus()).append(" |\n");

            problems();
            return b.toString();
        }

        private void problems() {
            List<String> problems = new ArrayList<>();
            if (ours.getProperty("uid.exists") != null && cyrus.getProperty("uid.exists") != null
                    && d(ours, "uid.exists") != d(cyrus, "uid.exists")) {
                problems.add(String.format(Locale.ROOT, "the big mailboxes differ: ours %s messages, Cyrus's %s",
                        ours.getProperty("uid.exists"), cyrus.getProperty("uid.exists")));
            }
            for (Properties p : List.of(ours, cyrus)) {
                for (String k : p.stringPropertyNames().stream().sorted().toList()) {
                    if (k.startsWith("error.") || k.endsWith(".firstError")) {
                        problems.add(p.getProperty("label") + " " + k + ": " + p.getProperty(k));
                    }
                }
            }
            if (!problems.isEmpty()) {
                b.append("\nProblems:\n\n");
                problems.forEach(s -> b.append("- ").append(s.replace("|", "\\|")).append('\n'));
            }
        }

        /** The idle-sessions target (bench/run-backend.sh memory): both servers, side by side. */
        private String renderMemory() {
            b.append("# Idle IMAP sessions on a big mailbox: our node against Debian's Cyrus 3.6\n\n");
            header("Ours", ours);
            header("Cyrus", cyrus);
            b.append(String.format(Locale.ROOT, "%s CPUs; the same client (BackendBench + IdleImapClients, one selector thread, "
                            + "Java %s) on both, one server at a time. Parameters: idle=%s (ours) / %s (Cyrus: a process each), "
                            + "idle-users=%s, idle-msgs=%s, big=%s, uid-runs=%s.%n%n",
                    ours.getProperty("cpus", "?"), System.getProperty("java.version"), ours.getProperty("opt.idle"),
                    cyrus.getProperty("opt.idle"), ours.getProperty("opt.idle-users"), ours.getProperty("opt.idle-msgs"),
                    ours.getProperty("opt.big"), ours.getProperty("opt.uid-runs")));
            b.append("Every session: LOGIN, SELECT INBOX, IDLE (held from the continuation `+` on). Layout ours: `")
                    .append(ours.getProperty("idle.layout", "?")).append("`; Cyrus: `").append(cyrus.getProperty("idle.layout", "?"))
                    .append("`. Our server JVM: ").append(ours.getProperty("idle.server.heap.flags", "?")).append(".\n\n");
            double n = d(ours, "idle.n");
            double heapKb = d(ours, "idle.heap.kb.per.conn");
            double rssKb = d(ours, "idle.rss.kb.per.conn");
            b.append("| measurement | ours | Cyrus 3.6 (this run) | target | met |\n|---|---|---|---|---|\n");
            b.append(String.format(Locale.ROOT, "| sessions in IDLE (all LOGIN + SELECT + IDLE answered) | **%s** | %s | 10,000 | %s |%n",
                    f(n, "%,.0f"), f(d(cyrus, "idle.n"), "%,.0f"), met(n >= 10_000, n)));
            b.append(String.format(Locale.ROOT, "| messages in each selected INBOX (EXISTS, least – most) | %s – %s | %s – %s | 100,000 | %s |%n",
                    f(d(ours, "idle.exists.min"), "%,.0f"), f(d(ours, "idle.exists.max"), "%,.0f"),
                    f(d(cyrus, "idle.exists.min"), "%,.0f"), f(d(cyrus, "idle.exists.max"), "%,.0f"),
                    met(d(ours, "idle.exists.min") >= 100_000, d(ours, "idle.exists.min"))));
            b.append(String.format(Locale.ROOT, "| opening them: wall clock; per session connect → IDLE p50 / p99 / max (%s at a time) | %s | %s | — | — |%n",
                    ours.getProperty("opt.idle-window", "?"), opening(ours), opening(cyrus)));
            b.append(String.format(Locale.ROOT, "| server heap used after full GC: before / with / after closing | %s / %s / %s KB | — | — | — |%n",
                    f(d(ours, "idle.heap.before.kb"), "%,.0f"), f(d(ours, "idle.heap.with.kb"), "%,.0f"),
                    f(d(ours, "idle.heap.closed.kb"), "%,.0f")));
            b.append(String.format(Locale.ROOT, "| **heap per session** (with − before) / N | **%s KB** | — | ≤ 50 KB | %s |%n",
                    f(heapKb, "%.1f"), met(heapKb <= 50, heapKb)));
            b.append(String.format(Locale.ROOT, "| process memory: RSS of our JVM / PSS of all Cyrus processes, before / with / after closing | %s / %s / %s KB | %s / %s / %s KB | — | — |%n",
                    f(d(ours, "idle.rss.before.kb"), "%,.0f"), f(d(ours, "idle.rss.with.kb"), "%,.0f"),
                    f(d(ours, "idle.rss.closed.kb"), "%,.0f"), f(d(cyrus, "idle.pss.before.kb"), "%,.0f"),
                    f(d(cyrus, "idle.pss.with.kb"), "%,.0f"), f(d(cyrus, "idle.pss.closed.kb"), "%,.0f")));
            b.append(String.format(Locale.ROOT, "| **process memory per session** (with − before) / N: RSS ours, PSS Cyrus | **%s KB** | %s KB | ≤ 50 KB | %s |%n",
                    f(rssKb, "%.1f"), f(d(cyrus, "idle.pss.kb.per.conn"), "%,.0f"), met(rssKb <= 50, rssKb)));
            b.append(String.format(Locale.ROOT, "| server threads (Cyrus: processes): before / with / after closing | %s / %s / %s | %s / %s / %s | no thread per session | %s |%n",
                    f(d(ours, "idle.threads.before"), "%.0f"), f(d(ours, "idle.threads.with"), "%.0f"),
                    f(d(ours, "idle.threads.closed"), "%.0f"), f(d(cyrus, "idle.procs.before"), "%.0f"),
                    f(d(cyrus, "idle.procs.with"), "%.0f"), f(d(cyrus, "idle.procs.closed"), "%.0f"),
                    met(d(ours, "idle.threads.with") - d(ours, "idle.threads.before") < n / 10, d(ours, "idle.threads.with"))));
            double ok = d(ours, "idle.noop.ok");
            b.append(String.format(Locale.ROOT, "| then DONE + NOOP on every session: both answered OK | **%s** of %s in %s s | %s of %s in %s s | all | %s |%n",
                    f(ok, "%,.0f"), f(n, "%,.0f"), ours.getProperty("idle.noop.seconds", "—"), f(d(cyrus, "idle.noop.ok"), "%,.0f"),
                    f(d(cyrus, "idle.n"), "%,.0f"), cyrus.getProperty("idle.noop.seconds", "—"), met(ok == n, ok)));
            b.append(String.format(Locale.ROOT, "| the server's own count (GET /api/backend/sessions) with them / after closing | `%s` / `%s` | — | — | — |%n",
                    ours.getProperty("idle.sessions.with", "—"), ours.getProperty("idle.sessions.closed", "—")));
            double uidRatio = d(cyrus, "uid.seconds") / d(ours, "uid.seconds");
            b.append(String.format(Locale.ROOT, "| UID FETCH 1:* (FLAGS) of benchbig's %s messages, send → tagged OK, median of %s; ratio Cyrus's time / ours | **%s s** (**%s**) | %s s | ratio ≥ 1 | %s |%n",
                    f(d(ours, "uid.exists"), "%,.0f"), ours.getProperty("uid.runs", "?"), f(d(ours, "uid.seconds"), "%.3f"),
                    f(uidRatio, "%.2f"), f(d(cyrus, "uid.seconds"), "%.3f"), met(uidRatio >= 1.0, uidRatio)));
            b.append("\nDetails\n\n| | ours | Cyrus 3.6 |\n|---|---|---|\n");
            b.append("| UID FETCH 1:* (FLAGS): first / min / max; octets | ").append(uidDetail(ours)).append(" | ")
                    .append(uidDetail(cyrus)).append(" |\n");
            b.append("| SELECT INBOX of the big mailbox, alone | ").append(f(d(ours, "uid.select.seconds"), "%.3f s"))
                    .append(" | ").append(f(d(cyrus, "uid.select.seconds"), "%.3f s")).append(" |\n");
            b.append("| populating the idle users' INBOXes by COPY from benchbig's (this run) | ").append(copied(ours))
                    .append(" | ").append(copied(cyrus)).append(" |\n");
            b.append(String.format(Locale.ROOT, "| heap after closing − before: what the node keeps once the sessions are gone (the indexes of the mailboxes they opened, while unselected ones total ≤ 1,000,000 rows; benchbig's was kept from the UID FETCH phase, before) | %s KB | — |%n",
                    f(d(ours, "idle.heap.closed.kb") - d(ours, "idle.heap.before.kb"), "%,.0f")));
            b.append("| the client JVM's threads with every session open | ").append(ours.getProperty("idle.client.threads", "—"))
                    .append(" | ").append(cyrus.getProperty("idle.client.threads", "—")).append(" |\n");
            problems();
            return b.toString();
        }

        /** LMTP into a mailbox with and without a session that has it SELECTed (bench/run-backend.sh lmtp-selected). */
        private String renderLmtpSelected() {
            b.append("# LMTP into a mailbox that a session has selected: our node against Debian's Cyrus 3.6\n\n");
            header("Ours", ours);
            header("Cyrus", cyrus);
            String user = ours.getProperty("opt.lmtp-user", "?");
            b.append(String.format(Locale.ROOT, "%s CPUs; the same client (BackendBench, Java %s) on both, one server at a time. "
                            + "Each measurement: %s deliveries of %s KB to `%s`'s INBOX (%s messages before the first), one "
                            + "transaction per message, the median of %s runs (+%s LMTP deliveries to benchlmtp of unmeasured "
                            + "warm-up). Without: no session has the INBOX selected (the runs without come first). With: one "
                            + "IMAP session of `%s` has SELECTed INBOX and IDLEs throughout the runs, reading the EXISTS "
                            + "the server pushes; DONE + NOOP after the last run. The deliveries are expunged afterwards.%n%n",
                    ours.getProperty("cpus", "?"), System.getProperty("java.version"), ours.getProperty("opt.lmtp-msgs"),
                    ours.getProperty("opt.lmtp-kb"), user, f(d(ours, "lmtp1.inbox.before"), "%,.0f"),
                    ours.getProperty("opt.runs"), ours.getProperty("opt.warmup-msgs"), user));
            b.append("| measurement | ours | Cyrus 3.6 (this run) | ours / Cyrus |\n|---|---|---|---|\n");
            String clients = ours.getProperty("opt.clients", "8");
            for (String[] k : List.of(new String[] {"lmtp1", "1 client"}, new String[] {"lmtpN", clients + " clients"})) {
                for (String[] w : List.of(new String[] {"", "without a selected session"},
                        new String[] {"-sel", "**with** the INBOX selected + IDLE"})) {
                    String key = k[0] + w[0];
                    double o = d(ours, key + ".rate");
                    double c = d(cyrus, key + ".rate");
                    b.append(String.format(Locale.ROOT, "| LMTP, %s, %s: msg/s (runs) | **%s** (%s) | %s (%s) | %s |%n",
                            k[1], w[1], f(o, "%,.1f"), runs(ours, key), f(c, "%,.1f"), runs(cyrus, key), f(o / c, "%.2f")));
                }
                double os = d(ours, k[0] + "-sel.rate") / d(ours, k[0] + ".rate");
                double cs = d(cyrus, k[0] + "-sel.rate") / d(cyrus, k[0] + ".rate");
                b.append(String.format(Locale.ROOT, "| LMTP, %s: with / without | **%s** | %s | — |%n", k[1], f(os, "%.2f"), f(cs, "%.2f")));
            }
            b.append("\nDetails\n\n| | ours | Cyrus 3.6 |\n|---|---|---|\n");
            for (String key : List.of("lmtp1", "lmtp1-sel", "lmtpN", "lmtpN-sel")) {
                detail(key + ": per delivery p50 / p99 / max (the median run)", key);
            }
            for (String key : List.of("lmtp1-sel", "lmtpN-sel")) {
                b.append("| ").append(key).append(": EXISTS at SELECT → last seen; updates pushed during IDLE | ")
                        .append(watched(ours, key)).append(" | ").append(watched(cyrus, key)).append(" |\n");
            }
            b.append("| clean-up: deliveries expunged; INBOX after | ").append(cleanup(ours)).append(" | ")
                    .append(cleanup(cyrus)).append(" |\n");
            problems();
            return b.toString();
        }

        private static String runs(Properties p, String key) {
            List<String> r = new ArrayList<>();
            for (int i = 1; p.getProperty(key + ".run" + i + ".rate") != null; i++) {
                r.add(f(d(p, key + ".run" + i + ".rate"), "%,.0f"));
            }
            return r.isEmpty() ? "—" : String.join(", ", r);
        }

        private static String watched(Properties p, String key) {
            return f(d(p, key + ".selected.exists.select"), "%,.0f") + " → " + f(d(p, key + ".selected.exists.last"), "%,.0f")
                    + "; " + f(d(p, key + ".selected.exists.updates"), "%,.0f");
        }

        private static String cleanup(Properties p) {
            return f(d(p, "lmtp-cleanup.expunged"), "%,.0f") + " in " + f(d(p, "lmtp-cleanup.seconds"), "%.1f") + " s; "
                    + f(d(p, "lmtp-cleanup.inbox"), "%,.0f");
        }

        private void header(String who, Properties p) {
            b.append(String.format(Locale.ROOT, "%s: %s, IMAP %s:%s, measured %s → %s (load average %s → %s).%n", who,
                    p.getProperty("greeting", "?"), p.getProperty("host"), p.getProperty("imap"), p.getProperty("started"),
                    p.getProperty("finished"), p.getProperty("loadavg.start"), p.getProperty("loadavg.end")));
        }

        private static String opening(Properties p) {
            return f(d(p, "idle.open.seconds"), "%,.1f s") + "; " + f(d(p, "idle.open.p50.ms"), "%,.0f") + " / "
                    + f(d(p, "idle.open.p99.ms"), "%,.0f") + " / " + f(d(p, "idle.open.max.ms"), "%,.0f") + " ms";
        }

        private static String copied(Properties p) {
            if (p.getProperty("populate.copy.msgs") == null) {
                return "nothing to copy (kept from an earlier run)";
            }
            return f(d(p, "populate.copy.msgs"), "%,.0f") + " messages in " + f(d(p, "populate.copy.seconds"), "%,.0f")
                    + " s (" + f(d(p, "populate.copy.rate"), "%,.0f") + "/s)";
        }

        private void rate(String what, String key, String unit, String reference) {
            double o = d(ours, key + ".rate");
            double c = d(cyrus, key + ".rate");
            double ratio = o / c;
            b.append("| ").append(what).append(" | **").append(f(o, "%,.1f")).append("** ").append(unit)
                    .append(" | ").append(f(c, "%,.1f")).append(' ').append(unit)
                    .append(" | **").append(f(ratio, "%.2f")).append("** | ≥ Cyrus | ").append(met(ratio >= 1.0, ratio))
                    .append(" | ").append(reference).append(" |\n");
        }

        private void fetchRow() {
            double o = d(ours, "fetch.mbps");
            double c = d(cyrus, "fetch.mbps");
            double ratio = o / c;
            b.append(String.format(Locale.ROOT, "| FETCH 1:%s BODY.PEEK[] of %s KB messages, one connection, median of %s | **%s** MB/s | %s MB/s | **%s** | ≥ Cyrus | %s | ~260 MB/s |%n",
                    ours.getProperty("opt.fetch-msgs"), ours.getProperty("opt.fetch-kb"), ours.getProperty("fetch.runs", "?"),
                    f(o, "%,.1f"), f(c, "%,.1f"), f(ratio, "%.2f"), met(ratio >= 1.0, ratio)));
        }

        private void uidRow() {
            double o = d(ours, "uid.seconds");
            double c = d(cyrus, "uid.seconds");
            double ratio = c / o; // speed ratio: Cyrus's time over ours
            b.append(String.format(Locale.ROOT, "| UID FETCH 1:* (FLAGS) of a %s-message mailbox, send → tagged OK, median of %s | **%s** s | %s s | **%s** (Cyrus's time / ours) | ≤ Cyrus's time | %s | — |%n",
                    f(d(ours, "uid.exists"), "%,.0f"), ours.getProperty("uid.runs", "?"), f(o, "%.3f"), f(c, "%.3f"),
                    f(ratio, "%.2f"), met(ratio >= 1.0, ratio)));
        }

        private void idleRow() {
            double kb = d(ours, "idle.heap.kb.per.conn");
            b.append(String.format(Locale.ROOT, "| memory per idle IMAP connection, %s connections (%s): server heap after full GC | **%s KB** | %s | — | ≤ 50 KB | %s | ≈ 6 MiB per proxied connection (two processes) |%n",
                    f(d(ours, "idle.n"), "%,.0f"), ours.getProperty("idle.state", "—"), f(kb, "%.1f"),
                    Double.isNaN(d(cyrus, "idle.pss.kb.per.conn")) ? "—"
                            : f(d(cyrus, "idle.pss.kb.per.conn"), "%,.0f KB") + " PSS (a process each; "
                            + f(d(cyrus, "idle.n"), "%,.0f") + " connections)",
                    met(kb <= 50.0, kb)));
            b.append(String.format(Locale.ROOT, "| server threads: before / with the idle connections / after closing them | %s / %s / %s | — | — | no growth | %s | — |%n",
                    f(d(ours, "idle.threads.before"), "%.0f"), f(d(ours, "idle.threads.with"), "%.0f"),
                    f(d(ours, "idle.threads.closed"), "%.0f"),
                    met(d(ours, "idle.threads.with") - d(ours, "idle.threads.before") <= 5,
                            d(ours, "idle.threads.with"))));
        }

        private static String met(boolean ok, double value) {
            return Double.isNaN(value) ? "—" : ok ? "yes" : "**no**";
        }

        private void detail(String what, String key) {
            b.append("| ").append(what).append(" | ").append(lat(ours, key)).append(" | ").append(lat(cyrus, key))
                    .append(" |\n");
        }

        private static String lat(Properties p, String key) {
            return f(d(p, key + ".p50"), "%.2f") + " / " + f(d(p, key + ".p99"), "%.2f") + " / "
                    + f(d(p, key + ".max"), "%.2f") + " ms (" + f(d(p, key + ".ops"), "%,.0f") + " in "
                    + f(d(p, key + ".seconds"), "%.2f") + " s)";
        }

        private static String fetchDetail(Properties p) {
            return f(d(p, "fetch.mbps.min"), "%,.1f") + " / " + f(d(p, "fetch.mbps"), "%,.1f") + " / "
                    + f(d(p, "fetch.mbps.max"), "%,.1f") + " MB/s; " + f(d(p, "fetch.bytes"), "%,.0f") + " octets ("
                    + f(d(p, "fetch.seconds"), "%.3f") + " s median)";
        }

        private static String uidDetail(Properties p) {
            return f(d(p, "uid.first"), "%.3f") + " / " + f(d(p, "uid.min"), "%.3f") + " / " + f(d(p, "uid.max"), "%.3f")
                    + " s; " + f(d(p, "uid.bytes"), "%,.0f") + " octets";
        }

        private static String populate(Properties p) {
            if ("yes".equals(p.getProperty("populate.skipped"))) {
                return "skipped (already " + f(d(p, "populate.have"), "%,.0f") + " messages)";
            }
            return f(d(p, "populate.rate"), "%,.1f") + " msg/s (" + f(d(p, "populate.ops"), "%,.0f") + " in "
                    + f(d(p, "populate.seconds"), "%,.0f") + " s, " + f(d(p, "populate.errors"), "%.0f") + " refused)";
        }

        private String idleDetailOurs() {
            if (ours.getProperty("idle.n") == null) {
                return "not measured";
            }
            return String.format(Locale.ROOT, "heap %s → %s KB (%s KB after closing); RSS %s → %s KB (%s KB/connection); opened in %s s",
                    f(d(ours, "idle.heap.before.kb"), "%,.0f"), f(d(ours, "idle.heap.with.kb"), "%,.0f"),
                    f(d(ours, "idle.heap.closed.kb"), "%,.0f"), f(d(ours, "idle.rss.before.kb"), "%,.0f"),
                    f(d(ours, "idle.rss.with.kb"), "%,.0f"), f(d(ours, "idle.rss.kb.per.conn"), "%.1f"),
                    ours.getProperty("idle.open.seconds", "?"));
        }

        private String idleDetailCyrus() {
            if (cyrus.getProperty("idle.n") == null) {
                return "not measured";
            }
            return String.format(Locale.ROOT, "%s connections: PSS of its processes %s → %s KB, processes %s → %s (%s after closing)",
                    f(d(cyrus, "idle.n"), "%,.0f"), f(d(cyrus, "idle.pss.before.kb"), "%,.0f"),
                    f(d(cyrus, "idle.pss.with.kb"), "%,.0f"), f(d(cyrus, "idle.procs.before"), "%.0f"),
                    f(d(cyrus, "idle.procs.with"), "%.0f"), f(d(cyrus, "idle.procs.closed"), "%.0f"));
        }
    }
}
