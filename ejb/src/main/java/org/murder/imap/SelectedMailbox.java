package org.murder.imap;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.murder.store.MessageFlags;
import org.murder.store.StoreMessage;

/**
 * The selected state: which mailbox, and the session's view of its messages — message sequence number
 * n is {@code messages.get(n - 1)}. The view changes only when the session tells the client (EXISTS,
 * EXPUNGE, FETCH FLAGS), as RFC 3501 requires.
 */
final class SelectedMailbox {

    record Message(long id, long uid, MessageFlags flags, long modSeq, long size, Instant internalDate) {
        static Message of(StoreMessage m) {
            return new Message(m.id(), m.uid(), m.flags(), m.modSeq(), m.size(), m.internalDate());
        }
    }

    final long mailboxId;
    final String internalName;
    final String externalName;
    final boolean readOnly;
    final long uidValidity;
    final String partition;
    List<Message> messages;
    volatile boolean dirty;
    /** Not the owner's mailbox: \Seen comes from the user's own seen set, not the message. */
    final boolean sharedSeen;
    java.util.TreeSet<Long> seen = new java.util.TreeSet<>();
    final Runnable onChange = () -> dirty = true;
    /** The session's rights on the mailbox (RFC 4314), as they were at SELECT. */
    org.murder.store.model.Rights rights;

    SelectedMailbox(long mailboxId, String internalName, String externalName, boolean readOnly, long uidValidity,
                    String partition, List<Message> messages, boolean sharedSeen) {
        this.sharedSeen = sharedSeen;
        this.mailboxId = mailboxId;
        this.internalName = internalName;
        this.externalName = externalName;
        this.readOnly = readOnly;
        this.uidValidity = uidValidity;
        this.partition = partition;
        this.messages = new ArrayList<>(messages);
    }

    /** A stored message as this session sees it (its own \Seen on a mailbox it does not own). */
    Message view(StoreMessage m) {
        return view(Message.of(m));
    }

    Message view(org.murder.store.MessageStore.IndexRow r) {
        return view(new Message(r.id(), r.uid(), r.flags(), r.modSeq(), r.size(), r.internalDate()));
    }

    private Message view(Message msg) {
        return sharedSeen ? new Message(msg.id(), msg.uid(), msg.flags().withSeen(seen.contains(msg.uid())), msg.modSeq(),
                msg.size(), msg.internalDate()) : msg;
    }

    int count() {
        return messages.size();
    }

    long maxUid() {
        return messages.isEmpty() ? 0 : messages.get(messages.size() - 1).uid();
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
        if (!recent.isEmpty()) {
            for (Message m : messages) {
                if (isRecent(m.uid())) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The flags a FETCH shows: the message's, and \Recent when it is recent to this session. */
    List<String> flagAtoms(Message m) {
        List<String> atoms = m.flags().atoms();
        if (isRecent(m.uid())) {
            atoms = new ArrayList<>(atoms);
            atoms.add("\\Recent");
        }
        return atoms;
    }

    /** The system flags, always in FLAGS and (read-write) PERMANENTFLAGS. */
    static final List<String> SYSTEM_FLAGS = List.of("\\Answered", "\\Flagged", "\\Draft", "\\Deleted", "\\Seen");

    /** Keywords the client has been told of in a FLAGS response, lower case (keywords compare case-insensitively). */
    private final java.util.Map<String, String> keywords = new java.util.LinkedHashMap<>();

    /**
     * Notes the keywords of these messages; if any is new to the client, the FLAGS and PERMANENTFLAGS responses
     * that must come before a FETCH shows it (RFC 3501 7.2.6; Cyrus and Dovecot send them too), else nothing.
     */
    byte[] announceKeywords(java.util.Collection<Message> seen) {
        boolean added = false;
        for (Message m : seen) {
            for (String k : m.flags().keywords()) {
                if (keywords.putIfAbsent(k.toLowerCase(java.util.Locale.ROOT), k) == null) {
                    added = true;
                }
            }
        }
        return added ? flagsResponses() : new byte[0];
    }

    /** {@code * FLAGS (...)} and {@code * OK [PERMANENTFLAGS (...)]} for the keywords known so far. */
    byte[] flagsResponses() {
        List<String> all = new ArrayList<>(SYSTEM_FLAGS);
        all.addAll(keywords.values());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(org.murder.protocol.imap.response.ImapResponses.flags(all));
        List<String> permanent = new ArrayList<>();
        if (!readOnly) {
            permanent.addAll(all);
            permanent.add("\\*");
        }
        out.writeBytes(org.murder.protocol.imap.response.ImapResponses.untagged(
                org.murder.protocol.imap.response.ImapStatus.OK,
                java.util.Optional.of("PERMANENTFLAGS (" + String.join(" ", permanent) + ")"), "Ok"));
        return out.toByteArray();
    }

    /** Message sequence number of a UID, or 0. */
    int msnOf(long uid) {
        int lo = 0;
        int hi = messages.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long u = messages.get(mid).uid();
            if (u == uid) {
                return mid + 1;
            }
            if (u < uid) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return 0;
    }
}
