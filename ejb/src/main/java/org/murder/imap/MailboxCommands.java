package org.murder.imap;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.murder.backend.MailboxService;
import org.murder.config.MurderSettings;
import org.murder.connector.api.Connection;
import org.murder.protocol.imap.MailboxName;
import org.murder.protocol.imap.MailboxNames;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.QresyncParameters;
import org.murder.protocol.imap.command.StatusItem;
import org.murder.protocol.imap.response.ImapResponses;
import org.murder.protocol.imap.response.ImapStatus;
import org.murder.protocol.imap.response.NamespaceEntry;
import org.murder.store.MailboxIndex;
import org.murder.store.MessageStore;
import org.murder.store.Spool;
import org.murder.store.StoreMailbox;
import org.murder.store.Subscriptions;
import org.murder.store.model.Acl;
import org.murder.store.model.ListAttribute;
import org.murder.store.model.ListEntry;
import org.murder.store.model.ListPattern;
import org.murder.store.model.MailboxListing;
import org.murder.store.model.Namespace;
import org.murder.store.model.Rights;

/** IMAP's authenticated-state commands: mailboxes, their names, subscriptions, APPEND, SELECT. */
@ApplicationScoped
public class MailboxCommands {

    private static final Logger LOG = Logger.getLogger(MailboxCommands.class.getName());

    @Inject
    MurderSettings settings;

    @Inject
    Namespace namespace;

    @Inject
    Spool spool;

    @EJB
    MailboxService mailboxes;

    @EJB
    MessageStore store;

    @EJB
    Subscriptions subscriptions;

    @EJB
    MailboxEvents events;

    @EJB
    org.murder.store.MailboxIndexes indexes;

    @Inject
    MessageCommands messages;

    @Inject
    AclQuotaCommands aclQuota;

    @Inject
    AppendCommand appends;

    @Inject
    MoveCommands moves;

    @Inject
    org.murder.routing.MailboxLocator locator;

    @EJB
    org.murder.frontend.MapCopy mapCopy;

    @EJB
    org.murder.map.MailboxMap masterMap;

    @EJB
    org.murder.store.SeenStore seenStore;

    @EJB
    org.murder.store.RecentStore recentStore;

    @Inject
    org.murder.proxy.BackendCapabilities backendCapabilities;

    /** Whether the mailbox belongs to the user (their INBOX or below): then \Seen is the message's own. */
    static boolean ownedBy(String internal, String user) {
        String inbox = "user." + user.replace('.', '^');
        return internal.equals(inbox) || internal.startsWith(inbox + ".");
    }

    private static void ok(Connection c, String tag, String text) {
        ImapEndpoint.tagged(c, tag, ImapStatus.OK, text);
    }

    private static void no(Connection c, String tag, String text) {
        ImapEndpoint.tagged(c, tag, ImapStatus.NO, text);
    }

    /** A refused CREATE, DELETE or RENAME: {@code NO [UNAVAILABLE]} while the master is unreachable. */
    static void refused(Connection c, String tag, MailboxService.MailboxException e) {
        if (e.code().isPresent()) {
            ImapEndpoint.tagged(c, tag, ImapStatus.NO, e.code().get(), e.getMessage());
        } else {
            no(c, tag, e.getMessage());
        }
    }

    /**
     * APPEND, COPY or MOVE to a mailbox that does not exist: {@code [TRYCREATE]} (RFC 3501 §6.3.11), unless no CREATE
     * could make it ({@link MailboxName.Unusable}).
     */
    static void noSuchTarget(Connection c, String tag, String target) {
        if (MailboxName.of(target) instanceof MailboxName.Unusable) {
            no(c, tag, "Mailbox does not exist");
        } else {
            ImapEndpoint.tagged(c, tag, ImapStatus.NO, "TRYCREATE", "Mailbox does not exist");
        }
    }

    /**
     * A wire name (already decoded from modified UTF-7, or UTF-8 under IMAP4rev2, then normalized to NFC) as Cyrus's
     * internal name (modified UTF-7 again).
     */
    Optional<String> internal(ImapSession s, String external) {
        return internal(namespace, s, external);
    }

    /** {@link #internal(ImapSession, String)} for the other command families. */
    static Optional<String> internal(Namespace namespace, ImapSession s, String external) {
        String name = s.utf8Names() ? MailboxNames.normalized(external) : external;
        return MailboxName.of(name).utf7().flatMap(utf7 -> namespace.toInternal(utf7, s.user(), s.admin()));
    }

