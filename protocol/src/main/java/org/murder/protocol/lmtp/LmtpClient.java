package org.murder.protocol.lmtp;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
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

/**
 * A small blocking LMTP client (tests, benchmarks, a frontend's LMTP proxy to a backend). It sends what Cyrus's
 * own LMTP client sends ({@code LHLO}, {@code AUTH PLAIN} with an initial response, {@code MAIL FROM:<...>},
 * ...), streams the message dot-stuffed, and reads one reply per accepted recipient after DATA. When the server
 * offers PIPELINING, {@link #deliver} sends MAIL and every RCPT in one write (RFC 2920) and then reads their
 * replies. Replies are values, whatever their code; only a broken connection or a reply that is no reply is an
 * {@link IOException}. Not thread-safe.
 */
public final class LmtpClient implements AutoCloseable {

    /** DATA's reply and, when it was {@code 354}, one reply per recipient accepted since MAIL. */
    public record DataReplies(LmtpReply data, List<LmtpReply> perRecipient) {
        public DataReplies {
            Objects.requireNonNull(data, "data");
            perRecipient = List.copyOf(perRecipient);
        }
    }

    /**
     * One whole transaction.
     *
     * @param mail       MAIL's reply
     * @param recipients each RCPT's reply, in order (none when MAIL was refused and, without pipelining, no
     *                   RCPT was sent)
     * @param data       DATA's reply, when DATA was sent (at least one recipient accepted)
     * @param outcomes   one final reply per recipient, in order: its DATA reply when delivered or refused after
     *                   DATA, else the reply that stopped it (MAIL's, its RCPT's, or DATA's own)
     */
    public record Delivery(LmtpReply mail, List<LmtpReply> recipients, Optional<LmtpReply> data,
                           List<LmtpReply> outcomes) {
        public Delivery {
            Objects.requireNonNull(mail, "mail");
            recipients = List.copyOf(recipients);
            Objects.requireNonNull(data, "data");
            outcomes = List.copyOf(outcomes);
        }
    }

    private static final int MAX_REPLY_LINE = 64 * 1024;

    private final String host;
    private final int port;
    private final Duration timeout;
    private final SSLSocketFactory tlsFactory;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final LmtpDecoder decoder = new LmtpDecoder(MAX_REPLY_LINE, 0);
    private final LmtpReplyParser replyParser = new LmtpReplyParser();
    private final Deque<String> lines = new ArrayDeque<>();
    private final byte[] readBuffer = new byte[8192];
    private boolean lineTooLong;
    private LmtpReply greeting;
    private List<String> capabilities = List.of();
    private int acceptedRecipients;

    public LmtpClient(String host, int port, Duration timeout) throws IOException {
        this(host, port, timeout, null);
    }

    /** @param tlsFactory used by {@link #startTls()}; may be null when STARTTLS is not wanted */
    public LmtpClient(String host, int port, Duration timeout, SSLSocketFactory tlsFactory) throws IOException {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.tlsFactory = tlsFactory;
        // Nagle off: one write per command group and per message; Nagle only adds capture g's ~40 ms
        useSocket(ClientSockets.connect(host, port, timeout));
    }

    /** The {@code 220} greeting (or the refusal a busy server sends instead); read once and remembered. */
    public LmtpReply greeting() throws IOException {
        if (greeting == null) {
            greeting = readReply();
        }
        return greeting;
    }

    /** LHLO; on success the capabilities (the lines after the host line) are remembered. */
    public LmtpReply lhlo(String domain) throws IOException {
        greeting();
        LmtpReply reply = run(new LmtpCommand.Lhlo(domain));
        capabilities = reply.positive() ? reply.lines().subList(1, reply.lines().size()) : List.of();
        return reply;
    }

    /** The capability lines of the last successful LHLO, e.g. {@code SIZE 10485760}, {@code AUTH PLAIN LOGIN}. */
    public List<String> capabilities() {
        return capabilities;
    }

    /** Whether the last LHLO offered {@code keyword} (case-insensitive, the first word of a capability line). */
    public boolean offers(String keyword) {
        return capabilities.stream().anyMatch(c -> c.split(" ", 2)[0].equalsIgnoreCase(keyword));
    }

    /** The mechanisms of the {@code AUTH} capability. */
    public List<String> authMechanisms() {
        for (String c : capabilities) {
            String[] words = c.split(" +");
            if (words[0].equalsIgnoreCase("AUTH")) {
                return List.of(words).subList(1, words.length);
            }
        }
        return List.of();
    }

    /** AUTH PLAIN with the credentials as initial response, as Cyrus's lmtpproxyd sends it. */
    public LmtpReply authPlain(String user, String password) throws IOException {
        return authPlain("", user, password);
    }

