package org.murder.map;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.logging.Logger;
import org.murder.connector.api.Connection;
import org.murder.protocol.mupdate.MupdateResponses;

/**
 * One MUPDATE {@code UPDATE} subscriber. Like Cyrus's {@code log_update}, a change only queues the
 * mailbox's name; what is sent is the mailbox's state when sending, so bursts of changes to one mailbox
 * coalesce and a slow reader's queue never grows past the number of distinct mailboxes. Unlike Cyrus,
 * the queue is flushed as soon as a change commits, not every 5 seconds.
 */
public final class UpdateStream {

    private static final Logger LOG = Logger.getLogger(UpdateStream.class.getName());
    private static final int CHUNK = 64 * 1024;
    private static final Duration STALLED = Duration.ofSeconds(60);

    private final Connection connection;
    private final String tag;
    private final Set<String> hosts;
    private final Function<String, Optional<MailboxRecord>> current;
    private final LinkedHashSet<String> pending = new LinkedHashSet<>();
    private final ReentrantLock sending = new ReentrantLock();
    private boolean scheduled;

    UpdateStream(Connection connection, String tag, Set<String> hosts, Function<String, Optional<MailboxRecord>> current) {
        this.connection = connection;
        this.tag = tag;
        this.hosts = Set.copyOf(hosts);
        this.current = current;
    }

    public Connection connection() {
        return connection;
    }

    boolean matches(String server) {
        return hosts.isEmpty() || hosts.contains(server);
    }

    /** Queues a changed mailbox and makes sure a sender will run. */
    void changed(String name, Executor executor) {
        synchronized (pending) {
            pending.add(name);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        executor.execute(this::flush);
    }

    /** Called before the stream is registered, so no change can be sent ahead of the dump. */
    void holdForDump() {
        sending.lock();
    }

    /** Sends the initial dump and releases {@link #holdForDump}; changes queued meanwhile follow it. */
    void sendDump(List<MailboxRecord> dump) {
        try {
            Chunker out = new Chunker();
            for (MailboxRecord r : dump) {
                out.add(encode(r));
            }
            out.add(MupdateResponses.ok(tag, "streaming starts"));
            out.finish();
        } finally {
            sending.unlock();
        }
    }

    /** Sends everything queued so far; the caller's next write comes after all of it (NOOP's barrier). */
    public void flush() {
        sending.lock();
        try {
            while (true) {
                List<String> names;
                synchronized (pending) {
                    if (pending.isEmpty()) {
                        scheduled = false;
                        return;
                    }
                    names = new ArrayList<>(pending);
                    pending.clear();
                }
                Chunker out = new Chunker();
                for (String name : names) {
                    out.add(current.apply(name).map(this::encode).orElseGet(() -> MupdateResponses.delete(tag, name)));
                }
                out.finish();
            }
        } finally {
            sending.unlock();
        }
    }

    private byte[] encode(MailboxRecord r) {
        return r.kind() == MailboxKind.ACTIVE
                ? MupdateResponses.mailbox(tag, r.name(), r.location(), r.acl())
                : MupdateResponses.reserve(tag, r.name(), r.location());
    }

    /** Batches small responses into socket-sized writes and waits for a slow reader. */
    private final class Chunker {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream(CHUNK + 1024);

        void add(byte[] response) {
            buf.writeBytes(response);
            if (buf.size() >= CHUNK) {
                finish();
            }
        }

        void finish() {
            if (buf.size() == 0) {
                return;
            }
            connection.write(buf.toByteArray());
            buf.reset();
            if (!connection.awaitWritable(STALLED) && connection.isOpen()) {
                LOG.warning(() -> "MURDER-MAP-003 UPDATE subscriber " + connection + " stopped reading; closing it");
                connection.close();
            }
        }
    }
}
