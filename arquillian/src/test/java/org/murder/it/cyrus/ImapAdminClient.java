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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately tiny, blocking IMAP client over a plain socket: enough to LOGIN as an admin and CREATE / DELETE /
 * SETACL mailboxes on a Cyrus backend (which needs {@code allowplaintext: yes}, set by the harness) and read the
 * tagged result. Literals in responses are read (and kept inline in the untagged lines); arguments are sent as
 * quoted strings, or as LITERAL+ literals when they contain characters a quoted string cannot carry.
 */
public final class ImapAdminClient implements AutoCloseable {

    /** A command's outcome: the tagged line split up, plus the untagged lines that came before it. */
    public record Result(String tag, String status, String text, List<String> untagged) {
        public boolean ok() {
            return "OK".equals(status);
        }

        @Override
        public String toString() {
            return tag + " " + status + " " + text + (untagged.isEmpty() ? "" : " " + untagged);
        }
    }

    private static final Pattern LITERAL_AT_END = Pattern.compile("\\{(\\d+)\\+?}$");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String greeting;
    private int tagCounter;
    private String loggedInAs;

    private ImapAdminClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.greeting = readResponseLine();
    }

    /** Connects and reads the greeting; every later read times out after {@code timeout}. */
    public static ImapAdminClient connect(String host, int port, Duration timeout) {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), (int) Math.min(timeout.toMillis(), 10_000));
            s.setSoTimeout((int) timeout.toMillis());
            ImapAdminClient c = new ImapAdminClient(s);
            if (c.greeting == null || !c.greeting.startsWith("* OK")) {
                s.close();
                throw new IllegalStateException("unexpected IMAP greeting from " + host + ":" + port + ": " + c.greeting);
            }
            return c;
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing
            }
            throw new UncheckedIOException("IMAP connect " + host + ":" + port, e);
        }
    }

    public String greeting() {
        return greeting;
    }

    public Result login(String user, String password) {
        Result r = command("LOGIN " + astring(user) + " " + astring(password));
        if (r.ok()) {
            loggedInAs = user;
        }
        return r;
    }

    /** The user of the last successful LOGIN, or {@code null}. */
    public String loggedInAs() {
        return loggedInAs;
    }

    public Result create(String mailbox) {
        return command("CREATE " + astring(mailbox));
    }

    /** {@code CREATE mailbox partition} (Cyrus' extension; on a frontend the second argument may be a server). */
    public Result create(String mailbox, String partition) {
        return command("CREATE " + astring(mailbox) + " " + astring(partition));
    }

    /** Plain DELETE. Note: on Cyrus 3.6 an admin gets {@code NO Permission denied} without the x right. */
    public Result delete(String mailbox) {
        return command("DELETE " + astring(mailbox));
    }

    /**
     * What an administrator has to do on Cyrus 3.6 to delete someone's mailbox (as {@code cyradm} users learn, and
     * as the captured transcript shows): {@code SETACL mailbox <me> +x}, then DELETE. Returns the SETACL result if
     * that fails, else the DELETE result.
     */
    public Result adminDelete(String mailbox) {
        if (loggedInAs == null) {
            throw new IllegalStateException("not logged in");
        }
        Result grant = setAcl(mailbox, loggedInAs, "+x");
        return grant.ok() ? delete(mailbox) : grant;
    }

    public Result rename(String from, String to) {
        return command("RENAME " + astring(from) + " " + astring(to));
    }

    public Result setAcl(String mailbox, String identifier, String rights) {
        return command("SETACL " + astring(mailbox) + " " + astring(identifier) + " " + astring(rights));
    }

    public Result deleteAcl(String mailbox, String identifier) {
        return command("DELETEACL " + astring(mailbox) + " " + astring(identifier));
    }

    public Result getAcl(String mailbox) {
        return command("GETACL " + astring(mailbox));
    }

    public Result list(String reference, String pattern) {
        return command("LIST " + astring(reference) + " " + astring(pattern));
    }

    public Result select(String mailbox) {
        return command("SELECT " + astring(mailbox));
    }

    public Result noop() {
        return command("NOOP");
    }

    /**
     * Sends {@code <tag> commandWithoutTag} (the text is sent verbatim; quote arguments yourself, e.g. with
     * {@link #astring}) and reads until the tagged completion.
     */
    public Result command(String commandWithoutTag) {
        String tag = String.format("h%03d", ++tagCounter);
        try {
            writeCommand(tag + " " + commandWithoutTag);
            List<String> untagged = new ArrayList<>();
            for (int i = 0; i < 1_000_000; i++) {
                String line = readResponseLine();
                if (line == null) {
                    throw new IOException("connection closed before " + tag + " completed; so far: " + untagged);
                }
                if (line.startsWith(tag + " ")) {
                    String rest = line.substring(tag.length() + 1);
                    int sp = rest.indexOf(' ');
                    String status = sp < 0 ? rest : rest.substring(0, sp);
                    String text = sp < 0 ? "" : rest.substring(sp + 1);
                    return new Result(tag, status.toUpperCase(), text, List.copyOf(untagged));
                }
                untagged.add(line);
            }
            throw new IOException("too many response lines for " + tag);
        } catch (IOException e) {
            throw new UncheckedIOException("IMAP " + tag + " " + redact(commandWithoutTag), e);
        }
    }

    /** LOGOUT (best effort) and close. */
    @Override
    public void close() {
        try {
            if (!socket.isClosed()) {
                socket.setSoTimeout(3000);
                writeCommand("z LOGOUT");
                for (int i = 0; i < 100; i++) {
                    String l = readResponseLine();
                    if (l == null || l.startsWith("z ")) {
                        break;
                    }
                }
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

    /** An IMAP astring for {@code s}: a quoted string, or a LITERAL+ literal for CR/LF/NUL/8-bit content. */
    public static String astring(String s) {
        boolean literal = s.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0 || c > 126);
        if (literal) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return "{" + b.length + "+}\r\n" + s;
        }
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private void writeCommand(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One logical response line; a literal {n} at its end is read and inlined, CRLF included. */
    private String readResponseLine() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int guard = 0; guard < 10_000; guard++) {
            String part = readRawLine();
            if (part == null) {
                return b.length() == 0 ? null : b.toString();
            }
            b.append(part);
            Matcher m = LITERAL_AT_END.matcher(part);
            if (!m.find()) {
                return b.toString();
            }
            int n = Integer.parseInt(m.group(1));
            byte[] lit = in.readNBytes(n);
            b.append("\r\n").append(new String(lit, StandardCharsets.UTF_8));
        }
        throw new IOException("response line too long");
    }

    private String readRawLine() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            buf.write(c);
        }
        if (c < 0 && buf.size() == 0) {
            return null;
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static String redact(String cmd) {
        return cmd.regionMatches(true, 0, "LOGIN ", 0, 6) ? "LOGIN ..." : cmd;
    }
}
