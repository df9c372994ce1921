package org.murder.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link BackendBench} in a child JVM, so that the client sockets do not live in the measuring process:
 * N IMAP connections on one {@link Selector} and one thread (no thread per connection). Talks to the parent in
 * lines, on stdin and stdout:
 *
 * <ol>
 * <li>{@code GO} → opens the connections, at most {@code window} of them between connecting and being settled at a
 * time; each reads the greeting, {@code LOGIN <user> <user>-pw}, {@code SELECT INBOX} (unless {@code select=no})
 * and then {@code IDLE} (unless {@code idle=no}) until the continuation {@code +}; prints {@code OPEN k} every
 * 1,000, then {@code READY n seconds login-select-p50-ms p99-ms max-ms exists-min exists-max} (or
 * {@code ERROR ...});</li>
 * <li>{@code NOOP} → on every connection {@code DONE} (when idling) and then {@code NOOP}; counts the connections
 * where both the IDLE and the NOOP end in a tagged OK; prints {@code NOOP ok n seconds [first failure]};</li>
 * <li>anything else, or EOF → closes every socket (no LOGOUT), prints {@code CLOSED n} and exits.</li>
 * </ol>
 *
 * <pre>IdleImapClients HOST PORT USER=COUNT[,USER=COUNT...] [select=yes|no] [idle=yes|no] [window=64] [open-seconds=480]</pre>
 *
 * Opening gives up after {@code open-seconds} with an {@code ERROR} that says how many connections wait for what.
 *
 * The connections of the layout are opened interleaved (round robin over the users), so that every user's
 * mailbox is opened early. The password of each user is {@code <user>-pw}, as everywhere in the benchmark.
 */
public final class IdleImapClients {

    /** Where a connection stands; each waits for one thing from the server. */
    private enum State { CONNECTING, GREETING, LOGIN, SELECT, IDLE, IDLING, DONE, NOOP, SETTLED, FAILED }

    private static final long MAX_LINE = 64 * 1024;

    private final InetSocketAddress server;
    private final boolean select;
    private final boolean idle;
    private final Selector selector;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final List<Conn> conns = new ArrayList<>();
    private int busy;
    private int settled;
    private int failed;
    private String firstFailure;

    private final class Conn {
        final String user;
        final int index;
        SocketChannel channel;
        SelectionKey key;
        State state = State.CONNECTING;
        /** the current line so far, only while a line is cut across reads */
        byte[] partial;
        int partialLength;
        /** octets of a literal still to skip */
        long literal;
        ByteBuffer pending;
        long started;
        long exists = -1;

        Conn(String user, int index) {
            this.user = user;
            this.index = index;
        }
    }

    private IdleImapClients(InetSocketAddress server, boolean select, boolean idle) throws IOException {
        this.server = server;
        this.select = select;
        this.idle = idle;
        this.selector = Selector.open();
    }

