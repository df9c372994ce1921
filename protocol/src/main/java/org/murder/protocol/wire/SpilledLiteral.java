package org.murder.protocol.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A literal's payload that {@link FrameDecoder} wrote to a file instead of keeping it in the frame (see
 * {@link LiteralSpill}). The file is shared by whoever holds a reference: the transport holds the first one while the
 * command is handled, and anyone who needs the file afterwards (a proxy still sending it to a backend) takes its own
 * with {@link #retain()} and gives it back with {@link #release()}. The last release deletes the file; what a crash
 * leaves behind is deleted when the node starts ({@link LiteralSpill#deleteStale()}).
 *
 * <p>Identity matters (it owns a file), so this is a class, not a record; its contents never change once made.
 */
public final class SpilledLiteral {

    private final Path path;
    private final long length;
    private final boolean containsNul;
    private final AtomicInteger references = new AtomicInteger(1);

    SpilledLiteral(Path path, long length, boolean containsNul) {
        this.path = path;
        this.length = length;
        this.containsNul = containsNul;
    }

    /** Where the bytes are; valid while a reference is held. */
    public Path path() {
        return path;
    }

    public long length() {
        return length;
    }

    /** Whether a NUL byte is among the bytes, noted as they were written (so nobody reads the file to know). */
    public boolean containsNul() {
        return containsNul;
    }

    /** Reads the bytes from the start. */
    public InputStream openStream() throws IOException {
        return Files.newInputStream(path);
    }

    /**
     * Another holder of the file: it stays until this holder releases it too.
     *
     * @throws IllegalStateException if the file was already released for good (a holder that comes too late)
     */
    public SpilledLiteral retain() {
        int before = references.getAndUpdate(n -> n > 0 ? n + 1 : n);
        if (before <= 0) {
            throw new IllegalStateException("spilled literal already released: " + path);
        }
        return this;
    }

    /** Gives back one reference; the last one deletes the file. Extra calls do nothing. */
    public void release() {
        int after = references.updateAndGet(n -> n > 0 ? n - 1 : n);
        if (after == 0 && references.compareAndSet(0, -1)) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // nothing to tell the client; the file is only wasted space until the node next starts and deletes it
            }
        }
    }

    /** True once the last reference has gone (the file is deleted). */
    public boolean released() {
        return references.get() < 0;
    }

    @Override
    public String toString() {
        return "SpilledLiteral[" + length + " bytes at " + path + "]";
    }
}