    /**
     * A response code IMAP4rev2 names for a refusal (RFC 9051 §7.1: NONEXISTENT, ALREADYEXISTS...): given to a rev2
     * session; an IMAP4rev1 session hears the text alone, as from Cyrus 3.6.
     */
    static void refused(Connection c, ImapSession s, String tag, String code, String text) {
        if (s.rev2()) {
            ImapEndpoint.tagged(c, tag, ImapStatus.NO, code, text);
        } else {
            no(c, tag, text);
        }
    }

    /**
     * RFC 9051 §6.3.4/§6.3.6: a UTF-8 name the client did not send in NFC is made so; the client hears the name it has
     * now, {@code * LIST () "/" normalized ("OLDNAME" ("as sent"))}.
     */
    private void oldName(Connection c, ImapSession s, String sent) {
        String normalized = MailboxNames.normalized(sent);
        if (s.utf8Names() && !normalized.equals(sent)) {
            c.write(ImapResponses.list(List.of(), namespace.separator(), normalized, true,
                    List.of(org.murder.protocol.imap.response.ListExtendedItem.oldName(sent))));
        }
    }

    /**
     * RENAME's untagged LIST under IMAP4rev2 (RFC 9051 §6.3.6): when either name as sent differs from its normalized
     * form, the mailbox's name now, with OLDNAME "the supplied existing mailbox name", so that the client can match
     * what it sent with what there is. Other sessions are not told: the RFC leaves announcing a rename to them
     * optional ("MAY"), and they learn it from their next LIST.
     */
    private void renamed(Connection c, ImapSession s, String from, String to) {
        String normalized = MailboxNames.normalized(to);
        if (s.utf8Names() && (!normalized.equals(to) || !MailboxNames.normalized(from).equals(from))) {
            c.write(ImapResponses.list(List.of(), namespace.separator(), normalized, true,
                    List.of(org.murder.protocol.imap.response.ListExtendedItem.oldName(from))));
        }
    }

    String external(ImapSession s, String internal) {
        return namespace.toExternal(internal, s.user(), s.admin()).map(MailboxNames::decodeUtf7).orElse(internal);
    }

    /** What the session may do on a mailbox; Cyrus does no ACL check at all for admins. */
    static Rights rights(ImapSession s, String acl) {
        return s.admin() ? ALL_RIGHTS : Acl.parse(acl).rightsOf(s.user(), Set.of(), false);
    }

    private static final Rights ALL_RIGHTS = Rights.parse("lrswipkxtean");

    Rights rights(ImapSession s, StoreMailbox m) {
        return rights(s, m.acl());
    }

    /** Cyrus's autocreate at login: a user always has an INBOX to open. */
    void ensureInbox(ImapSession s) {
        ensureInbox(s.user(), s.admin());
    }

    /** Creates the user's INBOX on this backend if it exists nowhere (autocreate): at an IMAP or a POP3 login. */
    public void ensureInbox(String user, boolean admin) {
        if (!settings.autocreateInbox() || !settings.hasRole(MurderSettings.Role.BACKEND)) {
            return;
        }
        Optional<String> inbox = namespace.toInternal("INBOX", user);
        if (inbox.isEmpty() || mailboxes.find(inbox.get()).isPresent()
                || !(locator.locate(inbox.get()) instanceof org.murder.routing.Route.Unknown)) {
            return; // there already, or on another backend (or not certainly nowhere): not ours to create
        }
        try {
            mailboxes.create(inbox.get(), "", mailboxes.initialAcl(inbox.get()), user, admin);
        } catch (MailboxService.MailboxException e) {
            LOG.info(() -> "MURDER-IMAP-002 cannot create INBOX for " + user + ": " + e.getMessage());
        }
    }

