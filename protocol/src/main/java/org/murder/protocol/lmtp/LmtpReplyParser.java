package org.murder.protocol.lmtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Client side: gathers reply lines ({@code 250-...} continuations, then {@code 250 ...}) into one
 * {@link LmtpReply}. The enhanced status code is the one on the last line; the same code at the start of the
 * other lines is taken off too, so that Cyrus's replies (code on the last line only) and RFC 2034 replies (code
 * on every line) read alike. Not thread-safe: one per connection.
 */
public final class LmtpReplyParser {

    private final List<String> texts = new ArrayList<>();
    private int code = -1;

    /**
     * Takes one line (without CRLF).
     *
     * @return the reply when this was its last line
     * @throws LmtpProtocolException when the line is no reply line or changes code mid-reply; the partial
     *                               reply is dropped
     */
    public Optional<LmtpReply> line(String line) {
        if (line.length() < 3 || !isCode(line) || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
            reset();
            throw new LmtpProtocolException("not a reply line: " + LmtpReplies.safe(line));
        }
        int lineCode = Integer.parseInt(line.substring(0, 3));
        if (code >= 0 && lineCode != code) {
            reset();
            throw new LmtpProtocolException("reply code changed from " + code + " to " + lineCode + " mid-reply");
        }
        code = lineCode;
        texts.add(line.length() > 4 ? line.substring(4) : "");
        if (line.length() > 3 && line.charAt(3) == '-') {
            return Optional.empty();
        }
        LmtpReply reply = complete();
        reset();
        return Optional.of(reply);
    }

    /** True when no reply is half read. */
    public boolean idle() {
        return code < 0;
    }

    /** Parses the lines of exactly one reply. */
    public static LmtpReply parse(List<String> lines) {
        LmtpReplyParser parser = new LmtpReplyParser();
        for (int i = 0; i < lines.size(); i++) {
            Optional<LmtpReply> reply = parser.line(lines.get(i));
            if (reply.isPresent()) {
                if (i != lines.size() - 1) {
                    throw new LmtpProtocolException("lines after the end of the reply");
                }
                return reply.get();
            }
        }
        throw new LmtpProtocolException("reply does not end");
    }

    private LmtpReply complete() {
        Optional<String> enhanced = enhancedAtStart(texts.get(texts.size() - 1), code);
        List<String> lines = new ArrayList<>(texts.size());
        for (String text : texts) {
            if (enhanced.isPresent() && enhanced.equals(enhancedAtStart(text, code))) {
                text = text.substring(Math.min(text.length(), enhanced.get().length() + 1));
            }
            lines.add(text);
        }
        return new LmtpReply(code, enhanced, lines);
    }

    /** An enhanced status code of the reply's class opening {@code text}, followed by a space or nothing. */
    private static Optional<String> enhancedAtStart(String text, int code) {
        int end = text.indexOf(' ');
        String first = end < 0 ? text : text.substring(0, end);
        if (LmtpReply.isEnhancedStatus(first) && first.charAt(0) - '0' == code / 100) {
            return Optional.of(first);
        }
        return Optional.empty();
    }

    private static boolean isCode(String line) {
        return line.charAt(0) >= '2' && line.charAt(0) <= '5' && LmtpSyntax.isDigit(line.charAt(1))
                && LmtpSyntax.isDigit(line.charAt(2));
    }

    private void reset() {
        texts.clear();
        code = -1;
    }
}
