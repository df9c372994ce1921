package org.murder.protocol.pop3;

import java.io.ByteArrayOutputStream;

/**
 * Writes a message as the body of RETR's or TOP's multi-line response (RFC 1939 section 3), a buffer at a time as it
 * is read from its file: a dot opening a line is doubled, a bare LF becomes CRLF (a bare CR stays data), and
 * {@link #finish} ends an unfinished last line before the terminating {@code .CRLF}. For TOP it stops after the header,
 * the blank line that ends it, and the body's first {@code n} lines. Not thread-safe.
 */
public final class Pop3DotStuffer {

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    /** Body lines wanted, or -1 for all (RETR). */
    private final long bodyLines;
    private boolean lineStart = true;
    private boolean lineEmpty = true;
    private boolean pendingCr;
    private boolean inBody;
    private long bodyLinesWritten;
    private boolean done;
    private boolean finished;

    /** RETR: the whole message. */
    public static Pop3DotStuffer whole() {
        return new Pop3DotStuffer(-1);
    }

    /** TOP: the header and {@code lines} lines of the body. */
    public static Pop3DotStuffer top(long lines) {
        if (lines < 0) {
            throw new IllegalArgumentException("lines must not be negative");
        }
        return new Pop3DotStuffer(lines);
    }

    private Pop3DotStuffer(long bodyLines) {
        this.bodyLines = bodyLines;
    }

    /**
     * Writes {@code in[offset, offset + length)} to {@code out}, stuffed.
     *
     * @return false once TOP has what it wants: the rest of the message need not be read
     */
    public boolean write(byte[] in, int offset, int length, ByteArrayOutputStream out) {
        for (int i = offset; i < offset + length && !done; i++) {
            byte b = in[i];
            if (pendingCr) {
                pendingCr = false;
                if (b == LF) {
                    endLine(out);
                    continue;
                }
                out.write(CR);
                lineEmpty = false;
            }
            if (b == CR) {
                pendingCr = true;
            } else if (b == LF) {
                endLine(out);
            } else {
                if (lineStart && b == '.') {
                    out.write('.');
                }
                out.write(b);
                lineStart = false;
                lineEmpty = false;
            }
        }
        return !done;
    }

    private void endLine(ByteArrayOutputStream out) {
        out.write(CR);
        out.write(LF);
        if (inBody) {
            bodyLinesWritten++;
        } else if (lineEmpty) {
            inBody = true; // the blank line that ends the header
        }
        if (bodyLines >= 0 && inBody && bodyLinesWritten >= bodyLines) {
            done = true;
        }
        lineStart = true;
        lineEmpty = true;
    }

    /** Whether TOP has all it wants. */
    public boolean done() {
        return done;
    }

    /** Ends the last line if the message did not, then writes the terminating {@code .CRLF}. Once. */
    public void finish(ByteArrayOutputStream out) {
        if (finished) {
            throw new IllegalStateException("already finished");
        }
        finished = true;
        if (!done && (pendingCr || !lineStart)) {
            out.write(CR);
            out.write(LF); // a CR at the very end is taken as the last line's end
        }
        out.writeBytes(Pop3Responses.END);
    }
}
