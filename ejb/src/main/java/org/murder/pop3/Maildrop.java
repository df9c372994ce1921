package org.murder.pop3;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A POP3 session's maildrop (RFC 1939): the user's INBOX as it was at login, numbered from 1, with what the session
 * marked — deleted (applied only at QUIT) and retrieved (given \Seen at QUIT). Numbers never change during the
 * session; a deleted message's number names no message until RSET. Container-free; one session's, not thread-safe.
 */
final class Maildrop {

    /** One message: its row, UID and size in octets as sent (the spool keeps CRLF lines, so the file's size). */
    record Message(long id, long uid, long size) {
    }

    final long mailboxId;
    final String mailbox;
    final String partition;
    final long uidValidity;
    private final List<Message> messages;
    private final UidlFormat uidlFormat;
    private final BitSet deleted = new BitSet();
    private final BitSet retrieved = new BitSet();

    Maildrop(long mailboxId, String mailbox, String partition, long uidValidity, List<Message> messages,
             UidlFormat uidlFormat) {
        this.mailboxId = mailboxId;
        this.mailbox = mailbox;
        this.partition = partition;
        this.uidValidity = uidValidity;
        this.messages = List.copyOf(messages);
        this.uidlFormat = uidlFormat;
    }

    /** Whether {@code n} names a message not marked deleted. */
    boolean exists(int n) {
        return n >= 1 && n <= messages.size() && !deleted.get(n - 1);
    }

    /** The message {@code n} names ({@link #exists} first). */
    Message message(int n) {
        if (!exists(n)) {
            throw new IllegalArgumentException("no message " + n);
        }
        return messages.get(n - 1);
    }

    /** Messages not marked deleted. */
    int count() {
        return messages.size() - deleted.cardinality();
    }

    /** Their octets. */
    long size() {
        long total = 0;
        for (int i = 0; i < messages.size(); i++) {
            if (!deleted.get(i)) {
                total += messages.get(i).size();
            }
        }
        return total;
    }

    /** {@code n size} for LIST. */
    String listing(int n) {
        return n + " " + message(n).size();
    }

    /** {@code n unique-id} for UIDL. */
    String uidlListing(int n) {
        return n + " " + uidlFormat.uidl(uidValidity, message(n).uid());
    }

    /** The numbers of the messages not marked deleted, ascending (the multi-line LIST and UIDL). */
    List<Integer> numbers() {
        List<Integer> out = new ArrayList<>(count());
        for (int i = 0; i < messages.size(); i++) {
            if (!deleted.get(i)) {
                out.add(i + 1);
            }
        }
        return out;
    }

    void delete(int n) {
        message(n);
        deleted.set(n - 1);
    }

    void retrieved(int n) {
        message(n);
        retrieved.set(n - 1);
    }

    /** RSET: nothing deleted, nothing retrieved (as Cyrus: what was read before RSET is not marked \Seen). */
    void reset() {
        deleted.clear();
        retrieved.clear();
    }

    /** The UIDs to expunge at QUIT, ascending. */
    List<Long> deletedUids() {
        return uids(deleted);
    }

    /** The UIDs to mark \Seen at QUIT: retrieved and kept, ascending. */
    List<Long> seenUids() {
        BitSet kept = (BitSet) retrieved.clone();
        kept.andNot(deleted);
        return uids(kept);
    }

    private List<Long> uids(BitSet set) {
        List<Long> out = new ArrayList<>(set.cardinality());
        set.stream().forEach(i -> out.add(messages.get(i).uid()));
        return out;
    }
}
