package org.murder.protocol.imap.search;

import java.text.Normalizer;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

import org.murder.protocol.imap.SystemFlags;
import org.murder.protocol.imap.message.AddressText;
import org.murder.protocol.imap.message.EncodedWords;
import org.murder.protocol.imap.search.SearchKey.DateKey;

/**
 * Decides which messages a {@link SearchKey} matches, by RFC 3501 §6.4.4:
 * <ul>
 * <li>strings match as case-insensitive substrings (NFKC, then full case folding, so {@code STRASSE} finds
 *     {@code Straße}; runs of whitespace count as one space, as Cyrus merges them); an empty string matches every
 *     message that has the field;</li>
 * <li>header fields are matched with their RFC 2047 encoded words decoded; FROM, TO, CC and BCC match the field as
 *     written or its addresses written out again ({@link AddressText}: display names decoded, comments gone), so
 *     display names and addresses both count, however the header spelled them;</li>
 * <li>BEFORE/ON/SINCE compare the calendar date of INTERNALDATE in its own zone, SENT* that of the Date: header
 *     in its own zone, falling back to INTERNALDATE when the header is missing or unparsable (as Cyrus does);</li>
 * <li>NEW is recent and unseen, OLD is not recent;</li>
 * <li>{@code *} in a set is the highest sequence number ({@code messageCount}) or the highest UID.</li>
 * </ul>
 * The key is compiled once; {@link #matches} is then safe to call from several threads.
 */
public final class SearchEvaluator {

    private final Predicate<Candidate> predicate;

    /**
     * @param messageCount the number of messages in the mailbox, what {@code *} means for sequence numbers
     * @param highestUid   the highest UID in use, what {@code *} means for UIDs
     */
    public SearchEvaluator(SearchKey key, long messageCount, long highestUid) {
        this(key, messageCount, highestUid, uid -> false);
    }

    /** @param lastResult the UIDs SEARCHRES's {@code $} stands for (RFC 5182), in a sequence set or after UID */
    public SearchEvaluator(SearchKey key, long messageCount, long highestUid, LongPredicate lastResult) {
        this.predicate = compile(Objects.requireNonNull(key, "key"), messageCount, highestUid,
                Objects.requireNonNull(lastResult, "lastResult"));
    }

    public boolean matches(SearchableMessage message) {
        return predicate.test(new Candidate(message));
    }

    /** Case-insensitive containment as SEARCH uses it. */
    public static boolean containsIgnoreCase(String haystack, String needle) {
        return fold(haystack).contains(fold(needle));
    }

