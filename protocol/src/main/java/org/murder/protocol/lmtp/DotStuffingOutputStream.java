package org.murder.protocol.lmtp;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Client side of DATA: writes a message as it must travel (RFC 5321 §4.5.2), the inverse of
 * {@link LmtpDecoder}'s DATA mode. A dot opening a line is doubled, a bare LF becomes CRLF, and
 * {@link #finish()} ends the last line if the message did not and sends {@code .CRLF}. A bare CR (not followed by
 * LF) is data, as it is for the decoder; one at the very end of the message is taken as the last line's end.
 *
 * <p>{@link #close()} finishes and flushes but leaves the underlying stream (the connection) open.
 */
public final class DotStuffingOutputStream extends FilterOutputStream {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] END = {'.', '\r', '\n'};

    private boolean lineStart = true;
    private boolean pendingCr;
    private boolean finished;

    public DotStuffingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (finished) {
            throw new IOException("message already finished");
        }
        if (pendingCr) {
            pendingCr = false;
            if (b == '\n') {
                out.write(CRLF);
                lineStart = true;
                return;
            }
            out.write('\r');
            lineStart = false;
        }
        if (b == '\r') {
            pendingCr = true;
        } else if (b == '\n') {
            out.write(CRLF);
            lineStart = true;
        } else {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = false;
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    /** Ends the message: the last line's CRLF if it is missing, then {@code .CRLF}. Idempotent. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        if (pendingCr || !lineStart) {
            out.write(CRLF);
        }
        out.write(END);
        finished = true;
        pendingCr = false;
        lineStart = true;
    }

    @Override
    public void close() throws IOException {
        finish();
        out.flush();
    }
}
