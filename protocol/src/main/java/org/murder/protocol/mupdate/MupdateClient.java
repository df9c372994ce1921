package org.murder.protocol.mupdate;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.security.sasl.SaslException;

import org.murder.protocol.sasl.SaslClientExchange;
import org.murder.protocol.wire.ClientSockets;
import org.murder.protocol.wire.FrameDecoder;
import org.murder.protocol.wire.FrameSink;

/**
 * A small blocking MUPDATE client (tests, benchmarks, a backend talking to its master). It sends what Cyrus's
 * own clients send: {@code A01} for AUTHENTICATE, {@code X0, X1, ...} for commands, {@code U01} for UPDATE,
 * {@code S01} for STARTTLS, {@code Q01} for LOGOUT, strings as {@code {n+}} literals. Not thread-safe.
 *
 * <p>While an UPDATE is streaming, responses carrying its tag are set aside for {@link #nextStreamed}; a
 * {@link #noop()} therefore acts as a barrier: everything streamed before its OK is waiting there.
 */
public final class MupdateClient implements AutoCloseable {

    /** The capabilities and greeting a server sends on connect (and again after STARTTLS). */
    public record Banner(List<MupdateResponse.Capability> capabilities, MupdateResponse.Greeting greeting) {
        public Banner {
            capabilities = List.copyOf(capabilities);
            Objects.requireNonNull(greeting, "greeting");
        }

        public boolean has(String capability) {
            return capabilities.stream().anyMatch(c -> c.name().equalsIgnoreCase(capability));
        }

        public List<String> authMechanisms() {
            return capabilities.stream().filter(c -> c.name().equals("AUTH")).findFirst()
                    .map(MupdateResponse.Capability::args).orElse(List.of());
        }
    }

    /** Data responses of one command and its tagged completion. */
    public record Reply(List<MupdateResponse> data, MupdateResponse.Completion completion) {
        public Reply {
            data = List.copyOf(data);
            Objects.requireNonNull(completion, "completion");
        }

        public boolean ok() {
            return completion.ok();
        }
    }

    private static final int MAX_LINE = 1 << 20;
    private static final int MAX_FRAME = 64 << 20;

    private final String host;
    private final int port;
    private final Duration timeout;
    private final SSLSocketFactory tlsFactory;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final FrameDecoder decoder = new FrameDecoder(MAX_LINE, MAX_FRAME, MAX_FRAME);
    private final Deque<byte[]> frames = new ArrayDeque<>();
    private final Deque<MupdateResponse> streamed = new ArrayDeque<>();
    private final byte[] readBuffer = new byte[16 * 1024];
    private String decodeError;
    private Banner banner;
    private String streamingTag;
    private int nextTag;

    public MupdateClient(String host, int port, Duration timeout) throws IOException {
        this(host, port, timeout, null);
    }

    /** @param tlsFactory used by {@link #startTls()}; may be null when STARTTLS is not wanted */
    public MupdateClient(String host, int port, Duration timeout, SSLSocketFactory tlsFactory) throws IOException {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.tlsFactory = tlsFactory;
        useSocket(ClientSockets.connect(host, port, timeout));
    }

    /** The banner: capabilities then {@code * OK MUPDATE}; read once and remembered. */
    public Banner greeting() throws IOException {
        if (banner == null) {
            banner = readBanner();
        }
        return banner;
    }

    /** PLAIN with the credentials as initial response, as {@code mupdatetest -m PLAIN} sends it. */
    public MupdateResponse.Completion authenticatePlain(String user, String password) throws IOException {
        return authenticatePlain("", user, password);
    }

    /** PLAIN acting as {@code authzid} (proxy authorization); an empty authzid means none. */
    public MupdateResponse.Completion authenticatePlain(String authzid, String user, String password)
            throws IOException {
        return authenticate(new SaslClientExchange(List.of("PLAIN"), user, password.toCharArray(), authzid));
    }

    /** LOGIN: the user name answers the first challenge, the password the second. */
    public MupdateResponse.Completion authenticateLogin(String user, String password) throws IOException {
        return authenticate(new SaslClientExchange(List.of("LOGIN"), user, password.toCharArray(), ""));
    }

    /**
     * The strongest mechanism the banner offers that we use (SCRAM before PLAIN, LOGIN only without an authzid),
     * as {@code authcid} acting as {@code authzid} (empty: as itself).
     *
     * @throws SaslException when no mechanism is in common, or as {@link #authenticate(SaslClientExchange)}
     */
    public MupdateResponse.Completion authenticate(String authcid, String password, String authzid) throws IOException {
        return authenticate(new SaslClientExchange(greeting().authMechanisms(), authcid, password.toCharArray(), authzid));
    }

