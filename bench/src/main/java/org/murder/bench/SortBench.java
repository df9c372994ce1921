package org.murder.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.murder.protocol.lmtp.Address;
import org.murder.protocol.lmtp.ForwardPath;
import org.murder.protocol.lmtp.LmtpClient;
import org.murder.protocol.lmtp.LmtpCommand;
import org.murder.protocol.lmtp.LmtpReply;
import org.murder.protocol.lmtp.ReversePath;

/**
 * SORT, THREAD and QRESYNC on a big mailbox (issue 12's figures), the same client against our node and Cyrus:
 * {@code measure LABEL HOST IMAP_PORT LMTP_PORT ADMIN PASSWORD OUT.properties [key=value ...]}, then
 * {@code report OURS.properties CYRUS.properties OUT.md}.
 *
 * <p>The mailbox (user {@code benchsort}'s INBOX, {@code msgs} messages, filled by LMTP once and kept) holds
 * messages as a mailing list would: a few thousand senders with display names, dates spread over ten years in
 * many time zones, threads of replies ({@code Re:}, {@code Fwd:}, In-Reply-To and References). Each SORT and
 * THREAD is timed on a fresh connection (the first after the server started, and once more) and then repeated
 * on the same connection (the median: what a webmail paging through a sorted list sees). Each server's answer
 * is translated to the generator's sort keys, so the two answers can be compared although the servers numbered
 * the messages in a different order (deliveries run in parallel). QRESYNC: a client remembers UIDVALIDITY and
 * HIGHESTMODSEQ, another makes {@code changes} changes (flags on half, expunges and new deliveries a quarter
 * each), then the first SELECTs with {@code (QRESYNC (uidvalidity modseq))}: send → tagged OK.
 */
public final class SortBench {

    static final String USER = "benchsort";
    private static final Duration TIMEOUT = Duration.ofSeconds(300);
    private static final Pattern MESSAGE_ID = Pattern.compile("<(\\d+)@sort\\.bench\\.example>");
    private static final Pattern UID = Pattern.compile("\\bUID (\\d+)");
    private static final Pattern MODSEQ = Pattern.compile("HIGHESTMODSEQ (\\d+)");
    private static final Pattern UIDVALIDITY = Pattern.compile("UIDVALIDITY (\\d+)");