    void run(Connection c, ImapSession s, ImapCommand command) {
        String tag = command.tag();
        if (command instanceof ImapCommand.Select sel) {
            select(c, s, tag, sel.mailbox(), false, sel.condstore(), sel.qresync());
        } else if (command instanceof ImapCommand.Examine ex) {
            select(c, s, tag, ex.mailbox(), true, ex.condstore(), ex.qresync());
        } else if (command instanceof ImapCommand.Create cr) {
            create(c, s, tag, cr.mailbox(), cr.specialUse(), cr.location());
        } else if (command instanceof ImapCommand.Delete d) {
            delete(c, s, tag, d.mailbox());
        } else if (command instanceof ImapCommand.Subscribe sub) {
            subscribe(c, s, tag, sub.mailbox(), true);
        } else if (command instanceof ImapCommand.Unsubscribe sub) {
            subscribe(c, s, tag, sub.mailbox(), false);
        } else if (command instanceof ImapCommand.ListCommand || command instanceof ImapCommand.Lsub) {
            list(c, s, command, subscriptionsHere(s));
        } else if (command instanceof ImapCommand.Status st) {
            status(c, s, tag, st);
        } else if (command instanceof ImapCommand.Append a) {
            appends.run(c, s, a);
        } else if (command instanceof ImapCommand.Namespace) {
            Namespace.NamespaceResponse n = namespace.namespaceResponse();
            c.write(ImapResponses.namespace(entries(n.personal()), entries(n.otherUsers()), entries(n.shared()),
                    s.utf8Names()));
            ok(c, tag, "Completed");
        } else if (command instanceof ImapCommand.Enable en) {
            // RFC 7162 §3.2.3: QRESYNC implies CONDSTORE; ENABLED names only what was asked for and is new (RFC 9051
            // §6.3.1: the ENABLED response comes even when that is nothing)
            List<String> newly = new ArrayList<>();
            for (String known : List.of(ImapSession.IMAP4REV2, "CONDSTORE", "QRESYNC")) {
                if (!s.enabled.contains(known) && en.capabilities().stream().anyMatch(known::equalsIgnoreCase)
                        && (!known.equals(ImapSession.IMAP4REV2) || rev2Served())) {
                    newly.add(known);
                }
            }
            c.write(ImapResponses.enabled(newly));
            if (newly.contains(ImapSession.IMAP4REV2)) {
                s.enabled.add(ImapSession.IMAP4REV2);
                s.selected().ifPresent(sel -> sel.rev2 = true);
            }
            if (newly.contains("QRESYNC")) {
                s.enabled.add("QRESYNC");
            }
            if (newly.contains("CONDSTORE") || newly.contains("QRESYNC")) {
                MessageCommands.enableCondstore(c, s);
            }
            ok(c, tag, "Completed");
        } else if (command instanceof ImapCommand.Idle) {
            messages.startIdle(c, s, tag);
        } else if (command instanceof ImapCommand.Rename r && r.location().isPresent()) {
            moves.rename(c, s, r);
        } else if (command instanceof ImapCommand.Rename r) {
            rename(c, s, tag, r.from(), r.to());
        } else if (command instanceof ImapCommand.XPull p) {
            moves.pull(c, s, p);
        } else if (command instanceof ImapCommand.XMoveStep st) {
            moves.step(c, s, st);
        } else if (aclQuota.handles(command)) {
            aclQuota.run(c, s, command);
        } else {
            no(c, tag, "Not supported yet on this server");
        }
    }

    /** IMAP4rev2 holds where every backend this frontend knows serves it too ({@link org.murder.proxy.BackendCapabilities}). */
    private boolean rev2Served() {
        return backendCapabilities.filter(List.of(ImapSession.IMAP4REV2)).contains(ImapSession.IMAP4REV2);
    }

    private static List<NamespaceEntry> entries(List<Namespace.NamespaceResponse.Prefix> prefixes) {
        return prefixes.stream().map(p -> new NamespaceEntry(p.prefix(), p.delimiter())).toList();
    }

    private Optional<StoreMailbox> visible(ImapSession s, String external) {
        return internal(s, external).flatMap(mailboxes::find).filter(m -> rights(s, m).has('l') || rights(s, m).has('r'));
    }

    /** {@code * OK [CLOSED]}: the selected mailbox's responses end here (RFC 7162 §3.2.11). */
    static final byte[] CLOSED = ImapResponses.untagged(ImapStatus.OK, Optional.of("CLOSED"), "Ok");