    /** AUTH PLAIN acting as {@code authzid} (proxy authorization); an empty authzid means none. */
    public LmtpReply authPlain(String authzid, String user, String password) throws IOException {
        return auth(new SaslClientExchange(List.of("PLAIN"), user, password.toCharArray(), authzid));
    }

    /**
     * AUTH with the strongest mechanism the last LHLO offered that we use (SCRAM before PLAIN, LOGIN only without
     * an authzid), as {@code authcid} acting as {@code authzid} (empty: as itself).
     *
     * @throws SaslException when no mechanism is in common, or as {@link #auth(SaslClientExchange)}
     */
    public LmtpReply auth(String authcid, String password, String authzid) throws IOException {
        return auth(new SaslClientExchange(authMechanisms(), authcid, password.toCharArray(), authzid));
    }

    /**
     * AUTH driven by {@code exchange}, with its initial response (RFC 4954). The final reply is returned whatever
     * its code; a {@code 235} only once the exchange is done, SCRAM's server signature included.
     *
     * @throws SaslException when our side ends the exchange: a challenge we cannot answer, a server signature that
     *                       does not verify (we cancel with {@code *} first), or a {@code 235} from a server that
     *                       has not proven itself (do not use the connection)
     */
    public LmtpReply auth(SaslClientExchange exchange) throws IOException {
        LmtpReply reply = run(new LmtpCommand.Auth(exchange.mechanism(), exchange.initialResponse()));
        while (reply.code() == 334) {
            SaslClientExchange.Step step = exchange.step(reply.text());
            if (step instanceof SaslClientExchange.Failed failed) {
                send("*\r\n".getBytes(StandardCharsets.US_ASCII));
                throw new SaslException(failed.reason() + "; cancelled, the server answered " + readReply());
            }
            send((((SaslClientExchange.Respond) step).base64() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            reply = readReply();
        }
        if (reply.positive() && exchange.success(Optional.empty()) instanceof SaslClientExchange.Failed failed) {
            throw new SaslException(failed.reason() + " (the server said " + reply + ")");
        }
        return reply;
    }

    /** STARTTLS with the factory given to the constructor. */
    public LmtpReply startTls() throws IOException {
        if (tlsFactory == null) {
            throw new IllegalStateException("no SSLSocketFactory was given to the constructor");
        }
        return startTls(tlsFactory);
    }

    /**
     * STARTTLS and the TLS handshake. The server's certificate must match the host name given to the
     * constructor unless the factory's sockets already say otherwise. The capabilities are forgotten: send LHLO
     * again (RFC 3207 §4.2).
     *
     * @throws IOException when the server refuses (a client that asked for TLS must not go on in the clear)
     */
    public LmtpReply startTls(SSLSocketFactory factory) throws IOException {
        LmtpReply reply = run(new LmtpCommand.StartTls());
        if (reply.code() != 220) {
            throw new IOException("STARTTLS refused by " + host + ":" + port + ": " + reply);
        }
        SSLSocket tls = ClientSockets.startTls(socket, factory, host, port, timeout);
        decoder.reset();
        lines.clear();
        capabilities = List.of();
        useSocket(tls);
        return reply;
    }

    public LmtpReply mail(LmtpCommand.Mail mail) throws IOException {
        acceptedRecipients = 0;
        return run(mail);
    }

    public LmtpReply rcpt(LmtpCommand.Rcpt rcpt) throws IOException {
        LmtpReply reply = run(rcpt);
        if (reply.positive()) {
            acceptedRecipients++;
        }
        return reply;
    }

    /**
     * DATA, then (on {@code 354}) the message from {@code message}, dot-stuffed and with CRLF line ends, then one
     * reply per recipient accepted since MAIL (LMTP, RFC 2033 §4.2). When reading {@code message} fails halfway,
     * the IOException leaves the connection in the middle of a message: close it.
     */
    public DataReplies data(InputStream message) throws IOException {
        LmtpReply data = run(new LmtpCommand.Data());
        if (data.code() != 354) {
            return new DataReplies(data, List.of());
        }
        int expected = acceptedRecipients;
        acceptedRecipients = 0;
        DotStuffingOutputStream body = new DotStuffingOutputStream(out);
        message.transferTo(body);
        body.close();
        List<LmtpReply> replies = new ArrayList<>(expected);
        for (int i = 0; i < Math.max(1, expected); i++) {
            replies.add(readReply());
        }
        return new DataReplies(data, replies);
    }

    /**
     * MAIL, every RCPT, and DATA with the message when at least one recipient was accepted: pipelined when the
     * last LHLO offered PIPELINING, one command at a time otherwise.
     */
    public Delivery deliver(LmtpCommand.Mail mail, List<LmtpCommand.Rcpt> rcpts, InputStream message)
            throws IOException {
        if (rcpts.isEmpty()) {
            throw new IllegalArgumentException("a delivery needs at least one recipient");
        }
        greeting();
        LmtpReply mailReply;
        List<LmtpReply> rcptReplies = new ArrayList<>(rcpts.size());
        acceptedRecipients = 0;
        if (offers("PIPELINING")) {
            ByteArrayOutputStream group = new ByteArrayOutputStream();
            group.writeBytes(LmtpCommandEncoder.encode(mail));
            for (LmtpCommand.Rcpt rcpt : rcpts) {
                group.writeBytes(LmtpCommandEncoder.encode(rcpt));
            }
            send(group.toByteArray());
            mailReply = readReply();
            for (int i = 0; i < rcpts.size(); i++) {
                rcptReplies.add(readReply());
            }
        } else {
            mailReply = run(mail);
            if (mailReply.positive()) {
                for (LmtpCommand.Rcpt rcpt : rcpts) {
                    rcptReplies.add(run(rcpt));
                }
            }
        }
        List<LmtpReply> outcomes = new ArrayList<>(rcpts.size());
        if (!mailReply.positive()) {
            rcpts.forEach(r -> outcomes.add(mailReply));
            return new Delivery(mailReply, rcptReplies, Optional.empty(), outcomes);
        }
        acceptedRecipients = (int) rcptReplies.stream().filter(LmtpReply::positive).count();
        if (acceptedRecipients == 0) {
            return new Delivery(mailReply, rcptReplies, Optional.empty(), rcptReplies);
        }
        DataReplies data = data(message);
        int next = 0;
        for (LmtpReply rcptReply : rcptReplies) {
            if (!rcptReply.positive()) {
                outcomes.add(rcptReply);
            } else if (data.perRecipient().isEmpty()) {
                outcomes.add(data.data());
            } else {
                outcomes.add(data.perRecipient().get(next++));
            }
        }
        return new Delivery(mailReply, rcptReplies, Optional.of(data.data()), outcomes);
    }

    public LmtpReply rset() throws IOException {
        acceptedRecipients = 0;
        return run(new LmtpCommand.Rset());
    }

    public LmtpReply noop() throws IOException {
        return run(new LmtpCommand.Noop());
    }

    /** Any command line (without CRLF), for tests of a server's refusals. */
    public LmtpReply command(String rawLine) throws IOException {
        greeting();
        send((rawLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return readReply();
    }

    /** QUIT, then closes the connection. */
    public LmtpReply quit() throws IOException {
        try {
            return run(new LmtpCommand.Quit());
        } finally {
            close();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private LmtpReply run(LmtpCommand command) throws IOException {
        greeting();
        send(LmtpCommandEncoder.encode(command));
        return readReply();
    }

    private LmtpReply readReply() throws IOException {
        while (true) {
            while (lines.isEmpty()) {
                fill();
            }
            try {
                Optional<LmtpReply> reply = replyParser.line(lines.poll());
                if (reply.isPresent()) {
                    return reply.get();
                }
            } catch (LmtpProtocolException e) {
                throw new IOException("protocol error from " + host + ":" + port + ": " + e.getMessage(), e);
            }
        }
    }

    private void fill() throws IOException {
        int n = in.read(readBuffer);
        if (n < 0) {
            throw new EOFException("connection closed by " + host + ":" + port);
        }
        decoder.decode(ByteBuffer.wrap(readBuffer, 0, n), new LmtpSink() {
            @Override
            public void commandLine(String line) {
                lines.add(line);
            }

            @Override
            public void lineTooLong() {
                lineTooLong = true;
            }

            @Override
            public void messageChunk(byte[] bytes, int offset, int length) {
                throw new IllegalStateException("a client decoder never enters DATA");
            }

            @Override
            public void messageEnd(long size) {
                throw new IllegalStateException("a client decoder never enters DATA");
            }

            @Override
            public void messageTooLarge(long size) {
                throw new IllegalStateException("a client decoder never enters DATA");
            }
        });
        if (lineTooLong) {
            lineTooLong = false;
            throw new IOException("reply line from " + host + ":" + port + " longer than " + MAX_REPLY_LINE
                    + " octets");
        }
    }

    private void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private void useSocket(Socket s) throws IOException {
        socket = s;
        in = s.getInputStream();
        out = new BufferedOutputStream(s.getOutputStream(), 16 * 1024);
    }
}
