package org.murder.protocol.imap.client;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

import org.murder.protocol.imap.SystemFlags;
import org.murder.protocol.imap.response.ImapDateTimes;
import org.murder.protocol.imap.search.SearchKey;
import org.murder.protocol.imap.search.SearchKeyParser;

/**
 * A {@link SearchKey} tree back into {@code search-key}s (RFC 3501 §6.4.4) that
 * {@link SearchKeyParser} reads as the same tree: a nested {@link SearchKey.And} is parenthesised, the top one is
 * a plain run of keys. Trees deeper than the parser accepts are refused here, before the server says BAD.
 */
final class SearchKeyEncoder {

    private SearchKeyEncoder() {
    }

    static void program(CommandWriter w, SearchKey key) {
        if (key instanceof SearchKey.And and) {
            keys(w, and.keys(), 1);
        } else {
            key(w, key, 1);
        }
    }

    private static void keys(CommandWriter w, List<SearchKey> keys, int depth) {
        w.spaced(keys, k -> key(w, k, depth));
    }

    private static void key(CommandWriter w, SearchKey key, int depth) {
        if (depth > SearchKeyParser.MAX_DEPTH) {
            throw new ImapEncodingException(SearchKeyParser.TOO_DEEP);
        }
        if (key instanceof SearchKey.All) {
            w.raw("ALL");
        } else if (key instanceof SearchKey.Recent) {
            w.raw("RECENT");
        } else if (key instanceof SearchKey.New) {
            w.raw("NEW");
        } else if (key instanceof SearchKey.Old) {
            w.raw("OLD");
        } else if (key instanceof SearchKey.Flag f) {
            flag(w, f);
        } else if (key instanceof SearchKey.Text t) {
            w.raw(t.field().name()).sp().astring(t.value());
        } else if (key instanceof SearchKey.Header h) {
            w.raw("HEADER").sp().astring(h.field()).sp().astring(h.value());
        } else if (key instanceof SearchKey.DateKey d) {
            w.raw((d.field() == SearchKey.DateField.SENT ? "SENT" : "") + d.op().name()).sp().raw(date(d.date()));
        } else if (key instanceof SearchKey.Larger l) {
            w.raw("LARGER").sp().number(l.size());
        } else if (key instanceof SearchKey.Smaller s) {
            w.raw("SMALLER").sp().number(s.size());
        } else if (key instanceof SearchKey.Uid u) {
            w.raw("UID").sp().raw(u.set().toString());
        } else if (key instanceof SearchKey.SequenceNumbers s) {
            w.raw(s.set().toString());
        } else if (key instanceof SearchKey.ModSeq m) {
            w.raw("MODSEQ").sp().number(m.modSeq());
        } else if (key instanceof SearchKey.Not n) {
            w.raw("NOT").sp();
            key(w, n.key(), depth + 1);
        } else if (key instanceof SearchKey.Or o) {
            w.raw("OR").sp();
            key(w, o.left(), depth + 1);
            w.sp();
            key(w, o.right(), depth + 1);
        } else if (key instanceof SearchKey.And a) {
            w.list(a.keys(), k -> key(w, k, depth + 1));
        } else {
            throw new IllegalStateException("unknown search key " + key.getClass());
        }
    }

    /** System flags have their own keys (SEEN, UNSEEN, ...); any other flag is a KEYWORD. */
    private static void flag(CommandWriter w, SearchKey.Flag f) {
        if (f.flag().startsWith("\\")) {
            String name = f.flag().substring(1);
            if (SystemFlags.canonical(name).isEmpty()) {
                throw new ImapEncodingException("No search key for flag " + CommandWriter.printable(f.flag()));
            }
            w.raw((f.present() ? "" : "UN") + name.toUpperCase(Locale.ROOT));
        } else {
            w.raw(f.present() ? "KEYWORD " : "UNKEYWORD ").atom(f.flag(), "keyword");
        }
    }

    private static String date(LocalDate date) {
        try {
            return ImapDateTimes.formatDate(date);
        } catch (IllegalArgumentException e) {
            throw new ImapEncodingException(e.getMessage());
        }
    }
}
