package org.murder.protocol.lmtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.murder.protocol.testing.Transcripts;
import org.murder.protocol.testing.Transcripts.Connection;
import org.murder.protocol.testing.Transcripts.Direction;
import org.murder.protocol.testing.Transcripts.Line;

/**
 * The LMTP captures of {@code src/test/resources/cyrus-3.6/} and RFC 2033's example session, as connections, and
 * an independent reading of them: which client lines are commands and which a message, which server lines make
 * one reply.
 */
final class LmtpCaptures {

    static final List<String> FILES = List.of("e_lmtp_via_frontend.txt", "g_lmtp_proxy_latency_single_client.txt");

    /** RFC 2033 §4.2's example; "...etc. etc. etc." is a dot-stuffed body line. */
    static final Connection RFC_2033 = new Connection("RFC 2033", "example", List.of(
            s("220 foo.edu LMTP server ready"), c("LHLO foo.edu"),
            s("250-foo.edu"), s("250-PIPELINING"), s("250 SIZE"),
            c("MAIL FROM:<chris@bar.com>"), s("250 OK"),
            c("RCPT TO:<pat@foo.edu>"), s("250 OK"),
            c("RCPT TO:<jones@foo.edu>"), s("550 No such user here"),
            c("RCPT TO:<green@foo.edu>"), s("250 OK"),
            c("DATA"), s("354 Start mail input; end with <CRLF>.<CRLF>"),
            c("Blah blah blah..."), c("...etc. etc. etc."), c("."),
            s("250 OK"), s("452 <green@foo.edu> is temporarily over quota"),
            c("QUIT"), s("221 foo.edu closing connection")));

    private LmtpCaptures() {
    }

    /** Every captured connection, then RFC 2033's example. */
    static List<Connection> all() {
        List<Connection> all = new ArrayList<>();
        for (String file : FILES) {
            all.addAll(Transcripts.read(file));
        }
        all.add(RFC_2033);
        return all;
    }

    /**
     * The client's lines split into command lines and messages, independently of the decoder: after a line
     * that is DATA (any case) come message lines, wire form, up to the line {@code .}.
     */
    static List<ClientPart> clientParts(Connection connection) {
        List<ClientPart> parts = new ArrayList<>();
        List<String> message = null;
        for (String line : connection.lines(Direction.CLIENT)) {
            if (message == null) {
                parts.add(new Command(line));
                if (line.equalsIgnoreCase("DATA")) {
                    message = new ArrayList<>();
                }
            } else if (line.equals(".")) {
                parts.add(new Message(message, true));
                message = null;
            } else {
                message.add(line);
            }
        }
        if (message != null) {
            parts.add(new Message(message, false));
        }
        return parts;
    }

    sealed interface ClientPart {
    }

    record Command(String line) implements ClientPart {
    }

    /**
     * A message as its wire lines; {@code ended} when the capture has its final dot (g's last one is cut).
     */
    record Message(List<String> wireLines, boolean ended) implements ClientPart {

        /** The message as the server stores it: unstuffed, CRLF line ends. */
        String text() {
            StringBuilder sb = new StringBuilder();
            for (String line : wireLines) {
                sb.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
            }
            return sb.toString();
        }
    }

    /** The server's lines grouped into replies (continuation lines have a '-' after the code). */
    static List<List<String>> serverReplies(Connection connection) {
        List<List<String>> replies = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : connection.lines(Direction.SERVER)) {
            current.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                replies.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            throw new IllegalStateException("unterminated reply in " + connection);
        }
        return replies;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Line c(String text) {
        return new Line(Direction.CLIENT, text);
    }

    private static Line s(String text) {
        return new Line(Direction.SERVER, text);
    }
}
