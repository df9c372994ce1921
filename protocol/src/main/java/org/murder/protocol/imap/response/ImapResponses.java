package org.murder.protocol.imap.response;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.murder.protocol.imap.MailboxNames;
import org.murder.protocol.imap.SequenceSet;

/**
 * Server side: every IMAP response except FETCH (see {@link FetchResponseBuilder}) as exact wire bytes, CRLF
 * included (RFC 3501 §7, RFC 9051 §7 where compatible, and the extensions named per method). Values are made safe
 * by {@link ImapWriter}; a tag, atom or flag that could break the line is an {@link IllegalArgumentException}.
 *
 * <p>Mailbox names go out in modified UTF-7 unless {@code utf8Accept} says the client enabled UTF8=ACCEPT.
 */
public final class ImapResponses {

    private ImapResponses() {
    }

    /**
     * {@code tag OK [code] text}: a command's completion. Only OK, NO and BAD can be tagged; the tag {@code *} gives the
     * untagged form, for a BAD to a line whose tag could not be read.
     */
    public static byte[] tagged(String tag, ImapStatus status, Optional<String> code, String text) {
        if (!status.taggable()) {
            throw new IllegalArgumentException(status + " cannot be tagged");
        }
        return statusLine(ImapWriter.tagged(tag), status, code, text);
    }

    /** {@code * OK [code] text} (also NO, BAD, PREAUTH and BYE). */
    public static byte[] untagged(ImapStatus status, Optional<String> code, String text) {
        return statusLine(ImapWriter.untagged(), status, code, text);
    }

    /** {@code * BYE [code] text}. */
    public static byte[] bye(Optional<String> code, String text) {
        return untagged(ImapStatus.BYE, code, text);
    }

    public static byte[] bye(String text) {
        return bye(Optional.empty(), text);
    }

    /** {@code + text}: the server is ready for a literal or the next SASL step. */
    public static byte[] continuation(String text) {
        return new ImapWriter().ascii("+ ").text(text).crlf().toByteArray();
    }

    /** {@code * CAPABILITY IMAP4rev1 ...} */
    public static byte[] capability(List<String> capabilities) {
        return atoms("CAPABILITY", capabilities);
    }

    /** {@code * ENABLED CONDSTORE ...} (RFC 5161). */
    public static byte[] enabled(List<String> capabilities) {
        return atoms("ENABLED", capabilities);
    }

    /** {@code * FLAGS (\Answered ...)} */
    public static byte[] flags(List<String> flags) {
        return ImapWriter.untagged().ascii("FLAGS ").flags(flags).crlf().toByteArray();
    }

    /** {@code * n EXISTS} */
    public static byte[] exists(long n) {
        return numbered(n, "EXISTS");
    }

    /** {@code * n RECENT} */
    public static byte[] recent(long n) {
        return numbered(n, "RECENT");
    }

    /** {@code * msn EXPUNGE} */
    public static byte[] expunge(long msn) {
        return numbered(msn, "EXPUNGE");
    }

    /** {@code * VANISHED [(EARLIER)] uids} (RFC 7162 §3.2.10). */
    public static byte[] vanished(boolean earlier, SequenceSet uids) {
        ImapWriter w = ImapWriter.untagged().ascii("VANISHED ");
        if (earlier) {
            w.ascii("(EARLIER) ");
        }
        return w.ascii(uids.toString()).crlf().toByteArray();
    }

    /**
     * {@code * LIST (attributes) "delimiter" mailbox [extended data]} (RFC 3501 §7.2.2, RFC 5258).
     *
     * @param delimiter the hierarchy delimiter, or null for NIL
     */
    public static byte[] list(List<String> attributes, Character delimiter, String mailbox, boolean utf8Accept,
                              List<ListExtendedItem> extended) {
        ImapWriter w = mailboxList("LIST", attributes, delimiter, mailbox, utf8Accept);
        if (!extended.isEmpty()) {
            w.sp().open();
            boolean first = true;
            for (ListExtendedItem item : extended) {
                if (!first) {
                    w.sp();
                }
                w.string(item.tag()).sp().open();
                for (int i = 0; i < item.values().size(); i++) {
                    if (i > 0) {
                        w.sp();
                    }
                    if (item.mailboxValues()) {
                        w.mailbox(item.values().get(i), utf8Accept);
                    } else {
                        w.string(item.values().get(i));
                    }
                }
                w.close();
                first = false;
            }
            w.close();
        }
        return w.crlf().toByteArray();
    }

    public static byte[] list(List<String> attributes, Character delimiter, String mailbox) {
        return list(attributes, delimiter, mailbox, false, List.of());
    }

    /** {@code * LSUB (attributes) "delimiter" mailbox}. */
    public static byte[] lsub(List<String> attributes, Character delimiter, String mailbox, boolean utf8Accept) {
        return mailboxList("LSUB", attributes, delimiter, mailbox, utf8Accept).crlf().toByteArray();
    }

