package org.murder.lmtp.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.murder.protocol.lmtp.LmtpProtocolException;
import org.murder.protocol.lmtp.LmtpReply;
import org.murder.protocol.lmtp.LmtpReplyParser;

/**
 * A backend's replies from input split anywhere: lines (CRLF or a bare LF), gathered into replies by
 * {@link LmtpReplyParser}. Bounded: a line longer than {@link #MAX_LINE} is a protocol error, not a growing buffer.
 * Not thread-safe (one per connection, fed by that connection's handler calls, which come one at a time).
 */
final class ReplyReader {

    /** RFC 5321 §4.5.3.1.5 allows 512 octets a reply line; Cyrus's are shorter; leave room for odd peers. */
    static final int MAX_LINE = 8192;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final LmtpReplyParser parser = new LmtpReplyParser();

    /**
     * The replies completed by {@code input}.
     *
     * @throws LmtpProtocolException on a line that is no reply line, or one too long
     */
    List<LmtpReply> read(ByteBuffer input) {
        List<LmtpReply> replies = new ArrayList<>(1);
        while (input.hasRemaining()) {
            byte b = input.get();
            if (b == '\n') {
                int n = line.size();
                byte[] bytes = line.toByteArray();
                line.reset();
                if (n > 0 && bytes[n - 1] == '\r') {
                    n--;
                }
                parser.line(new String(bytes, 0, n, StandardCharsets.UTF_8)).ifPresent(replies::add);
            } else if (line.size() >= MAX_LINE) {
                throw new LmtpProtocolException("reply line longer than " + MAX_LINE + " bytes");
            } else {
                line.write(b);
            }
        }
        return replies;
    }
}
