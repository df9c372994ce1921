package org.murder.protocol.imap;

import static org.murder.protocol.imap.ImapSyntaxException.EXTRA_ARGUMENTS;
import static org.murder.protocol.imap.ImapSyntaxException.INVALID_DATE;
import static org.murder.protocol.imap.ImapSyntaxException.INVALID_FLAG;
import static org.murder.protocol.imap.ImapSyntaxException.INVALID_LITERAL;
import static org.murder.protocol.imap.ImapSyntaxException.INVALID_MAILBOX_NAME;
import static org.murder.protocol.imap.ImapSyntaxException.INVALID_NUMBER;
import static org.murder.protocol.imap.ImapSyntaxException.INVALID_SEQUENCE_SET;
import static org.murder.protocol.imap.ImapSyntaxException.INVALID_UTF8;
import static org.murder.protocol.imap.ImapSyntaxException.MISSING_ARGUMENT;
import static org.murder.protocol.imap.ImapSyntaxException.MISSING_SPACE;
import static org.murder.protocol.imap.ImapSyntaxException.NUL_NOT_ALLOWED;
import static org.murder.protocol.imap.ImapSyntaxException.STRING_TOO_LONG;
import static org.murder.protocol.imap.ImapSyntaxException.TRUNCATED_LITERAL;
import static org.murder.protocol.imap.ImapSyntaxException.UNBALANCED_PARENTHESES;
import static org.murder.protocol.imap.ImapSyntaxException.UNTERMINATED_QUOTED;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;

import org.murder.protocol.wire.SpilledFrame;
import org.murder.protocol.wire.SpilledLiteral;

/**
 * Reads the tokens of one IMAP command frame (a line plus the literals it announced, as
 * {@link org.murder.protocol.wire.FrameDecoder} delivers it) by the RFC 3501 §9 grammar. Stricter than the
 * MUPDATE {@code WireReader}: atoms exclude every atom-special, quoted strings escape only {@code "} and
 * {@code \}, and exactly one space separates arguments. Strings are decoded as strict UTF-8 (US-ASCII being a
 * subset); NUL is refused everywhere but in APPEND's message.
 *
 * <p>Every method throws {@link ImapSyntaxException} with a short message; {@code Missing argument} when the
 * frame ends where an argument was due.
 */
public final class ImapReader {

    /** Largest IMAP {@code number}: unsigned 32-bit. */
    public static final long MAX_NUMBER = 0xFFFF_FFFFL;

    /**
     * The position and length of a literal's bytes inside the frame; or, when the frame decoder wrote them to a
     * file, that file ({@code offset} is then where they would have been, and the frame holds none of them).
     */
    public record Literal(int offset, int length, boolean binary, Optional<SpilledLiteral> file) {
        public Literal(int offset, int length, boolean binary) {
            this(offset, length, binary, Optional.empty());
        }
    }

    @FunctionalInterface
    public interface Item<T> {
        T read() throws ImapSyntaxException;
    }

    private final byte[] bytes;
    /** Literals written to files, by the offset where their payload would have started. */
    private final Map<Integer, SpilledLiteral> spilled;
    private int pos;

    public ImapReader(byte[] frame) {
        this.bytes = frame;
        this.spilled = Map.of();
    }

    /** A frame whose large literals are in files: {@link #literal} gives them as such. */
    public ImapReader(SpilledFrame frame) {
        this.bytes = frame.bytes();
        this.spilled = frame.literals();
    }

    /** The frame being read (not a copy): literals refer into it. */
    public byte[] frame() {
        return bytes;
    }

    public int position() {
        return pos;
    }

    public boolean atEnd() {
        return pos >= bytes.length;
    }

    /** The next byte (0-255) without consuming it, or -1 at the end. */
    public int peek() {
        return peek(0);
    }

    public int peek(int ahead) {
        int i = pos + ahead;
        return i < bytes.length ? bytes[i] & 0xff : -1;
    }

    /** True when a space, and so another argument, follows. */
    public boolean hasMore() {
        return peek() == ' ';
    }