    private static Predicate<Candidate> compile(SearchKey key, long messageCount, long highestUid, LongPredicate saved) {
        if (key instanceof SearchKey.All) {
            return m -> true;
        }
        if (key instanceof SearchKey.Recent) {
            return m -> m.message.recent();
        }
        if (key instanceof SearchKey.New) {
            return m -> m.message.recent() && !m.hasFlag(SystemFlags.SEEN);
        }
        if (key instanceof SearchKey.Old) {
            return m -> !m.message.recent();
        }
        if (key instanceof SearchKey.Flag f) {
            return m -> m.hasFlag(f.flag()) == f.present();
        }
        if (key instanceof SearchKey.Text t) {
            String needle = fold(t.value());
            switch (t.field()) {
                case BODY:
                    return m -> m.body().contains(needle);
                case TEXT:
                    return m -> m.headerText().contains(needle) || m.body().contains(needle);
                case SUBJECT:
                    return m -> headerContains(m.message.header(t.field().headerName()), needle);
                default:
                    String name = t.field().headerName();
                    return m -> addressContains(m.message.header(name), needle);
            }
        }
        if (key instanceof SearchKey.Header h) {
            String needle = fold(h.value());
            return m -> headerContains(m.message.header(h.field()), needle);
        }
        if (key instanceof DateKey d) {
            return m -> compare(dateOf(m.message, d.field()), d);
        }
        if (key instanceof SearchKey.Larger l) {
            return m -> m.message.size() > l.size();
        }
        if (key instanceof SearchKey.Smaller s) {
            return m -> m.message.size() < s.size();
        }
        if (key instanceof SearchKey.Uid u && u.set().lastResult()
                || key instanceof SearchKey.SequenceNumbers n && n.set().lastResult()) {
            return m -> saved.test(m.message.uid());
        }
        if (key instanceof SearchKey.Uid u) {
            LongPredicate uids = u.set().matcher(highestUid);
            return m -> uids.test(m.message.uid());
        }
        if (key instanceof SearchKey.SequenceNumbers s) {
            LongPredicate numbers = s.set().matcher(messageCount);
            return m -> numbers.test(m.message.sequenceNumber());
        }
        if (key instanceof SearchKey.ModSeq ms) {
            return m -> m.message.modSeq() >= ms.modSeq();
        }
        if (key instanceof SearchKey.Not n) {
            return compile(n.key(), messageCount, highestUid, saved).negate();
        }
        if (key instanceof SearchKey.Or o) {
            return compile(o.left(), messageCount, highestUid, saved).or(compile(o.right(), messageCount, highestUid, saved));
        }
        if (key instanceof SearchKey.And a) {
            List<Predicate<Candidate>> all = a.keys().stream().map(k -> compile(k, messageCount, highestUid, saved)).toList();
            return m -> {
                for (Predicate<Candidate> p : all) {
                    if (!p.test(m)) {
                        return false;
                    }
                }
                return true;
            };
        }
        throw new IllegalStateException("unknown search key " + key);
    }

    private static boolean headerContains(List<String> values, String foldedNeedle) {
        for (String v : values) {
            if (foldedNeedle.isEmpty() || fold(EncodedWords.decode(v)).contains(foldedNeedle)) {
                return true;
            }
        }
        return false;
    }

    /** An address field: as written (encoded words decoded), or as its addresses read and written out again. */
    private static boolean addressContains(List<String> values, String foldedNeedle) {
        if (headerContains(values, foldedNeedle)) {
            return true;
        }
        for (String v : values) {
            if (fold(AddressText.of(v)).contains(foldedNeedle)) {
                return true;
            }
        }
        return false;
    }

    private static LocalDate dateOf(SearchableMessage m, SearchKey.DateField field) {
        if (field == SearchKey.DateField.SENT) {
            return m.sentDate().orElseGet(m::internalDate).toLocalDate();
        }
        return m.internalDate().toLocalDate();
    }

    private static boolean compare(LocalDate date, DateKey key) {
        switch (key.op()) {
            case BEFORE:
                return date.isBefore(key.date());
            case ON:
                return date.isEqual(key.date());
            default:
                return !date.isBefore(key.date());
        }
    }

    /**
     * Compatibility-normalised, case-folded (upper then lower catches ß/SS and the final sigma), whitespace runs
     * (folded header lines, line breaks in a body) made one space.
     */
    static String fold(String s) {
        String folded = Normalizer.normalize(s, Normalizer.Form.NFKC).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        return mergeSpace(folded);
    }

    private static String mergeSpace(String s) {
        StringBuilder out = null;
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean isSpace = c == ' ' || c == '\t' || c == '\r' || c == '\n';
            if (isSpace && (space || c != ' ') && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null && !(isSpace && space)) {
                out.append(isSpace ? ' ' : c);
            }
            space = isSpace;
        }
        return out == null ? s : out.toString();
    }

    /** One message during one evaluation: expensive texts are fetched and folded at most once. */
    private static final class Candidate {
        final SearchableMessage message;
        private String headerText;
        private String body;

        Candidate(SearchableMessage message) {
            this.message = message;
        }

        boolean hasFlag(String flag) {
            for (String f : message.flags()) {
                if (f.equalsIgnoreCase(flag)) {
                    return true;
                }
            }
            return false;
        }

        String headerText() {
            if (headerText == null) {
                headerText = fold(message.headerText());
            }
            return headerText;
        }

        String body() {
            if (body == null) {
                body = fold(message.bodyText());
            }
            return body;
        }
    }
}
