package org.murder.protocol.imap.response;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Helpers over a response's {@link Segment}s: their length, and writing them out (for tests and small uses). */
public final class Segments {

    private Segments() {
    }

    public static long length(List<Segment> segments) {
        long total = 0;
        for (Segment s : segments) {
            total = Math.addExact(total, s.length());
        }
        return total;
    }

    /** Writes every segment to {@code out}, reading file regions as it goes (a region past the end of its file is an error). */
    public static void writeTo(List<Segment> segments, OutputStream out) throws IOException {
        for (Segment s : segments) {
            if (s instanceof Segment.Bytes b) {
                out.write(b.data());
            } else if (s instanceof Segment.FileRegion r) {
                try (FileChannel channel = FileChannel.open(r.file(), StandardOpenOption.READ)) {
                    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(64 * 1024, Math.max(1, r.length())));
                    long position = r.offset();
                    long remaining = r.length();
                    var sink = Channels.newChannel(out);
                    while (remaining > 0) {
                        buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
                        int n = channel.read(buffer, position);
                        if (n < 0) {
                            throw new IOException("file region beyond the end of " + r.file());
                        }
                        buffer.flip();
                        while (buffer.hasRemaining()) {
                            sink.write(buffer);
                        }
                        position += n;
                        remaining -= n;
                    }
                }
            }
        }
    }

    /** The whole response in one array: only for small responses and tests. */
    public static byte[] toByteArray(List<Segment> segments) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeTo(segments, out);
        return out.toByteArray();
    }
}
