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
import org.murder.protocol.imap.ImapReader;
import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.command.FetchItem;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.QresyncParameters;
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
import org.murder.store.FlagChange;
import org.murder.store.MessageCacheData;
import org.murder.store.MessageFlags;
import org.murder.store.MailboxIndex;
import org.murder.store.MessageStore;
import org.murder.store.MessageStore.IndexRow;
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

    @EJB
    org.murder.store.MailboxIndexes indexes;

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

    @Inject
    ImapProxy proxy;

    @EJB
    org.murder.backend.DeliveryService delivery;

    @Inject
    SortCommands sorts;

    void run(Connection c, ImapSession s, ImapSession.Selected state, ImapCommand.Selected command) {
        String tag = command.tag();
        SelectedMailbox sel = state.mailbox();
        if (command instanceof ImapCommand.Fetch f) {
            fetch(c, s, sel, f);
        } else if (command instanceof ImapCommand.Store st) {
            storeFlags(c, s, sel, st);
        } else if (command instanceof ImapCommand.Search se) {
            search(c, s, sel, se);
        } else if (command instanceof ImapCommand.Sort so) {
            sync(c, s, false); // as Cyrus: new messages are told, then sorted with the rest
            sorts.sort(c, s, sel, so);
            ok(c, tag, "Completed");
        } else if (command instanceof ImapCommand.ThreadCommand th) {
            sync(c, s, false);
            sorts.thread(c, s, sel, th);
            ok(c, tag, "Completed");
        } else if (command instanceof ImapCommand.Copy cp) {
            copy(c, s, sel, tag, cp.uid(), cp.set(), cp.mailbox(), false);
        } else if (command instanceof ImapCommand.Move mv) {
            copy(c, s, sel, tag, mv.uid(), mv.set(), mv.mailbox(), true);
        } else if (command instanceof ImapCommand.Expunge) {
            expunge(c, s, sel, tag, null, true);
        } else if (command instanceof ImapCommand.UidExpunge ue) {
            expunge(c, s, sel, tag, uidsOf(sel, ue.uids(), true), true);
        } else if (command instanceof ImapCommand.Check) {
            sync(c, s, true, true, Map.of());
            ok(c, tag, "Completed");
        } else if (command instanceof ImapCommand.Close) {
            if (!sel.readOnly && sel.rights.has('e')) {
                store.expunge(spool, sel.mailboxId, null);
                events.changed(sel.mailboxId);
            }
            s.unselect();
            ok(c, tag, "Completed");
        } else if (command instanceof ImapCommand.Unselect) {
            s.unselect();
            ok(c, tag, "Completed");
        } else if (command instanceof ImapCommand.CancelUpdate cu) {
            // RFC 5267 §4.3: a tag that names no live result cancels nothing
            if (sel.live.cancel(cu.tags())) {
                ok(c, tag, "Completed");
            } else {
                no(c, tag, "Unknown tag");
            }
        } else {
            ImapEndpoint.tagged(c, tag, ImapStatus.BAD, "Unrecognized command");
        }
    }

    /** The messages a set names, as positions in the session's view, ascending. */
    private static List<Integer> select(SelectedMailbox sel, SequenceSet set, boolean uid) {
        List<Integer> out = new ArrayList<>();
        MailboxIndex view = sel.view();
        if (view.isEmpty()) {
            return out;
        }
        if (set.lastResult()) {
            // RFC 5182: `$` is the saved messages, whichever form of the command names it
            for (long u : sel.lastResultUids()) {
                int i = view.indexOf(u);
                if (i >= 0) {
                    out.add(i);
                }
            }
            return out;
        }
        if (uid) {
            for (SequenceSet.Range r : set.normalized(view.maxUid())) {
                int to = r.high(view.maxUid()) == Long.MAX_VALUE ? view.size() : view.firstAtOrAbove(r.high(view.maxUid()) + 1);
                for (int i = view.firstAtOrAbove(r.low(view.maxUid())); i < to; i++) {
                    out.add(i);
                }
            }
        } else {
            set.stream(sel.count()).filter(n -> n >= 1 && n <= sel.count()).forEach(n -> out.add((int) n - 1));
        }
        return out;
    }

    private static List<Long> uidsOf(SelectedMailbox sel, SequenceSet set, boolean uid) {
        MailboxIndex view = sel.view();
        return select(sel, set, uid).stream().map(view::uid).toList();
    }

    private static boolean validMsns(SelectedMailbox sel, SequenceSet set, boolean uid) {
        return uid || set.usesStar() || set.largestNumber().orElse(0) <= sel.count();
    }

    /**
     * Turns CONDSTORE on for the session (RFC 7162 3.1). The first CONDSTORE-enabling command of a session that has a
     * mailbox selected is answered by its HIGHESTMODSEQ too, as Cyrus and Dovecot do: from then on the client's FETCH
     * answers carry MODSEQ, and it needs the value to start from.
     */
    static void enableCondstore(Connection c, ImapSession s) {
        if (s.enabled.add("CONDSTORE")) {
            s.selected().ifPresent(sel -> c.write(ImapResponses.untagged(ImapStatus.OK,
                    Optional.of("HIGHESTMODSEQ " + sel.view().highestModSeq()), "CONDSTORE enabled")));
        }
    }

    // ------------------------------------------------------------------ QRESYNC

    /**
     * What SELECT (QRESYNC ...) tells after the usual responses (RFC 7162 §3.2.5): VANISHED (EARLIER) for the
     * known UIDs gone since the client's MODSEQ, then FETCH UID FLAGS MODSEQ for each message changed since. With a
     * set of known UIDs "the server should only report flag changes and expunges for the specified messages" (as
     * Cyrus does): a message outside it — one the client never had, or one it chose not to resync — gets no FETCH.
     */
    void qresync(Connection c, SelectedMailbox sel, QresyncParameters q, long uidNext) {
        MailboxIndex view = sel.view();
        long floor = q.seqMatch().map(m -> Vanished.seqMatchFloor(m, view.size(), n -> view.uid(n - 1))).orElse(0L);
        SequenceSet known = q.knownUids().orElse(SequenceSet.all());
        vanishedEarlier(c, sel, known, uidNext - 1, q.modSeq(), floor);
        java.util.function.LongPredicate asked = known.matcher(Math.min(uidNext - 1, ImapReader.MAX_NUMBER));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < view.size(); i++) {
            if (view.modSeq(i) > q.modSeq() && asked.test(view.uid(i))) {
                SelectedMailbox.Message m = sel.message(i);
                out.writeBytes(inMemory(new FetchResponseBuilder(i + 1).uid(m.uid()).flags(sel.flagAtoms(m))
                        .modseq(m.modSeq()).build()));
                if (out.size() >= CHUNK) {
                    c.write(out.toByteArray());
                    out.reset();
                }
            }
        }
        if (out.size() > 0) {
            c.write(out.toByteArray());
        }
    }

    /** {@code * VANISHED (EARLIER) uids} for the UIDs of {@code known} expunged since {@code modSeq}, if any. */
    private void vanishedEarlier(Connection c, SelectedMailbox sel, SequenceSet known, long lastUid, long modSeq,
                                 long floor) {
        MailboxIndex view = sel.view();
        boolean complete = sel.expungesRecordedSince(modSeq);
        long[] expunged = complete ? store.expungedSince(sel.mailboxId, modSeq) : new long[0];
        long last = Math.max(lastUid, expunged.length == 0 ? 0 : expunged[expunged.length - 1]);
        long[] present = new long[complete ? 0 : view.size()]; // only the gaps need it
        for (int i = 0; i < present.length; i++) {
            present[i] = view.uid(i);
        }
        Vanished.uids(known, last, expunged, complete, present, floor)
                .ifPresent(uids -> c.write(ImapResponses.vanished(true, uids)));
    }

    // ------------------------------------------------------------------ FETCH

    private void fetch(Connection c, ImapSession s, SelectedMailbox sel, ImapCommand.Fetch f) {
        if (!validMsns(sel, f.set(), f.uid())) {
            ImapEndpoint.tagged(c, f.tag(), ImapStatus.BAD, "Invalid message sequence number");
            return;
        }
        if (f.vanished()) {
            if (!s.enabled.contains("QRESYNC")) {
                ImapEndpoint.tagged(c, f.tag(), ImapStatus.BAD, "QRESYNC not enabled"); // RFC 7162 §3.2.6
                return;
            }
            vanishedEarlier(c, sel, f.set(), Math.max(sel.maxUid(), f.set().largestNumber().orElse(0)),
                    f.changedSince().getAsLong(), 0);
        }
        boolean setsSeen = !sel.readOnly && sel.rights.has('s') && f.items().stream().anyMatch(FetchItem::setsSeen);
        List<Integer> indexes = select(sel, f.set(), f.uid());
        List<FetchItem> items = f.items();
        if (f.changedSince().isPresent()) {
            // RFC 7162 3.3.1: only messages changed since, and MODSEQ in every response
            long since = f.changedSince().getAsLong();
            MailboxIndex view = sel.view();
            indexes = indexes.stream().filter(i -> view.modSeq(i) > since).toList();
        }
        if (f.changedSince().isPresent() || items.contains(FetchItem.Attribute.MODSEQ)) {
            enableCondstore(c, s);
        }
        if (s.enabled.contains("CONDSTORE") && !items.contains(FetchItem.Attribute.MODSEQ)) {
            items = new ArrayList<>(items);
            items.add(FetchItem.Attribute.MODSEQ);
        }
        if (setsSeen) {
            List<Long> unseen = indexes.stream().map(sel::message).filter(m -> !m.flags().seen())
                    .map(SelectedMailbox.Message::uid).toList();
            if (!unseen.isEmpty()) {
                if (sel.sharedSeen) {
                    sel.seen = seenStore.change(sel.mailboxId, s.user(), unseen, true, 0);
                } else {
                    List<StoreMessage> changed = store.store(sel.mailboxId, unseen,
                            new FlagChange(FlagChange.Mode.ADD, MessageFlags.NONE.withSeen(true)), -1, new ArrayList<>());
                    if (!changed.isEmpty()) {
                        events.changed(sel.mailboxId);
                        // the view takes the new \Seen now; the FETCH responses below show it
                        sync(c, s, false, false, told(changed));
                    }
                }
            }
        }
        boolean withUid = f.uid() || f.items().contains(FetchItem.Attribute.UID);
        c.stream(new FetchResponse(s, sel, f, indexes.stream().mapToInt(Integer::intValue).toArray(), items, withUid, setsSeen));
    }

    /**
     * The FETCH responses, about 64 KiB at a time, produced only as fast as the client reads them: a client that
     * stops reading holds an open file and this object, not a thread, and not the rest of the answer in memory.
     * A message's files are opened before any of it is written, so a message expunged meanwhile fails whole (and
     * is skipped); once open, an unlink cannot take the data away.
     */
    private final class FetchResponse implements org.murder.connector.api.ResponseProducer {
        private final ImapSession s;
        private final SelectedMailbox sel;
        private final ImapCommand.Fetch f;
        private final int[] positions;
        private final List<FetchItem> items;
        private final boolean withUid;
        private final boolean setsSeen;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK + 1024);
        private int next;
        private boolean gone;
        /** The message being written: its segments, the next one, the files opened for it. */
        private List<Segment> segments;
        private int segment;
        private long written;
        private final List<InputStream> opened = new ArrayList<>();
        private int nextFile;

        /** Only UID, FLAGS and MODSEQ: each response is written straight from the index (UID FETCH 1:* (FLAGS)). */
        private final boolean indexOnly;
        /** Some item reads the message: FLAGS, UID, sizes and dates come from the index, no path to build for them. */
        private final boolean needsFile;
        private final StringBuilder line = new StringBuilder(128);

        FetchResponse(ImapSession s, SelectedMailbox sel, ImapCommand.Fetch f, int[] positions, List<FetchItem> items,
                      boolean withUid, boolean setsSeen) {
            this.indexOnly = items.stream().allMatch(i -> i == FetchItem.Attribute.UID || i == FetchItem.Attribute.FLAGS
                    || i == FetchItem.Attribute.MODSEQ);
            this.needsFile = !items.stream().allMatch(MessageCommands::fromIndex);
            this.s = s;
            this.sel = sel;
            this.f = f;
            this.positions = positions;
            this.items = items;
            this.withUid = withUid;
            this.setsSeen = setsSeen;
        }

        @Override
        public boolean produce(Connection c) {
            if (indexOnly) {
                while (next < positions.length && out.size() < CHUNK) {
                    writeIndexOnly(positions[next++]);
                }
                if (next < positions.length) {
                    c.write(out.toByteArray());
                    out.reset();
                    return true;
                }
                return startNext(c); // none left: the completion
            }
            while (out.size() < CHUNK) {
                if (segments == null && !startNext(c)) {
                    return false;
                }
                if (!writeSome()) {
                    closeFiles();
                    segments = null;
                }
            }
            // small responses (FLAGS, UID…) travel together; the socket sees 64 KiB writes, not one per message
            c.write(out.toByteArray());
            out.reset();
            return true;
        }

        private void writeIndexOnly(int i) {
            MailboxIndex view = sel.view();
            long uid = view.uid(i);
            MessageFlags flags = view.flags(i);
            if (sel.sharedSeen) {
                flags = flags.withSeen(sel.seen.contains(uid));
            }
            line.setLength(0);
            indexOnlyLine(line, i + 1, uid, withUid, items, flags.atoms(), sel.showsRecent(uid), view.modSeq(i));
            out.writeBytes(line.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)); // ASCII (isFlag)
        }

        /** Opens the next message; false when the response is complete (or ended with NO). */
        private boolean startNext(Connection c) {
            while (next < positions.length) {
                int i = positions[next++];
                SelectedMailbox.Message m = sel.message(i);
                try {
                    List<Segment> segs = fetchOne(sel, i + 1, m, items, withUid, setsSeen, needsFile);
                    for (Segment seg : segs) {
                        if (seg instanceof Segment.FileRegion r) {
                            InputStream in = Files.newInputStream(r.file());
                            opened.add(in);
                            in.skipNBytes(r.offset());
                        }
                    }
                    segments = segs;
                    segment = 0;
                    written = 0;
                    nextFile = 0;
                    return true;
                } catch (UnknownCteException e) {
                    closeFiles();
                    c.write(out.toByteArray());
                    ImapEndpoint.tagged(c, f.tag(), ImapStatus.NO, "UNKNOWN-CTE", "Cannot decode the part's transfer encoding");
                    return false;
                } catch (IOException | RuntimeException e) {
                    closeFiles();
                    if (!Files.exists(spool.messagePath(sel.partition, sel.mailboxId, m.uid())) || !store.exists(m.id())) {
                        // expunged by another session, not yet told to this one: skip it and say so (RFC 2180 4.1.2)
                        gone = true;
                        continue;
                    }
                    LOG.log(Level.WARNING, "MURDER-IMAP-004 FETCH of UID " + m.uid() + " in " + sel.internalName + " failed", e);
                    c.write(out.toByteArray());
                    no(c, f.tag(), "Cannot read a message");
                    return false;
                }
            }
            c.write(out.toByteArray());
            out.reset();
            sync(c, s, false);
            if (gone && !f.uid()) {
                // by UID a message that is gone is simply not there (RFC 3501 6.4.8); by number the client counted on it
                expungeIssued(c, f.tag());
            } else {
                ok(c, f.tag(), "Completed");
            }
            return false;
        }

        /** Copies the current message's segments into the buffer until it is full; false once the message is done. */
        private boolean writeSome() {
            try {
                while (segment < segments.size()) {
                    Segment seg = segments.get(segment);
                    if (seg instanceof Segment.Bytes b) {
                        // a large decoded part goes out a chunk at a time too
                        byte[] data = b.data();
                        while (written < data.length) {
                            if (out.size() >= CHUNK) {
                                return true;
                            }
                            int n = (int) Math.min(data.length - written, CHUNK - out.size());
                            out.write(data, (int) written, n);
                            written += n;
                        }
                        written = 0;
                    } else if (seg instanceof Segment.FileRegion r) {
                        InputStream in = opened.get(nextFile);
                        byte[] chunk = new byte[(int) Math.max(1, Math.min(CHUNK, r.length() - written))];
                        while (written < r.length()) {
                            if (out.size() >= CHUNK) {
                                return true;
                            }
                            int want = (int) Math.min(Math.min(chunk.length, r.length() - written), CHUNK - out.size());
                            int n = in.read(chunk, 0, want);
                            if (n < 0) {
                                throw new IOException("message file shorter than its index says: " + r.file());
                            }
                            out.write(chunk, 0, n);
                            written += n;
                        }
                        nextFile++;
                        written = 0;
                    }
                    segment++;
                }
                return false;
            } catch (IOException e) {
                // half a message is on its way: the connection cannot be saved (the transport closes it)
                throw new java.io.UncheckedIOException(e);
            }
        }

        private void closeFiles() {
            for (InputStream in : opened) {
                try {
                    in.close();
                } catch (IOException e) {
                    // read-only: nothing lost
                }
            }
            opened.clear();
        }

        @Override
        public void abandon() {
            closeFiles();
        }
    }

    /**
     * {@code * n FETCH (UID u FLAGS (...) MODSEQ (m))} for a FETCH of UID, FLAGS and MODSEQ only, as
     * {@link FetchResponseBuilder} writes it but without its objects: {@code UID FETCH 1:* (FLAGS)} of a big mailbox
     * writes a line per message ({@code IndexOnlyFetchLineTest} holds the two to the same text).
     */
    static void indexOnlyLine(StringBuilder b, long msn, long uid, boolean withUid, List<FetchItem> items,
                              List<String> flagAtoms, boolean recent, long modSeq) {
        b.append("* ").append(msn).append(" FETCH (");
        boolean first = true;
        if (withUid) {
            b.append("UID ").append(uid);
            first = false;
        }
        for (FetchItem item : items) {
            if (item == FetchItem.Attribute.UID) {
                continue;
            }
            if (!first) {
                b.append(' ');
            }
            first = false;
            if (item == FetchItem.Attribute.FLAGS) {
                b.append("FLAGS (");
                boolean firstFlag = true;
                for (String atom : flagAtoms) {
                    if (!org.murder.protocol.imap.response.ImapWriter.isFlag(atom)) {
                        throw new IllegalArgumentException("not a flag: " + atom);
                    }
                    b.append(firstFlag ? "" : " ").append(atom);
                    firstFlag = false;
                }
                if (recent) {
                    b.append(firstFlag ? "" : " ").append("\\Recent");
                }
                b.append(')');
            } else if (item == FetchItem.Attribute.MODSEQ) {
                b.append("MODSEQ (").append(modSeq).append(')');
            } else {
                throw new IllegalArgumentException("not an index-only item: " + item);
            }
        }
        b.append(")\r\n");
    }

    private static boolean fromIndex(FetchItem item) {
        return item == FetchItem.Attribute.UID || item == FetchItem.Attribute.FLAGS || item == FetchItem.Attribute.MODSEQ
                || item == FetchItem.Attribute.RFC822_SIZE || item == FetchItem.Attribute.INTERNALDATE;
    }

    /** @param needsFile some item reads the message (not only the index): its spool path is built */
    private List<Segment> fetchOne(SelectedMailbox sel, long msn, SelectedMailbox.Message m, List<FetchItem> items,
                                   boolean withUid, boolean seenNow, boolean needsFile) throws IOException {
        FetchResponseBuilder b = new FetchResponseBuilder(msn);
        if (withUid) {
            b.uid(m.uid());
        }
        Path file = needsFile ? spool.messagePath(sel.partition, sel.mailboxId, m.uid()) : null;
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
            } else if (item instanceof FetchItem.Binary bin && bin.part().isEmpty()) {
                // BINARY[]: the message as stored, streamed from its file like BODY[]
                ByteRange whole = ByteRange.between(0, m.size());
                ByteRange range = bin.partial().map(p -> whole.partial(p.origin(), p.length())).orElse(whole);
                b.binary(bin.responseName(), range.in(file), holdsNul(file, range));
            } else if (item instanceof FetchItem.Binary bin) {
                if (structure == null) {
                    structure = structure(file, m);
                }
                b.binary(bin.responseName(), partial(decoded(file, structure, bin.part()), bin.partial()));
            } else if (item instanceof FetchItem.BinarySize bs && bs.part().isEmpty()) {
                b.binarySize(bs.responseName(), m.size());
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

    /**
     * Whether a NUL is in the range, which then goes out as a literal8. Messages APPENDed since BINARY's NUL parts are
     * stored encoded have none, but older ones and LMTP deliveries may: one more read of a rare item's data.
     */
    private static boolean holdsNul(Path file, ByteRange r) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(r.offset());
            byte[] buf = new byte[CHUNK];
            for (long left = r.length(); left > 0; ) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    return false;
                }
                for (int i = 0; i < n; i++) {
                    if (buf[i] == 0) {
                        return true;
                    }
                }
                left -= n;
            }
            return false;
        }
    }

    private static byte[] read(Path file, ByteRange r) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(r.offset());
            return in.readNBytes((int) r.length());
        }
    }

    // ------------------------------------------------------------------ STORE

    private void storeFlags(Connection c, ImapSession s, SelectedMailbox sel, ImapCommand.Store st) {
        if (sel.readOnly) {
            no(c, st.tag(), "Mailbox is read-only");
            return;
        }
        if (!validMsns(sel, st.set(), st.uid())) {
            ImapEndpoint.tagged(c, st.tag(), ImapStatus.BAD, "Invalid message sequence number");
            return;
        }
        if (st.unchangedSince().isPresent()) {
            enableCondstore(c, s);
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
                sel.seen = seenStore.change(sel.mailboxId, s.user(), targets, seenValue, 0);
            }
            flags = flags.withSeen(false);
        }
        // flags the user has no right to change keep their values (RFC 4314 s/t/w; Cyrus ignores them silently)
        FlagChange.Permitted permitted = new FlagChange.Permitted(!sel.sharedSeen && sel.rights.has('s'),
                sel.rights.has('t'), sel.rights.has('w'));
        List<StoreMessage> changed = store.store(sel.mailboxId, targets, new FlagChange(mode, flags, permitted),
                st.unchangedSince().orElse(-1), failed);
        if (!changed.isEmpty()) {
            events.changed(sel.mailboxId);
        }
        // the view takes this STORE's changes without a second FETCH for them; others' changes are told as usual
        sync(c, s, false, false, told(changed));
        // with CONDSTORE the client learns each new MODSEQ, .SILENT or not (RFC 7162 3.2 asks it for UNCHANGEDSINCE;
        // Cyrus does it for every STORE, FLAGS included)
        boolean withModSeq = s.enabled.contains("CONDSTORE");
        boolean answer = !st.silent() || withModSeq;
        List<Long> uids = answer ? uidsOf(sel, st.set(), st.uid()) : List.of();
        Set<Long> notChanged = new java.util.HashSet<>(failed);
        // MODIFIED names UIDs for UID STORE, message numbers for STORE (RFC 7162 3.2)
        long[] modified = failed.stream().mapToLong(uid -> st.uid() ? uid : sel.msnOf(uid)).filter(n -> n > 0).toArray();
        byte[] completion = modified.length == 0
                ? ImapResponses.tagged(st.tag(), ImapStatus.OK, Optional.empty(), "Completed")
                : ImapResponses.tagged(st.tag(), ImapStatus.OK, Optional.of("MODIFIED " + SequenceSet.of(modified)),
                        "Conditional STORE failed");
        // a FETCH a message, produced as the client reads (a STORE on 1:* of a big mailbox is megabytes)
        java.util.Iterator<Long> next = uids.iterator();
        c.stream(new ChunkedResponse(() -> {
            while (next.hasNext()) {
                long uid = next.next();
                int msn = sel.msnOf(uid);
                if (msn == 0 || notChanged.contains(uid)) {
                    continue;
                }
                SelectedMailbox.Message m = sel.message(msn - 1);
                FetchResponseBuilder b = new FetchResponseBuilder(msn);
                if (st.uid()) {
                    b.uid(uid);
                }
                b.flags(sel.flagAtoms(m));
                if (withModSeq) {
                    b.modseq(m.modSeq());
                }
                return inMemory(b.build());
            }
            return null;
        }, completion));
    }

    /**
     * Untagged responses made one at a time, sent about 64 KiB at a time as the client reads, then the completion.
     * The parts come from the command's own data (not the store), so producing them later is safe.
     */
    private static final class ChunkedResponse implements org.murder.connector.api.ResponseProducer {
        private final java.util.function.Supplier<byte[]> parts;
        private final byte[] completion;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK + 1024);

        /** @param parts the next response, or null when there are no more */
        ChunkedResponse(java.util.function.Supplier<byte[]> parts, byte[] completion) {
            this.parts = parts;
            this.completion = completion;
        }

        @Override
        public boolean produce(Connection c) {
            while (out.size() < CHUNK) {
                byte[] part = parts.get();
                if (part == null) {
                    out.writeBytes(completion);
                    c.write(out.toByteArray());
                    return false;
                }
                out.writeBytes(part);
            }
            c.write(out.toByteArray());
            out.reset();
            return true;
        }

        @Override
        public void abandon() {
            // nothing held but memory
        }
    }

    /** This session's own flag changes, by UID with their MODSEQ: a sync does not tell them back to it. */
    private static Map<Long, Long> told(List<StoreMessage> changed) {
        Map<Long, Long> out = new HashMap<>();
        changed.forEach(m -> out.put(m.uid(), m.modSeq()));
        return out;
    }

    // ------------------------------------------------------------------ SEARCH

    /**
     * RFC 4731: only what the client asked for; MIN, MAX and ALL are left out when nothing matched. With a MODSEQ
     * criterion, MODSEQ is the highest of the messages returned (RFC 7162 3.1.10): of the one MIN or MAX names when
     * only they were asked for, else of every match; none when nothing matched.
     */
    static Optional<EsearchResult.Partial> partial(Optional<org.murder.protocol.imap.command.PartialRange> range,
                                                   long[] numbers) {
        return range.map(r -> {
            int[] window = r.indexes(numbers.length);
            return new EsearchResult.Partial(r, window[0] == window[1] ? Optional.empty()
                    : Optional.of(SequenceSet.of(java.util.Arrays.copyOfRange(numbers, window[0], window[1]))));
        });
    }

    private static EsearchResult esearch(ImapCommand.Search se, List<Long> hits, long[] modSeqs) {
        Set<SearchReturnOption> o = se.returnOptions();
        boolean any = !hits.isEmpty();
        OptionalLong modSeq = OptionalLong.empty();
        if (any && se.key().usesModSeq()) {
            boolean min = o.contains(SearchReturnOption.MIN);
            boolean max = o.contains(SearchReturnOption.MAX);
            if ((min || max) && !o.contains(SearchReturnOption.ALL) && !o.contains(SearchReturnOption.COUNT)) {
                modSeq = OptionalLong.of(Math.max(min ? modSeqs[0] : 0, max ? modSeqs[modSeqs.length - 1] : 0));
            } else {
                modSeq = OptionalLong.of(java.util.Arrays.stream(modSeqs).max().getAsLong());
            }
        }
        long[] numbers = hits.stream().mapToLong(Long::longValue).toArray();
        return new EsearchResult(Optional.of(se.tag()), se.uid(),
                o.contains(SearchReturnOption.MIN) && any ? OptionalLong.of(hits.get(0)) : OptionalLong.empty(),
                o.contains(SearchReturnOption.MAX) && any ? OptionalLong.of(hits.get(hits.size() - 1)) : OptionalLong.empty(),
                o.contains(SearchReturnOption.COUNT) ? OptionalLong.of(hits.size()) : OptionalLong.empty(),
                o.contains(SearchReturnOption.ALL) && any ? Optional.of(SequenceSet.of(numbers)) : Optional.empty(),
                modSeq, partial(se.partial(), numbers), List.of());
    }

    private void search(Connection c, ImapSession s, SelectedMailbox sel, ImapCommand.Search asked) {
        ImapCommand.Search se = asked;
        if (s.rev2() && se.returnOptions().isEmpty()) {
            // RFC 9051 §6.4.4: an IMAP4rev2 SEARCH is answered by ESEARCH, and no RETURN is RETURN (ALL)
            se = new ImapCommand.Search(se.tag(), se.uid(), se.charset(), se.key(), Set.of(SearchReturnOption.ALL));
        }
        boolean update = se.returnOptions().contains(SearchReturnOption.UPDATE);
        if (update && sel.live.has(se.tag())) {
            ImapEndpoint.tagged(c, se.tag(), ImapStatus.BAD, "A live result has this tag already");
            return;
        }
        if (se.key().usesModSeq()) {
            enableCondstore(c, s); // RFC 7162 3.1: a MODSEQ search enables CONDSTORE
        }
        MailboxIndex.Matches found = MessageSearch.run(sel, se.key(), spool);
        MailboxIndex view = sel.view();
        List<Long> hits = new ArrayList<>(found.positions().length);
        long[] hitModSeqs = new long[found.positions().length];
        int k = 0;
        for (int i : found.positions()) {
            hits.add(se.uid() ? view.uid(i) : i + 1);
            hitModSeqs[k++] = sel.message(i).modSeq();
        }
        // RFC 7162 3.1.5: a non-empty SEARCH answer to a MODSEQ criterion ends with (MODSEQ highest)
        OptionalLong highest = se.key().usesModSeq() && !hits.isEmpty()
                ? OptionalLong.of(java.util.Arrays.stream(hitModSeqs).max().getAsLong()) : OptionalLong.empty();
        if (se.returnOptions().contains(SearchReturnOption.SAVE)) {
            sel.saveResult(saved(se.returnOptions(), view, found.positions()));
        }
        if (update) {
            long[] uids = java.util.Arrays.stream(found.positions()).mapToLong(view::uid).toArray();
            keepLive(c, sel, se.tag(), se.uid(), se.key(), Optional.empty(), uids);
        }
        if (se.esearch()) {
            c.write(ImapResponses.esearch(esearch(se, hits, hitModSeqs)));
        } else if (se.returnOptions().isEmpty()) {
            c.write(ImapResponses.search(hits, highest));
        } // SAVE alone: the result is kept, not told (RFC 5182 2.1)
        sync(c, s, false);
        ok(c, se.tag(), "Completed");
    }

    /**
     * RFC 5267 §4.3: a result asked for with UPDATE is kept and told as it changes — unless the session keeps too much
     * already or its criteria cannot be followed, then {@code * NO [NOUPDATE "tag"]} and the answer alone.
     *
     * @param uids the result's UIDs in its order
     */
    static void keepLive(Connection c, SelectedMailbox sel, String tag, boolean uid,
                         org.murder.protocol.imap.search.SearchKey key,
                         Optional<List<org.murder.protocol.imap.command.SortCriterion>> sort, long[] uids) {
        Optional<String> refusal = sel.live.refusal(tag, key, uids.length, sel.sharedSeen);
        if (refusal.isPresent()) {
            c.write(ImapResponses.noUpdate(tag, refusal.get()));
        } else {
            sel.live.add(new LiveResults.Live(tag, uid, key, sort, uids));
        }
    }

    /**
     * What {@code $} keeps of a result (RFC 5182 2.4): with MIN and/or MAX but neither ALL nor COUNT, only those
     * messages (the first and last of {@code positions}, which are in the answer's order); otherwise all of them.
     */
    static long[] saved(Set<SearchReturnOption> options, MailboxIndex view, int[] positions) {
        boolean some = !options.contains(SearchReturnOption.ALL) && !options.contains(SearchReturnOption.COUNT)
                && (options.contains(SearchReturnOption.MIN) || options.contains(SearchReturnOption.MAX));
        if (!some || positions.length == 0) {
            return java.util.Arrays.stream(positions).mapToLong(view::uid).toArray();
        }
        List<Long> kept = new ArrayList<>(2);
        if (options.contains(SearchReturnOption.MIN)) {
            kept.add(view.uid(positions[0]));
        }
        if (options.contains(SearchReturnOption.MAX)) {
            kept.add(view.uid(positions[positions.length - 1]));
        }
        return kept.stream().mapToLong(Long::longValue).distinct().toArray();
    }

    // ------------------------------------------------------------------ COPY, MOVE, EXPUNGE

    private void copy(Connection c, ImapSession s, SelectedMailbox sel, String tag, boolean uid, SequenceSet set, String target,
                      boolean move) {
        if (!validMsns(sel, set, uid)) {
            ImapEndpoint.tagged(c, tag, ImapStatus.BAD, "Invalid message sequence number");
            return;
        }
        if (move && store.frozen(sel.mailboxId)) {
            // the copy would commit and the expunge be refused: both refused instead
            throw new org.murder.store.MailboxFrozenException(sel.internalName);
        }
        Optional<StoreMailbox> to = MailboxCommands.internal(namespace, s, target).flatMap(store::mailbox);
        if (to.isEmpty() && proxy.onAnotherBackend(s, target)) {
            if (move && (sel.readOnly || !(sel.rights.has('t') && sel.rights.has('e')))) {
                no(c, tag, sel.readOnly ? "Mailbox is read-only" : "Permission denied");
                return;
            }
            proxy.copyFromHere(c, s, tag, move, new LocalCopySource(c, s, sel, uidsOf(sel, set, uid), spool, this), target);
            return;
        }
        if (to.isEmpty()) {
            MailboxCommands.noSuchTarget(c, tag, target);
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
        long bytes = 0;
        for (long u : uids) {
            int i = sel.view().indexOf(u);
            bytes += i < 0 ? 0 : sel.message(i).size();
        }
        if (delivery.overQuota(to.get(), bytes, uids.size())) {
            ImapEndpoint.tagged(c, tag, ImapStatus.NO, "OVERQUOTA", "Over quota"); // RFC 9208 section 4.3
            return;
        }
        List<long[]> pairs;
        try {
            // checked again under the target's lock, before anything is linked: another write may have come between
            pairs = store.copy(spool, sel.mailboxId, uids, to.get().id(), true);
        } catch (org.murder.store.OverQuotaException e) {
            ImapEndpoint.tagged(c, tag, ImapStatus.NO, "OVERQUOTA", "Over quota");
            return;
        }
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
            expunge(c, s, sel, tag, uids, false);
            ok(c, tag, "Completed");
        } else {
            sync(c, s, true);
            ImapEndpoint.tagged(c, tag, ImapStatus.OK, code, "Completed");
        }
    }

    /** A MOVE's originals, once copied to another backend: expunged, the client told as by its own EXPUNGE. */
    void expungeCopied(Connection c, ImapSession s, SelectedMailbox sel, List<Long> uids) {
        expunge(c, s, sel, "*", uids, false);
    }

    private void expunge(Connection c, ImapSession s, SelectedMailbox sel, String tag, List<Long> onlyUids, boolean answer) {
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
        if (answer && s.enabled.contains("CONDSTORE")) {
            // the MODSEQ the expunges took, so a client that keeps its state need not ask (as Cyrus and Dovecot)
            ImapEndpoint.tagged(c, tag, ImapStatus.OK, "HIGHESTMODSEQ " + sel.view().highestModSeq(), "Completed");
        } else if (answer) {
            ok(c, tag, "Completed");
        }
    }

    // ------------------------------------------------------------------ other sessions' changes, IDLE

    /**
     * Brings the session's view up to date with the mailbox's newest index and tells the client: EXPUNGE (only
     * where allowed), FETCH FLAGS for flags others changed, EXISTS and RECENT.
     */
    void sync(Connection c, ImapSession s, boolean expungeAllowed) {
        sync(c, s, expungeAllowed, false, Map.of());
    }

    /**
     * @param fromDatabase ask the database whether the index is current (NOOP, CHECK, IDLE), not only the node's
     *                     newest version
     * @param own          UID → MODSEQ of changes this session made and answered itself
     */
    void sync(Connection c, ImapSession s, boolean expungeAllowed, boolean fromDatabase, Map<Long, Long> own) {
        synchronized (s) {
            Optional<SelectedMailbox> selected = s.selected();
            if (selected.isEmpty()) {
                return;
            }
            SelectedMailbox sel = selected.get();
            MailboxIndex now = fromDatabase ? null : indexes.known(sel.mailboxId);
            if (now == null) {
                now = store.index(sel.mailboxId);
            }
            MailboxIndex before = sel.view();
            if (now == before) {
                return;
            }
            if (now == MailboxIndex.EMPTY && store.movedAway(sel.internalName)) {
                // its messages are not expunged, they are on another backend now: a client told EXPUNGE would drop
                // its cache; one told BYE comes back (through a frontend, to the new backend) and finds them all
                c.write(org.murder.protocol.imap.response.ImapResponses.bye("Mailbox has been moved to another server"));
                s.end();
                c.close();
                return;
            }
            List<IndexRow> removed = new ArrayList<>();
            List<IndexRow> changed = new ArrayList<>();
            // every message changed (this session's own changes too) or new: what live results search again
            java.util.Set<Long> touched = new java.util.HashSet<>();
            long[] newest = {before.maxUid()};
            MailboxIndex.diff(before, now, new MailboxIndex.Differences() {
                @Override
                public void removed(IndexRow old) {
                    removed.add(old);
                }

                @Override
                public void changed(IndexRow old, IndexRow current) {
                    touched.add(current.uid());
                    Long mine = own.get(current.uid());
                    if (mine == null || mine != current.modSeq()) {
                        changed.add(current);
                    }
                }

                @Override
                public void added(IndexRow current) {
                    touched.add(current.uid());
                    newest[0] = Math.max(newest[0], current.uid());
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            MailboxIndex told = now;
            if (!removed.isEmpty() && expungeAllowed && s.enabled.contains("QRESYNC")) {
                // RFC 7162 §3.2.10: one VANISHED instead of an EXPUNGE per message
                out.writeBytes(ImapResponses.vanished(false,
                        SequenceSet.of(removed.stream().mapToLong(IndexRow::uid).sorted().toArray())));
            } else if (!removed.isEmpty() && expungeAllowed) {
                int gone = 0;
                for (IndexRow r : removed) {
                    out.writeBytes(ImapResponses.expunge(before.indexOf(r.uid()) + 1 - gone));
                    gone++;
                }
            } else if (!removed.isEmpty()) {
                // not now (RFC 3501 7.4.1: no EXPUNGE during FETCH, STORE, SEARCH): the view keeps them until then
                told = now.apply(removed, new long[0], now.highestModSeq());
            }
            sel.view(told);
            LiveNews live = sel.live.isEmpty() ? LiveNews.NONE : liveNews(sel, before, told, removed, touched);
            if (live.removed().length > 0) {
                // REMOVEFROM numbers messages as the client knows them before the EXPUNGEs that follow
                ByteArrayOutputStream first = new ByteArrayOutputStream();
                first.writeBytes(live.removed());
                first.writeBytes(out.toByteArray());
                out = first;
            }
            boolean condstore = s.enabled.contains("CONDSTORE");
            for (IndexRow r : changed) {
                SelectedMailbox.Message m = sel.of(r);
                FetchResponseBuilder b = new FetchResponseBuilder(told.indexOf(r.uid()) + 1).uid(r.uid()).flags(sel.flagAtoms(m));
                if (condstore) {
                    b.modseq(r.modSeq());
                }
                out.writeBytes(inMemory(b.build()));
            }
            long maxUid = before.maxUid();
            boolean added = newest[0] > maxUid;
            if (added) {
                // new arrivals are \Recent to this session if it is the first of the user's to see them (Cyrus)
                long mark = org.murder.store.RecentStore.sessionMark(recentStore, sel.mailboxId, s.user(), newest[0], sel.readOnly);
                sel.addRecent(Math.max(mark, maxUid), newest[0]);
            }
            if (added || expungeAllowed && !removed.isEmpty()) {
                out.writeBytes(ImapResponses.exists(told.size()));
            }
            if (added && !sel.rev2) {
                out.writeBytes(ImapResponses.recent(sel.recentCount())); // RFC 9051: no RECENT in IMAP4rev2
            }
            out.writeBytes(live.added());
            // a keyword another session set (or a new message brought) is announced before a FETCH shows it
            c.write(sel.announceKeywords(now.keywords()));
            if (out.size() > 0) {
                c.write(out.toByteArray());
            }
        }
    }

    /** The ESEARCH updates of a sync: REMOVEFROMs to tell before its EXPUNGEs, ADDTOs after its EXISTS. */
    private record LiveNews(byte[] removed, byte[] added) {
        static final LiveNews NONE = new LiveNews(new byte[0], new byte[0]);
    }

    /**
     * Brings the session's live results (RFC 5267 §4) from {@code before} to {@code told}: the messages gone leave them,
     * the changed and new ones are searched again (the rest keep their answer, see {@link LiveResults}), a sorted one is
     * sorted again; what differs is told as REMOVEFROM and ADDTO.
     */
    private LiveNews liveNews(SelectedMailbox sel, MailboxIndex before, MailboxIndex told, List<IndexRow> removed,
                              java.util.Set<Long> touched) {
        java.util.Set<Long> gone = new java.util.HashSet<>();
        for (IndexRow r : removed) {
            if (told.indexOf(r.uid()) < 0) {
                gone.add(r.uid());
            }
        }
        ByteArrayOutputStream removals = new ByteArrayOutputStream();
        ByteArrayOutputStream additions = new ByteArrayOutputStream();
        List<Long> recheck = touched.stream().filter(u -> told.indexOf(u) >= 0).sorted().toList();
        for (LiveResults.Live l : sel.live.all()) {
            org.murder.protocol.imap.search.SearchEvaluator evaluator = new org.murder.protocol.imap.search.SearchEvaluator(
                    l.key, told.size(), told.maxUid(), sel.lastResult());
            long[] matching = recheck.stream().filter(u -> {
                int i = told.indexOf(u);
                SelectedMailbox.Message m = sel.of(told.row(i));
                return evaluator.matches(new SpoolMessage(m, i + 1, sel.isRecent(u),
                        () -> spool.messagePath(sel.partition, sel.mailboxId, u)));
            }).mapToLong(Long::longValue).toArray();
            long[] members = LiveResults.merge(LiveResults.unchanged(l.uids, gone, touched), matching);
            long[] after = members;
            if (l.sort.isPresent()) {
                int[] positions = java.util.Arrays.stream(members).mapToInt(told::indexOf).sorted().toArray();
                after = java.util.Arrays.stream(sorts.order(sel, told, positions, l.sort.get())).mapToLong(told::uid).toArray();
            }
            LiveResults.Changes changes = LiveResults.diff(l.uids, after,
                    u -> l.uid ? u : before.indexOf(u) + 1, u -> l.uid ? u : told.indexOf(u) + 1);
            l.uids = after;
            if (!changes.removed().isEmpty()) {
                removals.writeBytes(ImapResponses.esearch(EsearchResult.update(l.tag, l.uid, changes.removed())));
            }
            if (!changes.added().isEmpty()) {
                additions.writeBytes(ImapResponses.esearch(EsearchResult.update(l.tag, l.uid, changes.added())));
            }
        }
        return new LiveNews(removals.toByteArray(), additions.toByteArray());
    }

    /**
     * IDLE (RFC 2177): the session listens to its mailbox's changes and tells them at once. What it registers is
     * unregistered when the IDLE ends — by DONE, or with the session when the connection goes.
     */
    void startIdle(Connection c, ImapSession s, String tag) {
        c.expectContinuation(true);
        c.write(ImapResponses.continuation("idling"));
        Optional<SelectedMailbox> selected = s.selected();
        if (selected.isEmpty()) {
            s.await(new ImapSession.Idling(tag, () -> { }));
            return;
        }
        SelectedMailbox sel = selected.get();
        // changes faster than the session tells them (a burst of deliveries) share one telling: at most one waits
        java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable push = () -> {
            if (!queued.compareAndSet(false, true)) {
                return;
            }
            try {
                executor.execute(() -> {
                    queued.set(false);
                    if (s.awaiting().filter(a -> a instanceof ImapSession.Idling).isPresent()
                            && s.selected().filter(m -> m == sel).isPresent()) {
                        sync(c, s, true);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException busy) {
                queued.set(false); // the client hears of it at DONE
            }
        };
        events.watch(sel.mailboxId, push);
        s.await(new ImapSession.Idling(tag, () -> events.unwatch(sel.mailboxId, push)));
        sync(c, s, true, true, Map.of()); // after the watch: no change can slip between
    }

    void endIdle(Connection c, ImapSession s, String line) {
        String tag = s.stopAwaiting().map(a -> ((ImapSession.Idling) a).tag()).orElse("*");
        if (line.trim().equalsIgnoreCase("DONE")) {
            sync(c, s, true);
            ok(c, tag, "Completed");
        } else {
            ImapEndpoint.tagged(c, tag, ImapStatus.BAD, "Expected DONE");
        }
    }
}
