package org.murder.bench;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A minimal blocking IMAP client for the benchmark: one command at a time, tags {@code A1, A2, ...}, reads every
 * response up to the command's tagged completion. Literals ({@code {n}} / {@code {n+}} at a line's end) are read
 * as raw octets wherever they occur (FETCH bodies), counted, and stand as {@code {n}} in the kept text. Counts
 * every octet received, and the untagged {@code FETCH} responses, without keeping them unless asked. Not
 * thread-safe.
 */
final class ImapConn implements AutoCloseable {

    /** A command's outcome: {@code status} is OK, NO or BAD; {@code lines} only when asked to keep them. */
    record Reply(String status, String text, List<String> lines, int fetches, long bytes, long literalBytes) {
        boolean ok() {
            return "OK".equals(status);
        }

        /** {@code n} of the last {@code * n EXISTS}, or -1. */
        long exists() {
            long n = -1;
            for (String l : lines) {
                String[] w = l.split(" ");
                if (w.length >= 3 && w[0].equals("*") && w[2].equalsIgnoreCase("EXISTS")) {
                    n = Long.parseLong(w[1]);
                }
            }
            return n;
        }

        @Override
        public String toString() {
            return status + " " + text;
        }
    }

    private static final byte[] FETCH = " FETCH ".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String greeting;
    private byte[] line = new byte[512];
    private int lineLength;
    private long bytesRead;
    private int tagSeq;

    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;

    private ImapConn(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream(); // buffered here: BufferedInputStream.read() takes a lock per octet
        this.out = new BufferedOutputStream(socket.getOutputStream(), 8 * 1024);
        readLine();
        this.greeting = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
        if (!greeting.startsWith("* OK") && !greeting.startsWith("* PREAUTH")) {
            socket.close();
            throw new IOException("IMAP greeting: " + greeting);
        }
    }

