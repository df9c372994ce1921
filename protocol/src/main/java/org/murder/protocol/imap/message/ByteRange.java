package org.murder.protocol.imap.message;

import java.nio.file.Path;

import org.murder.protocol.imap.response.Segment;

/** {@code length} bytes of the raw message from {@code offset}: what a FETCH section serves from the spool file. */
public record ByteRange(long offset, long length) {

    public ByteRange {
        if (offset < 0 || length < 0 || offset > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("invalid byte range " + offset + "+" + length);
        }
    }

    /** The range {@code [start, end)}. */
    public static ByteRange between(long start, long end) {
        return new ByteRange(start, end - start);
    }

    public long end() {
        return offset + length;
    }

    /**
     * A partial fetch {@code <origin.maxLength>} of this range (RFC 3501 §6.4.5): empty when {@code origin} is at or
     * past the end, else at most {@code maxLength} bytes from {@code origin}.
     */
    public ByteRange partial(long origin, long maxLength) {
        if (origin < 0 || maxLength < 0) {
            throw new IllegalArgumentException("invalid partial " + origin + "." + maxLength);
        }
        if (origin >= length) {
            return new ByteRange(end(), 0);
        }
        return new ByteRange(offset + origin, Math.min(maxLength, length - origin));
    }

    /** This range of {@code spoolFile}, for the transport to stream. */
    public Segment.FileRegion in(Path spoolFile) {
        return new Segment.FileRegion(spoolFile, offset, length);
    }
}