    private void select(Connection c, ImapSession s, String tag, String mailbox, boolean examine, boolean condstore,
                        Optional<QresyncParameters> qresync) {
        boolean qresyncOn = s.enabled.contains("QRESYNC");
        if (qresync.isPresent() && !qresyncOn) {
            ImapEndpoint.tagged(c, tag, ImapStatus.BAD, "QRESYNC not enabled"); // RFC 7162 §3.2.5
            return;
        }
        if (condstore) {
            s.enabled.add("CONDSTORE"); // RFC 7162 3.1: SELECT (CONDSTORE) enables it
        }
        boolean wasSelected = s.selected().isPresent();
        s.unselect();
        if (wasSelected && (qresyncOn || s.rev2())) {
            // RFC 7162 §3.2.11, RFC 9051 §6.3.2: where the old mailbox's responses end and the new one's begin
            c.write(CLOSED);
        }
        Optional<StoreMailbox> found = visible(s, mailbox);
        if (found.isEmpty()) {
            refused(c, s, tag, "NONEXISTENT", "Mailbox does not exist");
            return;
        }
        if (!rights(s, found.get()).has('r')) {
            no(c, tag, "Permission denied");
            return;
        }
        StoreMailbox m = found.get();
        Rights rights = rights(s, m);
        boolean readOnly = examine || !rights.has('s') && !rights.has('w') && !rights.has('t');
        boolean sharedSeen = !ownedBy(m.name(), s.user());
        // pinned before it is read: sessions on a mailbox share its index while one of them has it selected
        indexes.use(m.id());
        MailboxIndex index;
        try {
            index = store.index(m.id());
        } catch (RuntimeException e) {
            indexes.release(m.id());
            throw e;
        }
        SelectedMailbox sel = new SelectedMailbox(m.id(), m.name(), mailbox, readOnly, m.uidValidity(), m.partition(),
                index, sharedSeen, rights, () -> indexes.release(m.id()));
        sel.rev2 = s.rev2();
        try {
            if (sharedSeen) {
                sel.seen = seenStore.seen(m.id(), s.user());
            }
            long newest = sel.maxUid();
            // Cyrus: a read-write session takes the \Recent messages for itself; EXAMINE only looks
            sel.addRecent(org.murder.store.RecentStore.sessionMark(recentStore, m.id(), s.user(), newest, readOnly), newest);
            sel.announceKeywords(index.keywords());
            c.write(sel.flagsResponses());
            c.write(ImapResponses.exists(sel.count()));
            if (!sel.rev2) {
                c.write(ImapResponses.recent(sel.recentCount())); // RFC 9051 Appendix E: no RECENT in IMAP4rev2
            }
            int unseen = sel.firstUnseen();
            if (unseen > 0) {
                c.write(ImapResponses.untagged(ImapStatus.OK, Optional.of("UNSEEN " + unseen), "Ok"));
            }
            c.write(ImapResponses.untagged(ImapStatus.OK, Optional.of("UIDVALIDITY " + m.uidValidity()), "Ok"));
            c.write(ImapResponses.untagged(ImapStatus.OK, Optional.of("UIDNEXT " + Math.max(m.uidNext(), index.maxUid() + 1)), "Ok"));
            c.write(ImapResponses.untagged(ImapStatus.OK, Optional.of("HIGHESTMODSEQ " + Math.max(m.highestModSeq(), index.highestModSeq())),
                    "Ok"));
            sel.expungesRecordedAfter = m.deletedModSeq().orElse(
                    m.createdAt() > java.time.Instant.now().minus(settings.expungedRetention()).toEpochMilli() ? 0 : Long.MAX_VALUE);
            if (qresync.isPresent() && qresync.get().uidValidity() == m.uidValidity()) {
                messages.qresync(c, sel, qresync.get(), Math.max(m.uidNext(), index.maxUid() + 1));
            }
            s.select(sel);
        } catch (RuntimeException e) {
            sel.close();
            throw e;
        }
        ImapEndpoint.tagged(c, tag, ImapStatus.OK, readOnly ? "READ-ONLY" : "READ-WRITE", "Completed");
    }

    private static final java.util.Set<String> SPECIAL_USES = java.util.Set.of("\\All", "\\Archive", "\\Drafts",
            "\\Flagged", "\\Junk", "\\Sent", "\\Trash");

