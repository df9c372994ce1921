package org.murder.frontend;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Queue;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.config.MurderSettings;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;
import org.murder.map.MapStore;

/**
 * A frontend node's local, persistent copy of the mailbox map, fed by the map topic. It applies a
 * change only if it is the next version; a gap, a restart or a stalled stream makes it resynchronise
 * from a snapshot of the master (snapshot at version V, then the stream after V), like Cyrus's mupdate
 * slave does with UPDATE.
 */
@Singleton
@Startup
@DependsOn("MailboxMap")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class MapCopy {

    private static final Logger LOG = Logger.getLogger(MapCopy.class.getName());
    public static final String STATUS_QUEUE = "java:/jms/murder/NodeStatusQueue";

    @EJB
    MapCopyStore store;

    @EJB
    MasterSnapshots master;

    @Inject
    MurderSettings settings;

    @Inject
    @JMSConnectionFactory("java:/JmsXA")
    JMSContext jms;

    @Resource(lookup = STATUS_QUEUE)
    Queue statusQueue;

    @Resource
    TimerService timers;

    private final ReentrantLock lock = new ReentrantLock();
    /**
     * The copy as the store holds it, in memory: every proxied command routes by it and every LIST reads it, and a
     * query each was a fifth of a frontend's CPU per proxied session. Written under {@link #lock} right after the
     * store has committed the same change; the store is what survives a restart and what this is loaded from.
     */
    private final java.util.concurrent.ConcurrentSkipListMap<String, MailboxRecord> view =
            new java.util.concurrent.ConcurrentSkipListMap<>();
    private volatile boolean enabled;
    /** Fed by a master's UPDATE stream ({@link MupdateFollower}) rather than our master's topic and snapshots. */
    private volatile boolean following;
    private volatile long applied;
    private volatile boolean needResync = true;
    /** The epoch of the master's map the copy comes from ({@link org.murder.map.MailboxMap#epoch()}); empty if unknown. */
    private volatile String epoch = "";
    /**
     * The master did not answer the latest check: the copy is as the master left it, but a change committed and not yet
     * heard of cannot be ruled out, so a name missing from it proves nothing (an MTA hears 4xx, not 5xx).
     */
    private volatile boolean masterUnreachable;
    private volatile String unreachableWhy = "";
    /** The master answered that it has just started: backends may still be pushing what it lost. */
    private volatile boolean masterSettling;
    private volatile long lastReported = -1;
    private long ticks;
    private long behindSince = -1;

    @PostConstruct
    void start() {
        enabled = settings.hasRole(MurderSettings.Role.FRONTEND);
        if (!enabled) {
            return;
        }
        MapCopyStateEntity state = store.state();
        applied = state.appliedVersion();
        epoch = state.masterEpoch();
        store.all().forEach(r -> view.put(r.name(), r));
        following = settings.followsUpdateStream();
        if (following) {
            return; // MupdateFollower feeds it; unsynchronized until the first dump is in
        }
        // the first resync runs on the timer so a slow master does not hold up deployment
        timers.createIntervalTimer(200, 1000, new TimerConfig("map-copy", false));
    }

    private final LatencyHistogram latency = new LatencyHistogram();

    /** One change from the topic, sent by the master at {@code sentAtMillis} from its map of epoch {@code from}. */
    public void onChange(MailboxRecord r, long sentAtMillis, String from) {
        if (!enabled || following) {
            return;
        }
        lock.lock();
        try {
            if (needResync) {
                resync("start-up");
            }
            if (!from.isEmpty() && !epoch.isEmpty() && !from.equals(epoch)) {
                // a new map: taken once the master has settled (checkBehind), the old copy routing until then
                if (!masterSettling) {
                    checkBehind();
                }
                return;
            }
            switch (CopyVersions.decide(applied, r.version())) {
                case IGNORE:
                    return;
                case RESYNC:
                    resync("gap: have version " + applied + ", received " + r.version());
                    return;
                default:
                    break;
            }
            store.apply(r);
            remember(r);
            applied = r.version();
            latency.record(System.currentTimeMillis() - sentAtMillis);
        } finally {
            lock.unlock();
        }
    }

    @Timeout
    void tick() {
        if (!enabled || following) {
            return;
        }
        lock.lock();
        try {
            if (needResync) {
                resync("start-up");
            } else if (++ticks % Math.max(1, settings.mapCheckSeconds()) == 0 || masterUnreachable || masterSettling) {
                // every second while the master is away: its return ends the uncertainty at once
                checkBehind();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "MURDER-COPY-003 map copy check failed", e);
        } finally {
            lock.unlock();
        }
        report();
    }

    /** A copy that stays behind the master for a whole check period missed a message: resync. */
    private void checkBehind() {
        long masterVersion;
        MasterSnapshots.MasterVersion mv;
        try {
            mv = master.masterVersion();
        } catch (IOException | RuntimeException e) {
            unreachable(e.getMessage());
            return;
        }
        masterVersion = mv.version();
        reachable();
        if (mv.settling() != masterSettling) {
            masterSettling = mv.settling();
            LOG.info(() -> masterSettling ? "MURDER-COPY-022 the master has just started: names the copy lacks are uncertain"
                    + " until its backends have pushed" : "MURDER-COPY-023 the master has settled");
        }
        if (CopyVersions.otherMap(epoch, applied, mv.epoch(), masterVersion)) {
            if (masterSettling) {
                // a master that lost its map and just started: its backends are pushing it back; the old copy still
                // routes every mailbox it knows (mail to them keeps flowing), the new map is taken once settled
                LOG.fine(() -> "the master's map is another one; resynchronising once it has settled");
                return;
            }
            resync("the master's map is another one (epoch " + (mv.epoch().isEmpty() ? "unknown" : mv.epoch())
                    + " at version " + masterVersion + "; the copy has epoch " + (epoch.isEmpty() ? "unknown" : epoch)
                    + " at version " + applied + ")");
            behindSince = -1;
        } else if (CopyVersions.stalled(applied, masterVersion, behindSince)) {
            resync("still behind the master (" + applied + " < " + masterVersion + ")");
            behindSince = -1;
        } else {
            behindSince = masterVersion > applied ? applied : -1;
        }
    }

    private void unreachable(String why) {
        unreachableWhy = why == null ? "no answer" : why;
        if (!masterUnreachable) {
            masterUnreachable = true;
            LOG.warning(() -> "MURDER-COPY-020 the master (" + settings.masterHttpUrl() + ") does not answer: " + unreachableWhy
                    + "; the copy keeps routing what it holds, names it lacks are uncertain until the master is back");
        }
    }

    private void reachable() {
        if (masterUnreachable) {
            masterUnreachable = false;
            LOG.info(() -> "MURDER-COPY-021 the master (" + settings.masterHttpUrl() + ") answers again; the copy is at version "
                    + applied);
        }
    }

    /** Whether the master did not answer this copy's latest check (then a name the copy lacks is uncertain). */
    public boolean masterUnreachable() {
        return enabled && !following && masterUnreachable;
    }

    private void resync(String why) {
        MapStore.Snapshot s;
        try {
            s = master.fetch();
        } catch (IOException | RuntimeException e) {
            needResync = true;
            LOG.warning(() -> "MURDER-COPY-002 cannot resynchronise the map copy (" + why + "): " + e.getMessage());
            return;
        }
        reachable();
        int changed = store.replaceAll(s.version(), s.mailboxes(), s.epoch());
        replaceView(s.mailboxes());
        applied = s.version();
        epoch = s.epoch();
        needResync = false;
        LOG.info(() -> "MURDER-COPY-001 map copy resynchronised at version " + s.version() + " (" + why + "), "
                + s.mailboxes().size() + " mailboxes, " + changed + " rows changed");
    }

    private void report() {
        long v = applied;
        if (v == lastReported) {
            return;
        }
        try {
            MapMessage m = jms.createMapMessage();
            m.setString("node", settings.servername());
            m.setLong("appliedVersion", v);
            m.setLong("mailboxes", view.size());
            m.setLong("at", Instant.now().toEpochMilli());
            jms.createProducer().send(statusQueue, m);
            lastReported = v;
        } catch (JMSException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot report node status", e);
        }
    }

    public LatencyHistogram latency() {
        return latency;
    }

    public long appliedVersion() {
        return applied;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Whether this copy follows a master's RFC 3656 UPDATE stream ({@code mupdate_follow: update}). */
    public boolean followsUpdateStream() {
        return enabled && following;
    }

    /** The UPDATE stream's initial dump, complete ({@code OK "streaming starts"}): the whole map; synchronized. */
    public void replaceFromStream(java.util.List<MailboxRecord> dump, String master) {
        lock.lock();
        try {
            long v = applied + 1;
            java.util.List<MailboxRecord> versioned = dump.stream().map(r -> withVersion(r, v)).toList();
            int changed = store.replaceAll(v, versioned, "");
            replaceView(versioned);
            applied = v;
            needResync = false;
            LOG.info(() -> "MURDER-COPY-011 map copy synchronized from the UPDATE stream of " + master + ": "
                    + versioned.size() + " mailboxes, " + changed + " rows changed");
        } finally {
            lock.unlock();
        }
        report();
    }

    /** One change streamed after the dump. */
    public void applyFromStream(MailboxRecord r) {
        lock.lock();
        try {
            long v = applied + 1;
            MailboxRecord versioned = withVersion(r, v);
            store.apply(versioned);
            remember(versioned);
            applied = v;
        } finally {
            lock.unlock();
        }
        report();
    }

    /** The UPDATE stream broke: until the next dump, a name the copy lacks proves nothing. */
    public void streamLost() {
        needResync = true;
    }

    private static MailboxRecord withVersion(MailboxRecord r, long v) {
        return new MailboxRecord(r.name(), r.server(), r.partition(), r.acl(), r.kind(), v);
    }

    /**
     * Whether the copy has caught up with the master since start-up and the master answered its latest check (else a
     * missing name proves nothing).
     */
    public boolean synchronizedWithMaster() {
        return enabled && !needResync && !masterUnreachable && !masterSettling;
    }

    /** Why {@link #synchronizedWithMaster()} is false, for a client or an MTA. */
    public String unsynchronizedWhy() {
        if (masterUnreachable) {
            return "the mailbox list master is unreachable and the map copy lacks it";
        }
        if (masterSettling) {
            return "the mailbox list master has just started and its backends are still reporting";
        }
        return "the map copy is not synchronized with the master yet";
    }

    /** The master map's epoch the copy was made from (empty when unknown). */
    public String masterEpoch() {
        return epoch;
    }

    public Optional<MailboxRecord> find(String name) {
        return Optional.ofNullable(view.get(name));
    }

    /** Every mailbox in the copy, by name (a frontend's LIST); empty on a node that keeps none. */
    public java.util.List<MailboxRecord> all() {
        return enabled ? java.util.List.copyOf(view.values()) : java.util.List.of();
    }

    /** The mailboxes whose names start with {@code prefix}, by name, at most {@code limit}. */
    public java.util.List<MailboxRecord> withPrefix(String prefix, int limit) {
        if (!enabled) {
            return java.util.List.of();
        }
        return view.tailMap(prefix).values().stream().takeWhile(r -> r.name().startsWith(prefix))
                .limit(Math.max(0, limit)).toList();
    }

    private void remember(MailboxRecord r) {
        if (r.kind() == MailboxKind.DELETED) {
            view.remove(r.name());
        } else {
            view.put(r.name(), r);
        }
    }

    private void replaceView(java.util.List<MailboxRecord> snapshot) {
        java.util.Map<String, MailboxRecord> next = new java.util.HashMap<>();
        snapshot.forEach(r -> next.put(r.name(), r));
        view.keySet().retainAll(next.keySet());
        view.putAll(next);
    }

    /** Waits until the copy has applied at least {@code version} (read-your-writes for tests and tools). */
    public boolean awaitVersion(long version, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (applied < version) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
