package org.murder.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

/**
 * Message files on partitions. A message is written to a temporary file on the partition, then
 * hard-linked to {@code <partition>/<mailbox id>/<uid>.}; the file and the directory are fsynced after the
 * link — all before the metadata commit, so a committed message always has its file. (Syncing the file after
 * linking lets one journal commit carry both the data and the new name on ext4-like file systems; nothing
 * is acknowledged before both syncs, so the order is safe.) One delivery to many mailboxes (and COPY) links
 * the same file again, as Cyrus's single-instance store does.
 *
 * <p>Every fsync must succeed: a failure of the file's or the directory's is an {@link IOException} that fails
 * the append (its transaction rolls back, LMTP answers 451), so nothing is acknowledged that is not on disk.
 * A link never replaces a file already at the target name.</p>
 */
public final class Spool {

    /** A message written, waiting to be linked into mailboxes (which makes it durable). */
    public record TempMessage(Path path, long size, String sha256) {
    }

    /** How a file or a directory is made durable: {@link #DISK} in the server; tests put in one that fails. */
    @FunctionalInterface
    public interface Fsync {
        /** Forces {@code path} (a regular file or a directory) to the disk; any failure is an exception. */
        void force(Path path) throws IOException;

        Fsync DISK = path -> {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                ch.force(true);
            }
        };
    }

    private final Map<String, Path> partitions;
    private final Fsync fsync;

    public Spool(Map<String, Path> partitions) {
        this(partitions, Fsync.DISK);
    }

    public Spool(Map<String, Path> partitions, Fsync fsync) {
        this.partitions = Map.copyOf(partitions);
        this.fsync = fsync;
    }

    public Path partition(String name) {
        Path p = partitions.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no partition '" + name + "' (set partition-" + name + ")");
        }
        return p;
    }

    public boolean hasPartition(String name) {
        return partitions.containsKey(name);
    }

    public Path messagePath(String partition, long mailboxId, long uid) {
        return mailboxDir(partition, mailboxId).resolve(uid + ".");
    }

    public Path mailboxDir(String partition, long mailboxId) {
        return partition(partition).resolve(Long.toString(mailboxId));
    }

    /** Copies the stream to a new temp file on the partition, hashing it on the way. */
    public TempMessage writeTemp(String partition, InputStream content) throws IOException {
        Path tmpDir = partition(partition).resolve("tmp");
        Files.createDirectories(tmpDir);
        Path tmp = tmpDir.resolve(UUID.randomUUID() + ".msg");
        MessageDigest sha = sha256();
        long size;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream out = new DigestOutputStream(Channels.newOutputStream(ch), sha)) {
            size = content.transferTo(out);
            out.flush();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return new TempMessage(tmp, size, HexFormat.of().formatHex(sha.digest()));
    }

    /**
     * A message that is already a file of its own (an APPEND literal the transport wrote to disk as it arrived): given
     * a name in the partition's temp directory by a hard link when it is on the same file system, else copied there;
     * then hashed by reading it. Like {@link #writeTemp}, it becomes durable when {@link #link linked} (which forces the
     * file: the same inode after a hard link). {@code file} itself is left as it is (its owner deletes it).
     */
    public TempMessage adoptTemp(String partition, Path file) throws IOException {
        Path tmpDir = partition(partition).resolve("tmp");
        Files.createDirectories(tmpDir);
        Path tmp = tmpDir.resolve(UUID.randomUUID() + ".msg");
        try {
            Files.createLink(tmp, file);
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (e instanceof NoSuchFileException) {
                throw (NoSuchFileException) e;
            }
            Files.copy(file, tmp); // another file system (EXDEV): one copy, as writeTemp would have made
        }
        try (InputStream in = Files.newInputStream(tmp)) {
            MessageDigest sha = sha256();
            byte[] buffer = new byte[64 * 1024];
            long size = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                size += n;
            }
            return new TempMessage(tmp, size, HexFormat.of().formatHex(sha.digest()));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** A message arriving in pieces (LMTP DATA): written as it comes, made durable when linked. */
    public final class TempWriter implements AutoCloseable {
        private final Path path;
        private final FileChannel channel;
        private final MessageDigest sha = sha256();
        private long size;
        private boolean done;

        private TempWriter(Path path) throws IOException {
            this.path = path;
            this.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }

        public void write(byte[] bytes) throws IOException {
            write(bytes, 0, bytes.length);
        }

        public void write(byte[] bytes, int offset, int length) throws IOException {
            sha.update(bytes, offset, length);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes, offset, length);
            while (b.hasRemaining()) {
                channel.write(b);
            }
            size += length;
        }

        /** The writer as a stream, for code that writes to one; closing it does not finish the message. */
        public OutputStream stream() {
            return new java.io.BufferedOutputStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    TempWriter.this.write(new byte[] {(byte) b});
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    TempWriter.this.write(b, off, len);
                }
            }, 64 * 1024);
        }

        /** Bytes written so far. */
        public long size() {
            return size;
        }

        /** The whole message is written; {@link #link} makes it durable. */
        public TempMessage finish() throws IOException {
            channel.close();
            done = true;
            return new TempMessage(path, size, HexFormat.of().formatHex(sha.digest()));
        }

        /** Drops a message that will not be delivered. */
        @Override
        public void close() {
            if (!done) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // deleting anyway
                }
                delete(path);
                done = true;
            }
        }
    }

    public TempWriter openTemp(String partition) throws IOException {
        Path tmpDir = partition(partition).resolve("tmp");
        Files.createDirectories(tmpDir);
        return new TempWriter(tmpDir.resolve(UUID.randomUUID() + ".msg"));
    }

    /**
     * Links a temp file as a mailbox's message and makes its contents and its new name durable. A file already
     * at that name is left as it is: {@link FileAlreadyExistsException} (the caller takes another UID).
     */
    public Path link(Path existing, String partition, long mailboxId, long uid) throws IOException {
        Path target = linkOnly(existing, partition, mailboxId, uid);
        fsync.force(target); // a second link of an already synced file finds nothing to write
        fsync.force(target.getParent());
        return target;
    }

    /**
     * COPY's link of a message file that is already durable (the same inode under a second name, or a durable copy
     * on another file system): the new names become durable together, by {@link #syncMailboxDir} once for the
     * whole COPY before its commit, not one directory fsync per message.
     */
    public Path linkDurableFile(Path existing, String partition, long mailboxId, long uid) throws IOException {
        return linkOnly(existing, partition, mailboxId, uid);
    }

    /** Makes the names linked into a mailbox's directory durable (after {@link #linkDurableFile}). */
    public void syncMailboxDir(String partition, long mailboxId) throws IOException {
        fsync.force(mailboxDir(partition, mailboxId));
    }

    private Path linkOnly(Path existing, String partition, long mailboxId, long uid) throws IOException {
        Path dir = createMailboxDir(partition, mailboxId);
        Path target = dir.resolve(uid + ".");
        try {
            Files.createLink(target, existing);
        } catch (FileAlreadyExistsException e) {
            throw alreadyThere(target, e);
        } catch (NoSuchFileException e) {
            throw e; // the source is gone (expunged meanwhile)
        } catch (UnsupportedOperationException | FileSystemException e) {
            // another file system (a partition on its own disk): a copy beside the target, linked to its name
            Path copy = dir.resolve(UUID.randomUUID() + ".copy");
            Files.copy(existing, copy);
            fsync.force(copy); // a new inode: its data must be on disk before its name is
            try {
                Files.createLink(target, copy);
            } catch (FileAlreadyExistsException taken) {
                throw alreadyThere(target, taken);
            } finally {
                Files.deleteIfExists(copy);
            }
        }
        return target;
    }

    private static FileAlreadyExistsException alreadyThere(Path target, FileAlreadyExistsException cause) {
        FileAlreadyExistsException e = new FileAlreadyExistsException(target.toString(), null,
                "a message file is already there (a UID used before and not committed?); it is left as it is");
        e.initCause(cause);
        return e;
    }

    /**
     * The mailbox's directory, made if it is missing together with any missing parents, each new directory's
     * name fsynced in its parent (a mailbox directory created and lost in a crash would lose its messages' names).
     */
    public Path createMailboxDir(String partition, long mailboxId) throws IOException {
        Path dir = mailboxDir(partition, mailboxId);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw e;
                }
                // made meanwhile by a concurrent delivery: its name must be durable all the same
            }
            fsync.force(p.getParent());
        }
        return dir;
    }

    public void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // an unreferenced file is only wasted space; reconstruct reports it
        }
    }

    public void deleteQuietly(String partition, long mailboxId, long uid) {
        delete(messagePath(partition, mailboxId, uid));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
