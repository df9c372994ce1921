package org.murder.protocol.pop3;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental, bounded decoder of what a POP3 client sends: lines, each ended by CRLF or a bare LF. Partial input is
 * kept between calls, so a line may be split across reads at any byte. A line longer than the bound is skipped up to
 * its end and reported once ({@link Sink#lineTooLong()}); decoding goes on with the next line, so the session stays
 * in step with the client.
 *
 * <p>The bound here is that of the longest line the server reads at all, a SASL response included (RFC 5034 lifts
 * RFC 2449's 255 octets for those); the 255 octets of a command line are checked by {@link Pop3CommandParser}.
 * Memory is bounded by the line bound. Not thread-safe: one decoder per connection.
 */
public final class Pop3LineDecoder {

    /** Receives the decoded lines, in input order. */
    public interface Sink {

        /** One line without its line end, each octet as one ISO-8859-1 character. */
        void line(String line);

        /** A line went past the bound; it has been skipped up to and including its line end. */
        void lineTooLong();
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final int maxLineContent;
    private byte[] line = new byte[64];
    private int lineLen;
    private boolean discarding;

    /** @param maxLineOctets the longest line taken, line end included (counted as CRLF) */
    public Pop3LineDecoder(int maxLineOctets) {
        if (maxLineOctets < 3) {
            throw new IllegalArgumentException("a line bound must leave room for a line end");
        }
        this.maxLineContent = maxLineOctets - 2;
    }

    /** Consumes every remaining byte of {@code in}. */
    public void decode(ByteBuffer in, Sink sink) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (discarding) {
                if (b == LF) {
                    discarding = false;
                    sink.lineTooLong();
                }
                continue;
            }
            if (b == LF) {
                int end = lineLen > 0 && line[lineLen - 1] == CR ? lineLen - 1 : lineLen;
                String complete = new String(line, 0, end, StandardCharsets.ISO_8859_1);
                lineLen = 0;
                if (line.length > 4096) {
                    line = new byte[64]; // a long SASL line once does not keep its buffer for the session
                }
                sink.line(complete);
                continue;
            }
            // one byte beyond the bound is taken only if it is the CR of the coming CRLF
            if (lineLen >= maxLineContent && !(lineLen == maxLineContent && b == CR)) {
                lineLen = 0;
                discarding = true;
                continue;
            }
            if (lineLen == line.length) {
                line = Arrays.copyOf(line, Math.min(line.length * 2, maxLineContent + 1));
            }
            line[lineLen++] = b;
        }
    }

    /** True between two lines: nothing of a line is buffered. */
    public boolean idle() {
        return lineLen == 0 && !discarding;
    }

    /** Forgets a partial line (input pipelined before a TLS handshake). */
    public void reset() {
        lineLen = 0;
        discarding = false;
    }
}
