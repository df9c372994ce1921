package org.murder.it.cyrus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Drives Cyrus' real {@code mupdatetest} (a hard link of {@code imtest}; Debian installs it as
 * {@code /usr/lib/cyrus/bin/mupdatetest}) against a MUPDATE server:
 * {@code mupdatetest -a USER -w PASSWORD -m PLAIN -p PORT HOST}.
 *
 * <p>How imtest behaves (checked on 3.6.1): it prints the pre-authentication exchange prefixed {@code S:}/{@code C:},
 * authenticates with tag {@code A01}, prints {@code Authenticated.} (or {@code Authentication failed. ...} and
 * stays connected unauthenticated) and {@code Security strength factor: N}, then copies stdin lines to the server
 * ({@code \n} becomes CRLF) and the server's bytes to stdout unchanged and unbuffered. On stdin EOF it sends
 * {@code Q01 LOGOUT} and exits 0; it exits 1 if it cannot connect. No {@code -t} is needed (that enables TLS).</p>
 *
 * <p>{@link #run} therefore waits for the authentication to finish, then sends each command only after the
 * previous one's tagged OK/NO/BAD has arrived (each wait bounded by {@link #commandTimeout}), then closes stdin.
 * {@link #open()} gives an interactive {@link Session} instead (e.g. to watch an {@code UPDATE} stream).
 * Every command must start with its own tag; avoid {@code A01} and {@code Q01}, which imtest uses itself.
 * A {@code LOGOUT} command ends the session early. Responses are parsed literal-aware ({@code {n+}} strings, as
 * Cyrus sends them) into {@link Response}s and {@link MupdateMailbox}es.</p>
 */
public final class MupdateTest {

    /** A parsed MUPDATE response line. For OK/NO/BAD/BYE {@code text} is the rest of the line. */
    public record Response(String tag, String keyword, List<String> args, String text) {
        public boolean isCompletion() {
            return Set.of("OK", "NO", "BAD").contains(keyword);
        }
    }

    /** The whole exchange. */
    public record Transcript(List<String> commandLine, String output, boolean authenticated,
                             List<Response> responses, Integer exitCode) {

        /** stdout split into lines (CRLF/LF stripped). */
        public List<String> lines() {
            return Arrays.asList(output.split("\r?\n", -1));
        }

        /** Every MAILBOX and RESERVE response (and DELETE, as seen while streaming), in order. */
        public List<MupdateMailbox> mailboxes() {
            return responses.stream().map(MupdateMailbox::of).flatMap(Optional::stream).collect(Collectors.toList());
        }

        /** The mailbox responses carrying {@code tag}. */
        public List<MupdateMailbox> mailboxes(String tag) {
            return mailboxes().stream().filter(m -> m.tag().equals(tag)).collect(Collectors.toList());
        }

        /** The tagged OK/NO/BAD that completed the command with {@code tag}. */
        public Optional<Response> completion(String tag) {
            return responses.stream().filter(r -> r.tag().equals(tag) && r.isCompletion()).findFirst();
        }

        public boolean ok(String tag) {
            return completion(tag).map(r -> r.keyword().equals("OK")).orElse(false);
        }

        @Override
        public String toString() {
            return String.join(" ", commandLine) + " (exit " + exitCode + ")\n" + output;
        }
    }

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private String mechanism = "PLAIN";
    private Duration commandTimeout = Duration.ofSeconds(15);
    private Path binary = defaultBinary();

    public MupdateTest(String host, int port, String user, String password) {
        this.host = CyrusInstance.requireSafe("host", host);
        this.port = port;
        this.user = CyrusInstance.requireSafe("user", user);
        this.password = password;
    }

    /** SASL mechanism for {@code -m} (default PLAIN; LOGIN also works against Cyrus). */
    public MupdateTest mechanism(String mechanism) {
        this.mechanism = mechanism;
        return this;
    }

    /** Bound on the authentication and on each command's completion (default 15 s). */
    public MupdateTest commandTimeout(Duration timeout) {
        this.commandTimeout = timeout;
        return this;
    }

    /** {@code -t ""}: STARTTLS before authenticating (no client certificate). */
    public MupdateTest startTls(boolean startTls) {
        this.startTls = startTls;
        return this;
    }

    private boolean startTls;

    public MupdateTest binary(Path binary) {
        this.binary = binary;
        return this;
    }

    public static Path defaultBinary() {
        String p = System.getProperty("cyrus.mupdatetest");
        if (p != null) {
            return Path.of(p);
        }
        for (Path c : List.of(Path.of("/usr/bin/mupdatetest"), CyrusInstance.CYRUS_BIN.resolve("mupdatetest"))) {
            if (Files.isExecutable(c)) {
                return c;
            }
        }
        return CyrusInstance.CYRUS_BIN.resolve("mupdatetest");
    }

    /** {@code L1 LIST}; fails unless it completes OK. */
    public List<MupdateMailbox> list() {
        return expectOk(run("L1 LIST"), "L1").mailboxes("L1");
    }

    /** {@code L1 LIST "prefix"} (e.g. {@code 127.0.0.11!}); fails unless it completes OK. */
    public List<MupdateMailbox> list(String locationPrefix) {
        return expectOk(run("L1 LIST " + quote(locationPrefix)), "L1").mailboxes("L1");
    }

    /** {@code F1 FIND "mailbox"}; fails unless it completes OK. */
    public Optional<MupdateMailbox> find(String mailbox) {
        return expectOk(run("F1 FIND " + quote(mailbox)), "F1").mailboxes("F1").stream().findFirst();
    }

    private static Transcript expectOk(Transcript t, String tag) {
        if (!t.ok(tag)) {
            throw new AssertionError(tag + " did not complete OK:\n" + t);
        }
        return t;
    }

    /** A MUPDATE quoted string. */
    public static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Runs a session sending {@code commands} one at a time; never throws for protocol-level failures. */
    public Transcript run(String... commands) {
        return run(List.of(commands));
    }

    public Transcript run(List<String> commands) {
        Session s = open();
        try {
            if (s.connected()) {
                for (String c : commands) {
                    Optional<Response> done = s.sendAndWait(c);
                    if (done.isEmpty() || c.trim().toUpperCase().endsWith(" LOGOUT")) {
                        break;
                    }
                }
            }
        } finally {
            s.close();
        }
        return s.transcript();
    }

    /**
     * Starts {@code mupdatetest} and waits (bounded by {@link #commandTimeout}) until authentication has finished
     * (successfully or not). Use it to keep a session open, e.g. to watch an UPDATE stream:
     * <pre>
     * try (MupdateTest.Session s = new MupdateTest(host, port, "murder", pw).open()) {
     *     s.sendAndWait("U1 UPDATE");                       // dump, then U1 OK "streaming starts"
     *     int mark = s.responses().size();
     *     backend.imapAdmin().create("user.alice.New");     // (close that client too)
     *     s.await(mark, r -&gt; r.keyword().equals("MAILBOX") &amp;&amp; r.args().get(0).equals("user.alice.New"),
     *             Duration.ofSeconds(10));
     * }
     * </pre>
     */
    public Session open() {
        List<String> cmd = new java.util.ArrayList<>(List.of(binary.toString(), "-a", user, "-w", password,
                "-m", mechanism, "-p", Integer.toString(port)));
        if (startTls) {
            cmd.addAll(List.of("-t", ""));
        }
        cmd.add(host);
        List<String> shown = cmd.stream().map(a -> a.equals(password) ? "****" : a).collect(Collectors.toList());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary, e);
        }
        return new Session(p, shown, commandTimeout);
    }

    /** A running {@code mupdatetest}; every wait is bounded. Closing it ends imtest (stdin EOF, then kill). */
    public static final class Session implements AutoCloseable {
        private final Process process;
        private final List<String> shown;
        private final Duration timeout;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final Thread pump;
        private final OutputStream stdin;
        private final int body;
        private Integer exit;
        private boolean closed;

        private Session(Process process, List<String> shown, Duration timeout) {
            this.process = process;
            this.shown = shown;
            this.timeout = timeout;
            this.stdin = process.getOutputStream();
            this.pump = new Thread(() -> pump(process.getInputStream(), buf), "mupdatetest-stdout");
            pump.setDaemon(true);
            pump.start();
            this.body = awaitAuth();
        }

        /** Whether imtest connected and finished its authentication attempt (see {@link #authenticated()}). */
        public boolean connected() {
            return body >= 0;
        }

        public boolean authenticated() {
            return body >= 0 && snapshot(buf).substring(0, body).contains("\nAuthenticated.");
        }

        /** Sends one command line without waiting. */
        public void send(String command) {
            try {
                stdin.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("mupdatetest is gone; output so far:\n" + snapshot(buf), e);
            }
        }

        /**
         * Sends {@code command} (which starts with its tag) and waits for its tagged OK/NO/BAD; empty if none came
         * in time or imtest ended (e.g. the server dropped the connection).
         */
        public Optional<Response> sendAndWait(String command) {
            String tag = command.trim().split("\\s+", 2)[0];
            int mark = responses().size();
            try {
                send(command);
            } catch (UncheckedIOException e) {
                return Optional.empty();
            }
            return awaitOptional(mark, r -> r.tag().equals(tag) && r.isCompletion(), timeout);
        }

        /** The first complete response at index {@code >= from} matching {@code p}; AssertionError on timeout. */
        public Response await(int from, java.util.function.Predicate<Response> p, Duration within) {
            return awaitOptional(from, p, within).orElseThrow(() -> new AssertionError(
                    "no matching MUPDATE response within " + within + "; output:\n" + snapshot(buf)));
        }

        private Optional<Response> awaitOptional(int from, java.util.function.Predicate<Response> p, Duration within) {
            Instant deadline = Instant.now().plus(within);
            for (int i = 0; i < 1_000_000; i++) {
                List<Response> rs = responses();
                for (int j = from; j < rs.size(); j++) {
                    if (p.test(rs.get(j))) {
                        return Optional.of(rs.get(j));
                    }
                }
                if (!process.isAlive() && !pump.isAlive() || !Instant.now().isBefore(deadline)) {
                    return Optional.empty();
                }
                CyrusInstance.sleep(10);
            }
            return Optional.empty();
        }

        /** Complete responses received after authentication so far. */
        public List<Response> responses() {
            return body < 0 ? List.of() : parse(snapshot(buf).substring(body), false);
        }

        /** The exchange so far (complete once closed). */
        public Transcript transcript() {
            String out = snapshot(buf);
            int b = bodyStart(out);
            List<Response> rs = b < 0 ? List.of() : parse(out.substring(b), true);
            return new Transcript(shown, out, authenticated(), rs, exit);
        }

        /** Closes stdin (imtest then sends {@code Q01 LOGOUT}), waits up to 5 s, then kills. Idempotent. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                stdin.close();
            } catch (IOException ignored) {
                // already gone
            }
            try {
                if (process.waitFor(5, TimeUnit.SECONDS)) {
                    exit = process.exitValue();
                } else {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
                pump.join(2000);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        private int awaitAuth() {
            Instant deadline = Instant.now().plus(timeout);
            for (int i = 0; i < 100_000 && Instant.now().isBefore(deadline); i++) {
                int b = bodyStart(snapshot(buf));
                if (b >= 0) {
                    return b;
                }
                if (!process.isAlive() && !pump.isAlive()) {
                    return -1;
                }
                CyrusInstance.sleep(20);
            }
            return -1;
        }
    }

    /** Index just after imtest's "Security strength factor: N" line, or -1. */
    static int bodyStart(String out) {
        int i = out.indexOf("Security strength factor:");
        if (i < 0) {
            return -1;
        }
        int nl = out.indexOf('\n', i);
        return nl < 0 ? -1 : nl + 1;
    }

    private static void pump(InputStream in, ByteArrayOutputStream buf) {
        byte[] b = new byte[8192];
        try {
            int n;
            while ((n = in.read(b)) > 0) {
                synchronized (buf) {
                    buf.write(b, 0, n);
                }
            }
        } catch (IOException ignored) {
            // process ended
        }
    }

    private static String snapshot(ByteArrayOutputStream buf) {
        synchronized (buf) {
            return buf.toString(StandardCharsets.ISO_8859_1);
        }
    }

    // ------------------------------------------------------------------ response parsing

    /**
     * Parses MUPDATE server output: {@code tag KEYWORD args...} lines whose strings are quoted, atoms or literals
     * ({@code {n}} / {@code {n+}} then CRLF then n bytes). Lines that are not responses (imtest's own chatter) come
     * out with unknown keywords. With {@code includePartial=false} an incomplete trailing response is dropped.
     */
    static List<Response> parse(String s, boolean includePartial) {
        List<Response> out = new ArrayList<>();
        int[] pos = {0};
        for (int guard = 0; guard < 1_000_000; guard++) {
            while (pos[0] < s.length() && (s.charAt(pos[0]) == '\r' || s.charAt(pos[0]) == '\n')) {
                pos[0]++;
            }
            if (pos[0] >= s.length()) {
                break;
            }
            int start = pos[0];
            try {
                Response r = parseOne(s, pos);
                if (r != null) {
                    out.add(r);
                }
            } catch (IndexOutOfBoundsException incomplete) {
                if (includePartial) {
                    out.add(new Response("", "PARTIAL", List.of(), s.substring(start)));
                }
                break;
            }
        }
        return out;
    }

    private static Response parseOne(String s, int[] pos) {
        int lineEnd = s.indexOf('\n', pos[0]);
        if (lineEnd < 0) {
            throw new IndexOutOfBoundsException("no complete line yet");
        }
        String tag = atom(s, pos);
        if (s.charAt(pos[0]) != ' ') {
            String text = restOfLine(s, pos);
            return new Response(tag, "", List.of(), text);
        }
        pos[0]++;
        String keyword = atom(s, pos).toUpperCase();
        int arity;
        switch (keyword) {
            case "MAILBOX": arity = 3; break;
            case "RESERVE": arity = 2; break;
            case "DELETE": arity = 1; break;
            default: arity = 0;
        }
        if (arity == 0) {
            String text = s.charAt(pos[0]) == ' ' ? restOfLine(s, pos).substring(1) : restOfLine(s, pos);
            return new Response(tag, keyword, List.of(), text);
        }
        List<String> args = new ArrayList<>();
        for (int i = 0; i < arity; i++) {
            if (s.charAt(pos[0]) != ' ') {
                break;
            }
            pos[0]++;
            args.add(string(s, pos));
        }
        restOfLine(s, pos);
        return new Response(tag, keyword, List.copyOf(args), "");
    }

    private static String atom(String s, int[] pos) {
        int start = pos[0];
        while (true) {
            char c = s.charAt(pos[0]);
            if (c == ' ' || c == '\r' || c == '\n') {
                return s.substring(start, pos[0]);
            }
            pos[0]++;
        }
    }

    private static String string(String s, int[] pos) {
        char c = s.charAt(pos[0]);
        if (c == '"') {
            StringBuilder b = new StringBuilder();
            pos[0]++;
            while (true) {
                char d = s.charAt(pos[0]++);
                if (d == '"') {
                    return b.toString();
                }
                if (d == '\\') {
                    d = s.charAt(pos[0]++);
                }
                b.append(d);
            }
        }
        if (c == '{') {
            int close = s.indexOf('}', pos[0]);
            String n = s.substring(pos[0] + 1, close);
            int len = Integer.parseInt(n.endsWith("+") ? n.substring(0, n.length() - 1) : n);
            int p = close + 1;
            if (s.charAt(p) == '\r') {
                p++;
            }
            if (s.charAt(p) != '\n') {
                throw new IllegalStateException("malformed literal at " + pos[0]);
            }
            p++;
            String v = s.substring(p, p + len); // ISO-8859-1: one char per byte
            pos[0] = p + len;
            return new String(v.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        }
        return atom(s, pos);
    }

    private static String restOfLine(String s, int[] pos) {
        int nl = s.indexOf('\n', pos[0]);
        if (nl < 0) {
            throw new IndexOutOfBoundsException("no end of line");
        }
        String t = s.substring(pos[0], nl);
        pos[0] = nl + 1;
        return t.endsWith("\r") ? t.substring(0, t.length() - 1) : t;
    }
}
