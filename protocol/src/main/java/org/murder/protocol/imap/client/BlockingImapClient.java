package org.murder.protocol.imap.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A plain, blocking IMAP client for one node talking to another outside any client's session: the destination
 * of a mailbox move reading its source (docs/moves.md), the source asking the destination to pull. One command at
 * a time; each answer is collected whole (bounded by {@link ImapResponseLimits}), which suits status, SEARCH, ACL
 * and FETCH answers of a batch of messages. Commands are written as text: {@link #string} quotes an argument.
 */
public final class BlockingImapClient implements AutoCloseable {

    /** A finished command: its tagged status and text, and the untagged responses it produced. */
    public record Answer(ImapResponseHead.Status status, Optional<ImapResponseHead.ResponseCode> code, String text,
                         List<ImapResponse> untagged) {
        public boolean ok() {
            return status == ImapResponseHead.Status.OK;
        }

        /** The untagged responses named {@code keyword} (FETCH, SEARCH, ACL ...). */
        public List<ImapResponse> named(String keyword) {
            return untagged.stream().filter(r -> r.head().untagged(keyword)).toList();
        }

        /** A status response code's arguments, tagged or untagged ({@code [UIDVALIDITY 42]} → "42"). */
        public Optional<String> code(String name) {
            if (code.isPresent() && code.get().name().equals(name)) {
                return Optional.of(code.get().arguments());
            }
            return untagged.stream().map(r -> r.head().code()).flatMap(Optional::stream)
                    .filter(c -> c.name().equals(name)).map(ImapResponseHead.ResponseCode::arguments).findFirst();
        }
    }

    /** The peer closed the connection, sent BYE, or broke the protocol. */
    public static final class ImapClientException extends IOException {
        public ImapClientException(String message) {
            super(message);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ImapResponseReader reader;
    private final List<ImapResponse> received = new ArrayList<>();
    private final byte[] buffer = new byte[65536];
    private final String peer;
    private int tags;

    private BlockingImapClient(Socket socket, ImapResponseLimits limits, String peer) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.peer = peer;
        this.reader = new ImapResponseReader(limits, new ImapResponseCollector(received::add));
    }

    /**
     * Connects and reads the greeting. {@code timeout} bounds the connect and every read (a command's whole answer
     * may take longer, as long as bytes keep coming).
     */
    public static BlockingImapClient connect(InetSocketAddress address, Duration timeout, ImapResponseLimits limits)
            throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address,
                    (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            BlockingImapClient c = new BlockingImapClient(s, limits, address.getHostString() + ":" + address.getPort());
            ImapResponse greeting = c.next();
            if (greeting.head().status().orElse(null) != ImapResponseHead.Status.OK) {
                throw new ImapClientException(c.peer + " greeted with " + greeting.head());
            }
            return c;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** host:port, for messages. */
    public String peer() {
        return peer;
    }

    /** Every read's bound from now on (a move's XPULL waits as long as the move). */
    public void readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /**
     * SASL PLAIN with an initial response (RFC 4959): {@code authcid} proves itself with {@code password} and acts as
     * {@code authzid} (empty: as itself), which the server allows to the identities in its {@code proxyservers}.
     */
    public Answer authenticatePlain(String authzid, String authcid, String password) throws IOException {
        byte[] plain = (authzid + "\0" + authcid + "\0" + password).getBytes(StandardCharsets.UTF_8);
        return command("AUTHENTICATE PLAIN " + Base64.getEncoder().encodeToString(plain));
    }

    /** Sends {@code text} (a command without its tag) and collects everything up to its tagged answer. */
    public Answer command(String text) throws IOException {
        String tag = "m" + (++tags);
        out.write((tag + " " + text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        List<ImapResponse> untagged = new ArrayList<>();
        while (true) {
            ImapResponse r = next();
            ImapResponseHead h = r.head();
            if (h.tagged() && h.tag().orElse("").equals(tag)) {
                return new Answer(h.status().orElseThrow(), h.code(), h.text(), untagged);
            }
            if (h.continuation()) {
                throw new ImapClientException(peer + " asked for more of " + firstWord(text) + ": " + h.text());
            }
            if (h.status().orElse(null) == ImapResponseHead.Status.BYE) {
                throw new ImapClientException(peer + " said BYE: " + h.text());
            }
            untagged.add(r);
        }
    }

    private static String firstWord(String text) {
        int sp = text.indexOf(' ');
        return sp < 0 ? text : text.substring(0, sp);
    }

    private ImapResponse next() throws IOException {
        while (received.isEmpty()) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new ImapClientException(peer + " closed the connection");
            }
            try {
                reader.feed(buffer, 0, n);
            } catch (ImapResponseException e) {
                throw new ImapClientException(peer + ": " + e.getMessage());
            }
        }
        return received.remove(0);
    }

    /**
     * An IMAP string for {@code s}: quoted when it can be, else a non-synchronizing literal (LITERAL+, which our
     * backends and Cyrus offer).
     */
    public static String string(String s) {
        if (s.length() <= 1024 && s.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return "{" + s.getBytes(StandardCharsets.UTF_8).length + "+}\r\n" + s;
    }

    /** Logs out politely; closes the socket whatever happens. */
    @Override
    public void close() {
        try {
            socket.setSoTimeout(2000);
            command("LOGOUT");
        } catch (IOException | RuntimeException ignored) {
            // the socket goes anyway
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }
}
