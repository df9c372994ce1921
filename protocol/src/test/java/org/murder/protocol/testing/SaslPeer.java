package org.murder.protocol.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.murder.protocol.sasl.SaslExchange;

/**
 * A one-connection server that runs our {@link SaslExchange} for real, for the clients' SCRAM exchanges, whose
 * random nonces no script can know. Each protocol words it through a {@link Dialect}.
 */
public final class SaslPeer implements AutoCloseable {

    /**
     * @param auth      the AUTH/AUTHENTICATE line: group 1 the mechanism, group 2 the initial response or a
     *                  {@code {n+}} literal announcement (then the next line is the initial response)
     * @param challenge the line for a challenge (base64 in; a test may tamper with it)
     * @param outcome   the line for the exchange's Success or Failure
     * @param otherwise the reply to any other line (LHLO, LOGOUT…)
     */
    public record Dialect(String greeting, Pattern auth, UnaryOperator<String> challenge,
                          Function<SaslExchange.Step, String> outcome, UnaryOperator<String> otherwise) {
    }

    private final ServerSocket listener;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicReference<SaslExchange.Step> last = new AtomicReference<>();
    private final CountDownLatch done = new CountDownLatch(1);

    /** @param exchanges the server exchange for a mechanism name */
    public SaslPeer(Dialect dialect, Function<String, SaslExchange> exchanges) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(() -> run(dialect, exchanges), "sasl-peer");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Every line the client sent, literals included. */
    public List<String> received() {
        return received;
    }

    /** Waits for the client to close the connection; the server exchange's last step. */
    public SaslExchange.Step outcome() throws Exception {
        if (!done.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the client did not close the connection");
        }
        if (failure.get() != null) {
            throw new AssertionError("peer failed: " + failure.get(), failure.get());
        }
        return last.get();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    private void run(Dialect dialect, Function<String, SaslExchange> exchanges) {
        try (Socket socket = listener.accept()) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            write(out, dialect.greeting());
            String line;
            while ((line = read(in)) != null) {
                Matcher m = dialect.auth().matcher(line);
                if (!m.matches()) {
                    write(out, dialect.otherwise().apply(line));
                    continue;
                }
                SaslExchange exchange = exchanges.apply(m.group(1));
                Optional<String> initial = Optional.ofNullable(m.group(2));
                if (initial.isPresent() && initial.get().matches("\\{[0-9]+\\+}")) {
                    initial = Optional.of(read(in));
                }
                SaslExchange.Step step = exchange.start(initial);
                while (step instanceof SaslExchange.Challenge c) {
                    write(out, dialect.challenge().apply(c.base64()));
                    step = exchange.line(read(in));
                }
                last.set(step);
                write(out, dialect.outcome().apply(step));
            }
        } catch (Throwable t) {
            failure.set(t);
        } finally {
            done.countDown();
        }
    }

    private String read(BufferedReader in) throws IOException {
        String line = in.readLine();
        if (line != null) {
            received.add(line);
        }
        return line;
    }

    private static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
