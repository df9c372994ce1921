package org.murder.backend;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.config.MurderSettings;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;
import org.murder.store.MessageStore;

/**
 * The backend's full push of its mailbox list to the master — Cyrus's {@code ctl_mboxlist -m}, with {@code -mw}'s dry
 * run — on demand, and by itself whenever it finds the master again: at start-up (Cyrus's {@code mupdatepush} START
 * entry) and each time the master comes back after it was unreachable (its map may have lost anything, up to all of
 * it). A heartbeat every {@code mupdate_retry_delay} seconds ({@link MurderRegistry#heartbeat()}) finds out.
 * Every push logs what it changed at the master, and tells our master which of this backend's mailboxes it still
 * refuses (a mailbox on two backends), so that conflicts no longer there are cleared.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class MapPushService {

    private static final Logger LOG = Logger.getLogger(MapPushService.class.getName());
    /** Per-mailbox lines of one push's diff in the log, at most (the summary line counts them all). */
    private static final int MAX_LOGGED_STEPS = 500;
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(5)).build();

    @Inject
    MurderRegistry registry;

    @Inject
    MurderSettings settings;

    @EJB
    MessageStore store;

    @EJB
    org.murder.move.MoveStore moves;

    @Resource
    TimerService timers;

    /** A heartbeat runs (one that waits out client_timeout must not be overtaken by the next timer tick). */
    private final java.util.concurrent.atomic.AtomicBoolean beating = new java.util.concurrent.atomic.AtomicBoolean();

    /** Why a push is owed (the last one failed, or a local copy of a mailbox in conflict went): null when none is. */
    private final AtomicReference<String> owed = new AtomicReference<>();

    /** A push and what came of each step. */
    public record Push(boolean dryRun, List<MapPush.Step> plan, List<MapPush.Result> results) {
        public long count(MapPush.Change change) {
            return results.stream().filter(r -> r.outcome() == MapPush.Outcome.DONE && r.step().change() == change).count();
        }

        public List<MapPush.Result> refused() {
            return results.stream().filter(r -> r.outcome() == MapPush.Outcome.REFUSED).toList();
        }
    }

    @PostConstruct
    void atStart() {
        if (settings.hasRole(MurderSettings.Role.BACKEND) && registry.joined()) {
            long every = settings.mupdateRetryDelay() * 1000;
            timers.createIntervalTimer(2000, every, new TimerConfig("mupdate-heartbeat", false));
        }
    }

    @Timeout
    void tick() {
        if (beating.compareAndSet(false, true)) {
            try {
                heartbeat();
            } finally {
                beating.set(false);
            }
        }
    }

    private void heartbeat() {
        MasterAvailability.Transition t = registry.heartbeat();
        if (registry.masterDownSince().isPresent()) {
            return; // whatever is owed waits for the master
        }
        String why = switch (t) {
            case FIRST_CONTACT -> "start-up";
            case RETURNED -> "the master is back";
            default -> null;
        };
        String pending = owed.getAndSet(null);
        if (why == null) {
            why = pending;
        }
        if (why != null) {
            reconcile(why);
        }
    }

    /** A push soon (on the next heartbeat), e.g. after this backend deleted its copy of a mailbox in conflict. */
    public void pushSoon(String why) {
        owed.compareAndSet(null, why);
    }

    private void reconcile(String why) {
        try {
            Push done = push(false, why);
            LOG.fine(() -> "push (" + why + "): " + done.results().size() + " step(s)");
        } catch (MurderRegistry.RegistryException e) {
            owed.compareAndSet(null, why);
            LOG.warning(() -> "MURDER-BE-005 push to the MUPDATE master (" + why + ") failed: " + e.getMessage()
                    + " (tried again at the next heartbeat; ./murder push runs one at once)");
        }
    }

    /** What a push would change; executed unless {@code dryRun}. */
    public Push push(boolean dryRun) throws MurderRegistry.RegistryException {
        return push(dryRun, "asked for");
    }

    private Push push(boolean dryRun, String why) throws MurderRegistry.RegistryException {
        Push done;
        try {
            // both lists must describe the same moment: no CREATE or DELETE in between
            done = RegistryGuard.BACKEND.push(() -> pushNow(dryRun));
        } catch (RegistryGuard.BusyException e) {
            throw new MurderRegistry.RegistryException(e.getMessage(), true, e);
        }
        if (!dryRun) {
            logDiff(done, why);
            reportRefused(done);
        }
        return done;
    }

    private Push pushNow(boolean dryRun) throws MurderRegistry.RegistryException {
        // names a move has in hand (frozen here, or being brought here) are the move's to tell the master: a push
        // would otherwise bring a mailbox back to its old backend, or drop the reservation of its new one
        java.util.Set<String> inMotion = new java.util.HashSet<>(moves.namesInMotion());
        List<MailboxRecord> local = store.allMailboxes().stream()
                .peek(m -> {
                    if (m.frozen()) {
                        inMotion.add(m.name());
                    }
                })
                .filter(m -> !m.frozen())
                .map(m -> new MailboxRecord(m.name(), settings.servername(), m.partition(), m.acl(), MailboxKind.ACTIVE, 0))
                .toList();
        // one connection for the list and every step, as ctl_mboxlist
        return registry.batch(r -> {
            List<MailboxRecord> master = r.listOwn().stream().filter(m -> !inMotion.contains(m.name())).toList();
            List<MapPush.Step> plan = MapPush.plan(local, master);
            return new Push(dryRun, plan, dryRun ? List.of() : MapPush.execute(r, plan));
        });
    }

    private void logDiff(Push p, String why) {
        long added = p.count(MapPush.Change.ADDED);
        long changed = p.count(MapPush.Change.CHANGED);
        long removed = p.count(MapPush.Change.REMOVED);
        List<MapPush.Result> refused = p.refused();
        Level level = added + changed + removed + refused.size() == 0 ? Level.FINE : Level.INFO;
        LOG.log(level, () -> "MURDER-BE-032 push to the MUPDATE master (" + why + "): " + added + " added, " + changed
                + " changed, " + removed + " removed, " + refused.size() + " refused");
        int logged = 0;
        for (MapPush.Result r : p.results()) {
            if (logged++ == MAX_LOGGED_STEPS) {
                LOG.info(() -> "MURDER-BE-033 … " + (p.results().size() - MAX_LOGGED_STEPS) + " more step(s) not logged");
                break;
            }
            if (r.outcome() == MapPush.Outcome.DONE) {
                LOG.info(() -> "MURDER-BE-033 push: " + r.step().describe(settings.servername()));
            } else {
                LOG.warning(() -> "MURDER-BE-034 push: " + r.step().mailbox() + " refused: " + r.why() + " — the mailbox is"
                        + " on two backends; the master keeps the other copy (delete one of them)");
            }
        }
    }

    /**
     * Tells our master which mailboxes of this backend it still refuses ({@code PUT /api/map/conflicts/server/…}); a
     * master without that API (Cyrus's) does not keep conflicts, and a failure here changes nothing else.
     */
    private void reportRefused(Push p) {
        JsonArrayBuilder names = Json.createArrayBuilder();
        p.refused().forEach(r -> names.add(r.step().mailbox()));
        String body = Json.createObjectBuilder().add("mailboxes", names).build().toString();
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(settings.masterHttpUrl() + "/api/map/conflicts/server/"
                            + java.net.URLEncoder.encode(settings.servername(), java.nio.charset.StandardCharsets.UTF_8)
                            .replace("+", "%20")))
                    .timeout(settings.clientTimeout())
                    .header("Content-Type", "application/json")
                    .header("X-Requested-By", "murder-backend")
                    .PUT(HttpRequest.BodyPublishers.ofString(body));
            String authorization = org.murder.frontend.MasterSnapshots.basicAuthorization(settings.nodeUser(),
                    settings.nodePassword());
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            HttpResponse<Void> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 != 2) {
                LOG.fine(() -> "the master answered " + r.statusCode() + " to this backend's conflict report");
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.fine(() -> "no conflict report to the master: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
