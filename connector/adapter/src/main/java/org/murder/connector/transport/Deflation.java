package org.murder.connector.transport;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * The sending half of RFC 4978 COMPRESS=DEFLATE: raw DEFLATE (RFC 1951, no zlib header), one stream for the
 * connection's life, each write sync-flushed so the peer can decode everything sent so far at once.
 * Not thread-safe: used under the connection's output lock.
 */
final class Deflation {

    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private byte[] out = new byte[8 * 1024];

    /** {@code plain}, compressed and flushed (consumed whole). */
    ByteBuffer compress(ByteBuffer plain) {
        deflater.setInput(plain);
        int length = 0;
        while (true) {
            int n = deflater.deflate(out, length, out.length - length, Deflater.SYNC_FLUSH);
            length += n;
            if (length < out.length && deflater.needsInput()) {
                break; // SYNC_FLUSH left room: everything given is out, flushed
            }
            out = java.util.Arrays.copyOf(out, out.length * 2);
        }
        ByteBuffer compressed = ByteBuffer.wrap(java.util.Arrays.copyOf(out, length));
        if (out.length > 64 * 1024) {
            out = new byte[8 * 1024]; // one large response does not pin a large buffer to an idle connection
        }
        return compressed;
    }

    void end() {
        deflater.end();
    }
}