    private void create(Connection c, ImapSession s, String tag, String mailbox, List<String> specialUse,
                        Optional<String> location) {
        String partition = "";
        if (location.isPresent()) {
            // Cyrus: only an admin says where; "server!partition" names this server or is another's to make
            if (!s.admin()) {
                no(c, tag, "Permission denied");
                return;
            }
            String l = location.get();
            int bang = l.indexOf('!');
            if (bang >= 0 && !l.substring(0, bang).equalsIgnoreCase(settings.servername())) {
                no(c, tag, "Server " + l.substring(0, bang) + " is not this one");
                return;
            }
            partition = l.substring(bang + 1);
            if (!settings.partitions().containsKey(partition)) {
                no(c, tag, "Partition " + partition + " does not exist");
                return;
            }
        }
        if (specialUse.size() > 1 || specialUse.stream().anyMatch(u -> SPECIAL_USES.stream().noneMatch(u::equalsIgnoreCase))) {
            ImapEndpoint.tagged(c, tag, ImapStatus.NO, "USEATTR", "Unsupported special use");
            return;
        }
        String name = mailbox.endsWith(String.valueOf(namespace.separator()))
                ? mailbox.substring(0, mailbox.length() - 1) : mailbox;
        Optional<String> internal = internal(s, name);
        if (internal.isEmpty() || namespace.validate(internal.get()).isPresent()) {
            no(c, tag, "Invalid mailbox name");
            return;
        }
        String in = internal.get();
        if (s.rev2() && (mailboxes.find(in).isPresent() || !(locator.locate(in) instanceof org.murder.routing.Route.Unknown))) {
            refused(c, s, tag, "ALREADYEXISTS", "Mailbox already exists");
            return;
        }
        try {
            // who may create what (parent's k, own tree, admins) is AccessRules.checkCreate, inside create
            StoreMailbox created = mailboxes.create(in, partition, mailboxes.initialAcl(in), s.user(), s.admin());
            if (!specialUse.isEmpty()) {
                String use = SPECIAL_USES.stream().filter(specialUse.get(0)::equalsIgnoreCase).findFirst().orElseThrow();
                mailboxes.setSpecialUse(created.id(), use);
            }
            oldName(c, s, name);
            ok(c, tag, "Completed");
        } catch (MailboxService.MailboxException e) {
            refused(c, tag, e);
        }
    }

    private void delete(Connection c, ImapSession s, String tag, String mailbox) {
        Optional<StoreMailbox> found = visible(s, mailbox);
        if (found.isEmpty()) {
            refused(c, s, tag, "NONEXISTENT", "Mailbox does not exist");
            return;
        }
        String name = found.get().name();
        if (org.murder.store.model.MailboxName.isUserInbox(name)) {
            // RFC 3501 6.3.4: INBOX cannot be deleted; as in Cyrus, only an admin removes a user (another's INBOX)
            if (name.equals("user." + s.user().replace('.', '^'))) {
                no(c, tag, "Operation is not supported on mailbox");
                return;
            }
            if (!s.admin()) {
                no(c, tag, "Permission denied");
                return;
            }
        }
        if (!s.admin() && !rights(s, found.get()).has('x')) {
            no(c, tag, "Permission denied");
            return;
        }
        if (s.hasSelected(found.get().id())) {
            s.unselect();
        }
        try {
            mailboxes.delete(found.get());
            events.changed(found.get().id()); // sessions that had it selected see its messages expunged
            ok(c, tag, "Completed");
        } catch (MailboxService.MailboxException e) {
            refused(c, tag, e);
        }
    }

    private void rename(Connection c, ImapSession s, String tag, String from, String to) {
        Optional<StoreMailbox> source = visible(s, from);
        Optional<String> target = internal(s, to);
        if (source.isEmpty()) {
            refused(c, s, tag, "NONEXISTENT", "Mailbox does not exist");
            return;
        }
        if (target.isEmpty() || namespace.validate(target.get()).isPresent()) {
            no(c, tag, "Invalid mailbox name");
            return;
        }
        if (s.rev2() && !target.get().equals(source.get().name()) && (mailboxes.find(target.get()).isPresent()
                || !(locator.locate(target.get()) instanceof org.murder.routing.Route.Unknown))) {
            refused(c, s, tag, "ALREADYEXISTS", "Mailbox already exists");
            return;
        }
        if (!s.admin() && !rights(s, source.get()).has('x')) {
            no(c, tag, "Permission denied");
            return;
        }
        if (s.hasSelected(source.get().id())) {
            s.unselect();
        }
        try {
            if (from.equalsIgnoreCase("INBOX")) {
                // RFC 3501: INBOX's messages move to the new mailbox; INBOX stays, empty
                mailboxes.create(target.get(), source.get().partition(), mailboxes.initialAcl(target.get()), s.user(),
                        s.admin());
                StoreMailbox created = mailboxes.find(target.get()).orElseThrow();
                List<Long> uids = store.messages(source.get().id()).stream().map(m -> m.uid()).toList();
                if (!uids.isEmpty()) {
                    store.copy(spool, source.get().id(), uids, created.id());
                    store.expunge(spool, source.get().id(), uids);
                    events.changed(source.get().id());
                }
            } else {
                mailboxes.rename(source.get(), target.get(), s.user(), s.admin());
            }
            renamed(c, s, from, to);
            ok(c, tag, "Completed");
        } catch (MailboxService.MailboxException e) {
            refused(c, tag, e);
        }
    }

