package org.murder.map;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.connector.api.Connection;
import org.murder.protocol.mupdate.Location;

/**
 * The MUPDATE master's authoritative mailbox map. The database (through {@link MapStore}) is the truth;
 * this bean keeps the same map in memory so FIND, LIST and UPDATE dumps never touch the database, and
 * serialises writes (Cyrus's {@code mailboxes_mutex}) so versions, commits and stream order agree.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class MailboxMap {

    private static final Logger LOG = Logger.getLogger(MailboxMap.class.getName());
    private static final int MAX_BATCH = 256;

    /** The answer to a write: OK, or NO with a reason for the client. */
    public record Outcome(boolean ok, String message) {
        static final Outcome DONE = new Outcome(true, "done");

        static Outcome no(String message) {
            return new Outcome(false, message);
        }
    }

    @EJB
    MapStore store;

    @Resource
    ManagedExecutorService executor;

    /** Not the pooled XA factory: the topic is published after the database's commit, not inside it. */
    @Resource(lookup = "java:/ConnectionFactory")
    jakarta.jms.ConnectionFactory topicFactory;

    @Resource(lookup = MapChangeMessages.TOPIC)
    jakarta.jms.Topic topic;

    private MapTopicPublisher publisher;

    private final ReentrantLock writes = new ReentrantLock();
    private final ConcurrentSkipListMap<String, MailboxRecord> map = new ConcurrentSkipListMap<>();
    private final Set<UpdateStream> streams = ConcurrentHashMap.newKeySet();
    private volatile long version;

    @jakarta.annotation.PreDestroy
    void closePublisher() {
        writes.lock();
        try {
            publisher.close();
        } finally {
            writes.unlock();
        }
    }

    @PostConstruct
    void load() {
        publisher = new MapTopicPublisher(topicFactory, topic);
        MapStore.Snapshot s = store.load();
        s.mailboxes().forEach(r -> map.put(r.name(), r));
        version = s.version();
        LOG.info(() -> "MURDER-MAP-002 mailbox map loaded: " + map.size() + " mailboxes at version " + version);
    }

    // ------------------------------------------------------------------ writes

    /** What a write decided, looking at the map as earlier writes of the same batch left it. */
    private record Decision(Outcome outcome, MailboxRecord change) {
        static Decision refuse(String why) {
            return new Decision(Outcome.no(why), null);
        }

        static Decision nothing() {
            return new Decision(Outcome.DONE, null);
        }

        static Decision write(MailboxRecord change) {
            return new Decision(Outcome.DONE, change);
        }
    }

    private record Pending(Function<Function<String, MailboxRecord>, Decision> decide, CompletableFuture<Outcome> done) {
    }

    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();

    public Outcome reserve(String name, Location location) {
        return submit(view -> {
            MailboxRecord existing = view.apply(name);
            if (existing != null) {
                // the same backend asking again (a retried CREATE, replicated backends) is harmless
                return existing.location().equals(location) ? Decision.nothing() : Decision.refuse("Mailbox already exists");
            }
            return Decision.write(new MailboxRecord(name, location.server(), location.partition(), "", MailboxKind.RESERVED, 0));
        });
    }

    public Outcome activate(String name, Location location, String acl) {
        return submit(view -> {
            MailboxRecord existing = view.apply(name);
            if (existing != null && existing.kind() == MailboxKind.ACTIVE && existing.location().equals(location)
                    && existing.acl().equals(acl)) {
                return Decision.nothing(); // ctl_mboxlist -m re-sends everything; unchanged entries cost nothing
            }
            return Decision.write(new MailboxRecord(name, location.server(), location.partition(), acl, MailboxKind.ACTIVE, 0));
        });
    }

    /** Active → reserved at the given location (the first step of a move between backends). */
    public Outcome deactivate(String name, Location location) {
        return submit(view -> {
            MailboxRecord existing = view.apply(name);
            if (existing == null || existing.kind() != MailboxKind.ACTIVE) {
                return Decision.refuse("Mailbox not active");
            }
            return Decision.write(new MailboxRecord(name, location.server(), location.partition(), existing.acl(),
                    MailboxKind.RESERVED, 0));
        });
    }

    public Outcome delete(String name) {
        return submit(view -> {
            MailboxRecord existing = view.apply(name);
            if (existing == null) {
                return Decision.refuse("Mailbox does not exist");
            }
            return Decision.write(MailboxRecord.deleted(name, existing.server(), existing.partition(), 0));
        });
    }

    /**
     * Flat combining: a writer queues its decision; whoever holds the write lock decides and stores
     * every queued write in one transaction, so versions, commits and stream order still agree.
     */
    private Outcome submit(Function<Function<String, MailboxRecord>, Decision> decide) {
        Pending p = new Pending(decide, new CompletableFuture<>());
        pending.add(p);
        while (!p.done().isDone()) {
            writes.lock();
            try {
                if (!p.done().isDone()) {
                    combine();
                }
            } finally {
                writes.unlock();
            }
        }
        return p.done().join();
    }

    private void combine() {
        List<Pending> batch = new ArrayList<>();
        Pending next;
        while (batch.size() < MAX_BATCH && (next = pending.poll()) != null) {
            batch.add(next);
        }
        Map<String, Optional<MailboxRecord>> overlay = new HashMap<>();
        Function<String, MailboxRecord> view = name -> overlay.containsKey(name) ? overlay.get(name).orElse(null) : map.get(name);
        List<MailboxRecord> changes = new ArrayList<>();
        List<MailboxRecord> olds = new ArrayList<>();
        List<Pending> writers = new ArrayList<>();
        for (Pending p : batch) {
            Decision d;
            try {
                d = p.decide().apply(view);
            } catch (RuntimeException e) {
                p.done().completeExceptionally(e);
                continue;
            }
            if (d.change() == null) {
                p.done().complete(d.outcome());
                continue;
            }
            olds.add(view.apply(d.change().name()));
            overlay.put(d.change().name(), d.change().kind() == MailboxKind.DELETED ? Optional.empty() : Optional.of(d.change()));
            changes.add(d.change());
            writers.add(p);
        }
        if (changes.isEmpty()) {
            return;
        }
        List<MailboxRecord> stored;
        try {
            stored = store.apply(changes);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "MURDER-MAP-004 could not store " + changes.size() + " map change(s)", e);
            writers.forEach(w -> w.done().complete(Outcome.no("Server error: the change was not stored")));
            return;
        }
        try {
            publisher.publish(stored);
        } catch (jakarta.jms.JMSException e) {
            // committed: the frontends find the gap (or find themselves behind) and resynchronise from a snapshot
            LOG.log(Level.SEVERE, "MURDER-MAP-005 map change(s) up to version " + stored.get(stored.size() - 1).version()
                    + " committed but not published on the topic; frontends will resynchronise", e);
        }
        for (int i = 0; i < stored.size(); i++) {
            published(olds.get(i), stored.get(i));
            writers.get(i).done().complete(Outcome.DONE);
        }
    }

    private void published(MailboxRecord old, MailboxRecord stored) {
        if (stored.kind() == MailboxKind.DELETED) {
            map.remove(stored.name());
        } else {
            map.put(stored.name(), stored);
        }
        version = stored.version();
        for (UpdateStream s : streams) {
            if (!s.connection().isOpen()) {
                streams.remove(s); // its disconnect may never have reached an endpoint
                continue;
            }
            if ((old != null && s.matches(old.server())) || s.matches(stored.server())) {
                s.changed(stored.name());
            }
        }
    }

    // ------------------------------------------------------------------ reads

    public Optional<MailboxRecord> find(String name) {
        return Optional.ofNullable(map.get(name));
    }

    /** Mailboxes whose {@code server!partition} starts with the prefix (all when empty), in name order. */
    public List<MailboxRecord> list(String locationPrefix) {
        return select(r -> r.location().wire().startsWith(locationPrefix));
    }

    public List<MailboxRecord> select(Predicate<MailboxRecord> filter) {
        List<MailboxRecord> out = new ArrayList<>();
        for (MailboxRecord r : map.values()) {
            if (filter.test(r)) {
                out.add(r);
            }
        }
        return out;
    }

    /** Mailboxes whose name starts with the prefix, through the sorted map (no full scan). */
    public List<MailboxRecord> byNamePrefix(String prefix) {
        if (prefix.isEmpty()) {
            return new ArrayList<>(map.values());
        }
        return new ArrayList<>(map.subMap(prefix, true, prefix + Character.MAX_VALUE, false).values());
    }

    public long version() {
        return version;
    }

    public int size() {
        return map.size();
    }

    /** The whole map at one version, for a frontend's bootstrap. */
    public MapStore.Snapshot snapshot() {
        writes.lock();
        try {
            return new MapStore.Snapshot(version, new ArrayList<>(map.values()));
        } finally {
            writes.unlock();
        }
    }

    // ------------------------------------------------------------------ UPDATE streams

    /** Registers a subscriber and sends it the dump; every later change follows on the same tag. */
    public UpdateStream startUpdate(Connection connection, String tag, Set<String> hosts) {
        UpdateStream stream = new UpdateStream(connection, tag, hosts, this::find, executor);
        List<MailboxRecord> dump;
        stream.holdForDump();
        writes.lock();
        try {
            streams.add(stream);
            dump = select(r -> stream.matches(r.server()));
        } finally {
            writes.unlock();
        }
        stream.sendDump(dump);
        return stream;
    }

    public void stopUpdate(UpdateStream stream) {
        streams.remove(stream);
    }

    public int streamCount() {
        return streams.size();
    }
}
