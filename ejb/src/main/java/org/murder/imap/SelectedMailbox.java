package org.murder.imap;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.murder.protocol.imap.response.ImapResponses;
import org.murder.protocol.imap.response.ImapStatus;
import org.murder.store.MailboxIndex;
import org.murder.store.MessageFlags;
import org.murder.store.MessageStore.IndexRow;
import org.murder.store.model.Rights;

/**
 * The selected state: which mailbox, and the session's view of its messages — the version of the mailbox's
 * shared {@link MailboxIndex} it last told its client about (message sequence number n is position n − 1).
 * The view changes only when the session tells the client (EXISTS, EXPUNGE, FETCH FLAGS), as RFC 3501 requires;
 * expunges it may not tell yet keep their messages in a private version that shares every untouched chunk.
 * Beside the view the session keeps only what is its own: \Recent, \Seen on a mailbox it does not own, the
 * keywords it announced.
 */
final class SelectedMailbox {

    /** One message as this session sees it. */
    record Message(long id, long uid, MessageFlags flags, long modSeq, long size, Instant internalDate) {
    }

    final long mailboxId;
    final String internalName;
    final String externalName;
    final boolean readOnly;
    final long uidValidity;
    final String partition;
    /** Not the owner's mailbox: \Seen comes from the user's own seen set, not the message. */
    final boolean sharedSeen;
    /** The session's rights on the mailbox (RFC 4314), as they were at SELECT. */
    final Rights rights;
    /**
     * The records of expunges hold every expunge with a greater MODSEQ (those up to it were forgotten after
     * {@code expunge_days}): QRESYNC from a MODSEQ at least this can tell exactly which known UIDs went.
     * {@code Long.MAX_VALUE}: not known.
     */
    long expungesRecordedAfter = Long.MAX_VALUE;

    /** Whether every expunge since {@code modSeq} is on record. */
    boolean expungesRecordedSince(long modSeq) {
        return modSeq >= expungesRecordedAfter;
    }

    /** The session is IMAP4rev2 (RFC 9051): \Recent is not shown, RECENT not told. */
    volatile boolean rev2;
    /** RFC 5267 §4: the results kept up to date on this mailbox while it is selected. */
    final LiveResults live = new LiveResults();
    private volatile MailboxIndex view;
    TreeSet<Long> seen = new TreeSet<>();
    private final Runnable onClose;

    SelectedMailbox(long mailboxId, String internalName, String externalName, boolean readOnly, long uidValidity,
                    String partition, MailboxIndex view, boolean sharedSeen, Rights rights, Runnable onClose) {
        this.sharedSeen = sharedSeen;
        this.mailboxId = mailboxId;
        this.internalName = internalName;
        this.externalName = externalName;
        this.readOnly = readOnly;
        this.uidValidity = uidValidity;
        this.partition = partition;
        this.view = view;
        this.rights = rights;
        this.onClose = onClose;
    }

    /** SEARCHRES's {@code $} (RFC 5182): UIDs, ascending; empty at SELECT. Expunged ones simply match nothing. */
    private long[] lastResult = new long[0];

    void saveResult(long[] uids) {
        long[] sorted = uids.clone();
        java.util.Arrays.sort(sorted);
        lastResult = sorted;
    }

    long[] lastResultUids() {
        return lastResult;
    }

    java.util.function.LongPredicate lastResult() {
        long[] saved = lastResult;
        return uid -> java.util.Arrays.binarySearch(saved, uid) >= 0;
    }

    /** The session leaves the mailbox: what it registered goes. */
    void close() {
        live.clear();
        onClose.run();
    }

    MailboxIndex view() {
        return view;
    }

    void view(MailboxIndex told) {
        this.view = told;
    }

    int count() {
        return view.size();
    }

    long maxUid() {
        return view.maxUid();
    }

    /** The message at a zero-based position of the view, with this session's \Seen. */
    Message message(int index) {
        return of(view.row(index));
    }

    Message of(IndexRow r) {
        MessageFlags flags = sharedSeen ? r.flags().withSeen(seen.contains(r.uid())) : r.flags();
        return new Message(r.id(), r.uid(), flags, r.modSeq(), r.size(), r.internalDate());
    }

    /** Message sequence number of a UID, or 0. */
    int msnOf(long uid) {
        return view.indexOf(uid) + 1;
    }

    /** Message sequence number of the first message without \Seen (for this session), or 0. */
    int firstUnseen() {
        if (!sharedSeen) {
            return view.firstUnseen() + 1;
        }
        for (int i = 0; i < view.size(); i++) {
            if (!seen.contains(view.uid(i))) {
                return i + 1;
            }
        }
        return 0;
    }

    /**
     * The UIDs that are \Recent to this session: runs (after, upTo] it claimed (or, read-only, found unclaimed).
     * Usually one run; another session of the same user claiming in between makes it two.
     */
    private final List<long[]> recent = new ArrayList<>(1);

    void addRecent(long after, long upTo) {
        if (upTo > after) {
            recent.add(new long[] {after, upTo});
        }
    }

    boolean isRecent(long uid) {
        for (long[] r : recent) {
            if (uid > r[0] && uid <= r[1]) {
                return true;
            }
        }
        return false;
    }

    int recentCount() {
        int n = 0;
        for (long[] r : recent) {
            n += view.countBetween(r[0], r[1]);
        }
        return n;
    }

    /** Whether a FETCH shows \Recent for the message: recent to this session, which is not IMAP4rev2. */
    boolean showsRecent(long uid) {
        return !rev2 && isRecent(uid);
    }

    /** The flags a FETCH shows: the message's, and \Recent when it {@link #showsRecent}. */
    List<String> flagAtoms(Message m) {
        List<String> atoms = m.flags().atoms();
        if (showsRecent(m.uid())) {
            atoms = new ArrayList<>(atoms);
            atoms.add("\\Recent");
        }
        return atoms;
    }

    /** The system flags, always in FLAGS and (read-write) PERMANENTFLAGS. */
    static final List<String> SYSTEM_FLAGS = List.of("\\Answered", "\\Flagged", "\\Draft", "\\Deleted", "\\Seen");

    /** Keywords the client has been told of in a FLAGS response, lower case (keywords compare case-insensitively). */
    private final Map<String, String> keywords = new LinkedHashMap<>();

    /**
     * Notes keywords in use; if any is new to the client, the FLAGS and PERMANENTFLAGS responses that must come
     * before a FETCH shows it (RFC 3501 7.2.6; Cyrus and Dovecot send them too), else nothing.
     */
    byte[] announceKeywords(Collection<String> inUse) {
        boolean added = false;
        for (String k : inUse) {
            if (keywords.putIfAbsent(k.toLowerCase(Locale.ROOT), k) == null) {
                added = true;
            }
        }
        return added ? flagsResponses() : new byte[0];
    }

    /** {@code * FLAGS (...)} and {@code * OK [PERMANENTFLAGS (...)]} for the keywords known so far. */
    byte[] flagsResponses() {
        List<String> all = new ArrayList<>(SYSTEM_FLAGS);
        all.addAll(keywords.values());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ImapResponses.flags(all));
        List<String> permanent = new ArrayList<>();
        if (!readOnly) {
            permanent.addAll(all);
            permanent.add("\\*");
        }
        out.writeBytes(ImapResponses.untagged(ImapStatus.OK, Optional.of("PERMANENTFLAGS (" + String.join(" ", permanent) + ")"),
                "Ok"));
        return out.toByteArray();
    }
}
