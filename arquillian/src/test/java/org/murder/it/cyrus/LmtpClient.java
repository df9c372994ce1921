package org.murder.it.cyrus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A minimal blocking LMTP client (RFC 2033) for delivering test messages to a Cyrus backend or through a Cyrus
 * frontend's LMTP proxy. Cyrus refuses {@code MAIL FROM} on TCP without AUTH ({@code 430 Authentication
 * required}), so {@link #authPlain} first.
 */
public final class LmtpClient implements AutoCloseable {

    /** A (possibly multi-line) reply: the code of its last line and all its lines. */
    public record Reply(int code, List<String> lines) {
        public boolean positive() {
            return code >= 200 && code < 400;
        }

        @Override
        public String toString() {
            return String.join(" / ", lines);
        }
    }

    /** Outcome of one transaction: the RCPT replies and, after DATA, one reply per accepted recipient. */
    public record Delivery(Reply mailFrom, List<Reply> rcpt, Reply data, List<Reply> perRecipient) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Reply greeting;

    private LmtpClient(Socket s) throws IOException {
        this.socket = s;
        this.in = s.getInputStream();
        this.out = s.getOutputStream();
        this.greeting = readReply();
    }

    public static LmtpClient connect(String host, int port, Duration timeout) {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), (int) Math.min(timeout.toMillis(), 10_000));
            s.setSoTimeout((int) timeout.toMillis());
            return new LmtpClient(s);
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing
            }
            throw new UncheckedIOException("LMTP connect " + host + ":" + port, e);
        }
    }

    public Reply greeting() {
        return greeting;
    }

    public Reply lhlo(String name) {
        return command("LHLO " + name);
    }

    public Reply authPlain(String user, String password) {
        String ir = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        return command("AUTH PLAIN " + ir);
    }

    /** Sends one command line and reads its reply. */
    public Reply command(String line) {
        try {
            write(line + "\r\n");
            return readReply();
        } catch (IOException e) {
            throw new UncheckedIOException("LMTP " + line, e);
        }
    }

    /**
     * MAIL FROM, RCPT TO for each recipient, and (if any was accepted) DATA with {@code message} (lines are
     * normalised to CRLF and dot-stuffed; a final line break is optional), then one reply per accepted recipient.
     */
    public Delivery deliver(String from, List<String> recipients, String message) {
        Reply mail = command("MAIL FROM:<" + from + ">");
        List<Reply> rcpt = new ArrayList<>();
        int accepted = 0;
        if (mail.positive()) {
            for (String r : recipients) {
                Reply rr = command("RCPT TO:<" + r + ">");
                rcpt.add(rr);
                if (rr.positive()) {
                    accepted++;
                }
            }
        }
        if (accepted == 0) {
            if (mail.positive()) {
                command("RSET");
            }
            return new Delivery(mail, rcpt, null, List.of());
        }
        Reply data = command("DATA");
        List<Reply> per = new ArrayList<>();
        if (data.code() == 354) {
            try {
                StringBuilder b = new StringBuilder();
                // a final line break ends the last line; it does not start an empty one
                String text = message.replaceFirst("\r?\n$", "");
                for (String l : text.split("\r?\n", -1)) {
                    b.append(l.startsWith(".") ? "." + l : l).append("\r\n");
                }
                b.append(".\r\n");
                write(b.toString());
                for (int i = 0; i < accepted; i++) {
                    per.add(readReply());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("LMTP DATA", e);
            }
        }
        return new Delivery(mail, rcpt, data, per);
    }

    @Override
    public void close() {
        try {
            if (!socket.isClosed()) {
                socket.setSoTimeout(3000);
                write("QUIT\r\n");
                readReply();
            }
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing
            }
        }
    }

    private void write(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private Reply readReply() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String l = readLine();
            if (l == null) {
                throw new IOException("connection closed; so far " + lines);
            }
            lines.add(l);
            if (l.length() < 4 || l.charAt(3) != '-') {
                int code = l.length() >= 3 && l.substring(0, 3).chars().allMatch(Character::isDigit)
                        ? Integer.parseInt(l.substring(0, 3)) : -1;
                return new Reply(code, List.copyOf(lines));
            }
        }
        throw new IOException("reply too long");
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.write(c);
        }
        if (c < 0 && b.size() == 0) {
            return null;
        }
        String s = b.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