    private void subscribe(Connection c, ImapSession s, String tag, String mailbox, boolean on) {
        Optional<String> internal = internal(s, mailbox);
        if (internal.isEmpty()) {
            no(c, tag, "Invalid mailbox name");
            return;
        }
        if (on && !settings.allowAllSubscribe() && visible(s, mailbox).isEmpty()) {
            no(c, tag, "Mailbox does not exist");
            return;
        }
        if (on) {
            subscriptions.subscribe(s.user(), internal.get());
        } else {
            subscriptions.unsubscribe(s.user(), internal.get());
        }
        ok(c, tag, "Completed");
    }

    /** The user's subscriptions in this node's store, as external names. */
    List<String> subscriptionsHere(ImapSession s) {
        return subscriptions.of(s.user()).stream().map(n -> external(s, n)).toList();
    }

    /** LIST or LSUB, given the user's subscriptions (external names) from wherever they are kept. */
    void list(Connection c, ImapSession s, ImapCommand command, List<String> subscribed) {
        list(c, s, command, subscribed, Map.of());
    }

    /**
     * As {@link #list(Connection, ImapSession, ImapCommand, List)}, with the STATUS responses other backends gave for
     * their mailboxes (LIST-STATUS at a frontend), passed on as they came.
     */
    void list(Connection c, ImapSession s, ImapCommand command, List<String> subscribed, Map<String, byte[]> remoteStatus) {
        if (command instanceof ImapCommand.ListCommand l && l.extended()) {
            listExtended(c, s, l, subscribed, remoteStatus);
        } else if (command instanceof ImapCommand.ListCommand l) {
            list(c, s, l.tag(), l.reference(), l.patterns(), false, subscribed);
        } else if (command instanceof ImapCommand.Lsub l) {
            list(c, s, l.tag(), l.reference(), List.of(l.pattern()), true, subscribed);
        }
    }

    private void list(Connection c, ImapSession s, String tag, String reference, List<String> patterns, boolean lsub,
                      List<String> subscribed) {
        char sep = namespace.separator();
        if (!lsub && patterns.size() == 1 && ListPattern.isDelimiterRequest(patterns.get(0))) {
            c.write(ImapResponses.list(List.of("\\Noselect"), sep, "", s.utf8Names(), List.of()));
            ok(c, tag, "Completed");
            return;
        }
        List<ListPattern> compiled = patterns.stream().map(p -> ListPattern.compile(reference, p, sep)).toList();
        List<String> visible = new ArrayList<>(listable(s).keySet());
        List<ListEntry> entries;
        if (lsub) {
            // every subscription, \Noselect where this node holds no such mailbox: deleted since, or (a murder's
            // backend, allowallsubscribe) on another backend — a frontend asking here checks against the murder's map
            entries = MailboxListing.lsub(compiled, subscribed, visible::contains, sep);
        } else {
            // IMAP4rev2's LIST is RFC 5258's: a level that is no mailbox is \NonExistent (RFC 9051 §6.3.9)
            entries = MailboxListing.list(compiled, visible, sep, s.rev2());
        }
        for (ListEntry e : entries) {
            List<String> attrs = e.imapAttributes();
            c.write(lsub ? ImapResponses.lsub(attrs, sep, e.name(), s.utf8Names())
                    : ImapResponses.list(attrs, sep, e.name(), s.utf8Names(), List.of()));
        }
        ok(c, tag, "Completed");
    }

