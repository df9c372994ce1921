package org.murder.protocol.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Where {@link FrameDecoder} puts literals larger than {@link #threshold()}: each one goes to its own file in
 * {@link #directory()} as it arrives, so that a 50 MB APPEND costs the node a file, not 50 MB of heap per client. The
 * directory is made {@code 0700} and each file {@code 0600} (a message is private mail). Files are named
 * {@code literal-*.tmp} so that {@link #deleteStale()} can clear what a crashed node left without touching anything
 * else.
 *
 * <p>The decoder writes on the transport's selector thread: the data goes to the page cache, never fsynced (a literal
 * is not durable until the backend's spool makes it so), so a write costs about a memory copy.
 */
public final class LiteralSpill {

    /** Opens the channel a literal is written through; tests put in one that fails (a full disk). */
    @FunctionalInterface
    public interface Opener {
        WritableByteChannel create(Path file) throws IOException;
    }

    static final String PREFIX = "literal-";
    static final String SUFFIX = ".tmp";

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path directory;
    private final int threshold;
    private final Opener opener;

    /**
     * @param directory where the files go; made (with its parents) if missing, and set to {@code 0700}
     * @param threshold literals larger than this many bytes are spilled; smaller ones stay in the frame
     */
    public LiteralSpill(Path directory, int threshold) throws IOException {
        this(directory, threshold, LiteralSpill::openFile);
    }

    public LiteralSpill(Path directory, int threshold, Opener opener) throws IOException {
        if (threshold < 0) {
            throw new IllegalArgumentException("threshold must not be negative");
        }
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
        this.threshold = threshold;
        this.opener = Objects.requireNonNull(opener, "opener");
        if (POSIX) {
            Files.createDirectories(this.directory, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
            Files.setPosixFilePermissions(this.directory, DIRECTORY_MODE);
        } else {
            Files.createDirectories(this.directory);
        }
    }

    public Path directory() {
        return directory;
    }

    public int threshold() {
        return threshold;
    }

    /** Whether a literal of {@code size} bytes goes to a file. */
    public boolean spills(long size) {
        return size > threshold;
    }

    /**
     * Deletes every spill file in the directory: at start, none can be in use, so any there were left by a node that
     * stopped while it held them (a crash, a kill). Other files are left alone.
     *
     * @return how many were deleted
     */
    public int deleteStale() throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
            for (Path f : files) {
                if (Files.deleteIfExists(f)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** A new file for one literal. */
    Writer open() throws IOException {
        Path file = directory.resolve(PREFIX + UUID.randomUUID() + SUFFIX);
        return new Writer(file, opener.create(file));
    }

    private static WritableByteChannel openFile(Path file) throws IOException {
        FileAttribute<?>[] attrs = POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)}
                : new FileAttribute<?>[0];
        return FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs);
    }

    /** One literal being written. */
    static final class Writer {
        private final Path file;
        private final WritableByteChannel channel;
        private long length;
        private boolean nul;
        private boolean closed;

        private Writer(Path file, WritableByteChannel channel) {
            this.file = file;
            this.channel = channel;
        }

        /** Writes all of {@code bytes} (consumed). */
        void write(ByteBuffer bytes) throws IOException {
            if (!nul) {
                for (int i = bytes.position(); i < bytes.limit(); i++) {
                    if (bytes.get(i) == 0) {
                        nul = true;
                        break;
                    }
                }
            }
            length += bytes.remaining();
            while (bytes.hasRemaining()) {
                channel.write(bytes); // a blocking file channel: returns once it has taken some
            }
        }

        /** The literal is complete: the file, with one reference (the caller's). */
        SpilledLiteral finish() throws IOException {
            closed = true;
            try {
                channel.close();
            } catch (IOException e) {
                delete();
                throw e;
            }
            return new SpilledLiteral(file, length, nul);
        }

        /** Gives up the literal: the file goes. */
        void abort() {
            if (!closed) {
                closed = true;
                try {
                    channel.close();
                } catch (IOException e) {
                    // deleted below all the same
                }
            }
            delete();
        }

        private void delete() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // left for deleteStale at the next start
            }
        }
    }
}