    /** The single space before an argument; {@code Missing argument} if the frame ends before or after it. */
    public void sp() throws ImapSyntaxException {
        if (atEnd()) {
            throw new ImapSyntaxException(MISSING_ARGUMENT);
        }
        if (bytes[pos] != ' ') {
            throw unexpected(MISSING_SPACE);
        }
        pos++;
        if (atEnd()) {
            throw new ImapSyntaxException(MISSING_ARGUMENT);
        }
    }

    /** The command ends here. */
    public void end() throws ImapSyntaxException {
        if (!atEnd()) {
            throw unexpected(EXTRA_ARGUMENTS);
        }
    }

    /** Consumes {@code c} if it is next. */
    public boolean tryChar(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    public void expect(char c, String message) throws ImapSyntaxException {
        if (!tryChar(c)) {
            throw atEnd() ? new ImapSyntaxException(MISSING_ARGUMENT) : unexpected(message);
        }
    }

    /**
     * {@code "(" [item *(SP item)] ")"}. A missing {@code )} at the end of the frame is
     * {@code Unbalanced parentheses}.
     */
    public <T> List<T> parenthesized(Item<T> item, boolean allowEmpty, String invalid) throws ImapSyntaxException {
        expect('(', invalid);
        List<T> out = new ArrayList<>();
        if (tryChar(')')) {
            if (!allowEmpty) {
                throw new ImapSyntaxException(invalid);
            }
            return out;
        }
        while (true) {
            if (atEnd()) {
                throw new ImapSyntaxException(UNBALANCED_PARENTHESES);
            }
            out.add(item.read());
            if (tryChar(')')) {
                return out;
            }
            if (atEnd()) {
                throw new ImapSyntaxException(UNBALANCED_PARENTHESES);
            }
            if (peek() != ' ') {
                throw unexpected(invalid);
            }
            pos++;
        }
    }

    /** The run of bytes matching {@code allowed} (ASCII), possibly empty. */
    public String takeWhile(IntPredicate allowed) {
        int start = pos;
        while (!atEnd() && allowed.test(bytes[pos] & 0xff)) {
            pos++;
        }
        return new String(bytes, start, pos - start, StandardCharsets.ISO_8859_1);
    }

    /** An {@code atom}: one or more ATOM-CHARs (7-bit). */
    public String atom(String invalid) throws ImapSyntaxException {
        String atom = takeWhile(ImapReader::isAtomChar);
        if (atom.isEmpty()) {
            throw atEnd() ? new ImapSyntaxException(MISSING_ARGUMENT) : unexpected(invalid);
        }
        return atom;
    }

    /** An atom upper-cased, for keywords compared case-insensitively. */
    public String keyword(String invalid) throws ImapSyntaxException {
        return atom(invalid).toUpperCase(Locale.ROOT);
    }

    /** The next atom upper-cased without consuming it; empty if no atom is next. */
    public String peekKeyword() {
        int start = pos;
        String atom = takeWhile(ImapReader::isAtomChar);
        pos = start;
        return atom.toUpperCase(Locale.ROOT);
    }

    /**
     * An {@code astring}: an atom (which may hold {@code ]}, and UTF-8 beyond RFC 3501 for clients that send
     * it raw), a quoted string or a literal.
     */
    public String astring(String invalid) throws ImapSyntaxException {
        return stringOr(ImapReader::isAstringChar, invalid);
    }

    /** A {@code string}: quoted or literal, no atom. */
    public String string(String invalid) throws ImapSyntaxException {
        return stringOr(b -> false, invalid);
    }

    /** An {@code nstring}: {@code NIL} (any case) or a string. */
    public Optional<String> nstring(String invalid) throws ImapSyntaxException {
        if (peek() != '"' && peek() != '{') {
            String atom = atom(invalid);
            if (!atom.equalsIgnoreCase("NIL")) {
                throw new ImapSyntaxException(invalid);
            }
            return Optional.empty();
        }
        return Optional.of(string(invalid));
    }

    /** A {@code list-mailbox}: like an astring whose atom may also hold the wildcards {@code %} and {@code *}. */
    public String listMailbox(String invalid) throws ImapSyntaxException {
        return stringOr(b -> isAstringChar(b) || b == '%' || b == '*', invalid);
    }

    /**
     * A mailbox name ({@link MailboxNames#fromWire}). Only the astring's syntax (and a line break) can make it a
     * {@code BAD}: a name no mailbox can have is {@link MailboxNames#unusable}, for the command to answer {@code NO}.
     */
    public String mailbox(ImapParserContext ctx) throws ImapSyntaxException {
        String wire = mailboxText(ctx, false);
        try {
            return MailboxNames.fromWire(wire, ctx.utf8Accept());
        } catch (IllegalArgumentException e) {
            throw new ImapSyntaxException(INVALID_MAILBOX_NAME); // a line break
        }
    }

    /**
     * The astring (or with {@code wildcards} the {@code list-mailbox}) of a mailbox name, reference or pattern, not yet
     * decoded. Without UTF8=ACCEPT 8-bit bytes are opaque to IMAP4rev1 (a literal may carry any), so bytes that are not
     * UTF-8 are read with replacement characters and the name is left for {@link MailboxNames} to find unusable; under
     * UTF8=ACCEPT a string must be UTF-8 (RFC 6855), and one that is not is a {@code BAD}.
     */
    public String mailboxText(ImapParserContext ctx, boolean wildcards) throws ImapSyntaxException {
        IntPredicate atomChar = wildcards ? b -> isAstringChar(b) || b == '%' || b == '*' : ImapReader::isAstringChar;
        return stringOr(atomChar, INVALID_MAILBOX_NAME, !ctx.utf8Accept());
    }

    /** A literal's place in the frame: {@code {n}}, {@code {n+}} and, when {@code allowBinary}, {@code ~{n}}. */
    public Literal literal(boolean allowBinary) throws ImapSyntaxException {
        if (atEnd()) {
            throw new ImapSyntaxException(MISSING_ARGUMENT);
        }
        boolean binary = allowBinary && tryChar('~');
        if (!tryChar('{')) {
            throw new ImapSyntaxException(INVALID_LITERAL);
        }
        String digits = takeWhile(ImapReader::isDigit);
        // number is 1*DIGIT: leading zeros count for nothing, as in the framer (and Cyrus)
        String significant = digits.replaceFirst("^0+(?=.)", "");
        if (digits.isEmpty() || significant.length() > 10) {
            throw new ImapSyntaxException(INVALID_LITERAL);
        }
        long size = Long.parseLong(significant);
        tryChar('+');
        if (!tryChar('}')) {
            throw new ImapSyntaxException(INVALID_LITERAL);
        }
        tryChar('\r'); // the framer keeps the line terminator as received: CRLF or a bare LF
        if (!tryChar('\n')) {
            throw new ImapSyntaxException(INVALID_LITERAL);
        }
        SpilledLiteral file = spilled.get(pos);
        if (file != null) {
            if (file.length() != size) {
                throw new ImapSyntaxException(TRUNCATED_LITERAL);
            }
            // the payload is not in the frame: the next token follows the announcement directly
            return new Literal(pos, (int) size, binary, Optional.of(file));
        }
        if (size > MAX_NUMBER || size > bytes.length - pos) {
            throw new ImapSyntaxException(TRUNCATED_LITERAL);
        }
        Literal literal = new Literal(pos, (int) size, binary);
        pos += (int) size;
        return literal;
    }

    /** {@code number}: unsigned 32-bit, leading zeros allowed. */
    public long number() throws ImapSyntaxException {
        return digits(10, MAX_NUMBER);
    }

    /** {@code nz-number}: 1 to 2^32-1, no leading zero. */
    public long nzNumber() throws ImapSyntaxException {
        if (peek() == '0') {
            throw new ImapSyntaxException(INVALID_NUMBER);
        }
        return digits(10, MAX_NUMBER);
    }

    /** A {@code number64} or {@code mod-sequence-valzer}: 0 to 2^63-1. */
    public long number64() throws ImapSyntaxException {
        return digits(19, Long.MAX_VALUE);
    }

    /** A {@code sequence-set}, or SEARCHRES's {@code $} alone (RFC 5182 {@code seq-last-command}). */
    public SequenceSet sequenceSet() throws ImapSyntaxException {
        String text = takeWhile(b -> isDigit(b) || b == ':' || b == ',' || b == '*' || b == '$');
        if (text.isEmpty()) {
            throw atEnd() ? new ImapSyntaxException(MISSING_ARGUMENT) : unexpected(INVALID_SEQUENCE_SET);
        }
        if (!atEnd() && peek() != ' ' && peek() != ')') {
            throw new ImapSyntaxException(INVALID_SEQUENCE_SET);
        }
        try {
            return SequenceSet.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ImapSyntaxException(e.getMessage());
        }
    }

    /** SEARCH's {@code date}: {@code date-text}, bare or in double quotes. */
    public LocalDate date() throws ImapSyntaxException {
        boolean quoted = tryChar('"');
        String text = takeWhile(b -> isDigit(b) || b == '-' || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z'));
        if (quoted && !tryChar('"')) {
            throw new ImapSyntaxException(INVALID_DATE);
        }
        if (text.isEmpty() && atEnd()) {
            throw new ImapSyntaxException(MISSING_ARGUMENT);
        }
        try {
            return ImapDates.parseDate(text);
        } catch (IllegalArgumentException e) {
            throw new ImapSyntaxException(INVALID_DATE);
        }
    }

    /** APPEND's {@code date-time}, in double quotes. */
    public ZonedDateTime dateTime() throws ImapSyntaxException {
        expect('"', INVALID_DATE);
        String text = takeWhile(b -> b != '"' && b >= 0x20 && b < 0x7f);
        if (!tryChar('"')) {
            throw new ImapSyntaxException(INVALID_DATE);
        }
        try {
            return ImapDates.parseDateTime(text);
        } catch (IllegalArgumentException e) {
            throw new ImapSyntaxException(INVALID_DATE);
        }
    }

    /**
     * A {@code flag} for STORE and APPEND: a keyword atom, or one of the five system flags a client may set,
     * returned in its canonical case ({@code \seen} gives {@code \Seen}). {@code \Recent} and unknown system
     * flags are refused.
     */
    public String flag() throws ImapSyntaxException {
        if (tryChar('\\')) {
            return SystemFlags.canonical(atom(INVALID_FLAG))
                    .orElseThrow(() -> new ImapSyntaxException(INVALID_FLAG));
        }
        return atom(INVALID_FLAG);
    }

    /** {@code flag-list}: {@code "(" [flag *(SP flag)] ")"}. */
    public List<String> flagList() throws ImapSyntaxException {
        return parenthesized(this::flag, true, INVALID_FLAG);
    }

    private String stringOr(IntPredicate atomChar, String invalid) throws ImapSyntaxException {
        return stringOr(atomChar, invalid, false);
    }

    /** @param lenientUtf8 bytes that are not UTF-8 become replacement characters instead of a {@code BAD} */
    private String stringOr(IntPredicate atomChar, String invalid, boolean lenientUtf8) throws ImapSyntaxException {
        int c = peek();
        if (c < 0) {
            throw new ImapSyntaxException(MISSING_ARGUMENT);
        }
        if (c == '"') {
            return quoted(lenientUtf8);
        }
        if (c == '~' && peek(1) == '{') {
            throw new ImapSyntaxException(ImapSyntaxException.LITERAL8_NOT_ALLOWED);
        }
        if (c == '{') {
            Literal literal = literal(false);
            if (literal.file().isPresent()) {
                throw new ImapSyntaxException(STRING_TOO_LONG); // a string this large is no name, flag or search text
            }
            return decode(bytes, literal.offset(), literal.length(), lenientUtf8);
        }
        int start = pos;
        while (!atEnd() && atomChar.test(bytes[pos] & 0xff)) {
            pos++;
        }
        if (pos == start) {
            throw unexpected(invalid);
        }
        return decode(bytes, start, pos - start, lenientUtf8);
    }

    private String quoted(boolean lenientUtf8) throws ImapSyntaxException {
        pos++; // opening quote
        // Size the buffer by the string, not by the rest of the frame: an APPEND's quoted date comes before a
        // message that may be megabytes long.
        int end = pos;
        while (end < bytes.length && bytes[end] != '"' && bytes[end] != '\r' && bytes[end] != '\n') {
            end += bytes[end] == '\\' ? 2 : 1;
        }
        byte[] out = new byte[Math.min(end, bytes.length) - pos];
        int n = 0;
        while (true) {
            if (atEnd()) {
                throw new ImapSyntaxException(UNTERMINATED_QUOTED);
            }
            byte b = bytes[pos++];
            if (b == '"') {
                return decode(out, 0, n, lenientUtf8);
            }
            if (b == '\\') {
                if (atEnd()) {
                    throw new ImapSyntaxException(UNTERMINATED_QUOTED);
                }
                b = bytes[pos++];
                if (b != '"' && b != '\\') {
                    throw new ImapSyntaxException(ImapSyntaxException.INVALID_ESCAPE);
                }
            } else if (b == '\r' || b == '\n') {
                throw new ImapSyntaxException(UNTERMINATED_QUOTED);
            }
            out[n++] = b;
        }
    }

    /** Strict UTF-8 without NUL. */
    static String decode(byte[] b, int offset, int length) throws ImapSyntaxException {
        return decode(b, offset, length, false);
    }

    /** UTF-8 without NUL; strict unless {@code lenient}, which replaces what is not UTF-8. */
    static String decode(byte[] b, int offset, int length, boolean lenient) throws ImapSyntaxException {
        for (int i = offset; i < offset + length; i++) {
            if (b[i] == 0) {
                throw new ImapSyntaxException(NUL_NOT_ALLOWED);
            }
        }
        CodingErrorAction onError = lenient ? CodingErrorAction.REPLACE : CodingErrorAction.REPORT;
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(onError)
                    .onUnmappableCharacter(onError)
                    .decode(ByteBuffer.wrap(b, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ImapSyntaxException(INVALID_UTF8);
        }
    }

    private long digits(int maxDigits, long max) throws ImapSyntaxException {
        String digits = takeWhile(ImapReader::isDigit);
        if (digits.isEmpty()) {
            throw atEnd() ? new ImapSyntaxException(MISSING_ARGUMENT) : unexpected(INVALID_NUMBER);
        }
        if (digits.length() > maxDigits) {
            throw new ImapSyntaxException(INVALID_NUMBER);
        }
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(i) - '0';
            if (v > (max - d) / 10) {
                throw new ImapSyntaxException(INVALID_NUMBER);
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** An exception for an unexpected byte; a NUL gets its own message, it is the likelier mistake. */
    private ImapSyntaxException unexpected(String message) {
        return new ImapSyntaxException(peek() == 0 ? NUL_NOT_ALLOWED : message);
    }

    /** ATOM-CHAR: printable ASCII except {@code ( ) { SP % * " \ ]}. */
    public static boolean isAtomChar(int b) {
        return b > 0x20 && b < 0x7f && b != '(' && b != ')' && b != '{' && b != '%' && b != '*' && b != '"'
                && b != '\\' && b != ']';
    }

    /** ASTRING-CHAR ({@code ]} too), plus 8-bit bytes: decoded as strict UTF-8 afterwards. */
    public static boolean isAstringChar(int b) {
        return isAtomChar(b) || b == ']' || b >= 0x80;
    }

    /** An RFC 5322 field name: printable ASCII except colon (HEADER.FIELDS and SEARCH HEADER). */
    public static boolean isHeaderFieldName(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':');
    }

    public static boolean isDigit(int b) {
        return b >= '0' && b <= '9';
    }
}
