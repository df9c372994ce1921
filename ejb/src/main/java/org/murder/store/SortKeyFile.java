package org.murder.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.UnaryOperator;
import org.murder.protocol.imap.sort.SortKeyFileFormat;

/**
 * A mailbox's sort key file on disk ({@value #NAME} in its spool directory; the bytes are
 * {@link SortKeyFileFormat}'s). Derived data, as Cyrus's cyrus.cache: never synced, deleted with the mailbox's
 * directory, and whatever it lacks is read from the database again.
 */
final class SortKeyFile {

    static final String NAME = "murder.sortkeys";

    private SortKeyFile() {
    }

    static Path of(Spool spool, String partition, long mailboxId) {
        return spool.mailboxDir(partition, mailboxId).resolve(NAME);
    }

    /** Reads the whole file; a missing file, or one too big to read at once, reads as empty. */
    static SortKeyFileFormat.Read read(Path file, long uidValidity, UnaryOperator<String> shared,
                                       SortKeyFileFormat.Sink sink) throws IOException {
        byte[] bytes;
        try {
            if (Files.size(file) > Integer.MAX_VALUE - 64) {
                return new SortKeyFileFormat.Read(0, 0, 0); // rewritten from the start by the next append
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException none) {
            return new SortKeyFileFormat.Read(0, 0, 0);
        }
        return SortKeyFileFormat.read(ByteBuffer.wrap(bytes), uidValidity, shared, sink);
    }

    /**
     * Adds one segment at {@code validEnd} (what {@link #read} found readable; anything after it — a segment cut
     * short — goes), the header first when the file has no readable part. Returns the new end.
     */
    static long append(Path file, long uidValidity, long validEnd, List<SortKeyFileFormat.Keys> keys) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long at = validEnd;
            if (ch.size() != at) {
                ch.truncate(at);
            }
            if (at == 0) {
                at += write(ch, 0, SortKeyFileFormat.header(uidValidity));
            }
            return at + write(ch, at, SortKeyFileFormat.segment(keys));
        }
    }

    /** A new file of one segment in place of the old (written aside, then renamed over it). Returns its end. */
    static long rewrite(Path file, long uidValidity, List<SortKeyFileFormat.Keys> keys) throws IOException {
        Path aside = file.resolveSibling(NAME + ".new");
        long end;
        try (FileChannel ch = FileChannel.open(aside, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            end = write(ch, 0, SortKeyFileFormat.header(uidValidity));
            end += write(ch, end, SortKeyFileFormat.segment(keys));
        }
        Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return end;
    }

    private static int write(FileChannel ch, long at, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long p = at;
        while (b.hasRemaining()) {
            p += ch.write(b, p);
        }
        return bytes.length;
    }
}
