package org.murder.store;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.protocol.imap.sort.SortFields;
import org.murder.protocol.imap.sort.SortKeyFileFormat;

/**
 * The node's sort key files: each mailbox's SORT keys on disk ({@value #NAME} in its spool directory, the bytes
 * {@link SortKeyFileFormat}'s), so that the first SORT after a start reads one file, as Cyrus reads cyrus.cache,
 * rather than a database row per message. Derived data: never synced, deleted with the mailbox's directory, and
 * whatever a file lacks is read from the database again (and added). Keys of delivered messages are added in batches
 * shortly after their commit; {@link SortFieldsCache} adds those it had to read from the database.
 * <p>
 * All access to one file goes through one of a fixed set of locks, chosen by mailbox.
 */
@ApplicationScoped
public class SortKeyFiles {

    private static final Logger LOG = Logger.getLogger(SortKeyFiles.class.getName());

    static final String NAME = "murder.sortkeys";
    /** How long delivered keys wait, so that one append carries those of many deliveries. */
    static final long DELAY_MS = 500;
    /** Past this many waiting, delivered keys are not kept (SORT reads them from the database). */
    static final int MAX_PENDING = 50_000;
    /** A file that grew by this many segments since anyone wrote it whole goes (see {@link #writeDelivered}). */
    static final int MAX_UNSORTED_SEGMENTS = 1024;

    @Inject
    Spool spool;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final Object[] locks = new Object[64];
    /** Where each file's sound part ends (−1: not known yet) and how many segments it has, under its lock. */
    private final Map<Long, long[]> ends = new ConcurrentHashMap<>();
    private final Map<Long, Delivered> delivered = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /** Keys of a mailbox's deliveries waiting to be written. */
    private record Delivered(long uidValidity, String partition, List<SortKeyFileFormat.Keys> keys) {
    }

