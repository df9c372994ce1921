package org.murder.protocol.imap.response;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One piece of a response as the transport sends it: bytes already in memory, or a region of a file (a message in
 * the spool) that the transport streams itself (e.g. with {@code FileChannel.transferTo}) so that a large body is
 * never copied into one big array.
 */
public sealed interface Segment permits Segment.Bytes, Segment.FileRegion {

    /** Number of bytes this segment puts on the wire. */
    long length();

    /** Bytes in memory. The array is owned by the segment: callers must not change it. */
    record Bytes(byte[] data) implements Segment {
        public Bytes {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public long length() {
            return data.length;
        }
    }

    /** {@code length} bytes of {@code file} from {@code offset}. */
    record FileRegion(Path file, long offset, long length) implements Segment {
        public FileRegion {
            Objects.requireNonNull(file, "file");
            if (offset < 0 || length < 0 || offset > Long.MAX_VALUE - length) {
                throw new IllegalArgumentException("invalid file region " + offset + "+" + length);
            }
        }
    }
}