    /** {@code * STATUS mailbox (MESSAGES 231 UIDNEXT 44292)}; items in the map's order. */
    public static byte[] status(String mailbox, boolean utf8Accept, Map<String, Long> items) {
        ImapWriter w = ImapWriter.untagged().ascii("STATUS ").mailbox(mailbox, utf8Accept).sp().open();
        boolean first = true;
        for (Map.Entry<String, Long> e : items.entrySet()) {
            if (!first) {
                w.sp();
            }
            w.atom(e.getKey()).sp().number(e.getValue());
            first = false;
        }
        return w.close().crlf().toByteArray();
    }

    /** {@code * SEARCH 2 3 6}, or {@code * SEARCH} when nothing matched. */
    public static byte[] search(List<Long> numbers) {
        return search(numbers, OptionalLong.empty());
    }

    /** With CONDSTORE: {@code * SEARCH 2 5 (MODSEQ 917162500)} (RFC 7162 §3.1.5); no MODSEQ when nothing matched. */
    public static byte[] search(List<Long> numbers, OptionalLong highestModseq) {
        ImapWriter w = ImapWriter.untagged().ascii("SEARCH");
        for (long n : numbers) {
            w.sp().number(n);
        }
        if (highestModseq.isPresent() && !numbers.isEmpty()) {
            w.ascii(" (MODSEQ ").number(highestModseq.getAsLong()).close();
        }
        return w.crlf().toByteArray();
    }

    /** {@code * SORT 5 3 4 1 2} (RFC 5256 §4), with CONDSTORE's {@code (MODSEQ n)} as SEARCH has it. */
    public static byte[] sort(long[] numbers, OptionalLong highestModseq) {
        ImapWriter w = ImapWriter.untagged().ascii("SORT");
        for (long n : numbers) {
            w.sp().number(n);
        }
        if (highestModseq.isPresent() && numbers.length > 0) {
            w.ascii(" (MODSEQ ").number(highestModseq.getAsLong()).close();
        }
        return w.crlf().toByteArray();
    }

    /**
     * {@code * THREAD (2)(3 6 (4 23)(44 7 96))} (RFC 5256 §4): {@code threads} is the list of threads as written by
     * {@link org.murder.protocol.imap.sort.ThreadTree#write}, empty when nothing matched.
     */
    public static byte[] thread(CharSequence threads, OptionalLong highestModseq) {
        ImapWriter w = ImapWriter.untagged().ascii("THREAD");
        if (threads.length() > 0) {
            w.sp().ascii(threads.toString());
            if (highestModseq.isPresent()) {
                w.ascii(" (MODSEQ ").number(highestModseq.getAsLong()).close();
            }
        }
        return w.crlf().toByteArray();
    }

    /**
     * {@code * ESEARCH (TAG "A1") UID MIN 2 MAX 9 COUNT 3 ALL 2,5:9 MODSEQ 12} (RFC 4731), with RFC 5267's
     * {@code PARTIAL (1:10 5,3)} and {@code REMOVEFROM (2 7) ADDTO (1 9)}.
     */
    public static byte[] esearch(EsearchResult r) {
        ImapWriter w = ImapWriter.untagged().ascii("ESEARCH");
        r.tag().ifPresent(tag -> w.ascii(" (TAG ").string(tag).close());
        if (r.uid()) {
            w.ascii(" UID");
        }
        r.min().ifPresent(n -> w.ascii(" MIN ").number(n));
        r.max().ifPresent(n -> w.ascii(" MAX ").number(n));
        r.count().ifPresent(n -> w.ascii(" COUNT ").number(n));
        r.all().ifPresent(set -> w.ascii(" ALL ").ascii(set.toString()));
        r.partial().ifPresent(p -> w.ascii(" PARTIAL (").ascii(p.range().toString()).sp()
                .ascii(p.messages().map(SequenceSet::toString).orElse("NIL")).close());
        for (EsearchResult.Update u : r.updates()) {
            w.ascii(u.add() ? " ADDTO (" : " REMOVEFROM (").number(u.position()).sp().ascii(u.messages().toString()).close();
        }
        r.modseq().ifPresent(n -> w.ascii(" MODSEQ ").number(n));
        return w.crlf().toByteArray();
    }

    /** {@code * NO [NOUPDATE "tag"] text} (RFC 5267 §4.3): the search's result is answered, but will not be kept live. */
    public static byte[] noUpdate(String tag, String text) {
        ImapWriter w = ImapWriter.untagged().ascii("NO [NOUPDATE ").string(tag).ascii("] ");
        return w.text(text).crlf().toByteArray();
    }

    /** {@code * NAMESPACE (("" "/")) NIL NIL} (RFC 2342); an empty list is NIL. */
    public static byte[] namespace(List<NamespaceEntry> personal, List<NamespaceEntry> otherUsers,
                                   List<NamespaceEntry> shared, boolean utf8Accept) {
        ImapWriter w = ImapWriter.untagged().ascii("NAMESPACE ");
        namespaces(w, personal, utf8Accept).sp();
        namespaces(w, otherUsers, utf8Accept).sp();
        return namespaces(w, shared, utf8Accept).crlf().toByteArray();
    }

