package org.murder.move;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.backend.MailboxService;
import org.murder.backend.MurderRegistry;
import org.murder.backend.RegistryGuard;
import org.murder.config.MurderSettings;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;
import org.murder.protocol.imap.MailboxName;
import org.murder.protocol.imap.MailboxNames;
import org.murder.store.ImportStore;
import org.murder.store.MessageCacheData;
import org.murder.store.MessageFlags;
import org.murder.store.Spool;
import org.murder.store.StoreMailbox;
import org.murder.store.model.Namespace;

/**
 * Runs the moves this backend is the destination of (docs/moves.md): each move's steps one after the other on a
 * managed thread, its state in {@link MoveStore} before each step's effects are relied on, retries with backoff, and
 * at start every move a restart interrupted.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class MoveRunner {

    private static final Logger LOG = Logger.getLogger(MoveRunner.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    @EJB
    MoveStore moves;

    @EJB
    ImportStore imports;

    @EJB
    MailboxService mailboxes;

    @Inject
    MurderRegistry registry;

    @Inject
    MurderSettings settings;

    @Inject
    Spool spool;

    @Inject
    Namespace namespace;

    /** Moves with a step scheduled or running, and who waits for their end. */
    private final Map<Long, CompletableFuture<MailboxMove>> running = new ConcurrentHashMap<>();

    @PostConstruct
    void resumeAtStart() {
        if (!settings.hasRole(MurderSettings.Role.BACKEND)) {
            return;
        }
        for (MailboxMove m : moves.unfinished()) {
            LOG.info(() -> "MURDER-MOVE-001 resuming the move of " + m.mailbox() + " from " + m.source() + " at " + m.state());
            schedule(m.id(), Duration.ofSeconds(2));
        }
    }

    /**
     * Starts the move of {@code mailbox} from {@code source} to {@code partition} here (or joins the one under way);
     * the future ends with the move, DONE or FAILED.
     */
    public CompletableFuture<MailboxMove> pull(String mailbox, String source, String partition, String requestedBy)
            throws MoveStore.MoveRefused {
        MailboxMove m = moves.start(mailbox, source, partition, requestedBy);
        CompletableFuture<MailboxMove> done = schedule(m.id(), Duration.ZERO);
        return done;
    }

    private CompletableFuture<MailboxMove> schedule(long id, Duration delay) {
        CompletableFuture<MailboxMove> fresh = new CompletableFuture<>();
        CompletableFuture<MailboxMove> existing = running.putIfAbsent(id, fresh);
        if (existing != null) {
            return existing; // its steps run already; this caller waits for the same end
        }
        scheduler.schedule(() -> run(id), delay.toMillis(), TimeUnit.MILLISECONDS);
        return fresh;
    }

    private void reschedule(long id, Duration delay) {
        scheduler.schedule(() -> run(id), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Steps until the move ends or a step fails (then it is tried again later). */
    private void run(long id) {
        MurderSettings.MoveSettings tune = settings.moveSettings();
        try (ImapMoveSource source = sourceOf(id)) {
            while (true) {
                MailboxMove m = moves.find(id).orElseThrow();
                if (m.state().terminal()) {
                    finish(m);
                    return;
                }
                try {
                    step(m, source, tune);
                } catch (RuntimeException | IOException e) {
                    boolean permanent = e instanceof ImapMoveSource.Refused || e instanceof IllegalStateException;
                    String why = e.getMessage() == null ? e.toString() : e.getMessage();
                    moves.failed(id, why);
                    MailboxMove after = moves.find(id).orElseThrow();
                    LOG.log(permanent ? Level.WARNING : Level.INFO, "MURDER-MOVE-002 move " + id + " of " + m.mailbox()
                            + " at " + m.state() + ", attempt " + after.attempts() + ": " + why, e instanceof IOException
                            ? null : e);
                    if (m.state().mayRollBack() && (permanent || after.attempts() >= tune.maxAttempts())) {
                        moves.transition(id, MoveState.ROLLING_BACK);
                        source.close(); // a fresh session for the rollback
                        continue;
                    }
                    long backoff = Math.min(tune.maxRetryDelay().toMillis(), 1000L << Math.min(16, after.attempts() - 1));
                    reschedule(id, Duration.ofMillis(backoff));
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "MURDER-MOVE-003 move " + id + " stopped", e);
            reschedule(id, settings.moveSettings().maxRetryDelay());
        }
    }

    private void finish(MailboxMove m) {
        LOG.info(() -> "MURDER-MOVE-004 move " + m.id() + " of " + m.mailbox() + " from " + m.source() + ": " + m.state()
                + (m.state() == MoveState.FAILED ? " (" + m.lastError() + ")" : ", " + m.messagesCopied() + " messages"));
        CompletableFuture<MailboxMove> f = running.remove(m.id());
        if (f != null) {
            f.complete(m);
        }
    }

    private ImapMoveSource sourceOf(long id) {
        MailboxMove m = moves.find(id).orElseThrow();
        return new ImapMoveSource(new ImapMoveSource.Login(
                settings.backendAddress(m.source(), MurderSettings.Service.IMAP), settings.proxyAuthname(m.source()),
                settings.proxyPassword(m.source()), m.requestedBy(), settings.moveSettings().timeout()));
    }

    /** Our backend or a Cyrus one (docs/migration.md): asked of the source once, then kept in the move's row. */
    private MoveSource flavour(MailboxMove m, ImapMoveSource source) throws IOException {
        String kind = m.sourceKind().orElse(null);
        if (kind == null) {
            kind = source.isCyrus() ? CyrusMoveSource.KIND : OurMoveSource.KIND;
            moves.sourceKind(m.id(), kind);
            String k = kind;
            LOG.info(() -> "MURDER-MOVE-005 move " + m.id() + " of " + m.mailbox() + ": the source " + m.source() + " is "
                    + (k.equals(CyrusMoveSource.KIND) ? "a Cyrus backend" : "one of ours"));
        }
        return kind.equals(CyrusMoveSource.KIND) ? new CyrusMoveSource(source, cyrusMaster(m.partition()), cyrusHere())
                : new OurMoveSource(source);
    }

    private CyrusMoveSource.Master cyrusMaster(String partition) {
        return new CyrusMoveSource.Master() {
            @Override
            public Optional<MailboxRecord> find(String name) throws IOException {
                try {
                    return registry.find(name);
                } catch (MurderRegistry.RegistryException e) {
                    throw new IOException("the master: " + e.getMessage(), e);
                }
            }

            @Override
            public void take(String name) throws IOException {
                try {
                    RegistryGuard.BACKEND.change(() -> {
                        deactivate(name, partition);
                        return null;
                    });
                } catch (MurderRegistry.RegistryException | RegistryGuard.BusyException e) {
                    throw new IOException("the master: " + e.getMessage(), e);
                }
            }

            @Override
            public void giveBack(String name, String server, String partition, String acl) throws IOException {
                try {
                    registry.activateAt(name, server, partition, acl);
                } catch (MurderRegistry.RegistryException e) {
                    throw new IOException("the master: " + e.getMessage(), e);
                }
            }
        };
    }

    private CyrusMoveSource.Here cyrusHere() {
        return new CyrusMoveSource.Here() {
            @Override
            public List<MailboxMoveItem> items(long moveId) {
                return moves.items(moveId);
            }

            @Override
            public void frozenEntries(long moveId, String entries) {
                moves.frozenEntries(moveId, entries);
            }

            @Override
            public void carry(MailboxMoveItem item, long uidNext, long highestModSeq, List<ImapMoveSource.Message> late)
                    throws IOException {
                String partition = Optional.ofNullable(mailboxes.byId(item.localId())).map(StoreMailbox::partition)
                        .orElseThrow(() -> new IOException("the copy of " + item.name() + " is gone"));
                List<org.murder.store.MessageStore.NewMessage> batch = new ArrayList<>(late.size());
                try {
                    for (ImapMoveSource.Message msg : late) {
                        Spool.TempMessage file;
                        try (Spool.TempWriter w = spool.openTemp(partition)) {
                            w.write(msg.body());
                            file = w.finish();
                        }
                        batch.add(new org.murder.store.MessageStore.NewMessage(file, MessageFlags.of(msg.flags()),
                                msg.internalDate(), MessageCacheData.parse(file.path())));
                    }
                    moves.carried(item.id(), spool, batch, uidNext, highestModSeq);
                } finally {
                    batch.forEach(n -> spool.delete(n.file().path()));
                }
            }
        };
    }

    private void step(MailboxMove m, ImapMoveSource source, MurderSettings.MoveSettings tune) throws IOException {
        switch (m.state()) {
            case COPYING -> {
                int work = pass(m, source, tune);
                MailboxMove after = moves.find(m.id()).orElseThrow();
                moves.transition(m.id(), work <= tune.quietPass() || after.passes() >= tune.livePasses()
                        ? MoveState.FREEZING : MoveState.COPYING);
            }
            case FREEZING -> {
                flavour(m, source).freeze(m);
                moves.transition(m.id(), MoveState.FINAL_SYNC);
            }
            case FINAL_SYNC -> {
                pause(tune.holdFrozen());
                pass(m, source, tune);
                metadata(m, source, flavour(m, source));
                if (m.mailbox().equals(settings.moveSeams().failFinalSync())) {
                    throw new IllegalStateException("move_fail_final_sync: " + m.mailbox() + " (a test seam)");
                }
                moves.transition(m.id(), MoveState.SWITCHING);
            }
            case SWITCHING -> {
                switchOver(m);
                moves.transition(m.id(), MoveState.RELEASING);
            }
            case RELEASING -> {
                pause(settings.moveSeams().holdReleasing());
                flavour(m, source).release(m, settings.servername() + "!" + m.partition());
                moves.transition(m.id(), MoveState.DONE);
            }
            case ROLLING_BACK -> {
                for (MailboxMoveItem i : moves.items(m.id())) {
                    dropCopy(i);
                }
                if (m.sourceKind().isPresent()) { // else the move never reached the freeze: nothing to undo
                    flavour(m, source).unfreeze(m);
                }
                moves.transition(m.id(), MoveState.FAILED);
            }
            case DONE, FAILED -> throw new IllegalStateException("terminal");
        }
    }

    /** One pass over every mailbox of the tree; returns how much it had to do. */
    private int pass(MailboxMove m, ImapMoveSource source, MurderSettings.MoveSettings tune) throws IOException {
        List<String> names = source.tree(m.mailbox(), m.wholeUser());
        Map<String, MailboxMoveItem> items = new HashMap<>();
        for (MailboxMoveItem i : moves.items(m.id())) {
            if (names.contains(i.name())) {
                items.put(i.name(), i);
            } else {
                dropCopy(i); // deleted at the source meanwhile
            }
        }
        int work = 0;
        for (String name : names) {
            ImapMoveSource.Head head = source.examine(name);
            MailboxMoveItem item = items.get(name);
            if (item != null && item.uidValidity() != head.uidValidity()) {
                dropCopy(item); // replaced at the source by another mailbox of the same name
                item = null;
            }
            if (item == null) {
                StoreMailbox copy = imports.createCopy(StoreMailbox.hiddenName(m.id(), name), m.partition(), "",
                        head.uidValidity());
                spool.createMailboxDir(m.partition(), copy.id());
                item = moves.addItem(m.id(), name, copy.id(), head.uidValidity());
            }
            long localId = item.localId();
            java.util.Set<Long> uids = source.uids(name);
            ImapMoveSource.Changes changes = source.changedSince(name, item.syncedModSeq(), head.uidNext());
            Map<Long, MoveDelta.Change> changed = changes.changed();
            MoveDelta delta = MoveDelta.plan(imports.modSeqs(localId), uids, changed);
            // expunged before the move: remembered at this pass's HIGHESTMODSEQ, so a client whose state is older
            // hears of them (perhaps again, which RFC 7162 allows), one whose state is this new does not
            imports.recordExpunged(localId, changes.vanished().stream().filter(u -> !uids.contains(u)
                    && !changed.containsKey(u)).toList(), head.highestModSeq());
            for (int from = 0; from < delta.fetch().size(); from += tune.batch()) {
                List<Long> batch = delta.fetch().subList(from, Math.min(delta.fetch().size(), from + tune.batch()));
                moves.copied(m.id(), importBodies(m.partition(), localId, source.bodies(name, batch)));
                pause(tune.batchPause());
            }
            Map<Long, ImportStore.FlagsAt> flags = new HashMap<>();
            delta.flags().forEach((uid, c) -> flags.put(uid, new ImportStore.FlagsAt(MessageFlags.of(c.flags()), c.modSeq())));
            imports.importFlags(localId, flags);
            imports.importExpunge(spool, localId, delta.expunge(), head.highestModSeq());
            imports.importHead(localId, head.uidNext(), head.highestModSeq());
            moves.synced(item.id(), head.highestModSeq(), head.uidNext(), ImapMoveSource.ownerOf(name).isPresent()
                    ? recentMark(uids, head.recent()) : 0);
            work += delta.size();
        }
        moves.passed(m.id());
        return work;
    }

    /** The UID above which the {@code recent} highest UIDs lie: the owner's \Recent mark (0: all are \Recent). */
    static long recentMark(java.util.Set<Long> uids, long recent) {
        long[] sorted = uids.stream().mapToLong(Long::longValue).sorted().toArray();
        int below = (int) (sorted.length - Math.max(0, recent));
        return below <= 0 ? 0 : sorted[below - 1];
    }

    private int importBodies(String partition, long localId, List<ImapMoveSource.Message> messages) throws IOException {
        List<ImportStore.Imported> batch = new ArrayList<>(messages.size());
        try {
            for (ImapMoveSource.Message msg : messages) {
                Spool.TempMessage file;
                try (Spool.TempWriter w = spool.openTemp(partition)) {
                    w.write(msg.body());
                    file = w.finish();
                }
                batch.add(new ImportStore.Imported(file, msg.uid(), msg.modSeq(), MessageFlags.of(msg.flags()),
                        msg.internalDate(), MessageCacheData.parse(file.path())));
            }
            return imports.importMessages(spool, localId, batch);
        } finally {
            batch.forEach(i -> spool.delete(i.file().path()));
        }
    }

    private static void pause(Duration d) {
        if (!d.isZero()) {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** ACLs and special use of every copy; for a whole user, the quota root and the subscriptions, kept for the switch. */
    private void metadata(MailboxMove m, ImapMoveSource source, MoveSource flavour) throws IOException {
        for (MailboxMoveItem i : moves.items(m.id())) {
            imports.importAttributes(i.localId(), ImapMoveSource.aclText(flavour.acl(m, i.name())),
                    source.specialUse(i.name()).orElse(null));
        }
        if (!m.wholeUser()) {
            return;
        }
        String quota = source.quota(m.mailbox(), m.mailbox())
                .map(q -> q.root() + " " + (q.storageKb() == null ? "-" : q.storageKb()) + " "
                        + (q.messages() == null ? "-" : q.messages())).orElse(null);
        String owner = ImapMoveSource.ownerOf(m.mailbox()).orElseThrow();
        List<String> subscriptions = new ArrayList<>();
        for (String external : source.subscriptions(m.mailbox())) {
            MailboxName.of(external).utf7().flatMap(utf7 -> namespace.toInternal(utf7, owner))
                    .ifPresent(subscriptions::add);
        }
        moves.extras(m.id(), quota, String.join("\n", subscriptions));
    }

    /**
     * The master's entry turns RESERVED here, the copy goes live in one transaction, the entry turns ACTIVE here.
     * Every part is idempotent: a restart in the middle does it again.
     */
    private void switchOver(MailboxMove m) throws IOException {
        List<MailboxMoveItem> items = moves.items(m.id());
        try {
            RegistryGuard.BACKEND.change(() -> {
                if (!m.live()) {
                    for (MailboxMoveItem i : items) {
                        deactivate(i.name(), m.partition());
                    }
                    pause(settings.moveSeams().holdSwitching());
                    moves.goLive(m.id(), extras(m));
                }
                for (MailboxMoveItem i : items) {
                    String acl = mailboxes.find(i.name()).map(StoreMailbox::acl).orElse("");
                    registry.activate(i.name(), m.partition(), acl);
                }
                return null;
            });
        } catch (MurderRegistry.RegistryException | RegistryGuard.BusyException e) {
            throw new IOException("the master: " + e.getMessage(), e);
        }
    }

    private void deactivate(String name, String partition) throws MurderRegistry.RegistryException {
        try {
            registry.deactivate(name, partition);
        } catch (MurderRegistry.RegistryException e) {
            if (e.unreachable()) {
                throw e;
            }
            // done before a restart: the entry is RESERVED (or ACTIVE) here already
            Optional<MailboxRecord> r = registry.find(name);
            if (r.isEmpty() || !r.get().server().equals(settings.servername())) {
                throw e;
            }
        }
    }

    private static MoveStore.LiveExtras extras(MailboxMove m) {
        Optional<ImapMoveSource.Quota> quota = Optional.ofNullable(m.quota()).map(q -> {
            String[] w = q.split(" ");
            return new ImapMoveSource.Quota(w[0], w[1].equals("-") ? null : Long.valueOf(w[1]),
                    w[2].equals("-") ? null : Long.valueOf(w[2]));
        });
        List<String> subs = m.subscriptions() == null || m.subscriptions().isEmpty() ? List.of()
                : List.of(m.subscriptions().split("\n"));
        return new MoveStore.LiveExtras(quota, ImapMoveSource.ownerOf(m.mailbox()), subs);
    }

    /** A copy made here is deleted: rows, then files. */
    private void dropCopy(MailboxMoveItem i) {
        Optional<StoreMailbox> box = Optional.ofNullable(mailboxes.byId(i.localId()));
        mailboxes.remove(i.localId());
        box.ifPresent(b -> {
            try (var files = Files.walk(spool.mailboxDir(b.partition(), b.id()))) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(spool::delete);
            } catch (IOException e) {
                LOG.fine(() -> "no spool directory for the copy " + b.id());
            }
        });
        moves.dropItem(i.id());
    }

    /** The moves this node runs or ran lately, for status. */
    public List<MailboxMove> recent() {
        return moves.recent(50);
    }

    Set<Long> runningIds() {
        return running.keySet();
    }
}