    /** The timed commands: name → command (after SELECT INBOX). */
    static final Map<String, String> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("sort-arrival", "UID SORT (ARRIVAL) UTF-8 ALL");
        COMMANDS.put("sort-date", "UID SORT (DATE) UTF-8 ALL");
        COMMANDS.put("sort-subject", "UID SORT (SUBJECT) UTF-8 ALL");
        COMMANDS.put("sort-from", "UID SORT (FROM) UTF-8 ALL");
        COMMANDS.put("sort-reverse-date-unseen", "UID SORT (REVERSE DATE) UTF-8 UNSEEN");
        COMMANDS.put("thread-references", "UID THREAD REFERENCES UTF-8 ALL");
        COMMANDS.put("thread-orderedsubject", "UID THREAD ORDEREDSUBJECT UTF-8 ALL");
    }

    private final String label;
    private final String host;
    private final int imapPort;
    private final int lmtpPort;
    private final String admin;
    private final String adminPassword;
    private final Path out;
    private final Map<String, String> opt = new LinkedHashMap<>();
    private final Properties results = new Properties();

    private SortBench(String[] a) {
        if (a.length < 8) {
            throw new IllegalArgumentException("usage: SortBench measure LABEL HOST IMAP_PORT LMTP_PORT ADMIN PASSWORD OUT"
                    + " [key=value ...] | SortBench report OURS CYRUS OUT.md");
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
        opt.put("msgs", "100000");
        opt.put("clients", "8");
        opt.put("runs", "11");
        opt.put("changes", "1000");
        opt.put("qresync-runs", "5");
        for (int i = 8; i < a.length; i++) {
            String[] kv = a[i].split("=", 2);
            if (kv.length == 2 && opt.containsKey(kv[0])) {
                opt.put(kv[0], kv[1]);
            }
            // the script's other options (idle=, server-pid=, …) are BackendBench's: ignored here
        }
    }

    private int num(String key) {
        return Integer.parseInt(opt.get(key));
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("report")) {
            report(load(Path.of(args[1])), load(Path.of(args[2])), Path.of(args[3]));
            return;
        }
        if (args.length == 0 || !args[0].equals("measure")) {
            System.err.println("first argument: measure or report");
            System.exit(2);
        }
        SortBench bench = new SortBench(args);
        boolean ok = bench.run();
        System.exit(ok ? 0 : 1);
    }

    private boolean run() throws IOException {
        put("label", label);
        put("started", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        put("loadavg.start", loadAverage());
        opt.forEach((k, v) -> put("opt." + k, v));
        boolean ok = true;
        try {
            populate();
            Map<Long, Integer> generated = generatorIndexByUid();
            put("messages", generated.size());
            for (Map.Entry<String, String> c : COMMANDS.entrySet()) {
                measure(c.getKey(), c.getValue(), generated);
            }
            qresync();
        } catch (Exception e) {
            ok = false;
            put("error", String.valueOf(e));
            e.printStackTrace();
        }
        put("finished", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        put("loadavg.end", loadAverage());
        save();
        return ok;
    }

    // ------------------------------------------------------------------ the mailbox

    /** The generator's message {@code i}: deterministic, so both servers hold the same messages. */
    static Generated generated(int i) {
        Random r = new Random(0x5eed_0000L + i);
        int thread = i < 20 ? i : r.nextInt(Math.max(1, i / 5)); // about five messages per thread
        Random t = new Random(0x7423_0000L + thread);
        String base = SUBJECT_WORDS[t.nextInt(SUBJECT_WORDS.length)] + " " + SUBJECT_WORDS[t.nextInt(SUBJECT_WORDS.length)]
                + " #" + thread;
        boolean root = thread == i || r.nextInt(8) == 0;
        String prefix = root ? "" : r.nextInt(10) == 0 ? "Fwd: " : r.nextInt(4) == 0 ? "RE: " : "Re: ";
        int sender = r.nextInt(3000);
        String name = FIRST[sender % FIRST.length] + " " + LAST[(sender / FIRST.length) % LAST.length];
        String address = FIRST[sender % FIRST.length].toLowerCase(Locale.ROOT) + "." + sender + "@"
                + DOMAINS[sender % DOMAINS.length];
        long seconds = 1_420_070_400L + (long) (r.nextDouble() * 315_360_000L); // 2015 .. 2025
        int hours = r.nextInt(25) - 12;
        int minutes = r.nextInt(4) == 0 ? 30 : 0;
        ZoneOffset zone = ZoneOffset.ofTotalSeconds((hours * 60 + (hours < 0 ? -minutes : minutes)) * 60);
        ZonedDateTime date = Instant.ofEpochSecond(seconds).atZone(zone);
        String inReplyTo = root ? null : "<" + thread + "@sort.bench.example>";
        return new Generated(i, prefix + base, base, name, address, date, inReplyTo);
    }

    record Generated(int i, String subject, String baseSubject, String name, String address, ZonedDateTime date,
                     String inReplyTo) {
        byte[] bytes() {
            StringBuilder b = new StringBuilder(600);
            b.append("From: \"").append(name).append("\" <").append(address).append(">\r\n");
            b.append("To: list@sort.bench.example\r\n");
            b.append("Subject: ").append(subject).append("\r\n");
            b.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(date)).append("\r\n");
            b.append("Message-ID: <").append(i).append("@sort.bench.example>\r\n");
            if (inReplyTo != null) {
                b.append("In-Reply-To: ").append(inReplyTo).append("\r\n");
                b.append("References: ").append(inReplyTo).append("\r\n");
            }
            b.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
            b.append("Message ").append(i).append(" of the sort benchmark.\r\n");
            b.append("The quick brown fox jumps over the lazy dog.\r\n");
            return b.toString().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static final String[] SUBJECT_WORDS = {"meeting", "report", "budget", "release", "question", "update",
        "invoice", "schedule", "proposal", "review", "notes", "plan", "party", "results", "draft", "issue", "travel",
        "contract", "design", "server"};
    private static final String[] FIRST = {"Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan",
        "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Zoe"};
    private static final String[] LAST = {"Smith", "Jones", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas",
        "Roberts", "Walker", "Wright", "Green", "Hall", "Wood", "Clarke", "Hughes", "Lewis", "Young", "King", "Baker"};
    private static final String[] DOMAINS = {"example.org", "example.com", "example.net", "mail.example", "lists.example"};

    private void populate() throws Exception {
        int want = num("msgs");
        try (ImapConn a = ImapConn.login(host, imapPort, TIMEOUT, admin, adminPassword)) {
            ImapConn.Reply r = a.command("CREATE " + ImapConn.quote("user." + USER));
            log("CREATE user.%s: %s", USER, r);
        }
        long have;
        try (ImapConn c = ImapConn.login(host, imapPort, TIMEOUT, USER, USER + "-pw")) {
            put("greeting", c.greeting());
            long t0 = System.nanoTime();
            have = c.command("EXAMINE INBOX").exists();
            if (have >= want) { // the first since the server started, of the whole mailbox
                put("examine.first", (System.nanoTime() - t0) / 1e9);
            }
        }
        if (have >= want) {
            put("populate.skipped", "yes");
            log("%s: INBOX of %s holds %,d messages", label, USER, have);
            return;
        }
        if (have > 0) {
            // an earlier population cut short: the mailbox is the benchmark's own, so start it afresh
            try (ImapConn a = ImapConn.login(host, imapPort, TIMEOUT, admin, adminPassword)) {
                String box = ImapConn.quote("user." + USER);
                log("%s: INBOX of %s holds %,d messages, not %,d: recreated (SETACL %s; DELETE %s; CREATE %s)", label,
                        USER, have, want, a.command("SETACL " + box + " " + admin + " lrswipkxtecda"),
                        a.command("DELETE " + box), a.command("CREATE " + box));
            }
        }
        log("%s: delivering %,d messages to %s from %s clients", label, want, USER, opt.get("clients"));
        long t0 = System.nanoTime();
        deliver(0, want, num("clients"));
        put("populate.seconds", (System.nanoTime() - t0) / 1e9);
    }

    /** Delivers the generator's messages {@code from} .. {@code to - 1}. */
    private void deliver(int from, int to, int clients) throws Exception {
        AtomicInteger next = new AtomicInteger(from);
        LmtpCommand.Mail mail = LmtpCommand.Mail.of(ReversePath.of(Address.of("bench", "example.org")));
        List<LmtpCommand.Rcpt> rcpt = List.of(LmtpCommand.Rcpt.of(ForwardPath.of(Address.local(USER))));
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int k = 0; k < clients; k++) {
                done.add(pool.submit(() -> {
                    try (LmtpClient c = lmtp()) {
                        int i;
                        while ((i = next.getAndIncrement()) < to) {
                            LmtpReply reply = c.deliver(mail, rcpt, new ByteArrayInputStream(generated(i).bytes()))
                                    .outcomes().get(0);
                            if (reply.code() != 250) {
                                throw new IOException("delivery " + i + ": " + reply);
                            }
                            if (i > 0 && i % 10_000 == 0) {
                                log("%s: %,d delivered", label, i);
                            }
                        }
                        c.quit();
                    }
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private LmtpClient lmtp() throws IOException {
        LmtpClient c = new LmtpClient(host, lmtpPort, TIMEOUT);
        if (c.greeting().code() != 220 || !c.lhlo("bench.example.org").positive()) {
            c.close();
            throw new IOException("LMTP: no greeting or LHLO refused");
        }
        if (c.offers("AUTH") && c.authPlain(admin, adminPassword).code() != 235) {
            c.close();
            throw new IOException("LMTP AUTH refused");
        }
        return c;
    }

    /** UID → the generator's index, from every message's Message-ID (ENVELOPE's last field). */
    private Map<Long, Integer> generatorIndexByUid() throws IOException {
        Map<Long, Integer> byUid = new HashMap<>();
        try (ImapConn c = ImapConn.login(host, imapPort, TIMEOUT, USER, USER + "-pw")) {
            c.command("EXAMINE INBOX", false);
            ImapConn.Reply r = c.command("UID FETCH 1:* (UID ENVELOPE)");
            for (String line : r.lines()) {
                Matcher u = UID.matcher(line);
                Matcher id = MESSAGE_ID.matcher(line);
                String last = null;
                while (id.find()) {
                    last = id.group(1);
                }
                if (u.find() && last != null) {
                    byUid.put(Long.parseLong(u.group(1)), Integer.parseInt(last));
                }
            }
        }
        return byUid;
    }

    // ------------------------------------------------------------------ SORT and THREAD

    private void measure(String name, String command, Map<Long, Integer> generated) throws IOException {
        int runs = num("runs");
        double[] first = new double[2];
        String answer = null;
        for (int k = 0; k < 2; k++) {
            try (ImapConn c = ImapConn.login(host, imapPort, TIMEOUT, USER, USER + "-pw")) {
                c.command("EXAMINE INBOX", false);
                long t0 = System.nanoTime();
                ImapConn.Reply r = c.command(command);
                first[k] = (System.nanoTime() - t0) / 1e9;
                if (!r.ok()) {
                    throw new IOException(command + ": " + r);
                }
                answer = String.join("\n", r.lines());
            }
        }
        double[] times = new double[runs];
        try (ImapConn c = ImapConn.login(host, imapPort, TIMEOUT, USER, USER + "-pw")) {
            c.command("EXAMINE INBOX", false);
            for (int k = 0; k < runs; k++) {
                long t0 = System.nanoTime();
                ImapConn.Reply r = c.command(command, false);
                times[k] = (System.nanoTime() - t0) / 1e9;
                if (!r.ok()) {
                    throw new IOException(command + ": " + r);
                }
            }
        }
        Arrays.sort(times);
        put(name + ".command", command);
        put(name + ".first", first[0]);
        put(name + ".second", first[1]);
        put(name + ".median", times[runs / 2]);
        put(name + ".min", times[0]);
        put(name + ".max", times[runs - 1]);
        put(name + ".octets", answer.length());
        // the answer in the generator's terms: what a server that numbered the messages otherwise answers alike
        List<Long> uids = new ArrayList<>();
        Matcher m = Pattern.compile("\\d+").matcher(answer.replaceFirst("^\\* (SORT|THREAD)", ""));
        while (m.find()) {
            uids.add(Long.parseLong(m.group()));
        }
        put(name + ".items", uids.size());
        put(name + ".keys", Integer.toHexString(keySequence(name, uids, generated).hashCode()));
        if (name.startsWith("thread")) {
            put(name + ".threads", topLevelThreads(answer));
        }
        log("%s %s: first %.3f s, again %.3f s, repeated median %.3f s (%d items)", label, name, first[0], first[1],
                times[runs / 2], uids.size());
    }

    /**
     * The sort key of each answered message in order, from the generator: equal for two servers whose orders
     * agree up to ties (messages with equal keys are ordered by their UIDs, which the servers gave differently).
     */
    static String keySequence(String name, List<Long> uids, Map<Long, Integer> generated) {
        StringBuilder b = new StringBuilder();
        for (long uid : uids) {
            Integer i = generated.get(uid);
            if (i == null) {
                b.append("?,");
                continue;
            }
            Generated g = generated(i);
            String key = switch (name) {
                case "sort-date", "sort-reverse-date-unseen" -> Long.toString(g.date().toEpochSecond());
                case "sort-subject" -> g.baseSubject().toLowerCase(Locale.ROOT);
                case "sort-from" -> g.address().substring(0, g.address().indexOf('@')).toLowerCase(Locale.ROOT);
                case "thread-orderedsubject" -> g.baseSubject().toLowerCase(Locale.ROOT);
                default -> Integer.toString(i); // arrival and REFERENCES threads: the messages themselves
            };
            b.append(key).append(',');
        }
        return b.toString();
    }

    /** How many threads a THREAD answer holds: its top-level parenthesised groups. */
    static int topLevelThreads(String answer) {
        int depth = 0;
        int threads = 0;
        for (int k = 0; k < answer.length(); k++) {
            char ch = answer.charAt(k);
            if (ch == '(') {
                if (depth++ == 0) {
                    threads++;
                }
            } else if (ch == ')') {
                depth--;
            }
        }
        return threads;
    }

    // ------------------------------------------------------------------ QRESYNC

    private void qresync() throws Exception {
        int runs = num("qresync-runs");
        if (runs == 0) {
            return; // qresync-runs=0: leave the mailbox as populated (a population run before a measuring one)
        }
        int changes = num("changes");
        double[] times = new double[runs];
        Random random = new Random(42);
        // new deliveries: beyond the mailbox's generated range, and unlike an earlier run's (whose Message-IDs both
        // servers' duplicate delivery suppression would drop)
        int nextMessage = num("msgs") + 1_000_000 + (int) (System.currentTimeMillis() / 1000 % 100_000) * 10_000;
        for (int k = 0; k < runs; k++) {
            long uidValidity;
            long modSeq;
            try (ImapConn c = ImapConn.login(host, imapPort, TIMEOUT, USER, USER + "-pw")) {
                c.command("ENABLE QRESYNC");
                ImapConn.Reply r = c.command("SELECT INBOX");
                uidValidity = number(UIDVALIDITY, r);
                modSeq = number(MODSEQ, r);
            }
            // another client makes the changes: flags on half, expunges and deliveries a quarter each
            List<Long> uids = new ArrayList<>();
            try (ImapConn c = ImapConn.login(host, imapPort, TIMEOUT, USER, USER + "-pw")) {
                c.command("SELECT INBOX", false);
                ImapConn.Reply all = c.command("UID SEARCH ALL");
                for (String line : all.lines()) {
                    if (line.startsWith("* SEARCH")) {
                        for (String w : line.substring(8).trim().split(" +")) {
                            if (!w.isEmpty()) {
                                uids.add(Long.parseLong(w));
                            }
                        }
                    }
                }
                java.util.Collections.shuffle(uids, random);
                int flags = changes / 2;
                int expunges = changes / 4;
                for (int f = 0; f < flags; f += 100) {
                    c.command("UID STORE " + set(uids.subList(f, Math.min(flags, f + 100))) + " +FLAGS.SILENT (\\Flagged $Bench"
                            + k + ")", false);
                }
                c.command("UID STORE " + set(uids.subList(flags, flags + expunges)) + " +FLAGS.SILENT (\\Deleted)", false);
                c.command("UID EXPUNGE " + set(uids.subList(flags, flags + expunges)), false);
            }
            int deliveries = changes - changes / 2 - changes / 4;
            deliver(nextMessage, nextMessage + deliveries, 1);
            nextMessage += deliveries;
            try (ImapConn c = ImapConn.login(host, imapPort, TIMEOUT, USER, USER + "-pw")) {
                c.command("ENABLE QRESYNC");
                long t0 = System.nanoTime();
                ImapConn.Reply r = c.command("SELECT INBOX (QRESYNC (" + uidValidity + " " + modSeq + "))");
                times[k] = (System.nanoTime() - t0) / 1e9;
                if (!r.ok()) {
                    throw new IOException("SELECT (QRESYNC): " + r);
                }
                put("qresync.run" + (k + 1) + ".fetches", r.fetches());
                put("qresync.run" + (k + 1) + ".octets", r.bytes());
                put("qresync.run" + (k + 1) + ".vanished", r.lines().stream().anyMatch(l -> l.startsWith("* VANISHED")));
                log("%s QRESYNC SELECT after %d changes: %.3f s, %d FETCH, %d octets", label, changes, times[k],
                        r.fetches(), r.bytes());
            }
        }
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        put("qresync.median", sorted[runs / 2]);
        put("qresync.min", sorted[0]);
        put("qresync.max", sorted[runs - 1]);
        put("qresync.first", times[0]);
    }

    private static long number(Pattern p, ImapConn.Reply r) throws IOException {
        for (String line : r.lines()) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new IOException("no " + p + " in the answer to SELECT");
    }

    private static String set(List<Long> uids) {
        StringBuilder b = new StringBuilder();
        for (long u : uids) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(u);
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ results

    private void put(String key, Object value) {
        results.setProperty(key, String.valueOf(value));
    }

    private void save() throws IOException {
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            results.store(w, "SortBench " + label);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%tT] " + format + "%n", prepend(new java.util.Date(), args));
        System.out.flush();
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
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
        try {
            return Double.parseDouble(p.getProperty(key, "NaN"));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.3f", v);
    }

    static void report(Properties ours, Properties cyrus, Path outFile) throws IOException {
        StringBuilder b = new StringBuilder("# SORT, THREAD and QRESYNC: our node against Debian's Cyrus 3.6\n\n");
        for (Properties p : List.of(ours, cyrus)) {
            b.append(String.format(Locale.ROOT, "- %s: %s, measured %s → %s (load average %s → %s); %s messages%s.%n",
                    p.getProperty("label", "?"), p.getProperty("greeting", "?"), p.getProperty("started"),
                    p.getProperty("finished"), p.getProperty("loadavg.start"), p.getProperty("loadavg.end"),
                    p.getProperty("messages", "?"), p.getProperty("error") == null ? "" : "; ERROR " + p.getProperty("error")));
        }
        b.append(String.format(Locale.ROOT, "%nThe same client (SortBench) on both, one server at a time, on user %s's INBOX. "
                + "\"first\": the command on a fresh connection, the first since the server started (then once more on another "
                + "fresh connection); \"repeated\": the median of %s on one connection. Target: each at least as fast as "
                + "Cyrus (ratio = Cyrus's time / ours ≥ 1). \"keys\": the answer in the generator's sort keys, equal when "
                + "both servers ordered alike (ties aside).%n%n", USER, ours.getProperty("opt.runs", "?")));
        b.append("| command | ours first / again / repeated (s) | Cyrus first / again / repeated (s) | first: Cyrus / ours | repeated: Cyrus / ours | items ours / Cyrus | keys equal |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (String name : COMMANDS.keySet()) {
            double of = d(ours, name + ".first");
            double cf = d(cyrus, name + ".first");
            double or = d(ours, name + ".median");
            double cr = d(cyrus, name + ".median");
            String keys = ours.getProperty(name + ".keys");
            String threads = name.startsWith("thread") ? "; threads " + ours.getProperty(name + ".threads", "—") + " / "
                    + cyrus.getProperty(name + ".threads", "—") : "";
            b.append("| `").append(ours.getProperty(name + ".command", COMMANDS.get(name))).append("` | ")
                    .append(f(of)).append(" / ").append(f(d(ours, name + ".second"))).append(" / ").append(f(or)).append(" | ")
                    .append(f(cf)).append(" / ").append(f(d(cyrus, name + ".second"))).append(" / ").append(f(cr)).append(" | ")
                    .append(ratio(cf / of)).append(" | ").append(ratio(cr / or)).append(" | ")
                    .append(ours.getProperty(name + ".items", "—")).append(" / ").append(cyrus.getProperty(name + ".items", "—"))
                    .append(threads).append(" | ")
                    .append(keys == null ? "—" : keys.equals(cyrus.getProperty(name + ".keys")) ? "yes" : "**no**").append(" |\n");
        }
        double oq = d(ours, "qresync.median");
        double cq = d(cyrus, "qresync.median");
        b.append(String.format(Locale.ROOT, "| `SELECT INBOX (QRESYNC (…))` after %s changes (median of %s; min / max ours %s / %s, Cyrus %s / %s) | %s | %s | — | %s | FETCH ours %s / Cyrus %s | — |%n",
                ours.getProperty("opt.changes", "?"), ours.getProperty("opt.qresync-runs", "?"),
                f(d(ours, "qresync.min")), f(d(ours, "qresync.max")), f(d(cyrus, "qresync.min")), f(d(cyrus, "qresync.max")),
                f(oq), f(cq), ratio(cq / oq), ours.getProperty("qresync.run1.fetches", "—"),
                cyrus.getProperty("qresync.run1.fetches", "—")));
        double oe = d(ours, "examine.first");
        double ce = d(cyrus, "examine.first");
        b.append(String.format(Locale.ROOT, "| `EXAMINE INBOX`, the first after the server started (the mailbox's index read; "
                + "not a target of the issue) | %s | %s | %s | — | %s / %s messages | — |%n", f(oe), f(ce), ratio(ce / oe),
                ours.getProperty("messages", "—"), cyrus.getProperty("messages", "—")));
        b.append("\nARRIVAL's keys differ between the servers because the benchmark delivers from 8 clients at once: the "
                + "order in which the messages arrived is not the same on both.\n");
        Files.createDirectories(outFile.toAbsolutePath().getParent());
        Files.writeString(outFile, b.toString(), StandardCharsets.UTF_8);
        System.out.println(b);
    }

    private static String ratio(double r) {
        return Double.isNaN(r) || Double.isInfinite(r) ? "—"
                : String.format(Locale.ROOT, "%.2f", r) + (r >= 1.0 ? "" : " (**missed**)");
    }
}
