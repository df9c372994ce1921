package org.murder.map;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.murder.connector.api.Connection;
import org.murder.protocol.mupdate.MupdateResponses;

/**
 * One MUPDATE {@code UPDATE} subscriber. Like Cyrus's {@code log_update}, a change only queues the
 * mailbox's name; what is sent is the mailbox's state when sending, so bursts of changes to one mailbox
 * coalesce and a slow reader's queue never grows past the number of distinct mailboxes. Unlike Cyrus,
 * the queue is flushed as soon as a change commits, not every 5 seconds.
 *
 * <p>A subscriber that reads slowly holds no thread: output goes out in socket-sized pieces while the connection
 * is below its high-water mark; past it, sending stops and resumes on a worker once the subscriber has read
 * ({@link Connection#whenWritable}). The initial dump goes first, then the changes; a NOOP's answer waits until
 * everything queued before it is on the wire.
 */
public final class UpdateStream {

    private static final int CHUNK = 64 * 1024;

    private final Connection connection;
    private final String tag;
    private final Set<String> hosts;
    private final Function<String, Optional<MailboxRecord>> current;
    private final Executor executor;

    // guarded by this
    private final LinkedHashSet<String> pending = new LinkedHashSet<>();
    private final List<Runnable> barriers = new ArrayList<>();
    /** Registered, its dump not handed over yet: changes wait for it. */
    private boolean awaitingDump;
    /** The dump still to send, then its completion. */
    private Iterator<MailboxRecord> dump;
    /** A sender runs or waits for the subscriber to read. */
    private boolean sending;

    UpdateStream(Connection connection, String tag, Set<String> hosts, Function<String, Optional<MailboxRecord>> current,
                 Executor executor) {
        this.connection = connection;
        this.tag = tag;
        this.hosts = Set.copyOf(hosts);
        this.current = current;
        this.executor = executor;
    }

    public Connection connection() {
        return connection;
    }

    boolean matches(String server) {
        return hosts.isEmpty() || hosts.contains(server);
    }

    /** Queues a changed mailbox and makes sure a sender will run. */
    void changed(String name) {
        synchronized (this) {
            pending.add(name);
        }
        schedule();
    }

    /** Called before the stream is registered, so no change can be sent ahead of the dump. */
    synchronized void holdForDump() {
        awaitingDump = true;
    }

    /** The dump to send first; changes queued meanwhile follow it. */
    void sendDump(List<MailboxRecord> records) {
        synchronized (this) {
            dump = records.iterator();
            awaitingDump = false;
        }
        schedule();
    }

    /**
     * Runs {@code then} once everything queued so far is on the wire (NOOP's barrier); at once, on this thread, when
     * nothing is queued.
     */
    public void afterQueued(Runnable then) {
        synchronized (this) {
            if (sending || dump != null || awaitingDump || !pending.isEmpty()) {
                barriers.add(then);
                if (!sending && !awaitingDump) {
                    sending = true;
                    executor.execute(this::send);
                }
                return;
            }
        }
        then.run();
    }

    private void schedule() {
        synchronized (this) {
            if (sending || awaitingDump) {
                return;
            }
            sending = true;
        }
        executor.execute(this::send);
    }

    /** Sends until nothing is queued or the subscriber has to read first. One sender at a time. */
    private void send() {
        while (connection.isOpen()) {
            byte[] piece;
            List<Runnable> done = List.of();
            synchronized (this) {
                piece = nextPiece();
                if (piece == null) {
                    done = List.copyOf(barriers);
                    barriers.clear();
                    if (done.isEmpty()) {
                        sending = false;
                        return;
                    }
                }
            }
            if (piece == null) {
                done.forEach(Runnable::run); // their answers follow what was queued before them
                continue;
            }
            connection.write(piece);
            if (connection.congested()) {
                connection.whenWritable(() -> executor.execute(this::send));
                return; // still "sending": the subscriber reads, then this goes on
            }
        }
        synchronized (this) {
            sending = false;
        }
    }

    /** Up to a chunk of what is due next (the dump before the changes); null when nothing is. */
    private byte[] nextPiece() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(CHUNK + 1024);
        if (dump != null) {
            while (dump.hasNext() && buf.size() < CHUNK) {
                buf.writeBytes(encode(dump.next()));
            }
            if (!dump.hasNext()) {
                buf.writeBytes(MupdateResponses.ok(tag, "streaming starts"));
                dump = null;
            }
            return buf.toByteArray();
        }
        if (awaitingDump) {
            return null;
        }
        Iterator<String> names = pending.iterator();
        while (names.hasNext() && buf.size() < CHUNK) {
            String name = names.next();
            names.remove();
            buf.writeBytes(current.apply(name).map(this::encode).orElseGet(() -> MupdateResponses.delete(tag, name)));
        }
        return buf.size() == 0 ? null : buf.toByteArray();
    }

    private byte[] encode(MailboxRecord r) {
        return r.kind() == MailboxKind.ACTIVE
                ? MupdateResponses.mailbox(tag, r.name(), r.location(), r.acl())
                : MupdateResponses.reserve(tag, r.name(), r.location());
    }
}
