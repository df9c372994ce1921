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

    /**
     * The answer to a write: OK, or NO with a reason for the client; {@code kept} is the entry an ACTIVATE at another
     * server was refused for (a mailbox on two backends), else null.
     */
    public record Outcome(boolean ok, String message, MailboxRecord kept) {
        static final Outcome DONE = new Outcome(true, "done", null);

        static Outcome no(String message) {
            return new Outcome(false, message, null);
        }

        static Outcome conflict(MailboxRecord kept) {
            return new Outcome(false, "Mailbox already exists at " + kept.location().wire(), kept);
        }
    }

    @EJB
    MapStore store;

    @jakarta.inject.Inject
    org.murder.config.MurderSettings settings;

    /** When this master may stop counting as settling ({@link #settling()}). */
    private volatile long settledAt;

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
    /** Mailboxes on two backends; changed and persisted under {@link #conflictWrites}, never under {@link #writes}. */
    private final MailboxConflicts conflicts = new MailboxConflicts();
    private final ReentrantLock conflictWrites = new ReentrantLock();
    /** Names changed by a write while in conflict: checked once the writer has left the write lock. */
    private final ConcurrentLinkedQueue<String> conflictsToCheck = new ConcurrentLinkedQueue<>();
    private volatile String epoch = "";
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
        MapStore.Snapshot s = store.load();
        s.mailboxes().forEach(r -> map.put(r.name(), r));
        version = s.version();
        epoch = s.epoch();
        publisher = new MapTopicPublisher(topicFactory, topic, epoch);
        conflicts.load(store.conflicts());
        settledAt = System.currentTimeMillis() + settings.masterSettle().toMillis();
        LOG.info(() -> "MURDER-MAP-002 mailbox map loaded: " + map.size() + " mailboxes at version " + version
                + " (epoch " + epoch + ")" + (conflicts.isEmpty() ? "" : ", " + conflicts.all().size()
                + " mailbox(es) on two backends: see /api/map/conflicts"));
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

    /**
     * Sets the mailbox active at the location — authoritative, as the backend says, except that an entry active on
     * another server stays where it is: two backends hold the mailbox, the map keeps the first and the refusal is
     * recorded ({@link #conflicts()}). Cyrus's master takes every ACTIVATE, so such a mailbox flaps between the two at
     * every push. A move changes the server of a reserved entry (DEACTIVATE first, as Cyrus's XFER does).
     */
    public Outcome activate(String name, Location location, String acl) {
        Outcome o = submit(view -> {
            MailboxRecord existing = view.apply(name);
            return switch (activation(existing, location, acl)) {
                case UNCHANGED -> Decision.nothing();
                case CONFLICT -> new Decision(Outcome.conflict(existing), null);
                case WRITE -> Decision.write(new MailboxRecord(name, location.server(), location.partition(), acl,
                        MailboxKind.ACTIVE, 0));
            };
        });
        if (o.kept() != null) {
            recordConflict(name, o.kept(), location);
        }
        return o;
    }

    /** What an ACTIVATE does to an entry. */
    enum Activation { UNCHANGED, WRITE, CONFLICT }

    /** The ACTIVATE rule, on the entry as it is ({@code null}: none). */
    static Activation activation(MailboxRecord existing, Location location, String acl) {
        if (existing == null || existing.kind() != MailboxKind.ACTIVE) {
            return Activation.WRITE; // a new entry, a CREATE's reservation made active, or the end of a move
        }
        if (!existing.server().equals(location.server())) {
            return Activation.CONFLICT;
        }
        // ctl_mboxlist -m re-sends everything; unchanged entries cost nothing
        return existing.location().equals(location) && existing.acl().equals(acl) ? Activation.UNCHANGED : Activation.WRITE;
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
        checkConflicts();
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
        if (conflicts.concerns(stored.name())) {
            conflictsToCheck.add(stored.name());
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

    // ------------------------------------------------------------------ mailboxes on two backends

    private void recordConflict(String name, MailboxRecord kept, Location refused) {
        conflictWrites.lock();
        try {
            MailboxConflicts.Recorded r = conflicts.refused(name, kept.location().wire(), refused.wire(), java.time.Instant.now());
            if (r.first()) {
                LOG.warning(() -> "MURDER-MAP-020 mailbox " + name + " is on two backends: the map keeps "
                        + kept.location().wire() + " and refused " + refused.wire() + " (delete one copy; see "
                        + "/api/map/conflicts)");
            } else {
                LOG.fine(() -> "mailbox " + name + ": ACTIVATE at " + refused.wire() + " refused again ("
                        + r.conflict().refusals() + " times)");
            }
            persist(List.of(r));
        } finally {
            conflictWrites.unlock();
        }
        checkConflicts(); // the kept entry may have gone between the refusal and now
    }

    /** Conflicts whose kept location a committed change took away are over. */
    private void checkConflicts() {
        String name;
        while ((name = conflictsToCheck.poll()) != null) {
            conflictWrites.lock();
            try {
                persist(conflicts.entryNow(name, find(name)));
            } finally {
                conflictWrites.unlock();
            }
        }
    }

    /** A backend's full push: of its refused mailboxes, those not named any more are resolved. */
    public List<MailboxConflict> settleConflicts(String server, Set<String> stillRefused) {
        conflictWrites.lock();
        try {
            persist(conflicts.settle(server, stillRefused));
        } finally {
            conflictWrites.unlock();
        }
        return conflicts.all();
    }

    /** An admin has dealt with the mailbox's conflicts; whether there were any. */
    public boolean clearConflicts(String mailbox, String who) {
        conflictWrites.lock();
        try {
            List<MailboxConflicts.Change> cleared = conflicts.clear(mailbox, who);
            persist(cleared);
            return !cleared.isEmpty();
        } finally {
            conflictWrites.unlock();
        }
    }

    /** Every mailbox the map found on two backends, and which location it keeps. */
    public List<MailboxConflict> conflicts() {
        return conflicts.all();
    }

    private void persist(List<? extends MailboxConflicts.Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        for (MailboxConflicts.Change c : changes) {
            if (c instanceof MailboxConflicts.Resolved r) {
                LOG.info(() -> "MURDER-MAP-021 mailbox " + r.conflict().mailbox() + " no longer on two backends ("
                        + r.conflict().refused() + " was refused, " + r.conflict().kept() + " kept): " + r.why());
            }
        }
        try {
            store.conflictsChanged(List.copyOf(changes));
        } catch (RuntimeException e) {
            // the record in memory stays right; a restart would show the stored one
            LOG.log(Level.WARNING, "MURDER-MAP-022 could not store " + changes.size() + " change(s) of the conflict record", e);
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

    /**
     * Whether the master started so recently that backends may still be pushing what its map lost: a name it lacks
     * proves nothing yet.
     */
    public boolean settling() {
        return System.currentTimeMillis() < settledAt;
    }

    /** The map's epoch: a copy made from another epoch (a master whose database was reset) must resynchronise. */
    public String epoch() {
        return epoch;
    }

    public int size() {
        return map.size();
    }

    /** The whole map at one version, for a frontend's bootstrap. */
    public MapStore.Snapshot snapshot() {
        writes.lock();
        try {
            return new MapStore.Snapshot(version, new ArrayList<>(map.values()), epoch);
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