    public static void main(String[] args) throws IOException {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        List<String> users = layout(args[2]);
        boolean select = true;
        boolean idle = true;
        int window = 64;
        long openSeconds = 480;
        for (int i = 3; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            switch (kv[0]) {
                case "select" -> select = !kv[1].equals("no");
                case "idle" -> idle = !kv[1].equals("no");
                case "window" -> window = Integer.parseInt(kv[1]);
                case "open-seconds" -> openSeconds = Long.parseLong(kv[1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        if (!"GO".equals(stdin.readLine())) {
            return;
        }
        IdleImapClients clients = new IdleImapClients(new InetSocketAddress(host, port), select, idle);
        try {
            clients.open(users, window, openSeconds);
            if ("NOOP".equals(stdin.readLine())) {
                clients.noop();
                stdin.readLine(); // anything, or EOF: let go
            }
        } catch (IOException | RuntimeException e) {
            say("ERROR " + e);
        } finally {
            say("CLOSED " + clients.close());
        }
    }

    /** {@code a=2,b=1} → a, b, a: every user's connections, interleaved. */
    static List<String> layout(String spec) {
        List<String> names = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] uc = part.split("=", 2);
            names.add(uc[0]);
            counts.add(Integer.parseInt(uc[1]));
        }
        List<String> order = new ArrayList<>();
        int[] left = counts.stream().mapToInt(Integer::intValue).toArray();
        boolean any = true;
        while (any) {
            any = false;
            for (int u = 0; u < names.size(); u++) {
                if (left[u] > 0) {
                    left[u]--;
                    order.add(names.get(u));
                    any = true;
                }
            }
        }
        return order;
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    // ------------------------------------------------------------------ the phases

    private void open(List<String> users, int window, long openSeconds) throws IOException {
        long t0 = System.nanoTime();
        long limit = t0 + TimeUnit.SECONDS.toNanos(openSeconds);
        ArrayDeque<Conn> waiting = new ArrayDeque<>();
        for (int i = 0; i < users.size(); i++) {
            Conn c = new Conn(users.get(i), i);
            conns.add(c);
            waiting.add(c);
        }
        long[] latencies = new long[users.size()];
        int reported = 0;
        while (settled + failed < conns.size()) {
            while (busy < window && !waiting.isEmpty()) {
                connect(waiting.poll());
            }
            loop(1000);
            if (failed > 0) {
                throw new IOException(failed + " connections failed, first: " + firstFailure);
            }
            if (System.nanoTime() > limit) {
                java.util.Map<State, Integer> waitingFor = new java.util.EnumMap<>(State.class);
                for (Conn c : conns) {
                    waitingFor.merge(c.state, 1, Integer::sum);
                }
                throw new IOException(String.format(Locale.ROOT, "after %d s only %d of %d connections idle; states %s",
                        openSeconds, settled, conns.size(), waitingFor));
            }
            if (settled / 1000 > reported) {
                reported = settled / 1000;
                say("OPEN " + settled);
            }
        }
        long exMin = Long.MAX_VALUE;
        long exMax = -1;
        for (Conn c : conns) {
            latencies[c.index] = c.started; // turned into the time to settle in settle()
            exMin = Math.min(exMin, c.exists);
            exMax = Math.max(exMax, c.exists);
        }
        Arrays.sort(latencies);
        say(String.format(Locale.ROOT, "READY %d %.1f %.1f %.1f %.1f %d %d", settled, (System.nanoTime() - t0) / 1e9,
                BackendBench.ms(latencies, 0.5), BackendBench.ms(latencies, 0.99), BackendBench.ms(latencies, 1.0), exMin,
                exMax));
    }

    private void noop() throws IOException {
        long t0 = System.nanoTime();
        settled = 0;
        failed = 0;
        for (Conn c : conns) {
            if (c.state == State.IDLING) {
                c.state = State.DONE;
                send(c, "DONE\r\nn NOOP\r\n");
            } else {
                c.state = State.NOOP;
                send(c, "n NOOP\r\n");
            }
        }
        long limit = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (settled + failed < conns.size() && System.nanoTime() < limit) {
            loop(1000);
        }
        int silent = conns.size() - settled - failed;
        say(String.format(Locale.ROOT, "NOOP %d %d %.1f%s", settled, conns.size(), (System.nanoTime() - t0) / 1e9,
                firstFailure != null ? " first failure: " + firstFailure
                        : silent > 0 ? " " + silent + " connections did not answer within 5 minutes" : ""));
    }

    private int close() {
        int n = 0;
        for (Conn c : conns) {
            if (c.channel != null) {
                try {
                    c.channel.close();
                    n++;
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ the selector loop

    private void connect(Conn c) throws IOException {
        busy++;
        c.started = System.nanoTime();
        c.channel = SocketChannel.open();
        c.channel.configureBlocking(false);
        c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (c.channel.connect(server)) {
            c.state = State.GREETING;
            c.key = c.channel.register(selector, SelectionKey.OP_READ, c);
        } else {
            c.key = c.channel.register(selector, SelectionKey.OP_CONNECT, c);
        }
    }

    private void loop(long timeoutMillis) {
        try {
            selector.select(timeoutMillis);
        } catch (IOException e) {
            throw new IllegalStateException("select: " + e, e);
        }
        for (SelectionKey k : selector.selectedKeys()) {
            Conn c = (Conn) k.attachment();
            try {
                if (k.isValid() && k.isConnectable()) {
                    c.channel.finishConnect();
                    c.state = State.GREETING;
                    k.interestOps(SelectionKey.OP_READ);
                }
                if (k.isValid() && k.isWritable()) {
                    flush(c);
                }
                if (k.isValid() && k.isReadable()) {
                    read(c);
                }
            } catch (IOException | RuntimeException e) {
                fail(c, e.toString());
            }
        }
        selector.selectedKeys().clear();
    }

    private void read(Conn c) throws IOException {
        readBuffer.clear();
        int n = c.channel.read(readBuffer);
        if (n < 0) {
            fail(c, "connection closed by the server in state " + c.state);
            return;
        }
        readBuffer.flip();
        while (readBuffer.hasRemaining() && c.state != State.FAILED) {
            if (c.literal > 0) {
                int skip = (int) Math.min(c.literal, readBuffer.remaining());
                readBuffer.position(readBuffer.position() + skip);
                c.literal -= skip;
                continue;
            }
            int start = readBuffer.position();
            int end = -1;
            for (int i = start; i < readBuffer.limit(); i++) {
                if (readBuffer.get(i) == '\n') {
                    end = i;
                    break;
                }
            }
            int len = (end < 0 ? readBuffer.limit() : end) - start;
            if (c.partialLength + len > MAX_LINE) {
                fail(c, "response line longer than " + MAX_LINE + " octets");
                return;
            }
            if (c.partial == null || c.partial.length < c.partialLength + len) {
                c.partial = Arrays.copyOf(c.partial == null ? new byte[Math.max(256, len)] : c.partial,
                        Math.max(256, 2 * (c.partialLength + len)));
            }
            readBuffer.get(c.partial, c.partialLength, len);
            c.partialLength += len;
            if (end < 0) {
                return; // the rest of the line comes with a later read
            }
            readBuffer.get(); // the LF
            int l = c.partialLength;
            if (l > 0 && c.partial[l - 1] == '\r') {
                l--;
            }
            String line = new String(c.partial, 0, l, StandardCharsets.ISO_8859_1);
            c.partialLength = 0;
            c.partial = null; // an idle connection keeps no buffer
            c.literal = literalAtEnd(line);
            line(c, line);
        }
    }

    /** One response line, in the connection's state. */
    private void line(Conn c, String line) throws IOException {
        switch (c.state) {
            case GREETING -> {
                if (!line.startsWith("* OK")) {
                    fail(c, "greeting: " + line);
                    return;
                }
                c.state = State.LOGIN;
                send(c, "l LOGIN " + ImapConn.quote(c.user) + " " + ImapConn.quote(c.user + "-pw") + "\r\n");
            }
            case LOGIN -> {
                if (tagged(c, line, "l")) {
                    if (select) {
                        c.state = State.SELECT;
                        send(c, "s SELECT INBOX\r\n");
                    } else {
                        next(c);
                    }
                }
            }
            case SELECT -> {
                String[] w = line.split(" ");
                if (w.length >= 3 && w[0].equals("*") && w[2].equalsIgnoreCase("EXISTS")) {
                    c.exists = Long.parseLong(w[1]);
                }
                if (tagged(c, line, "s")) {
                    next(c);
                }
            }
            case IDLE -> {
                if (line.startsWith("+")) {
                    c.state = State.IDLING;
                    settle(c);
                } else {
                    tagged(c, line, "i"); // anything but an untagged response fails it
                }
            }
            case DONE -> {
                if (tagged(c, line, "i")) {
                    c.state = State.NOOP;
                }
            }
            case NOOP -> {
                if (tagged(c, line, "n")) {
                    c.state = State.SETTLED;
                    settled++;
                }
            }
            default -> {
                // untagged responses while idling or settled (EXISTS, EXPUNGE ...): nothing to do
            }
        }
    }

    private void next(Conn c) throws IOException {
        if (idle) {
            c.state = State.IDLE;
            send(c, "i IDLE\r\n");
        } else {
            c.state = State.SETTLED;
            settle(c);
        }
    }

    private void settle(Conn c) {
        busy--;
        settled++;
        c.started = System.nanoTime() - c.started;
    }

    /** Whether {@code line} is the tagged OK of {@code tag}; a tagged NO or BAD, or a stray tag, fails the connection. */
    private boolean tagged(Conn c, String line, String tag) {
        if (line.startsWith("* ") || line.startsWith("+")) {
            return false;
        }
        if (line.startsWith(tag + " OK")) {
            return true;
        }
        fail(c, c.user + " in " + c.state + ": " + line);
        return false;
    }

    private void fail(Conn c, String why) {
        if (c.state == State.FAILED) {
            return;
        }
        if (c.state.ordinal() < State.IDLING.ordinal()) {
            busy--;
        }
        c.state = State.FAILED;
        failed++;
        if (firstFailure == null) {
            firstFailure = "connection " + (c.index + 1) + " (" + c.user + "): " + why;
        }
        if (c.key != null) {
            c.key.cancel();
        }
    }

    private void send(Conn c, String command) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(command.getBytes(StandardCharsets.UTF_8));
        if (c.pending != null) {
            ByteBuffer all = ByteBuffer.allocate(c.pending.remaining() + b.remaining());
            all.put(c.pending).put(b).flip();
            b = all;
        }
        c.pending = b;
        flush(c);
    }

    private void flush(Conn c) throws IOException {
        c.channel.write(c.pending);
        if (c.pending.hasRemaining()) {
            c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        } else {
            c.pending = null;
            c.key.interestOps(SelectionKey.OP_READ);
        }
    }

    /** {@code n} when the line ends with a literal's {@code {n}} or {@code {n+}}, else 0. */
    private static long literalAtEnd(String line) {
        if (!line.endsWith("}")) {
            return 0;
        }
        int open = line.lastIndexOf('{');
        String n = line.substring(open + 1, line.length() - 1).replace("+", "");
        return open < 0 || n.isEmpty() || !n.chars().allMatch(Character::isDigit) ? 0 : Long.parseLong(n);
    }
}
