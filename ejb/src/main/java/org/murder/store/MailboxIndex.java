package org.murder.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.murder.store.MessageStore.IndexRow;

/**
 * One version of a mailbox's index (UID, MODSEQ, flags, size, internal date of every message), immutable and
 * shared by every session that has the mailbox selected — as Cyrus's sessions share one cyrus.index. A session
 * keeps a reference to the version it last told its client about, so what a session costs does not depend on
 * the mailbox's size.
 *
 * <p>The rows sit in chunks of at most {@value #CHUNK} messages. A new version copies only the chunks a change
 * touches and shares the others, so versions that sessions still hold cost little beside the newest, and two
 * versions are compared chunk by chunk, skipping the chunks they share ({@link #diff}).
 *
 * <p>Compact on purpose (a 100,000-message mailbox is about 4 MB): UIDs are 32-bit (RFC 3501 2.3.1.1), sizes
 * below 2 GiB, internal dates in seconds (IMAP shows no finer). Sent dates are kept too, as Cyrus's index record
 * keeps them, so that SORT (DATE) needs no header keys.
 */
public final class MailboxIndex {

    static final int CHUNK = 1024;

    public static final MailboxIndex EMPTY = new MailboxIndex(new Chunk[0], 0);

    /** A run of messages in UID order. Immutable once built. */
    static final class Chunk {
        final int[] uids;
        final long[] ids;
        final long[] modSeqs;
        final int[] sizes;
        final int[] dates;
        /** What SORT (DATE) orders by, seconds ({@link IndexRow#sentDate()}). */
        final long[] sentDates;
        final MessageFlags[] flags;
        /** Keywords in use in this chunk, lower case → first spelling; FLAGS lists the union. */
        final Map<String, String> keywords;

        /** Rows from..to of gathered rows (a change's new chunks: no object per row). */
        Chunk(Rows rows, int from, int to) {
            uids = Arrays.copyOfRange(rows.uids, from, to);
            ids = Arrays.copyOfRange(rows.ids, from, to);
            modSeqs = Arrays.copyOfRange(rows.modSeqs, from, to);
            sizes = Arrays.copyOfRange(rows.sizes, from, to);
            dates = Arrays.copyOfRange(rows.dates, from, to);
            sentDates = Arrays.copyOfRange(rows.sentDates, from, to);
            flags = Arrays.copyOfRange(rows.flags, from, to);
            Map<String, String> kw = new LinkedHashMap<>();
            for (MessageFlags f : flags) {
                for (String k : f.keywords()) {
                    kw.putIfAbsent(k.toLowerCase(Locale.ROOT), k);
                }
            }
            keywords = kw.isEmpty() ? Map.of() : Collections.unmodifiableMap(kw);
        }

        int size() {
            return uids.length;
        }

        long uid(int i) {
            return Integer.toUnsignedLong(uids[i]);
        }

        IndexRow row(int i) {
            return new IndexRow(ids[i], uid(i), modSeqs[i], flags[i], Integer.toUnsignedLong(sizes[i]),
                    Instant.ofEpochSecond(Integer.toUnsignedLong(dates[i])), sentDates[i]);
        }

        long lastUid() {
            return uid(uids.length - 1);
        }
    }

    private static MessageFlags intern(MessageFlags f) {
        return MessageFlags.of(f.seen(), f.answered(), f.flagged(), f.deleted(), f.draft(), f.keywords());
    }

    private final Chunk[] chunks;
    /** ends[k]: how many messages chunks 0..k hold. */
    private final int[] ends;
    private final long highestModSeq;
    private final java.util.Collection<String> keywords;

    private MailboxIndex(Chunk[] chunks, long highestModSeq) {
        this.chunks = chunks;
        this.highestModSeq = highestModSeq;
        this.ends = new int[chunks.length];
        int total = 0;
        for (int k = 0; k < chunks.length; k++) {
            total += chunks[k].size();
            ends[k] = total;
        }
        Map<String, String> kw = new LinkedHashMap<>();
        for (Chunk c : chunks) {
            c.keywords.forEach(kw::putIfAbsent);
        }
        this.keywords = List.copyOf(kw.values());
    }

    /** From rows in UID order. */
    public static MailboxIndex of(List<IndexRow> rows, long highestModSeq) {
        List<Chunk> out = new ArrayList<>();
        split(rows, out);
        return new MailboxIndex(out.toArray(new Chunk[0]), highestModSeq);
    }