    /** LIST-EXTENDED (RFC 5258) with SUBSCRIBED, CHILDREN, SPECIAL-USE (RFC 6154) and STATUS (RFC 5819). */
    private void listExtended(Connection c, ImapSession s, ImapCommand.ListCommand l, List<String> subscribedNames,
                              Map<String, byte[]> remoteStatus) {
        char sep = namespace.separator();
        List<ListPattern> compiled = l.patterns().stream().map(p -> ListPattern.compile(l.reference(), p, sep)).toList();
        Map<String, Optional<StoreMailbox>> listable = listable(s);
        Map<String, StoreMailbox> byExternal = new LinkedHashMap<>();
        listable.forEach((name, local) -> byExternal.put(name, local.orElse(null)));
        java.util.Set<String> subscribed = new java.util.LinkedHashSet<>(subscribedNames);
        boolean selSubscribed = l.selectOptions().contains(org.murder.protocol.imap.command.ListSelectOption.SUBSCRIBED);
        boolean selSpecial = l.selectOptions().contains(org.murder.protocol.imap.command.ListSelectOption.SPECIAL_USE);
        boolean retSubscribed = selSubscribed || l.returnOptions().contains(org.murder.protocol.imap.command.ListReturnOption.SUBSCRIBED);
        boolean retSpecial = selSpecial || l.returnOptions().contains(org.murder.protocol.imap.command.ListReturnOption.SPECIAL_USE);
        // SUBSCRIBED: a subscription whose mailbox is gone is still listed, \NonExistent (RFC 5258 §3.1); with
        // RECURSIVEMATCH, a level above subscribed ones says so by CHILDINFO (§3.5)
        boolean recursive = l.selectOptions().contains(org.murder.protocol.imap.command.ListSelectOption.RECURSIVEMATCH);
        java.util.Set<String> childInfo = java.util.Set.of();
        List<ListEntry> entries;
        if (selSubscribed && recursive) {
            MailboxListing.RecursiveListing r = MailboxListing.listSubscribedRecursive(compiled, subscribed,
                    byExternal::containsKey, sep);
            entries = r.entries();
            childInfo = r.childInfo();
        } else {
            entries = selSubscribed ? MailboxListing.listSubscribed(compiled, subscribed, byExternal::containsKey, sep)
                    : MailboxListing.list(compiled, byExternal.keySet(), sep, true);
        }
        // a mailbox on another backend is listed from the map; what only its backend knows (special use, STATUS)
        // is not shown for it
        for (ListEntry e : entries) {
            StoreMailbox m = byExternal.get(e.name());
            if (selSpecial && (m == null || m.specialUse() == null)) {
                continue;
            }
            java.util.Set<ListAttribute> with = java.util.EnumSet.noneOf(ListAttribute.class);
            with.addAll(e.attributes());
            if (retSubscribed && subscribed.contains(e.name())) {
                with.add(ListAttribute.SUBSCRIBED);
            }
            List<String> attrs = new ArrayList<>(new ListEntry(e.name(), with).imapAttributes());
            if (retSpecial && m != null && m.specialUse() != null) {
                attrs.add(m.specialUse());
            }
            c.write(ImapResponses.list(attrs, sep, e.name(), s.utf8Names(), childInfo.contains(e.name())
                    ? List.of(org.murder.protocol.imap.response.ListExtendedItem.childInfo(List.of("SUBSCRIBED")))
                    : List.of()));
            if (!l.statusItems().isEmpty() && m != null && rights(s, m).has('r')) {
                c.write(ImapResponses.status(e.name(), s.utf8Names(), statusItems(s, m, l.statusItems())));
            } else if (m == null && remoteStatus.containsKey(e.name())) {
                c.write(remoteStatus.get(e.name()));
            }
        }
        ok(c, l.tag(), "Completed");
    }

    /** The mailboxes a LIST names, by external name: empty for one on another backend (LIST-STATUS asks there). */
    Map<String, Optional<StoreMailbox>> listed(ImapSession s, ImapCommand.ListCommand l) {
        char sep = namespace.separator();
        List<ListPattern> compiled = l.patterns().stream().map(p -> ListPattern.compile(l.reference(), p, sep)).toList();
        Map<String, Optional<StoreMailbox>> listable = listable(s);
        Map<String, Optional<StoreMailbox>> out = new LinkedHashMap<>();
        for (ListEntry e : MailboxListing.list(compiled, listable.keySet(), sep, true)) {
            Optional<StoreMailbox> m = listable.get(e.name());
            if (m != null) {
                out.put(e.name(), m);
            }
        }
        return out;
    }

