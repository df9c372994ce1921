package org.murder.protocol.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the tokens of one frame produced by {@link FrameDecoder}: words, atoms, quoted strings and literals.
 * Liberal like Cyrus's {@code getxstring}: an atom is any run of bytes other than whitespace, parentheses and
 * double quotes; a quoted string may escape any character with a backslash. Strings are decoded as strict
 * UTF-8 so that a name is never silently altered.
 */
public final class WireReader {

    private final byte[] bytes;
    private int pos;

    public WireReader(byte[] frame) {
        this.bytes = frame;
    }

    public boolean atEnd() {
        return pos >= bytes.length;
    }

    /** The next byte without consuming it, or -1 at the end. */
    public int peek() {
        return atEnd() ? -1 : bytes[pos] & 0xff;
    }

    /** A copy of the frame from an earlier {@link #position()} to its end; moves this reader to the end. */
    public byte[] restBytesFrom(int mark) {
        pos = bytes.length;
        return Arrays.copyOfRange(bytes, Math.max(0, Math.min(mark, bytes.length)), bytes.length);
    }

    public int position() {
        return pos;
    }

    /** Consumes one space if it is next. */
    public boolean skipSpace() {
        if (peek() == ' ') {
            pos++;
            return true;
        }
        return false;
    }

    /** A word up to the next space or end (Cyrus's {@code getword}); may be empty. Raw bytes as ISO-8859-1. */
    public String word() {
        int start = pos;
        while (!atEnd() && !isWordDelimiter(bytes[pos])) {
            pos++;
        }
        return new String(bytes, start, pos - start, StandardCharsets.ISO_8859_1);
    }

    /** An atom, a quoted string or a literal (IMAP's astring, as liberal as Cyrus). */
    public String string() throws WireSyntaxException {
        int c = peek();
        if (c == '"') {
            return quoted();
        }
        if (c == '{') {
            return literal();
        }
        return atom();
    }

    /** Everything left in the frame, decoded as UTF-8. */
    public String rest() throws WireSyntaxException {
        String s = utf8(pos, bytes.length - pos);
        pos = bytes.length;
        return s;
    }

    /** Everything left in the frame as raw bytes. */
    public byte[] restBytes() {
        byte[] rest = Arrays.copyOfRange(bytes, Math.min(pos, bytes.length), bytes.length);
        pos = bytes.length;
        return rest;
    }

    private String atom() throws WireSyntaxException {
        int start = pos;
        while (!atEnd() && !isWordDelimiter(bytes[pos])) {
            pos++;
        }
        if (pos == start) {
            throw new WireSyntaxException("Badly formed arguments");
        }
        return utf8(start, pos - start);
    }

    private String quoted() throws WireSyntaxException {
        pos++; // opening quote
        byte[] out = new byte[bytes.length - pos];
        int n = 0;
        while (true) {
            if (atEnd()) {
                throw new WireSyntaxException("Unterminated quoted string");
            }
            byte b = bytes[pos++];
            if (b == '"') {
                return utf8(out, n);
            }
            if (b == '\\') {
                if (atEnd()) {
                    throw new WireSyntaxException("Unterminated quoted string");
                }
                b = bytes[pos++];
            }
            if (b == '\r' || b == '\n') {
                throw new WireSyntaxException("Unterminated quoted string");
            }
            out[n++] = b;
        }
    }

    private String literal() throws WireSyntaxException {
        pos++; // '{'
        long size = 0;
        int digits = 0;
        int significant = 0;
        while (!atEnd() && bytes[pos] >= '0' && bytes[pos] <= '9') {
            digits++;
            // leading zeros count for nothing (number is 1*DIGIT), as in the framer
            if ((size > 0 || bytes[pos] != '0') && ++significant > 10) {
                throw new WireSyntaxException("Bad literal length");
            }
            size = size * 10 + (bytes[pos++] - '0');
        }
        if (digits == 0) {
            throw new WireSyntaxException("Bad literal length");
        }
        if (peek() == '+') {
            pos++;
        }
        if (peek() != '}') {
            throw new WireSyntaxException("Bad literal length");
        }
        pos++;
        // The framer keeps the line terminator as it was received: CRLF or a bare LF.
        if (peek() == '\r') {
            pos++;
        }
        if (peek() != '\n') {
            throw new WireSyntaxException("Literal not at end of line");
        }
        pos++;
        if (size > bytes.length - pos) {
            throw new WireSyntaxException("Truncated literal");
        }
        int start = pos;
        pos += (int) size;
        return utf8(start, (int) size);
    }

    private static boolean isWordDelimiter(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == 0x0b || b == 0x0c
                || b == '(' || b == ')' || b == '"';
    }

    private String utf8(int from, int len) throws WireSyntaxException {
        return decode(ByteBuffer.wrap(bytes, from, len));
    }

    private static String utf8(byte[] b, int len) throws WireSyntaxException {
        return decode(ByteBuffer.wrap(b, 0, len));
    }

    private static String decode(ByteBuffer buffer) throws WireSyntaxException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(buffer)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new WireSyntaxException("Invalid UTF-8");
        }
    }
}
