package org.murder.protocol.imap.search;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

import org.murder.protocol.imap.SequenceSet;

/**
 * A SEARCH criterion (RFC 3501 §6.4.4, MODSEQ from RFC 7162) as a tree. Flag keys (ANSWERED, UNSEEN, KEYWORD,
 * ...) are one {@link Flag}; header shortcuts (FROM, SUBJECT, ...) and BODY/TEXT are one {@link Text}; the six
 * date keys are one {@link DateKey}. Strings are decoded (UTF-8).
 */
public sealed interface SearchKey {

    /** Whether a MODSEQ criterion occurs anywhere in this key: then the answer carries the highest MODSEQ (RFC 7162). */
    default boolean usesModSeq() {
        return anyKey(k -> k instanceof ModSeq);
    }

    /** Whether this key or any key inside it passes the test. */
    default boolean anyKey(java.util.function.Predicate<SearchKey> test) {
        if (test.test(this)) {
            return true;
        }
        if (this instanceof Not n) {
            return n.key().anyKey(test);
        }
        if (this instanceof Or o) {
            return o.left().anyKey(test) || o.right().anyKey(test);
        }
        return this instanceof And a && a.keys().stream().anyMatch(k -> k.anyKey(test));
    }

    /** ALL. */
    SearchKey ALL = new All();

    record All() implements SearchKey {
    }

    /** RECENT: the session sees the message as recent. */
    record Recent() implements SearchKey {
    }

    /** NEW: recent and not seen. */
    record New() implements SearchKey {
    }

    /** OLD: not recent. */
    record Old() implements SearchKey {
    }

    /**
     * A flag set ({@code present}) or not: ANSWERED/UNANSWERED and the other system flags (canonical spelling,
     * e.g. {@code \Seen}), KEYWORD/UNKEYWORD with the keyword as sent.
     */
    record Flag(String flag, boolean present) implements SearchKey {
        public Flag {
            Objects.requireNonNull(flag, "flag");
        }
    }

    /** Where a {@link Text} key looks. */
    enum TextField {
        BCC("Bcc"), CC("Cc"), FROM("From"), SUBJECT("Subject"), TO("To"),
        /** The body only. */
        BODY(""),
        /** Header and body. */
        TEXT("");

        private final String headerName;

        TextField(String headerName) {
            this.headerName = headerName;
        }

        /** The header field searched, empty for BODY and TEXT. */
        public String headerName() {
            return headerName;
        }
    }

    /** BCC, CC, FROM, SUBJECT, TO, BODY or TEXT with a string: case-insensitive substring. */
    record Text(TextField field, String value) implements SearchKey {
        public Text {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(value, "value");
        }
    }

    /** {@code HEADER field-name string}: the field exists and contains the string (any, when it is empty). */
    record Header(String field, String value) implements SearchKey {
        public Header {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Which date a {@link DateKey} compares: INTERNALDATE, or the Date: header (SENT...). */
    enum DateField {
        INTERNAL, SENT
    }

    enum DateOp {
        BEFORE, ON, SINCE
    }

    /** BEFORE, ON, SINCE, SENTBEFORE, SENTON, SENTSINCE: by calendar date, disregarding time and zone. */
    record DateKey(DateField field, DateOp op, LocalDate date) implements SearchKey {
        public DateKey {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(date, "date");
        }
    }

    /** LARGER n: RFC822.SIZE greater than n. */
    record Larger(long size) implements SearchKey {
    }

    /** SMALLER n: RFC822.SIZE less than n. */
    record Smaller(long size) implements SearchKey {
    }

    /** UID set. */
    record Uid(SequenceSet set) implements SearchKey {
        public Uid {
            Objects.requireNonNull(set, "set");
        }
    }

    /** A bare sequence set: message sequence numbers. */
    record SequenceNumbers(SequenceSet set) implements SearchKey {
        public SequenceNumbers {
            Objects.requireNonNull(set, "set");
        }
    }

    /**
     * {@code MODSEQ [entry type] n} (RFC 7162): mod-sequence at least {@code n}. The optional per-flag entry is
     * accepted and ignored, as the RFC allows a server without per-flag mod-sequences to do.
     */
    record ModSeq(long modSeq) implements SearchKey {
    }

    record Not(SearchKey key) implements SearchKey {
        public Not {
            Objects.requireNonNull(key, "key");
        }
    }

    record Or(SearchKey left, SearchKey right) implements SearchKey {
        public Or {
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
        }
    }

    /** Every key matches: a parenthesised list, or several keys in a row. At least two keys. */
    record And(List<SearchKey> keys) implements SearchKey {
        public And {
            keys = List.copyOf(keys);
            if (keys.size() < 2) {
                throw new IllegalArgumentException("And needs two keys or more");
            }
        }
    }

    /** One key for a list: the key itself when alone, else an {@link And}. */
    static SearchKey allOf(List<SearchKey> keys) {
        return keys.size() == 1 ? keys.get(0) : new And(keys);
    }
}