    /** {@code * ID ("name" "Cyrus IMAPD" ...)} or {@code * ID NIL} (RFC 2971); values may be null (NIL). */
    public static byte[] id(Map<String, String> fields) {
        ImapWriter w = ImapWriter.untagged().ascii("ID ");
        if (fields == null || fields.isEmpty()) {
            return w.nil().crlf().toByteArray();
        }
        w.open();
        boolean first = true;
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (!first) {
                w.sp();
            }
            w.string(e.getKey()).sp().nstring(e.getValue());
            first = false;
        }
        return w.close().crlf().toByteArray();
    }

    /** {@code * QUOTA root (STORAGE 10 512)} (RFC 9208). The root is a mailbox name or empty. */
    public static byte[] quota(String root, boolean utf8Accept, List<QuotaResource> resources) {
        ImapWriter w = ImapWriter.untagged().ascii("QUOTA ");
        quotaRoot(w, root, utf8Accept).sp().open();
        for (int i = 0; i < resources.size(); i++) {
            QuotaResource r = resources.get(i);
            if (i > 0) {
                w.sp();
            }
            w.atom(r.name()).sp().number(r.usage()).sp().number(r.limit());
        }
        return w.close().crlf().toByteArray();
    }

    /** {@code * QUOTAROOT mailbox root...} (RFC 9208). */
    public static byte[] quotaroot(String mailbox, boolean utf8Accept, List<String> roots) {
        ImapWriter w = ImapWriter.untagged().ascii("QUOTAROOT ").mailbox(mailbox, utf8Accept);
        for (String root : roots) {
            quotaRoot(w.sp(), root, utf8Accept);
        }
        return w.crlf().toByteArray();
    }

    /** {@code * ACL mailbox identifier rights ...} (RFC 4314 §3.6), entries in the map's order. */
    public static byte[] acl(String mailbox, boolean utf8Accept, Map<String, String> rightsByIdentifier) {
        ImapWriter w = ImapWriter.untagged().ascii("ACL ").mailbox(mailbox, utf8Accept);
        for (Map.Entry<String, String> e : rightsByIdentifier.entrySet()) {
            w.sp().astring(e.getKey()).sp().astring(e.getValue());
        }
        return w.crlf().toByteArray();
    }

    /** {@code * LISTRIGHTS mailbox identifier required optional...} (RFC 4314 §3.7). */
    public static byte[] listrights(String mailbox, boolean utf8Accept, String identifier, String required,
                                    List<String> optional) {
        ImapWriter w = ImapWriter.untagged().ascii("LISTRIGHTS ").mailbox(mailbox, utf8Accept).sp()
                .astring(identifier).sp().astring(required);
        for (String rights : optional) {
            w.sp().astring(rights);
        }
        return w.crlf().toByteArray();
    }

    /** {@code * MYRIGHTS mailbox rights} (RFC 4314 §3.8). */
    public static byte[] myrights(String mailbox, boolean utf8Accept, String rights) {
        return ImapWriter.untagged().ascii("MYRIGHTS ").mailbox(mailbox, utf8Accept).sp().astring(rights).crlf()
                .toByteArray();
    }

    private static byte[] statusLine(ImapWriter w, ImapStatus status, Optional<String> code, String text) {
        w.ascii(status.name()).sp();
        code.ifPresent(w::responseCode);
        return w.text(text).crlf().toByteArray();
    }

    private static byte[] atoms(String name, List<String> atoms) {
        ImapWriter w = ImapWriter.untagged().ascii(name);
        for (String a : atoms) {
            w.sp().atom(a);
        }
        return w.crlf().toByteArray();
    }

    private static byte[] numbered(long n, String what) {
        return ImapWriter.untagged().number(n).sp().ascii(what).crlf().toByteArray();
    }

    private static ImapWriter mailboxList(String name, List<String> attributes, Character delimiter, String mailbox,
                                          boolean utf8Accept) {
        return ImapWriter.untagged().ascii(name).sp().flags(attributes).sp().delimiter(delimiter).sp()
                .mailbox(mailbox, utf8Accept);
    }

    private static ImapWriter namespaces(ImapWriter w, List<NamespaceEntry> entries, boolean utf8Accept) {
        if (entries.isEmpty()) {
            return w.nil();
        }
        w.open();
        for (NamespaceEntry e : entries) {
            // the prefix is a mailbox name prefix: encoded like a name, but always a string ("" is common)
            w.open().string(MailboxNames.toWire(e.prefix(), utf8Accept)).sp()
                    .delimiter(e.delimiter()).close();
        }
        return w.close();
    }

    private static ImapWriter quotaRoot(ImapWriter w, String root, boolean utf8Accept) {
        return root.isEmpty() ? w.string("") : w.mailbox(root, utf8Accept);
    }
}
