package org.murder.protocol.imap.message;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a raw message line by line (a line ends with LF, or at the end of input) and knows where it is: every
 * {@link Line} has its absolute offset, its length, its terminator (LF, CRLF, or none at the end) and the LF count
 * before it. Only the first {@code keep} bytes of a line are kept, so a long line costs no memory.
 */
final class LineReader {

    /** One line, reused from call to call. */
    static final class Line {
        long start;
        long length;
        /** 0 at the end of input, 1 for LF, 2 for CRLF. */
        int terminator;
        /** LF bytes before this line. */
        long lineFeedsBefore;
        byte[] bytes = new byte[256];
        /** How many of the line's first bytes {@link #bytes} holds. */
        int kept;

        long end() {
            return start + length;
        }

        /** True when the whole line is in {@link #bytes}. */
        boolean whole() {
            return kept == length;
        }

        /** mime4j's blank line test: empty once one LF and one CR before it are taken off. */
        boolean blank() {
            if (length > 2 || !whole()) {
                return false;
            }
            int len = kept;
            if (len > 0 && bytes[len - 1] == '\n') {
                len--;
            }
            if (len > 0 && bytes[len - 1] == '\r') {
                len--;
            }
            return len == 0;
        }

        private void keep(byte[] src, int from, int count, int limit) {
            int n = Math.min(count, limit - kept);
            if (n <= 0) {
                return;
            }
            if (kept + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(kept + n, bytes.length * 2));
            }
            System.arraycopy(src, from, bytes, kept, n);
            kept += n;
        }
    }

    private final InputStream in;
    private final byte[] buffer = new byte[16 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private long position;
    private long lineFeeds;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** Offset of the next unread byte. */
    long position() {
        return position;
    }

    /** LF bytes read so far. */
    long lineFeeds() {
        return lineFeeds;
    }

    /** Reads the next line into {@code line}, keeping at most {@code keep} bytes; false at the end of input. */
    boolean next(Line line, int keep) throws IOException {
        line.start = position;
        line.length = 0;
        line.kept = 0;
        line.terminator = 0;
        line.lineFeedsBefore = lineFeeds;
        int last = -1;
        while (true) {
            if (pos == limit && !fill()) {
                return line.length > 0;
            }
            int i = pos;
            while (i < limit && buffer[i] != '\n') {
                i++;
            }
            boolean found = i < limit;
            int end = found ? i + 1 : i;
            int n = end - pos;
            line.keep(buffer, pos, n, keep);
            if (found) {
                int beforeLf = i > pos ? buffer[i - 1] : last;
                line.terminator = beforeLf == '\r' ? 2 : 1;
            } else if (n > 0) {
                last = buffer[end - 1];
            }
            line.length += n;
            position += n;
            pos = end;
            if (found) {
                lineFeeds++;
                return true;
            }
        }
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n;
        do {
            n = in.read(buffer, 0, buffer.length);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }
}
