package org.murder.imap;

import jakarta.ejb.EJB;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.connector.api.Connection;
import org.murder.protocol.imap.MailboxNames;
import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.command.FetchItem;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.message.ByteRange;
import org.murder.protocol.imap.message.HeaderFields;
import org.murder.protocol.imap.message.MessageStructure;
import org.murder.protocol.imap.response.FetchResponseBuilder;
import org.murder.protocol.imap.response.ImapDateTimes;
import org.murder.protocol.imap.response.ImapResponses;
import org.murder.protocol.imap.response.ImapStatus;
import org.murder.protocol.imap.command.SearchReturnOption;
import org.murder.protocol.imap.response.EsearchResult;
import org.murder.protocol.imap.response.Segment;
import org.murder.protocol.imap.response.Segments;
import org.murder.protocol.imap.search.SearchEvaluator;
import org.murder.store.FlagChange;
import org.murder.store.MessageCacheData;
import org.murder.store.MessageFlags;
import org.murder.store.MessageStore;
import org.murder.store.Spool;
import org.murder.store.StoreMailbox;
import org.murder.store.StoreMessage;
import org.murder.store.model.Acl;
import org.murder.store.model.Namespace;
import org.murder.store.model.Rights;

/** IMAP's selected-state commands, IDLE, and telling a session what others changed. */
@ApplicationScoped
public class MessageCommands {

    private static final Logger LOG = Logger.getLogger(MessageCommands.class.getName());
    private static final int CHUNK = 64 * 1024;

    @EJB
    MessageStore store;

    @EJB
    MailboxEvents events;

    @Inject
    Spool spool;

    @Inject
    Namespace namespace;

    @EJB
    org.murder.store.RecentStore recentStore;

    @EJB
    org.murder.store.SeenStore seenStore;

    @Resource
    ManagedExecutorService executor;

