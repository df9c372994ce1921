package org.murder.protocol.imap.search;

import static org.murder.protocol.imap.ImapSyntaxException.INVALID_FLAG;
import static org.murder.protocol.imap.ImapSyntaxException.INVALID_STRING;
import static org.murder.protocol.imap.ImapSyntaxException.UNBALANCED_PARENTHESES;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import org.murder.protocol.imap.ImapReader;
import org.murder.protocol.imap.ImapSyntaxException;
import org.murder.protocol.imap.SystemFlags;
import org.murder.protocol.imap.search.SearchKey.DateField;
import org.murder.protocol.imap.search.SearchKey.DateKey;
import org.murder.protocol.imap.search.SearchKey.DateOp;
import org.murder.protocol.imap.search.SearchKey.TextField;

/**
 * Reads {@code [CHARSET name SP] search-key *(SP search-key)} (RFC 3501 §6.4.4, RFC 7162 MODSEQ) up to the end
 * of the frame. Charsets US-ASCII and UTF-8 are accepted and strings decoded as UTF-8 (a superset); any other
 * is refused with {@code NO [BADCHARSET (US-ASCII UTF-8)]}. NOT, OR and parentheses nest at most
 * {@link #MAX_DEPTH} deep, so hostile input cannot exhaust the stack.
 */
public final class SearchKeyParser {

    public static final int MAX_DEPTH = 64;
    public static final List<String> CHARSETS = List.of("US-ASCII", "UTF-8");
    public static final String BADCHARSET = "BADCHARSET (US-ASCII UTF-8)";

    public static final String INVALID_SEARCH_KEY = "Invalid search key";
    public static final String TOO_DEEP = "Search nested too deeply";
    public static final String UNSUPPORTED_CHARSET = "Unsupported charset";

    /** A search program: the charset named, if any (upper-cased), and the criteria as one key. */
    public record SearchProgram(Optional<String> charset, SearchKey key) {
        public SearchProgram {
            Objects.requireNonNull(charset, "charset");
            Objects.requireNonNull(key, "key");
        }
    }

    private final ImapReader reader;

    private SearchKeyParser(ImapReader reader) {
        this.reader = reader;
    }

    /** Reads from the reader's position (the first key, or CHARSET) to the end of the frame. */
    public static SearchProgram parse(ImapReader reader) throws ImapSyntaxException {
        return new SearchKeyParser(reader).program();
    }

    /**
     * SORT's and THREAD's {@code search-criteria} (RFC 5256): {@code charset 1*(SP search-key)}, the charset
     * mandatory and without the word CHARSET, read to the end of the frame.
     */
    public static SearchProgram parseWithCharset(ImapReader reader) throws ImapSyntaxException {
        SearchKeyParser parser = new SearchKeyParser(reader);
        String charset = parser.charset();
        return new SearchProgram(Optional.of(charset), parser.keys());
    }

    private SearchProgram program() throws ImapSyntaxException {
        Optional<String> charset = Optional.empty();
        if (reader.peekKeyword().equals("CHARSET")) {
            reader.keyword(INVALID_SEARCH_KEY);
            reader.sp();
            charset = Optional.of(charset());
        }
        return new SearchProgram(charset, keys());
    }

    /** A charset name and the space after it; one we cannot decode is refused with {@code NO [BADCHARSET]}. */
    private String charset() throws ImapSyntaxException {
        String name = reader.astring(INVALID_STRING).toUpperCase(Locale.ROOT);
        if (!CHARSETS.contains(name)) {
            throw ImapSyntaxException.refusal(UNSUPPORTED_CHARSET, BADCHARSET);
        }
        reader.sp();
        return name;
    }

    private SearchKey keys() throws ImapSyntaxException {
        List<SearchKey> keys = new ArrayList<>();
        while (true) {
            keys.add(key(1));
            if (reader.atEnd()) {
                return SearchKey.allOf(keys);
            }
            if (reader.peek() == ')') {
                throw new ImapSyntaxException(UNBALANCED_PARENTHESES);
            }
            reader.sp();
        }
    }