    /**
     * The mailboxes the session may see, by external name, in LIST order of discovery: this node's store (a backend)
     * and, on a frontend, the map copy's mailboxes on other backends with the ACL the map carries (Cyrus's frontends
     * answer LIST from their mailboxes.db the same way). The value is the local mailbox, empty for a remote one.
     */
    Map<String, Optional<StoreMailbox>> listable(ImapSession s) {
        Map<String, Optional<StoreMailbox>> out = new LinkedHashMap<>();
        java.util.Set<String> local = new java.util.HashSet<>();
        for (StoreMailbox m : store.allMailboxes()) {
            local.add(m.name());
            if ((s.admin() || rights(s, m).has('l')) && !m.name().startsWith("DELETED.")) {
                out.put(external(s, m.name()), Optional.of(m));
            }
        }
        // the master's map is in memory; a frontend's copy is read from its table
        String here = settings.servername();
        List<org.murder.map.MailboxRecord> elsewhere = !settings.hasRole(MurderSettings.Role.FRONTEND) ? List.of()
                : settings.hasRole(MurderSettings.Role.MASTER) ? masterMap.select(r -> !r.server().equalsIgnoreCase(here))
                : mapCopy.all();
        for (org.murder.map.MailboxRecord r : elsewhere) {
            if (r.kind() == org.murder.map.MailboxKind.ACTIVE && !local.contains(r.name())
                    && !r.name().startsWith("DELETED.") && (s.admin() || rights(s, r.acl()).has('l'))) {
                out.putIfAbsent(external(s, r.name()), Optional.empty());
            }
        }
        return out;
    }

    private long unseenFor(ImapSession s, StoreMailbox m) {
        if (ownedBy(m.name(), s.user())) {
            return store.unseen(m.id());
        }
        java.util.TreeSet<Long> seen = seenStore.seen(m.id(), s.user());
        // from the shared index (UIDs only), not every message as an entity
        MailboxIndex index = store.index(m.id());
        long unseen = 0;
        for (int i = 0; i < index.size(); i++) {
            if (!seen.contains(index.uid(i))) {
                unseen++;
            }
        }
        return unseen;
    }

    /**
     * STATUS SIZE (RFC 8438: the octets of all messages), DELETED (RFC 9051: how many have \Deleted) and DELETED-STORAGE
     * (RFC 9208 §4.2: what an EXPUNGE would free — the octets of those, as RFC 9208 allows), from the shared index.
     */
    private static long sizes(MailboxIndex index, StatusItem item) {
        long n = 0;
        for (int i = 0; i < index.size(); i++) {
            boolean deleted = index.flags(i).deleted();
            switch (item) {
                case SIZE -> n += index.row(i).size();
                case DELETED -> n += deleted ? 1 : 0;
                default -> n += deleted ? index.row(i).size() : 0;
            }
        }
        return n;
    }

    private Map<String, Long> statusItems(ImapSession s, StoreMailbox m, List<StatusItem> wanted) {
        Map<String, Long> items = new LinkedHashMap<>();
        MailboxIndex index = null;
        for (StatusItem item : wanted) {
            switch (item) {
                case MESSAGES -> items.put("MESSAGES", m.messages());
                case RECENT -> items.put("RECENT", store.countAbove(m.id(), recentStore.recentUid(m.id(), s.user())));
                case UIDNEXT -> items.put("UIDNEXT", m.uidNext());
                case UIDVALIDITY -> items.put("UIDVALIDITY", m.uidValidity());
                case UNSEEN -> items.put("UNSEEN", unseenFor(s, m));
                case HIGHESTMODSEQ -> items.put("HIGHESTMODSEQ", m.highestModSeq());
                case SIZE, DELETED, DELETED_STORAGE -> {
                    if (index == null) {
                        index = store.index(m.id());
                    }
                    items.put(item.wireName(), sizes(index, item));
                }
                default -> { }
            }
        }
        return items;
    }

    private void status(Connection c, ImapSession s, String tag, ImapCommand.Status st) {
        Optional<StoreMailbox> found = visible(s, st.mailbox());
        if (found.isEmpty()) {
            refused(c, s, tag, "NONEXISTENT", "Mailbox does not exist");
            return;
        }
        if (!rights(s, found.get()).has('r')) {
            no(c, tag, "Permission denied");
            return;
        }
        StoreMailbox m = found.get();
        if (st.items().contains(StatusItem.HIGHESTMODSEQ)) {
            MessageCommands.enableCondstore(c, s); // RFC 7162 3.1: STATUS (HIGHESTMODSEQ) enables CONDSTORE
        }
        Map<String, Long> items = statusItems(s, m, st.items());
        c.write(ImapResponses.status(st.mailbox(), s.utf8Names(), items));
        ok(c, tag, "Completed");
    }
}