    /** A response built of in-memory segments only (no message file). */
    private static byte[] inMemory(List<Segment> segments) {
        try {
            return Segments.toByteArray(segments);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void ok(Connection c, String tag, String text) {
        ImapEndpoint.tagged(c, tag, ImapStatus.OK, text);
    }

    private static void no(Connection c, String tag, String text) {
        ImapEndpoint.tagged(c, tag, ImapStatus.NO, text);
    }

    void run(Connection c, ImapSession s, ImapCommand.Selected command) {
        String tag = command.tag();
        SelectedMailbox sel = s.selected;
        if (command instanceof ImapCommand.Fetch f) {
            fetch(c, s, f);
        } else if (command instanceof ImapCommand.Store st) {
            storeFlags(c, s, st);
        } else if (command instanceof ImapCommand.Search se) {
            search(c, s, se);
        } else if (command instanceof ImapCommand.Copy cp) {
            copy(c, s, tag, cp.uid(), cp.set(), cp.mailbox(), false);
        } else if (command instanceof ImapCommand.Move mv) {
            copy(c, s, tag, mv.uid(), mv.set(), mv.mailbox(), true);
        } else if (command instanceof ImapCommand.Expunge) {
            expunge(c, s, tag, null, true);
        } else if (command instanceof ImapCommand.UidExpunge ue) {
            expunge(c, s, tag, uidsOf(sel, ue.uids(), true), true);
        } else if (command instanceof ImapCommand.Check) {
            sync(c, s, true);
            ok(c, tag, "Completed");
        } else if (command instanceof ImapCommand.Close) {
            if (!sel.readOnly && sel.rights.has('e')) {
                store.expunge(spool, sel.mailboxId, null);
                events.changed(sel.mailboxId);
            }
            events.unwatch(sel.mailboxId, sel.onChange);
            s.selected = null;
            ok(c, tag, "Completed");
        } else if (command instanceof ImapCommand.Unselect) {
            events.unwatch(sel.mailboxId, sel.onChange);
            s.selected = null;
            ok(c, tag, "Completed");
        } else {
            ImapEndpoint.tagged(c, tag, ImapStatus.BAD, "Unrecognized command");
        }
    }

    /** The messages a set names, as indexes into the session's view. */
    private static List<Integer> select(SelectedMailbox sel, SequenceSet set, boolean uid) {
        List<Integer> out = new ArrayList<>();
        if (sel.messages.isEmpty()) {
            return out;
        }
        if (uid) {
            long max = sel.maxUid();
            for (int i = 0; i < sel.messages.size(); i++) {
                if (set.contains(sel.messages.get(i).uid(), max)) {
                    out.add(i);
                }
            }
        } else {
            set.stream(sel.count()).filter(n -> n >= 1 && n <= sel.count()).forEach(n -> out.add((int) n - 1));
        }
        return out;
    }

    private static List<Long> uidsOf(SelectedMailbox sel, SequenceSet set, boolean uid) {
        return select(sel, set, uid).stream().map(i -> sel.messages.get(i).uid()).toList();
    }

    private static boolean validMsns(SelectedMailbox sel, SequenceSet set, boolean uid) {
        return uid || set.usesStar() || set.largestNumber().orElse(0) <= sel.count();
    }

    // ------------------------------------------------------------------ FETCH

    private void fetch(Connection c, ImapSession s, ImapCommand.Fetch f) {
        SelectedMailbox sel = s.selected;
        if (!validMsns(sel, f.set(), f.uid())) {
            ImapEndpoint.tagged(c, f.tag(), ImapStatus.BAD, "Invalid message sequence number");
            return;
        }
        boolean setsSeen = !sel.readOnly && sel.rights.has('s') && f.items().stream().anyMatch(FetchItem::setsSeen);
        List<Integer> indexes = select(sel, f.set(), f.uid());
        List<FetchItem> items = f.items();
        if (f.changedSince().isPresent()) {
            // RFC 7162 3.3.1: only messages changed since, and MODSEQ in every response
            long since = f.changedSince().getAsLong();
            indexes = indexes.stream().filter(i -> sel.messages.get(i).modSeq() > since).toList();
            s.enabled.add("CONDSTORE");
        }
        if (s.enabled.contains("CONDSTORE") && !items.contains(FetchItem.Attribute.MODSEQ)) {
            items = new ArrayList<>(items);
            items.add(FetchItem.Attribute.MODSEQ);
        }
        if (setsSeen) {
            List<Long> unseen = indexes.stream().map(i -> sel.messages.get(i)).filter(m -> !m.flags().seen())
                    .map(SelectedMailbox.Message::uid).toList();
            if (!unseen.isEmpty()) {
                if (sel.sharedSeen) {
                    sel.seen = seenStore.change(sel.mailboxId, s.user, unseen, true, 0);
                    refreshSeen(sel, unseen);
                } else {
                    List<StoreMessage> changed = store.store(sel.mailboxId, unseen,
                            new FlagChange(FlagChange.Mode.ADD, MessageFlags.NONE.withSeen(true)), -1, new ArrayList<>());
                    apply(sel, changed);
                    events.changed(sel.mailboxId);
                }
            }
        }
        boolean withUid = f.uid() || f.items().contains(FetchItem.Attribute.UID);
        ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK + 1024);
        boolean gone = false;
        for (int i : indexes) {
            SelectedMailbox.Message m = sel.messages.get(i);
            try {
                send(c, out, fetchOne(sel, i + 1, m, items, withUid, setsSeen));
            } catch (UnknownCteException e) {
                c.write(out.toByteArray());
                ImapEndpoint.tagged(c, f.tag(), ImapStatus.NO, "UNKNOWN-CTE", "Cannot decode the part's transfer encoding");
                return;
            } catch (IOException | RuntimeException e) {
                if (!Files.exists(spool.messagePath(sel.partition, sel.mailboxId, m.uid())) || !store.exists(m.id())) {
                    // expunged by another session, not yet told to this one: skip it and say so (RFC 2180 4.1.2)
                    gone = true;
                    continue;
                }
                LOG.log(Level.WARNING, "MURDER-IMAP-004 FETCH of UID " + m.uid() + " in " + sel.internalName + " failed", e);
                c.write(out.toByteArray());
                no(c, f.tag(), "Cannot read a message");
                return;
            }
            // small responses (FLAGS, UID…) travel together; the socket sees 64 KiB writes, not one per message
            if (out.size() >= CHUNK) {
                c.write(out.toByteArray());
                out.reset();
                if (!c.awaitWritable(Duration.ofSeconds(120))) {
                    return;
                }
            }
        }
        c.write(out.toByteArray());
        sync(c, s, false);
        if (gone && !f.uid()) {
            // by UID a message that is gone is simply not there (RFC 3501 6.4.8); by number the client counted on it
            expungeIssued(c, f.tag());
        } else {
            ok(c, f.tag(), "Completed");
        }
    }

    /**
     * Writes one message's response. Its files are opened before anything is written, so a message expunged
     * meanwhile fails whole (and is skipped) instead of leaving half a response on the wire; once open, an
     * unlink cannot take the data away.
     */
    private void send(Connection c, ByteArrayOutputStream buf, List<Segment> segments) throws IOException {
        List<InputStream> opened = new ArrayList<>();
        try {
            for (Segment seg : segments) {
                if (seg instanceof Segment.FileRegion r) {
                    opened.add(Files.newInputStream(r.file()));
                }
            }
        } catch (IOException e) {
            for (InputStream in : opened) {
                in.close();
            }
            throw e;
        }
        try {
            int next = 0;
            for (Segment seg : segments) {
                if (seg instanceof Segment.Bytes b) {
                    buf.writeBytes(b.data());
                } else if (seg instanceof Segment.FileRegion r) {
                    InputStream in = opened.get(next++);
                    in.skipNBytes(r.offset());
                    long left = r.length();
                    byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(1, left))];
                    while (left > 0) {
                        int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
                        if (n < 0) {
                            throw new IOException("message file shorter than its index says: " + r.file());
                        }
                        buf.write(chunk, 0, n);
                        left -= n;
                        if (buf.size() >= CHUNK) {
                            c.write(buf.toByteArray());
                            buf.reset();
                            c.awaitWritable(Duration.ofSeconds(120));
                        }
                    }
                }
            }
        } finally {
            for (InputStream in : opened) {
                in.close();
            }
        }
    }

    private List<Segment> fetchOne(SelectedMailbox sel, long msn, SelectedMailbox.Message m, List<FetchItem> items,
                                   boolean withUid, boolean seenNow) throws IOException {
        FetchResponseBuilder b = new FetchResponseBuilder(msn);
        if (withUid) {
            b.uid(m.uid());
        }
        Path file = spool.messagePath(sel.partition, sel.mailboxId, m.uid());
        MessageCacheData cache = null;
        MessageStructure structure = null;
        for (FetchItem item : items) {
            if (item == FetchItem.Attribute.UID) {
                continue;
            }
            if (item == FetchItem.Attribute.FLAGS) {
                b.flags(sel.flagAtoms(m));
            } else if (item == FetchItem.Attribute.RFC822_SIZE) {
                b.rfc822Size(m.size());
            } else if (item == FetchItem.Attribute.INTERNALDATE) {
                b.internalDate(m.internalDate().atZone(ZoneId.systemDefault()));
            } else if (item == FetchItem.Attribute.MODSEQ) {
                b.modseq(m.modSeq());
            } else if (item == FetchItem.Attribute.ENVELOPE || item == FetchItem.Attribute.BODYSTRUCTURE
                    || item == FetchItem.Attribute.BODY) {
                if (cache == null) {
                    cache = store.cache(file, m.id());
                }
                if (item == FetchItem.Attribute.ENVELOPE) {
                    b.envelope(cache.envelope());
                } else if (item == FetchItem.Attribute.BODYSTRUCTURE) {
                    b.bodyStructure(cache.bodyStructure());
                } else {
                    b.body(cache.body());
                }
            } else if (item == FetchItem.Attribute.RFC822) {
                b.literal("RFC822", new Segment.FileRegion(file, 0, m.size()));
            } else if (item == FetchItem.Attribute.RFC822_HEADER || item == FetchItem.Attribute.RFC822_TEXT) {
                if (structure == null) {
                    structure = structure(file, m);
                }
                ByteRange r = item == FetchItem.Attribute.RFC822_HEADER ? structure.header() : structure.text();
                b.literal(item.responseName(), r.in(file));
            } else if (item instanceof FetchItem.BodySection bs && bs.section().part().isEmpty()
                    && bs.section().specifier().isEmpty()) {
                // BODY[]: the whole file, no need for the message's structure
                ByteRange whole = ByteRange.between(0, m.size());
                b.literal(bs.responseName(), bs.partial().map(p -> whole.partial(p.origin(), p.length())).orElse(whole).in(file));
            } else if (item instanceof FetchItem.BodySection bs) {
                if (structure == null) {
                    structure = structure(file, m);
                }
                bodySection(b, file, structure, bs);
            } else if (item instanceof FetchItem.Binary bin) {
                if (structure == null) {
                    structure = structure(file, m);
                }
                b.binary(bin.responseName(), new Segment.Bytes(partial(decoded(file, structure, bin.part()), bin.partial())));
            } else if (item instanceof FetchItem.BinarySize bs) {
                if (structure == null) {
                    structure = structure(file, m);
                }
                b.binarySize(bs.responseName(), decoded(file, structure, bs.part()).length);
            } else {
                b.nil(item.responseName());
            }
        }
        if (seenNow && !items.contains(FetchItem.Attribute.FLAGS)) {
            b.flags(sel.flagAtoms(m));
        }
        return b.build();
    }

    private MessageStructure structure(Path file, SelectedMailbox.Message m) throws IOException {
        MessageCacheData cache = store.cache(file, m.id());
        return MessageStructure.deserialize(cache.structure());
    }

    private static void bodySection(FetchResponseBuilder b, Path file, MessageStructure structure, FetchItem.BodySection bs)
            throws IOException {
        String name = bs.responseName();
        Optional<ByteRange> range = structure.section(bs.section());
        if (range.isEmpty()) {
            b.literal(name, new Segment.Bytes(new byte[0]));
            return;
        }
        Optional<FetchItem.Specifier> spec = bs.section().specifier();
        if (spec.isPresent() && (spec.get() == FetchItem.Specifier.HEADER_FIELDS || spec.get() == FetchItem.Specifier.HEADER_FIELDS_NOT)) {
            byte[] header = read(file, range.get());
            byte[] selected = HeaderFields.select(header, bs.section().fields(), spec.get() == FetchItem.Specifier.HEADER_FIELDS_NOT);
            b.literal(name, new Segment.Bytes(partial(selected, bs.partial())));
            return;
        }
        ByteRange r = bs.partial().map(p -> range.get().partial(p.origin(), p.length())).orElse(range.get());
        b.literal(name, r.in(file));
    }

    /** RFC 5530: the command reached messages another session expunged meanwhile. */
    private static void expungeIssued(Connection c, String tag) {
        ImapEndpoint.tagged(c, tag, ImapStatus.NO, "EXPUNGEISSUED", "Some of the requested messages no longer exist");
    }

    /** A part's content-transfer-encoding that BINARY cannot undo (RFC 3516: NO [UNKNOWN-CTE]). */
    static final class UnknownCteException extends IOException {
        UnknownCteException(String encoding) {
            super("unknown content-transfer-encoding " + encoding);
        }
    }

    /**
     * BINARY[part] (RFC 3516): the part's body with its transfer encoding undone by mime4j's decoders;
     * {@code BINARY[]} is the whole message as stored. A part that does not exist is empty.
     */
    private static byte[] decoded(Path file, MessageStructure structure, List<Integer> path) throws IOException {
        if (path.isEmpty()) {
            return Files.readAllBytes(file);
        }
        Optional<org.murder.protocol.imap.message.MessagePart> part = structure.part(path);
        if (part.isEmpty()) {
            return new byte[0];
        }
        byte[] raw = read(file, part.get().body());
        String encoding = part.get().encoding().toUpperCase(java.util.Locale.ROOT);
        switch (encoding) {
            case "", "7BIT", "8BIT", "BINARY":
                return raw;
            case "BASE64":
                try (InputStream in = new org.apache.james.mime4j.codec.Base64InputStream(new java.io.ByteArrayInputStream(raw))) {
                    return in.readAllBytes();
                }
            case "QUOTED-PRINTABLE":
                try (InputStream in = new org.apache.james.mime4j.codec.QuotedPrintableInputStream(
                        new java.io.ByteArrayInputStream(raw))) {
                    return in.readAllBytes();
                }
            default:
                throw new UnknownCteException(encoding);
        }
    }

    private static byte[] partial(byte[] data, Optional<FetchItem.Partial> partial) {
        if (partial.isEmpty()) {
            return data;
        }
        int from = (int) Math.min(data.length, partial.get().origin());
        int to = (int) Math.min(data.length, from + partial.get().length());
        return java.util.Arrays.copyOfRange(data, from, to);
    }

    private static byte[] read(Path file, ByteRange r) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(r.offset());
            return in.readNBytes((int) r.length());
        }
    }

    // ------------------------------------------------------------------ STORE

    private void storeFlags(Connection c, ImapSession s, ImapCommand.Store st) {
        SelectedMailbox sel = s.selected;
        if (sel.readOnly) {
            no(c, st.tag(), "Mailbox is read-only");
            return;
        }
        if (!validMsns(sel, st.set(), st.uid())) {
            ImapEndpoint.tagged(c, st.tag(), ImapStatus.BAD, "Invalid message sequence number");
            return;
        }
        MessageFlags flags = MessageFlags.of(st.flags());
        FlagChange.Mode mode = switch (st.mode()) {
            case SET -> FlagChange.Mode.REPLACE;
            case ADD -> FlagChange.Mode.ADD;
            case REMOVE -> FlagChange.Mode.REMOVE;
        };
        List<Long> failed = new ArrayList<>();
        List<Long> targets = uidsOf(sel, st.set(), st.uid());
        if (sel.sharedSeen && sel.rights.has('s')) {
            // this user's \Seen is theirs alone; the other flags are the mailbox's
            boolean touchesSeen = mode == FlagChange.Mode.REPLACE || flags.seen();
            if (touchesSeen) {
                boolean seenValue = mode != FlagChange.Mode.REMOVE && flags.seen();
                sel.seen = seenStore.change(sel.mailboxId, s.user, targets, seenValue, 0);
                refreshSeen(sel, targets);
            }
            flags = flags.withSeen(false);
        }
        // flags the user has no right to change keep their values (RFC 4314 s/t/w; Cyrus ignores them silently)
        FlagChange.Permitted permitted = new FlagChange.Permitted(!sel.sharedSeen && sel.rights.has('s'),
                sel.rights.has('t'), sel.rights.has('w'));
        List<StoreMessage> changed = store.store(sel.mailboxId, targets, new FlagChange(mode, flags, permitted),
                st.unchangedSince().orElse(-1), failed);
        apply(sel, changed);
        if (!changed.isEmpty()) {
            events.changed(sel.mailboxId);
        }
        c.write(sel.announceKeywords(targets.stream().mapToInt(sel::msnOf).filter(n -> n > 0)
                .mapToObj(n -> sel.messages.get(n - 1)).toList()));
        if (!st.silent() || st.unchangedSince().isPresent()) {
            List<Long> uids = uidsOf(sel, st.set(), st.uid());
            for (long uid : uids) {
                int msn = sel.msnOf(uid);
                if (msn == 0 || failed.contains(uid)) {
                    continue;
                }
                SelectedMailbox.Message m = sel.messages.get(msn - 1);
                FetchResponseBuilder b = new FetchResponseBuilder(msn);
                if (st.uid()) {
                    b.uid(uid);
                }
                b.flags(sel.flagAtoms(m));
                if (st.unchangedSince().isPresent() || s.enabled.contains("CONDSTORE")) {
                    b.modseq(m.modSeq());
                }
                c.write(inMemory(b.build()));
            }
        }
        sync(c, s, false);
        if (!failed.isEmpty()) {
            ImapEndpoint.tagged(c, st.tag(), ImapStatus.OK, "MODIFIED " + SequenceSet.of(failed.stream()
                    .mapToLong(Long::longValue).toArray()), "Conditional STORE failed");
        } else {
            ok(c, st.tag(), "Completed");
        }
    }

    private static void refreshSeen(SelectedMailbox sel, List<Long> uids) {
        for (long uid : uids) {
            int msn = sel.msnOf(uid);
            if (msn > 0) {
                SelectedMailbox.Message m = sel.messages.get(msn - 1);
                sel.messages.set(msn - 1, new SelectedMailbox.Message(m.id(), m.uid(), m.flags().withSeen(sel.seen.contains(uid)),
                        m.modSeq(), m.size(), m.internalDate()));
            }
        }
    }

    /** The session's view takes the new flags of messages it changed itself. */
    private static void apply(SelectedMailbox sel, List<StoreMessage> changed) {
        for (StoreMessage m : changed) {
            int msn = sel.msnOf(m.uid());
            if (msn > 0) {
                sel.messages.set(msn - 1, sel.view(m));
            }
        }
    }

    // ------------------------------------------------------------------ SEARCH

    /** RFC 4731: only what the client asked for; MIN, MAX and ALL are left out when nothing matched. */
    private static EsearchResult esearch(ImapCommand.Search se, List<Long> hits, OptionalLong modSeq) {
        Set<SearchReturnOption> o = se.returnOptions();
        boolean any = !hits.isEmpty();
        return new EsearchResult(Optional.of(se.tag()), se.uid(),
                o.contains(SearchReturnOption.MIN) && any ? OptionalLong.of(hits.get(0)) : OptionalLong.empty(),
                o.contains(SearchReturnOption.MAX) && any ? OptionalLong.of(hits.get(hits.size() - 1)) : OptionalLong.empty(),
                o.contains(SearchReturnOption.COUNT) ? OptionalLong.of(hits.size()) : OptionalLong.empty(),
                o.contains(SearchReturnOption.ALL) && any
                        ? Optional.of(SequenceSet.of(hits.stream().mapToLong(Long::longValue).toArray())) : Optional.empty(),
                modSeq);
    }

    private void search(Connection c, ImapSession s, ImapCommand.Search se) {
        SelectedMailbox sel = s.selected;
        SearchEvaluator evaluator = new SearchEvaluator(se.key(), sel.count(), sel.maxUid());
        List<Long> hits = new ArrayList<>();
        long highestModSeq = 0;
        for (int i = 0; i < sel.messages.size(); i++) {
            SelectedMailbox.Message m = sel.messages.get(i);
            SpoolMessage view = new SpoolMessage(m, i + 1, sel.isRecent(m.uid()),
                    spool.messagePath(sel.partition, sel.mailboxId, m.uid()));
            if (evaluator.matches(view)) {
                hits.add(se.uid() ? m.uid() : i + 1);
                highestModSeq = Math.max(highestModSeq, m.modSeq());
            }
        }
        OptionalLong modSeq = se.key().usesModSeq() && !hits.isEmpty() ? OptionalLong.of(highestModSeq) : OptionalLong.empty();
        if (se.key().usesModSeq()) {
            s.enabled.add("CONDSTORE"); // RFC 7162 3.1: a MODSEQ search enables CONDSTORE
        }
        c.write(se.esearch() ? ImapResponses.esearch(esearch(se, hits, modSeq)) : ImapResponses.search(hits, modSeq));
        sync(c, s, false);
        ok(c, se.tag(), "Completed");
    }

    // ------------------------------------------------------------------ COPY, MOVE, EXPUNGE

    private void copy(Connection c, ImapSession s, String tag, boolean uid, SequenceSet set, String target, boolean move) {
        SelectedMailbox sel = s.selected;
        if (!validMsns(sel, set, uid)) {
            ImapEndpoint.tagged(c, tag, ImapStatus.BAD, "Invalid message sequence number");
            return;
        }
        Optional<StoreMailbox> to = namespace.toInternal(MailboxNames.encodeUtf7(target), s.user, s.admin).flatMap(store::mailbox);
        if (to.isEmpty()) {
            ImapEndpoint.tagged(c, tag, ImapStatus.NO, "TRYCREATE", "Mailbox does not exist");
            return;
        }
        Rights rights = MailboxCommands.rights(s, to.get().acl());
        if (!rights.has('i')) {
            no(c, tag, "Permission denied");
            return;
        }
        if (move && sel.readOnly) {
            no(c, tag, "Mailbox is read-only");
            return;
        }
        if (move && !(sel.rights.has('t') && sel.rights.has('e'))) {
            no(c, tag, "Permission denied"); // RFC 6851 3.3: MOVE takes the rights to delete and expunge at the source
            return;
        }
        List<Long> uids = uidsOf(sel, set, uid);
        if (uids.isEmpty()) {
            ok(c, tag, "Completed");
            return;
        }
        List<long[]> pairs = store.copy(spool, sel.mailboxId, uids, to.get().id());
        if (pairs.isEmpty()) {
            // every one of them expunged by another session meanwhile (RFC 2180 4.4.1)
            expungeIssued(c, tag);
            return;
        }
        events.changed(to.get().id());
        String code = "COPYUID " + to.get().uidValidity() + " "
                + SequenceSet.of(pairs.stream().mapToLong(p -> p[0]).toArray()) + " "
                + SequenceSet.of(pairs.stream().mapToLong(p -> p[1]).toArray());
        if (move) {
            c.write(ImapResponses.untagged(ImapStatus.OK, Optional.of(code), "Moved"));
            expunge(c, s, tag, uids, false);
            ok(c, tag, "Completed");
        } else {
            sync(c, s, true);
            ImapEndpoint.tagged(c, tag, ImapStatus.OK, code, "Completed");
        }
    }

    private void expunge(Connection c, ImapSession s, String tag, List<Long> onlyUids, boolean answer) {
        SelectedMailbox sel = s.selected;
        if (sel.readOnly || !sel.rights.has('e')) {
            if (answer) {
                no(c, tag, sel.readOnly ? "Mailbox is read-only" : "Permission denied");
            }
            return;
        }
        List<Long> gone = store.expunge(spool, sel.mailboxId, onlyUids == null ? null : onlyUids);
        if (!gone.isEmpty()) {
            events.changed(sel.mailboxId);
        }
        sync(c, s, true);
        if (answer) {
            ok(c, tag, "Completed");
        }
    }

    // ------------------------------------------------------------------ other sessions' changes, IDLE

    /**
     * Brings the session's view up to date with the mailbox and tells the client: EXPUNGE (only where
     * allowed), EXISTS, and FETCH FLAGS for flags others changed.
     */
    void sync(Connection c, ImapSession s, boolean expungeAllowed) {
        SelectedMailbox sel = s.selected;
        if (sel == null || !sel.dirty) {
            return;
        }
        sel.dirty = false;
        List<SelectedMailbox.Message> now = store.index(sel.mailboxId).stream().map(sel::view).toList();
        Map<Long, SelectedMailbox.Message> byUid = new HashMap<>();
        now.forEach(m -> byUid.put(m.uid(), m));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<SelectedMailbox.Message> view = new ArrayList<>();
        int removed = 0;
        int untold = 0;
        for (int i = 0; i < sel.messages.size(); i++) {
            SelectedMailbox.Message old = sel.messages.get(i);
            SelectedMailbox.Message cur = byUid.get(old.uid());
            if (cur == null && expungeAllowed) {
                out.writeBytes(ImapResponses.expunge(i + 1 - removed));
                removed++;
                continue;
            }
            if (cur == null) {
                untold++;
            }
            SelectedMailbox.Message keep = cur == null ? old : cur;
            if (cur != null && !cur.flags().sameAs(old.flags())) {
                out.writeBytes(inMemory(new FetchResponseBuilder(view.size() + 1)
                        .uid(cur.uid()).flags(sel.flagAtoms(cur)).build()));
            }
            view.add(keep);
        }
        long maxUid = sel.maxUid();
        long newest = maxUid;
        for (SelectedMailbox.Message m : now) {
            if (m.uid() > maxUid) {
                view.add(m);
                newest = m.uid();
            }
        }
        boolean added = newest > maxUid;
        if (added) {
            // new arrivals are \Recent to this session if it is the first of the user's to see them (Cyrus)
            long mark = org.murder.store.RecentStore.sessionMark(recentStore, sel.mailboxId, s.user, newest, sel.readOnly);
            sel.addRecent(Math.max(mark, maxUid), newest);
        }
        if (added || removed > 0) {
            out.writeBytes(ImapResponses.exists(view.size()));
        }
        if (untold > 0) {
            sel.dirty = true; // expunges still to tell (the view keeps those messages, so its size cannot show it)
        }
        sel.messages = view;
        if (added) {
            out.writeBytes(ImapResponses.recent(sel.recentCount()));
        }
        // a keyword another session set (or a new message brought) is announced before a FETCH shows it
        c.write(sel.announceKeywords(view));
        if (out.size() > 0) {
            c.write(out.toByteArray());
        }
    }

    void startIdle(Connection c, ImapSession s, String tag) {
        s.idleTag = tag;
        c.expectContinuation(true);
        c.write(ImapResponses.continuation("idling"));
        SelectedMailbox sel = s.selected;
        if (sel != null) {
            sync(c, s, true);
            events.unwatch(sel.mailboxId, sel.onChange);
            Runnable push = new Runnable() {
                @Override
                public void run() {
                    sel.dirty = true;
                    executor.execute(() -> {
                        synchronized (s) {
                            if (s.idleTag != null && s.selected == sel) {
                                sync(c, s, true);
                            }
                        }
                    });
                }
            };
            s.idlePush = push;
            events.watch(sel.mailboxId, push);
        }
    }

    void endIdle(Connection c, ImapSession s, String line) {
        String tag;
        synchronized (s) {
            tag = s.idleTag;
            s.idleTag = null;
            SelectedMailbox sel = s.selected;
            if (sel != null && s.idlePush != null) {
                events.unwatch(sel.mailboxId, s.idlePush);
                events.watch(sel.mailboxId, sel.onChange);
            }
            s.idlePush = null;
        }
        if (line.trim().equalsIgnoreCase("DONE")) {
            sync(c, s, true);
            ok(c, tag, "Completed");
        } else {
            ImapEndpoint.tagged(c, tag, ImapStatus.BAD, "Expected DONE");
        }
    }
}