    private SearchKey key(int depth) throws ImapSyntaxException {
        if (depth > MAX_DEPTH) {
            throw new ImapSyntaxException(TOO_DEEP);
        }
        int c = reader.peek();
        if (c == '(') {
            return list(depth);
        }
        if (ImapReader.isDigit(c) || c == '*' || c == '$') {
            return new SearchKey.SequenceNumbers(reader.sequenceSet());
        }
        String name = reader.keyword(INVALID_SEARCH_KEY);
        switch (name) {
            case "ALL":
                return SearchKey.ALL;
            case "RECENT":
                return new SearchKey.Recent();
            case "NEW":
                return new SearchKey.New();
            case "OLD":
                return new SearchKey.Old();
            case "ANSWERED":
            case "DELETED":
            case "DRAFT":
            case "FLAGGED":
            case "SEEN":
                return new SearchKey.Flag(systemFlag(name), true);
            case "UNANSWERED":
            case "UNDELETED":
            case "UNDRAFT":
            case "UNFLAGGED":
            case "UNSEEN":
                return new SearchKey.Flag(systemFlag(name.substring(2)), false);
            case "KEYWORD":
                reader.sp();
                return new SearchKey.Flag(reader.atom(INVALID_FLAG), true);
            case "UNKEYWORD":
                reader.sp();
                return new SearchKey.Flag(reader.atom(INVALID_FLAG), false);
            case "BCC":
                return text(TextField.BCC);
            case "CC":
                return text(TextField.CC);
            case "FROM":
                return text(TextField.FROM);
            case "SUBJECT":
                return text(TextField.SUBJECT);
            case "TO":
                return text(TextField.TO);
            case "BODY":
                return text(TextField.BODY);
            case "TEXT":
                return text(TextField.TEXT);
            case "HEADER":
                return header();
            case "BEFORE":
                return date(DateField.INTERNAL, DateOp.BEFORE);
            case "ON":
                return date(DateField.INTERNAL, DateOp.ON);
            case "SINCE":
                return date(DateField.INTERNAL, DateOp.SINCE);
            case "SENTBEFORE":
                return date(DateField.SENT, DateOp.BEFORE);
            case "SENTON":
                return date(DateField.SENT, DateOp.ON);
            case "SENTSINCE":
                return date(DateField.SENT, DateOp.SINCE);
            case "LARGER":
                reader.sp();
                return new SearchKey.Larger(reader.number());
            case "SMALLER":
                reader.sp();
                return new SearchKey.Smaller(reader.number());
            case "UID":
                reader.sp();
                return new SearchKey.Uid(reader.sequenceSet());
            case "MODSEQ":
                return modSeq();
            case "NOT":
                reader.sp();
                return new SearchKey.Not(key(depth + 1));
            case "OR":
                reader.sp();
                SearchKey left = key(depth + 1);
                reader.sp();
                return new SearchKey.Or(left, key(depth + 1));
            default:
                throw new ImapSyntaxException(INVALID_SEARCH_KEY);
        }
    }

    private SearchKey list(int depth) throws ImapSyntaxException {
        List<SearchKey> keys = reader.parenthesized(() -> key(depth + 1), false, INVALID_SEARCH_KEY);
        return SearchKey.allOf(keys);
    }

    private SearchKey text(TextField field) throws ImapSyntaxException {
        reader.sp();
        return new SearchKey.Text(field, reader.astring(INVALID_STRING));
    }

    private SearchKey header() throws ImapSyntaxException {
        reader.sp();
        String field = reader.astring(INVALID_STRING);
        if (!ImapReader.isHeaderFieldName(field)) {
            throw new ImapSyntaxException("Invalid header field name");
        }
        reader.sp();
        return new SearchKey.Header(field, reader.astring(INVALID_STRING));
    }

    private SearchKey date(DateField field, DateOp op) throws ImapSyntaxException {
        reader.sp();
        return new DateKey(field, op, reader.date());
    }

    /** {@code MODSEQ [SP entry-name SP entry-type-req] SP mod-sequence-valzer}. */
    private SearchKey modSeq() throws ImapSyntaxException {
        reader.sp();
        if (reader.peek() == '"' || reader.peek() == '{') {
            String entry = reader.string(INVALID_STRING);
            if (!entry.startsWith("/flags/")) {
                throw new ImapSyntaxException("Invalid MODSEQ entry");
            }
            reader.sp();
            String type = reader.keyword("Invalid MODSEQ entry type");
            if (!type.equals("PRIV") && !type.equals("SHARED") && !type.equals("ALL")) {
                throw new ImapSyntaxException("Invalid MODSEQ entry type");
            }
            reader.sp();
        }
        return new SearchKey.ModSeq(reader.number64());
    }

    private static String systemFlag(String name) {
        return SystemFlags.canonical(name).orElseThrow();
    }
}