    /**
     * AUTHENTICATE (tag {@code A01}) driven by {@code exchange}, with its initial response. The server's completion
     * is returned whatever its status ({@code NO} is a value); an {@code OK} only once the exchange is done, SCRAM's
     * server signature included.
     *
     * @throws SaslException when our side ends the exchange: a challenge we cannot answer, a server signature that
     *                       does not verify (we cancel with {@code *} first), or an {@code OK} from a server that
     *                       has not proven itself (do not use the connection)
     */
    public MupdateResponse.Completion authenticate(SaslClientExchange exchange) throws IOException {
        greeting();
        String tag = "A01";
        send(MupdateCommandEncoder.encode(new MupdateCommand.Authenticate(tag, exchange.mechanism(),
                exchange.initialResponse())));
        while (true) {
            MupdateResponse response = next();
            if (response instanceof MupdateResponse.SaslChallengeLine challenge) {
                // Cyrus's challenges are bare base64 lines, and so are the answers
                SaslClientExchange.Step step = exchange.step(challenge.base64());
                if (step instanceof SaslClientExchange.Failed failed) {
                    send("*\r\n".getBytes(StandardCharsets.US_ASCII));
                    MupdateResponse.Completion c = collect(tag).completion();
                    throw new SaslException(failed.reason() + "; cancelled, the server answered " + c.status() + " "
                            + c.text());
                }
                send((((SaslClientExchange.Respond) step).base64() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            } else if (response instanceof MupdateResponse.Completion c && c.tag().equals(tag)) {
                if (c.ok() && exchange.success(Optional.empty()) instanceof SaslClientExchange.Failed failed) {
                    throw new SaslException(failed.reason() + " (the server said OK)");
                }
                return c;
            } else if (response instanceof MupdateResponse.Bye bye) {
                throw new IOException("server said BYE during AUTHENTICATE: " + bye.text());
            }
        }
    }

    /** STARTTLS with the factory given to the constructor. */
    public Banner startTls() throws IOException {
        if (tlsFactory == null) {
            throw new IllegalStateException("no SSLSocketFactory was given to the constructor");
        }
        return startTls(tlsFactory);
    }

    /**
     * STARTTLS, the TLS handshake, then the banner the server sends again under TLS. The server's certificate
     * must match the host name given to the constructor unless the factory's sockets already say otherwise.
     */
    public Banner startTls(SSLSocketFactory factory) throws IOException {
        greeting();
        send(MupdateCommandEncoder.encode(new MupdateCommand.StartTls("S01")));
        Reply reply = collect("S01");
        if (!reply.ok()) {
            throw new IOException("STARTTLS refused: " + reply.completion().text());
        }
        // a master's certificate must name the master
        SSLSocket tls = ClientSockets.startTls(socket, factory, host, port, timeout);
        decoder.reset();
        frames.clear();
        useSocket(tls);
        banner = readBanner();
        return banner;
    }

    /**
     * Sends {@code tag + " " + raw + CRLF} with a fresh tag and returns every response up to and including
     * the tagged completion (or a BYE). Streamed UPDATE data is set aside for {@link #nextStreamed}.
     */
    public List<MupdateResponse> command(String rawCommandWithoutTagOrCrlf) throws IOException {
        String tag = newTag();
        send((tag + " " + rawCommandWithoutTagOrCrlf + "\r\n").getBytes(StandardCharsets.UTF_8));
        return collectRaw(tag);
    }

    public MupdateResponse.Completion activate(String mailbox, Location location, String acl) throws IOException {
        return run(new MupdateCommand.Activate(newTag(), mailbox, location, acl)).completion();
    }

    public MupdateResponse.Completion reserve(String mailbox, Location location) throws IOException {
        return run(new MupdateCommand.Reserve(newTag(), mailbox, location)).completion();
    }

    public MupdateResponse.Completion deactivate(String mailbox, Location location) throws IOException {
        return run(new MupdateCommand.Deactivate(newTag(), mailbox, location)).completion();
    }

    public MupdateResponse.Completion delete(String mailbox) throws IOException {
        return run(new MupdateCommand.Delete(newTag(), mailbox)).completion();
    }

    /** FIND: the data holds one MailboxData or ReserveData, or nothing when the mailbox is unknown. */
    public Reply find(String mailbox) throws IOException {
        return run(new MupdateCommand.Find(newTag(), mailbox));
    }

    public Reply list() throws IOException {
        return run(new MupdateCommand.ListMailboxes(newTag(), Optional.empty()));
    }

    /** LIST of the entries whose location starts with {@code locationPrefix}, e.g. {@code 127.0.0.11!}. */
    public Reply list(String locationPrefix) throws IOException {
        return run(new MupdateCommand.ListMailboxes(newTag(), Optional.of(locationPrefix)));
    }

    /**
     * UPDATE (tag {@code U01}, as Cyrus's slave): returns the initial dump and {@code OK "streaming starts"};
     * later changes arrive through {@link #nextStreamed}. An empty host list means every host.
     */
    public Reply startUpdate(List<String> hosts) throws IOException {
        String tag = "U01";
        Reply reply = run(new MupdateCommand.Update(tag, hosts));
        if (reply.ok()) {
            streamingTag = tag;
        }
        return reply;
    }

    /**
     * The next streamed response (MAILBOX, RESERVE, DELETE with the UPDATE tag, or a BYE).
     *
     * @throws SocketTimeoutException when nothing arrives within {@code timeout}; the client stays usable
     */
    public MupdateResponse nextStreamed(Duration timeout) throws IOException {
        if (!streamed.isEmpty()) {
            return streamed.poll();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (frames.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("no streamed update within " + timeout);
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
            try {
                fill();
            } finally {
                socket.setSoTimeout(ClientSockets.millis(this.timeout));
            }
        }
        return parseNext();
    }

    /** NOOP; while streaming it flushes the master's pending updates first (a barrier). */
    public MupdateResponse.Completion noop() throws IOException {
        return run(new MupdateCommand.Noop(newTag())).completion();
    }

    /** LOGOUT (tag {@code Q01}), then closes the connection. */
    public MupdateResponse.Completion logout() throws IOException {
        try {
            send(MupdateCommandEncoder.encode(new MupdateCommand.Logout("Q01")));
            return collect("Q01").completion();
        } finally {
            close();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private Reply run(MupdateCommand command) throws IOException {
        greeting();
        send(MupdateCommandEncoder.encode(command));
        return collect(command.tag());
    }

    private Reply collect(String tag) throws IOException {
        List<MupdateResponse> responses = collectRaw(tag);
        MupdateResponse last = responses.get(responses.size() - 1);
        if (last instanceof MupdateResponse.Bye bye) {
            throw new IOException("server said BYE: " + bye.text());
        }
        return new Reply(responses.subList(0, responses.size() - 1), (MupdateResponse.Completion) last);
    }

    private List<MupdateResponse> collectRaw(String tag) throws IOException {
        List<MupdateResponse> responses = new ArrayList<>();
        while (true) {
            MupdateResponse response = next();
            String responseTag = tagOf(response);
            if (streamingTag != null && !streamingTag.equals(tag) && streamingTag.equals(responseTag)) {
                streamed.add(response);
                continue;
            }
            responses.add(response);
            if (response instanceof MupdateResponse.Bye
                    || (response instanceof MupdateResponse.Completion && tag.equals(responseTag))) {
                return responses;
            }
        }
    }

    private Banner readBanner() throws IOException {
        List<MupdateResponse.Capability> capabilities = new ArrayList<>();
        while (true) {
            MupdateResponse response = next();
            if (response instanceof MupdateResponse.Capability c) {
                capabilities.add(c);
            } else if (response instanceof MupdateResponse.Greeting g) {
                return new Banner(capabilities, g);
            } else if (response instanceof MupdateResponse.Bye bye) {
                throw new IOException("server said BYE: " + bye.text());
            } else {
                throw new IOException("unexpected response in banner: " + response);
            }
        }
    }

    private MupdateResponse next() throws IOException {
        while (frames.isEmpty()) {
            fill();
        }
        return parseNext();
    }

    private MupdateResponse parseNext() throws IOException {
        try {
            return MupdateResponseParser.parse(frames.poll());
        } catch (MupdateProtocolException e) {
            throw new IOException("protocol error from " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private void fill() throws IOException {
        int n = in.read(readBuffer);
        if (n < 0) {
            throw new EOFException("connection closed by " + host + ":" + port);
        }
        decoder.decode(ByteBuffer.wrap(readBuffer, 0, n), new FrameSink() {
            @Override
            public void frame(byte[] frame) {
                frames.add(frame);
            }

            @Override
            public void continuationRequested() {
                // a server never sends synchronizing literals; nothing to answer
            }

            @Override
            public void frameTooLarge(String tagOrNull, String reason) {
                decodeError = reason;
            }
        });
        if (decodeError != null) {
            String reason = decodeError;
            decodeError = null;
            throw new IOException("response from " + host + ":" + port + " rejected: " + reason);
        }
    }

    private void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private String newTag() {
        return "X" + nextTag++;
    }

    private void useSocket(Socket s) throws IOException {
        socket = s;
        in = s.getInputStream();
        out = new BufferedOutputStream(s.getOutputStream());
    }

    private static String tagOf(MupdateResponse response) {
        if (response instanceof MupdateResponse.MailboxData m) {
            return m.tag();
        } else if (response instanceof MupdateResponse.ReserveData r) {
            return r.tag();
        } else if (response instanceof MupdateResponse.DeleteData d) {
            return d.tag();
        } else if (response instanceof MupdateResponse.Completion c) {
            return c.tag();
        }
        return null;
    }
}
