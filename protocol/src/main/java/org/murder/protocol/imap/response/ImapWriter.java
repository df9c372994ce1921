package org.murder.protocol.imap.response;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.murder.protocol.imap.MailboxNames;

/**
 * Builds server responses as {@link Segment}s. Every method that takes a value makes it safe for the line it lands
 * on: atoms and flags are checked (a bad one is a programming error, {@link IllegalArgumentException}), strings
 * become quoted strings or literals ({@link ImapStrings}), human text loses its line breaks, and pre-rendered wire
 * values (cached ENVELOPE/BODYSTRUCTURE) are checked to keep every CR/LF inside a counted literal. So nothing a
 * client or a message controls can end a response line early.
 *
 * <p>Byte arrays and file regions passed in are not copied: a {@link Segment.FileRegion} stays a reference to the
 * spool file for the transport to stream.
 */
public final class ImapWriter {

    private static final byte[] CRLF = {'\r', '\n'};

    private final List<Segment> segments = new ArrayList<>(2);
    private final Buffer current = new Buffer();

    /**
     * The bytes of the segment being built. Not a ByteArrayOutputStream: its every write is synchronized, and a
     * FETCH (FLAGS) of 100,000 messages writes a few million bytes one at a time.
     */
    private static final class Buffer {
        private byte[] bytes = new byte[64];
        private int size;

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        void writeBytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, bytes, size, b.length);
            size += b.length;
        }

        /** Digits of a non-negative number, without a String in between. */
        void writeNumber(long n) {
            if (n < 10) {
                write('0' + (int) n);
                return;
            }
            int digits = 1;
            for (long x = n / 10; x > 0; x /= 10) {
                digits++;
            }
            ensure(digits);
            for (int i = size + digits - 1; i >= size; i--) {
                bytes[i] = (byte) ('0' + n % 10);
                n /= 10;
            }
            size += digits;
        }

        int size() {
            return size;
        }

        byte[] take() {
            byte[] out = Arrays.copyOf(bytes, size);
            size = 0;
            return out;
        }
    }

    /** {@code * } */
    public static ImapWriter untagged() {
        return new ImapWriter().ascii("* ");
    }

    /** {@code tag } after checking that the tag cannot break the line. */
    public static ImapWriter tagged(String tag) {
        return new ImapWriter().ascii(checkTag(tag)).sp();
    }

    /** Fixed protocol text written by our own code (keywords, separators): not checked beyond being one line. */
    ImapWriter ascii(String ascii) {
        int n = ascii.length();
        current.ensure(n);
        for (int i = 0; i < n; i++) {
            char c = ascii.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || c > 0x7f) {
                throw new IllegalArgumentException("not protocol text: " + ascii);
            }
            current.write(c);
        }
        return this;
    }

    public ImapWriter sp() {
        current.write(' ');
        return this;
    }

    public ImapWriter open() {
        current.write('(');
        return this;
    }

    public ImapWriter close() {
        current.write(')');
        return this;
    }

    public ImapWriter nil() {
        return ascii("NIL");
    }

    /** A non-negative number. */
    public ImapWriter number(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative number " + n);
        }
        current.writeNumber(n);
        return this;
    }

    /** An atom (capability, status item, search return item, rights...), checked. */
    public ImapWriter atom(String atom) {
        if (!ImapStrings.isAtom(atom)) {
            throw new IllegalArgumentException("not an atom: " + atom);
        }
        return ascii(atom);
    }

    /** A flag: {@code \Seen}, a keyword, or {@code \*} (PERMANENTFLAGS); also mailbox attributes like {@code \Noselect}. */
    public ImapWriter flag(String flag) {
        if (!isFlag(flag)) {
            throw new IllegalArgumentException("not a flag: " + flag);
        }
        return ascii(flag);
    }

    /** {@code (a b c)} of flags. */
    public ImapWriter flags(Collection<String> flags) {
        open();
        boolean first = true;
        for (String f : flags) {
            if (!first) {
                sp();
            }
            flag(f);
            first = false;
        }
        return close();
    }

    /** A quoted string or literal. */
    public ImapWriter string(String s) {
        return appendText(ImapStrings.string(s));
    }

    /** {@code NIL} for null, else a string. */
    public ImapWriter nstring(String s) {
        return s == null ? nil() : string(s);
    }

    /** An atom when possible, else a string. */
    public ImapWriter astring(String s) {
        return appendText(ImapStrings.astring(s));
    }

    /**
     * A mailbox name: modified UTF-7 (RFC 3501 §5.1.3) unless the client has UTF-8 names (IMAP4rev2, UTF8=ACCEPT), then
     * an astring that may be a quoted string holding UTF-8.
     */
    public ImapWriter mailbox(String name, boolean utf8Accept) {
        String wire = MailboxNames.toWire(name, utf8Accept);
        return utf8Accept ? appendText(ImapStrings.utf8Astring(wire)) : astring(wire);
    }

    /** A hierarchy delimiter: {@code "/"}, or {@code NIL} when there is none. */
    public ImapWriter delimiter(Character delimiter) {
        if (delimiter == null) {
            return nil();
        }
        char c = delimiter;
        if (c == 0 || c == '\r' || c == '\n' || c > 0x7f) {
            throw new IllegalArgumentException("not a delimiter: " + (int) c);
        }
        current.write('"');
        if (c == '"' || c == '\\') {
            current.write('\\');
        }
        current.write(c);
        current.write('"');
        return this;
    }

    /**
     * Human text ({@code resp-text}'s text): CR, LF and NUL become spaces. Text that starts with {@code [} gets a
     * leading space so that a client never reads it as a response code it did not get.
     */
    public ImapWriter text(String text) {
        String safe = text.replace('\r', ' ').replace('\n', ' ').replace('\0', ' ');
        if (safe.startsWith("[")) {
            safe = " " + safe;
        }
        current.writeBytes(safe.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** {@code [code] } in front of response text; the code is our own text and must stay inside its brackets. */
    public ImapWriter responseCode(String code) {
        if (code.isEmpty() || code.indexOf(']') >= 0 || code.indexOf('[') >= 0) {
            throw new IllegalArgumentException("not a response code: " + code);
        }
        return ascii("[").ascii(code).ascii("] ");
    }

    /**
     * A value already in wire form, e.g. a cached ENVELOPE or BODYSTRUCTURE. It is checked: balanced parentheses,
     * closed quoted strings, and every CR/LF inside a literal whose count matches.
     */
    public ImapWriter wire(String wireText) {
        byte[] bytes = wireText.getBytes(StandardCharsets.UTF_8);
        WireText.check(bytes);
        current.writeBytes(bytes);
        return this;
    }

    /** {@code {n}CRLF} and the bytes. */
    public ImapWriter literal(byte[] bytes) {
        ascii("{").ascii(Long.toString(bytes.length)).ascii("}").crlfBytes();
        return segment(new Segment.Bytes(bytes));
    }

    /** {@code {n}CRLF} and the file region, streamed by the transport. */
    public ImapWriter literal(Segment.FileRegion region) {
        ascii("{").ascii(Long.toString(region.length())).ascii("}").crlfBytes();
        return segment(region);
    }

    /** {@code {n}CRLF} and the segment's bytes. */
    public ImapWriter literal(Segment content) {
        return content instanceof Segment.FileRegion r ? literal(r) : literal(((Segment.Bytes) content).data());
    }

    /** {@code ~{n}CRLF} and the segment's bytes: a literal8 for BINARY (RFC 3516), which may hold NUL. */
    public ImapWriter literal8(Segment content) {
        ascii("~{").ascii(Long.toString(content.length())).ascii("}").crlfBytes();
        return segment(content);
    }

    /** Ends the response line. */
    public ImapWriter crlf() {
        return crlfBytes();
    }

    private ImapWriter crlfBytes() {
        current.writeBytes(CRLF);
        return this;
    }

    private ImapWriter segment(Segment s) {
        flush();
        if (s.length() > 0) {
            segments.add(s);
        }
        return this;
    }

    private ImapWriter appendText(String wire) {
        current.writeBytes(wire.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    private void flush() {
        if (current.size() > 0) {
            segments.add(new Segment.Bytes(current.take()));
        }
    }

    /** The response so far; adjacent in-memory bytes are one segment. */
    public List<Segment> segments() {
        flush();
        if (segments.size() == 1) {
            return List.of(segments.get(0));
        }
        List<Segment> merged = new ArrayList<>(segments.size());
        ByteArrayOutputStream run = null;
        for (Segment s : segments) {
            if (s instanceof Segment.Bytes b) {
                if (run == null) {
                    run = new ByteArrayOutputStream();
                }
                run.writeBytes(b.data());
            } else {
                if (run != null) {
                    merged.add(new Segment.Bytes(run.toByteArray()));
                    run = null;
                }
                merged.add(s);
            }
        }
        if (run != null) {
            merged.add(new Segment.Bytes(run.toByteArray()));
        }
        segments.clear();
        segments.addAll(merged);
        return List.copyOf(merged);
    }

    /** The response in one array; only when it holds no file region. */
    public byte[] toByteArray() {
        List<Segment> all = segments();
        if (all.size() == 1 && all.get(0) instanceof Segment.Bytes only) {
            return only.data();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Segment s : all) {
            if (!(s instanceof Segment.Bytes b)) {
                throw new IllegalStateException("response holds a file region; use segments()");
            }
            out.writeBytes(b.data());
        }
        return out.toByteArray();
    }

    /**
     * A tag is echoed from a parsed command; one that could break the line is a programming error. {@code *} is let
     * through: no client can send it as a tag, so {@code tagged("*", BAD, ...)} is a deliberate untagged {@code * BAD}
     * (e.g. for a line whose tag could not be read).
     */
    static String checkTag(String tag) {
        if (tag.equals("*")) {
            return tag;
        }
        if (tag.isEmpty() || tag.equals("+")) {
            throw new IllegalArgumentException("not a tag: " + tag);
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '(' || c == ')' || c == '{' || c == '%' || c == '*' || c == '"'
                    || c == '\\' || c == '+') {
                throw new IllegalArgumentException("not a tag: " + tag);
            }
        }
        return tag;
    }

    public static boolean isFlag(String flag) {
        if (flag.equals("\\*")) {
            return true;
        }
        String atom = flag.startsWith("\\") ? flag.substring(1) : flag;
        return ImapStrings.isAtom(atom);
    }
}