    public int size() {
        return chunks.length == 0 ? 0 : ends[ends.length - 1];
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** The MODSEQ this version is up to date with. */
    public long highestModSeq() {
        return highestModSeq;
    }

    public long maxUid() {
        return chunks.length == 0 ? 0 : chunks[chunks.length - 1].lastUid();
    }

    private int chunkOf(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException(index + " of " + size());
        }
        int k = Arrays.binarySearch(ends, index + 1);
        return k >= 0 ? k : -k - 1;
    }

    private int offset(int k, int index) {
        return k == 0 ? index : index - ends[k - 1];
    }

    /** The message at a zero-based position (message sequence number − 1). */
    public IndexRow row(int index) {
        int k = chunkOf(index);
        return chunks[k].row(offset(k, index));
    }

    public long uid(int index) {
        int k = chunkOf(index);
        return chunks[k].uid(offset(k, index));
    }

    public MessageFlags flags(int index) {
        int k = chunkOf(index);
        return chunks[k].flags[offset(k, index)];
    }

    /** What SORT (DATE) orders this message by, or {@link IndexRow#NO_SENT_DATE}. */
    public long sentDate(int index) {
        int k = chunkOf(index);
        return chunks[k].sentDates[offset(k, index)];
    }

    /**
     * Matching positions, ascending, and the highest MODSEQ among them (0 when none): {@link #matching}'s answer, and
     * SEARCH's.
     */
    public record Matches(int[] positions, long highestModSeq) {
    }

    /**
     * The messages whose flags pass {@code test}, asked once per distinct set of flags (the index shares one object per
     * set), walking the chunks' arrays rather than making rows.
     */
    public Matches matching(java.util.function.Predicate<MessageFlags> test) {
        Map<MessageFlags, Boolean> decided = new java.util.IdentityHashMap<>();
        int[] out = new int[size()];
        int n = 0;
        long highest = 0;
        int base = 0;
        MessageFlags last = null;
        boolean lastMatch = false;
        for (Chunk c : chunks) {
            MessageFlags[] flags = c.flags;
            for (int i = 0; i < flags.length; i++) {
                MessageFlags f = flags[i];
                if (f != last) { // neighbours mostly share their flags
                    Boolean known = decided.get(f);
                    if (known == null) {
                        known = test.test(f);
                        decided.put(f, known);
                    }
                    last = f;
                    lastMatch = known;
                }
                if (lastMatch) {
                    out[n++] = base + i;
                    highest = Math.max(highest, c.modSeqs[i]);
                }
            }
            base += flags.length;
        }
        return new Matches(Arrays.copyOf(out, n), highest);
    }

    /**
     * INTERNALDATE (seconds), sent date ({@link IndexRow#NO_SENT_DATE} when not recorded) and size of the messages at
     * {@code positions} (fastest when ascending), into the arrays given — SORT by dates and sizes, without rows.
     */
    public void dates(int[] positions, long[] internalDates, long[] sentDates, long[] sizes) {
        int k = -1;
        int start = 0;
        int end = 0;
        for (int j = 0; j < positions.length; j++) {
            int p = positions[j];
            if (p < start || p >= end) {
                k = chunkOf(p);
                start = k == 0 ? 0 : ends[k - 1];
                end = ends[k];
            }
            Chunk c = chunks[k];
            int i = p - start;
            internalDates[j] = Integer.toUnsignedLong(c.dates[i]);
            sentDates[j] = c.sentDates[i];
            sizes[j] = Integer.toUnsignedLong(c.sizes[i]);
        }
    }

    public long modSeq(int index) {
        int k = chunkOf(index);
        return chunks[k].modSeqs[offset(k, index)];
    }

    /** Zero-based position of a UID, or −1. */
    public int indexOf(long uid) {
        int at = firstAtOrAbove(uid);
        return at < size() && uid(at) == uid ? at : -1;
    }