    static ImapConn connect(String host, int port, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            return new ImapConn(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Connects and logs in; fails unless LOGIN says OK. */
    static ImapConn login(String host, int port, Duration timeout, String user, String password) throws IOException {
        ImapConn c = connect(host, port, timeout);
        try {
            Reply r = c.command("LOGIN " + quote(user) + " " + quote(password));
            if (!r.ok()) {
                throw new IOException("LOGIN " + user + ": " + r);
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    String greeting() {
        return greeting;
    }

    /** Octets received on this connection so far (greeting included). */
    long bytesRead() {
        return bytesRead;
    }

    /** Sends {@code command} with a fresh tag and reads up to its tagged completion, keeping untagged lines. */
    Reply command(String command) throws IOException {
        return command(command, true);
    }

    /**
     * Sends {@code command} with a fresh tag and reads up to its tagged completion; {@code keep}: whether to keep
     * the untagged responses' text (without literal contents) in the reply.
     */
    Reply command(String command, boolean keep) throws IOException {
        String tag = "A" + (++tagSeq);
        out.write((tag + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        long startBytes = bytesRead;
        long literalBytes = 0;
        int fetches = 0;
        List<String> lines = keep ? new ArrayList<>() : List.of();
        byte[] tagBytes = (tag + " ").getBytes(StandardCharsets.US_ASCII);
        while (true) {
            readLine();
            if (startsWith(tagBytes)) {
                String rest = new String(line, tagBytes.length, lineLength - tagBytes.length, StandardCharsets.ISO_8859_1);
                int sp = rest.indexOf(' ');
                String status = (sp < 0 ? rest : rest.substring(0, sp)).toUpperCase(Locale.ROOT);
                String text = sp < 0 ? "" : rest.substring(sp + 1);
                return new Reply(status, text, lines, fetches, bytesRead - startBytes, literalBytes);
            }
            if (lineLength > 0 && line[0] == '+') {
                throw new IOException("unexpected continuation request to " + command + ": " + text());
            }
            boolean isFetch = lineLength > 2 && line[0] == '*' && contains(FETCH);
            if (isFetch) {
                fetches++;
            }
            StringBuilder kept = keep ? new StringBuilder() : null;
            // a response may go on after one or more literals
            while (true) {
                long literal = literalAtEnd();
                if (kept != null) {
                    kept.append(text());
                }
                if (literal < 0) {
                    break;
                }
                readFully(literal);
                literalBytes += literal;
                readLine();
            }
            if (kept != null) {
                lines.add(kept.toString());
            }
        }
    }

    /**
     * Sends {@code IDLE} and reads up to its continuation {@code +}; returns the command's tag. The responses that
     * follow are read with {@link #readResponse} (by one thread at a time), and {@link #done} ends the IDLE.
     */
    String idle() throws IOException {
        String tag = "A" + (++tagSeq);
        out.write((tag + " IDLE\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] tagBytes = (tag + " ").getBytes(StandardCharsets.US_ASCII);
        while (true) {
            readResponse();
            if (lineLength > 0 && line[0] == '+') {
                return tag;
            }
            if (startsWith(tagBytes)) {
                throw new IOException("IDLE: " + text());
            }
        }
    }

    /** Reads one whole response (its literals skipped) and returns its text, literals standing as {n}. */
    String readResponse() throws IOException {
        readLine();
        StringBuilder b = new StringBuilder(text());
        long literal;
        while ((literal = literalAtEnd()) >= 0) {
            readFully(literal);
            readLine();
            b.append(text());
        }
        return b.toString();
    }

    /**
     * Ends an IDLE: sends {@code DONE} only (whoever reads the responses sees the tagged completion). Writing
     * while another thread reads is safe: this class's reading and writing share no state.
     */
    void done() throws IOException {
        out.write("DONE\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** LOGOUT: expects the tagged OK (after {@code * BYE}), then closes. */
    Reply logout() throws IOException {
        try {
            return command("LOGOUT", false);
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    // ------------------------------------------------------------------ reading

    /** Reads one line without its CRLF into {@link #line}. */
    private void readLine() throws IOException {
        lineLength = 0;
        while (true) {
            if (pos == limit && !fill()) {
                throw new EOFException("connection closed by the server"
                        + (lineLength > 0 ? " after: " + text() : ""));
            }
            byte b = buf[pos++];
            if (b == '\n') {
                if (lineLength > 0 && line[lineLength - 1] == '\r') {
                    lineLength--;
                }
                return;
            }
            if (lineLength == line.length) {
                if (line.length >= 16 * 1024 * 1024) {
                    throw new IOException("response line longer than 16 MB");
                }
                line = java.util.Arrays.copyOf(line, line.length * 2);
            }
            line[lineLength++] = b;
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            return false;
        }
        pos = 0;
        limit = n;
        bytesRead += n;
        return true;
    }

    /** {@code n} when the current line ends with {@code {n}} or {@code {n+}}, else -1. */
    private long literalAtEnd() {
        int end = lineLength;
        if (end < 3 || line[end - 1] != '}') {
            return -1;
        }
        int i = end - 2;
        if (line[i] == '+') {
            i--;
        }
        long n = 0;
        long scale = 1;
        int digits = 0;
        while (i >= 0 && line[i] >= '0' && line[i] <= '9') {
            n += (line[i] - '0') * scale;
            scale *= 10;
            digits++;
            i--;
        }
        if (digits == 0 || digits > 12 || i < 0 || line[i] != '{') {
            return -1;
        }
        return n;
    }

    private void readFully(long n) throws IOException {
        long left = n;
        while (left > 0) {
            if (pos == limit && !fill()) {
                throw new EOFException("connection closed inside a literal");
            }
            int take = (int) Math.min(limit - pos, left);
            pos += take;
            left -= take;
        }
    }

    private boolean startsWith(byte[] prefix) {
        if (lineLength < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean contains(byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= lineLength; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (line[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private String text() {
        return new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
    }
}