    public SortKeyFiles() {
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    SortKeyFiles(Spool spool) {
        this();
        this.spool = spool;
    }

    Path path(String partition, long mailboxId) {
        return spool.mailboxDir(partition, mailboxId).resolve(NAME);
    }

    private Object lock(long mailboxId) {
        return locks[(int) Math.floorMod(mailboxId, (long) locks.length)];
    }

    /**
     * Reads a mailbox's file from {@code from} (0: the whole file; else where an earlier read stopped) to its end.
     * Returns where the sound part ends — what the next read starts from — 0 for no file or another UIDVALIDITY's,
     * −1 when it could not be read.
     */
    public long read(long mailboxId, String partition, long uidValidity, long from, UnaryOperator<String> shared,
                     SortKeyFileFormat.Sink sink) {
        Path file = path(partition, mailboxId);
        synchronized (lock(mailboxId)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = ch.size();
                ByteBuffer header = ByteBuffer.allocate(SortKeyFileFormat.HEADER);
                readFully(ch, header, 0);
                header.flip();
                if (!SortKeyFileFormat.hasHeader(header, uidValidity) || size > Integer.MAX_VALUE - 64) {
                    return known(mailboxId, 0, 0);
                }
                long start = from < SortKeyFileFormat.HEADER || from > size ? SortKeyFileFormat.HEADER : from;
                SortKeyFileFormat.Read r = segments(ch, start, size, shared, sink);
                if (r.segments() == 0 && start < size && start > SortKeyFileFormat.HEADER) {
                    // not a segment's start: the file was written again since that read; the whole of it then
                    start = SortKeyFileFormat.HEADER;
                    r = segments(ch, start, size, shared, sink);
                }
                long[] known = ends.get(mailboxId);
                long end = start + r.validEnd();
                long segments; // only a measure of when to write the file again: exact where it can be
                if (start == SortKeyFileFormat.HEADER || known == null) {
                    segments = r.segments();
                } else if (known[0] == start) {
                    segments = known[1] + r.segments();
                } else {
                    segments = Math.max(known[1], r.segments());
                }
                return known(mailboxId, end, segments);
            } catch (NoSuchFileException none) {
                return known(mailboxId, 0, 0);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "cannot read the sort key file " + file, e);
                ends.remove(mailboxId);
                return -1;
            }
        }
    }

    private long known(long mailboxId, long end, long segments) {
        ends.put(mailboxId, new long[] {end, segments});
        return end;
    }

    /** How many segments the mailbox's file has, as far as this node knows. */
    public int segments(long mailboxId) {
        long[] end = ends.get(mailboxId);
        return end == null ? 0 : (int) end[1];
    }

    /**
     * Adds one segment at the end of the file's sound part (anything after it — a segment cut short — goes), the
     * header first when the file has none. Returns {start, end} of the new segment, or null when nothing was written.
     */
    public long[] append(long mailboxId, String partition, long uidValidity, List<SortKeyFileFormat.Keys> keys) {
        Path file = path(partition, mailboxId);
        if (keys.isEmpty() || !Files.isDirectory(file.getParent())) {
            return null;
        }
        synchronized (lock(mailboxId)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                long[] known = ends.get(mailboxId);
                long at;
                long segments;
                if (known == null) { // not read since the start: find where its sound part ends
                    at = 0;
                    segments = 0;
                    if (ch.size() <= Integer.MAX_VALUE - 64) {
                        SortKeyFileFormat.Read sound = SortKeyFileFormat.validEnd(
                                ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()), uidValidity);
                        at = sound.validEnd();
                        segments = sound.segments();
                    }
                } else {
                    at = known[0];
                    segments = known[1];
                }
                if (ch.size() != at) {
                    ch.truncate(at);
                }
                if (at == 0) {
                    at = write(ch, 0, SortKeyFileFormat.header(uidValidity));
                    segments = 0;
                }
                long end = at + write(ch, at, SortKeyFileFormat.segment(keys));
                known(mailboxId, end, segments + 1);
                return new long[] {at, end};
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "cannot add to the sort key file " + file, e);
                ends.remove(mailboxId);
                return null;
            }
        }
    }

    /** A new file of one segment in place of the old (written aside, then renamed over it). Returns its end, or −1. */
    public long rewrite(long mailboxId, String partition, long uidValidity, List<SortKeyFileFormat.Keys> keys) {
        Path file = path(partition, mailboxId);
        Path aside = file.resolveSibling(NAME + ".new");
        synchronized (lock(mailboxId)) {
            try {
                long end;
                try (FileChannel ch = FileChannel.open(aside, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    end = write(ch, 0, SortKeyFileFormat.header(uidValidity));
                    end += write(ch, end, SortKeyFileFormat.segment(keys));
                }
                Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return known(mailboxId, end, 1);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "cannot write the sort key file " + file, e);
                ends.remove(mailboxId);
                return -1;
            }
        }
    }

    /** Deletes a mailbox's file, and forgets what was waiting for it. */
    public void delete(long mailboxId, String partition) {
        synchronized (lock(mailboxId)) {
            Delivered gone = delivered.remove(mailboxId);
            if (gone != null) {
                waiting.addAndGet(-gone.keys().size());
            }
            ends.remove(mailboxId);
            try {
                Files.deleteIfExists(path(partition, mailboxId));
            } catch (IOException e) {
                LOG.log(Level.WARNING, "MURDER-STORE-004 cannot delete the sort key file of mailbox " + mailboxId, e);
            }
        }
    }

    /**
     * Keys of a message just committed ({@link SortFields}' stored form), to be added to its mailbox's file soon.
     * Cheap: the caller is a delivery.
     */
    public void delivered(long mailboxId, long uidValidity, String partition, long uid, String storedFields) {
        if (storedFields.isEmpty() || waiting.get() >= MAX_PENDING) {
            return;
        }
        SortFields fields;
        try {
            fields = SortFields.deserialize(storedFields);
        } catch (IllegalArgumentException damaged) {
            return;
        }
        SortKeyFileFormat.Keys keys = new SortKeyFileFormat.Keys(uid, fields);
        delivered.compute(mailboxId, (k, d) -> {
            Delivered to = d != null ? d : new Delivered(uidValidity, partition, new ArrayList<>());
            to.keys().add(keys); // inside compute: writeDelivered's remove never takes a list still being added to
            return to;
        });
        waiting.incrementAndGet();
        if (scheduler == null) {
            return; // outside a container (tests): written by writeDelivered()
        }
        if (scheduled.compareAndSet(false, true)) {
            try {
                scheduler.schedule(this::scheduledWrite, DELAY_MS, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                scheduled.set(false); // shutting down: @PreDestroy writes what is left
            }
        }
    }

    private void scheduledWrite() {
        scheduled.set(false);
        writeDelivered();
    }

    /**
     * Writes what deliveries left waiting: one segment per mailbox, to files that exist — a mailbox's first SORT makes
     * its file, and SORT writes it again as one segment now and then, dropping expunged messages' keys. A file nobody
     * sorts for {@value #MAX_UNSORTED_SEGMENTS} batches is deleted instead (the next SORT makes it again), so that
     * the keys of a mailbox that only receives and expunges (POP3) do not pile up.
     */
    @PreDestroy
    void writeDelivered() {
        for (Long mailboxId : List.copyOf(delivered.keySet())) {
            Delivered d = delivered.remove(mailboxId);
            if (d == null) {
                continue;
            }
            waiting.addAndGet(-d.keys().size());
            if (!Files.exists(path(d.partition(), mailboxId))) {
                continue;
            }
            if (segments(mailboxId) >= MAX_UNSORTED_SEGMENTS) {
                delete(mailboxId, d.partition());
                continue;
            }
            append(mailboxId, d.partition(), d.uidValidity(), d.keys());
        }
    }

    /** Mapped, not read into the heap: a big mailbox's file is megabytes the collector need not see. */
    private static SortKeyFileFormat.Read segments(FileChannel ch, long start, long size, UnaryOperator<String> shared,
                                                   SortKeyFileFormat.Sink sink) throws IOException {
        if (size <= start) {
            return new SortKeyFileFormat.Read(0, 0, 0);
        }
        return SortKeyFileFormat.segments(ch.map(FileChannel.MapMode.READ_ONLY, start, size - start), shared, sink);
    }

    private static void readFully(FileChannel ch, ByteBuffer into, long at) throws IOException {
        long p = at;
        while (into.hasRemaining()) {
            int n = ch.read(into, p);
            if (n < 0) {
                throw new IOException("file shorter than expected");
            }
            p += n;
        }
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