    /** Zero-based position of the first message whose UID is at least {@code uid} ({@link #size()} if none). */
    public int firstAtOrAbove(long uid) {
        int lo = 0;
        int hi = chunks.length - 1;
        while (lo <= hi) { // the first chunk whose last UID is ≥ uid
            int mid = (lo + hi) >>> 1;
            if (chunks[mid].lastUid() < uid) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (lo == chunks.length) {
            return size();
        }
        Chunk c = chunks[lo];
        int a = 0;
        int b = c.size() - 1;
        while (a <= b) {
            int mid = (a + b) >>> 1;
            if (c.uid(mid) < uid) {
                a = mid + 1;
            } else {
                b = mid - 1;
            }
        }
        return (lo == 0 ? 0 : ends[lo - 1]) + a;
    }

    /** How many messages have a UID in (after, upTo]. */
    public int countBetween(long after, long upTo) {
        return upTo <= after ? 0 : firstAtOrAbove(upTo + 1) - firstAtOrAbove(after + 1);
    }

    /** Keywords in use in the mailbox, first spelling kept. */
    public java.util.Collection<String> keywords() {
        return keywords;
    }

    /** The zero-based position of the first message without \Seen, or −1. */
    public int firstUnseen() {
        for (int k = 0; k < chunks.length; k++) {
            MessageFlags[] f = chunks[k].flags;
            for (int i = 0; i < f.length; i++) {
                if (!f[i].seen()) {
                    return (k == 0 ? 0 : ends[k - 1]) + i;
                }
            }
        }
        return -1;
    }

    /**
     * A new version: {@code upserts} (in UID order) replace the rows of their UIDs or are added; {@code removed}
     * UIDs (ascending) go. Only the chunks touched are copied.
     */
    public MailboxIndex apply(List<IndexRow> upserts, long[] removed, long newHighestModSeq) {
        if (upserts.isEmpty() && removed.length == 0) {
            return newHighestModSeq == highestModSeq ? this : new MailboxIndex(chunks, newHighestModSeq);
        }
        List<Chunk> out = new ArrayList<>(chunks.length + 1);
        int u = 0; // next upsert
        int r = 0; // next removal
        for (int k = 0; k < chunks.length; k++) {
            Chunk c = chunks[k];
            long last = c.lastUid();
            boolean lastChunk = k == chunks.length - 1;
            // the last chunk takes every upsert beyond it (new messages)
            int uEnd = u;
            while (uEnd < upserts.size() && (lastChunk || upserts.get(uEnd).uid() <= last)) {
                uEnd++;
            }
            int rEnd = r;
            while (rEnd < removed.length && (lastChunk || removed[rEnd] <= last)) {
                rEnd++;
            }
            if (uEnd == u && rEnd == r) {
                out.add(c);
                continue;
            }
            Rows rows = merge(c, upserts.subList(u, uEnd), Arrays.copyOfRange(removed, r, rEnd));
            u = uEnd;
            r = rEnd;
            rows.splitInto(out);
        }
        if (chunks.length == 0) {
            split(upserts, out);
        }
        MailboxIndex next = new MailboxIndex(out.toArray(new Chunk[0]), newHighestModSeq);
        // expunges leave chunks short: past twice the chunks it needs, the index is laid out again
        if (next.chunks.length > 2 * (next.size() / CHUNK) + 8) {
            return of(next.rows(), newHighestModSeq);
        }
        return next;
    }

    /** Rows gathered for new chunks, in UID order: copied from an old chunk's arrays or taken from a row. */
    static final class Rows {
        int n;
        int[] uids;
        long[] ids;
        long[] modSeqs;
        int[] sizes;
        int[] dates;
        long[] sentDates;
        MessageFlags[] flags;

        Rows(int capacity) {
            int c = Math.max(16, capacity);
            uids = new int[c];
            ids = new long[c];
            modSeqs = new long[c];
            sizes = new int[c];
            dates = new int[c];
            sentDates = new long[c];
            flags = new MessageFlags[c];
        }

        private void room() {
            if (n == uids.length) {
                int c = uids.length * 2;
                uids = Arrays.copyOf(uids, c);
                ids = Arrays.copyOf(ids, c);
                modSeqs = Arrays.copyOf(modSeqs, c);
                sizes = Arrays.copyOf(sizes, c);
                dates = Arrays.copyOf(dates, c);
                sentDates = Arrays.copyOf(sentDates, c);
                flags = Arrays.copyOf(flags, c);
            }
        }

        void add(Chunk c, int i) {
            room();
            uids[n] = c.uids[i];
            ids[n] = c.ids[i];
            modSeqs[n] = c.modSeqs[i];
            sizes[n] = c.sizes[i];
            dates[n] = c.dates[i];
            sentDates[n] = c.sentDates[i];
            flags[n] = c.flags[i];
            n++;
        }

        void add(IndexRow r) {
            room();
            uids[n] = (int) r.uid();
            ids[n] = r.id();
            modSeqs[n] = r.modSeq();
            sizes[n] = (int) Math.min(Integer.MAX_VALUE, r.size());
            dates[n] = (int) r.internalDate().getEpochSecond();
            sentDates[n] = r.sentDate();
            flags[n] = intern(r.flags());
            n++;
        }

        void splitInto(List<Chunk> out) {
            for (int from = 0; from < n; from += CHUNK) {
                out.add(new Chunk(this, from, Math.min(n, from + CHUNK)));
            }
        }
    }

    private static void split(List<IndexRow> rows, List<Chunk> out) {
        Rows gathered = new Rows(rows.size());
        rows.forEach(gathered::add);
        gathered.splitInto(out);
    }

    private static Rows merge(Chunk c, List<IndexRow> upserts, long[] removed) {
        Rows rows = new Rows(c.size() + upserts.size());
        int u = 0;
        int r = 0;
        for (int i = 0; i < c.size(); i++) {
            long uid = c.uid(i);
            while (u < upserts.size() && upserts.get(u).uid() < uid) {
                rows.add(upserts.get(u++));
            }
            while (r < removed.length && removed[r] < uid) {
                r++;
            }
            if (r < removed.length && removed[r] == uid) {
                if (u < upserts.size() && upserts.get(u).uid() == uid) {
                    u++;
                }
                continue;
            }
            if (u < upserts.size() && upserts.get(u).uid() == uid) {
                rows.add(upserts.get(u++));
            } else {
                rows.add(c, i);
            }
        }
        while (u < upserts.size()) {
            IndexRow up = upserts.get(u++);
            if (Arrays.binarySearch(removed, up.uid()) < 0) {
                rows.add(up);
            }
        }
        return rows;
    }

    /** What {@link #diff} reports, in UID order. */
    public interface Differences {
        /** A message of the old version that the new one lacks. */
        void removed(IndexRow old);

        /** A message in both whose flags or MODSEQ differ. */
        void changed(IndexRow old, IndexRow now);

        /** A message only the new version has. */
        void added(IndexRow now);
    }

    /**
     * Compares two versions in UID order. Chunks the two share are skipped whole, so the cost is that of the
     * chunks a change touched, not of the mailbox.
     */
    public static void diff(MailboxIndex before, MailboxIndex after, Differences out) {
        Cursor a = new Cursor(before.chunks);
        Cursor b = new Cursor(after.chunks);
        while (!a.done() || !b.done()) {
            if (!a.done() && !b.done() && a.i == 0 && b.i == 0 && a.chunk() == b.chunk()) {
                a.skipChunk();
                b.skipChunk();
            } else if (b.done() || !a.done() && a.uid() < b.uid()) {
                out.removed(a.row());
                a.next();
            } else if (a.done() || b.uid() < a.uid()) {
                out.added(b.row());
                b.next();
            } else {
                if (a.chunk().modSeqs[a.i] != b.chunk().modSeqs[b.i] || !a.chunk().flags[a.i].sameAs(b.chunk().flags[b.i])) {
                    out.changed(a.row(), b.row());
                }
                a.next();
                b.next();
            }
        }
    }

    private static final class Cursor {
        private final Chunk[] chunks;
        private int k;
        private int i;

        Cursor(Chunk[] chunks) {
            this.chunks = chunks;
        }

        boolean done() {
            return k == chunks.length;
        }

        Chunk chunk() {
            return chunks[k];
        }

        long uid() {
            return chunks[k].uid(i);
        }

        IndexRow row() {
            return chunks[k].row(i);
        }

        void next() {
            if (++i == chunks[k].size()) {
                skipChunk();
            }
        }

        void skipChunk() {
            k++;
            i = 0;
        }
    }

    /** Rows in UID order (tests, small mailboxes). */
    public List<IndexRow> rows() {
        List<IndexRow> out = new ArrayList<>(size());
        for (Chunk c : chunks) {
            for (int i = 0; i < c.size(); i++) {
                out.add(c.row(i));
            }
        }
        return out;
    }

    /** How many chunks this version shares with another (tests: a change copies only what it touches). */
    int sharedChunks(MailboxIndex other) {
        java.util.Set<Chunk> mine = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        mine.addAll(Arrays.asList(chunks));
        return (int) Arrays.stream(other.chunks).filter(mine::contains).count();
    }
}
