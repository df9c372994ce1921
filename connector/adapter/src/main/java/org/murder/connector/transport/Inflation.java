package org.murder.connector.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The receiving half of RFC 4978 COMPRESS=DEFLATE: what arrives is inflated a chunk at a time and each chunk handed on
 * before the next is made, so however much a few compressed bytes expand to, no more than a chunk is held here (the
 * decoder after it bounds lines and literals). Not thread-safe: used under the connection's input lock.
 */
final class Inflation {

    private static final int CHUNK = 16 * 1024;

    private final Inflater inflater = new Inflater(true);
    private final byte[] chunk = new byte[CHUNK];

    /** Inflates all of {@code compressed}, passing the plain bytes on as they come. */
    void inflate(ByteBuffer compressed, Consumer<ByteBuffer> plain) throws IOException {
        inflater.setInput(compressed);
        try {
            while (true) {
                int n = inflater.inflate(chunk);
                if (n > 0) {
                    plain.accept(ByteBuffer.wrap(chunk, 0, n));
                    continue;
                }
                if (inflater.finished()) {
                    // a DEFLATE stream for the connection's life has no end: one that ends is not ours to read on
                    throw new IOException("the compressed stream ended");
                }
                if (inflater.needsDictionary()) {
                    throw new IOException("the compressed stream asks for a dictionary");
                }
                return; // all of it consumed: the rest of the stream comes with the next read
            }
        } catch (DataFormatException e) {
            throw new IOException("not a DEFLATE stream: " + e.getMessage(), e);
        } finally {
            compressed.position(compressed.limit());
        }
    }

    void end() {
        inflater.end();
    }
}
