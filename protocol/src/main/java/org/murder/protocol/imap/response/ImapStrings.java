package org.murder.protocol.imap.response;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.murder.protocol.imap.ImapReader;

/**
 * How a server writes IMAP strings (RFC 3501 §4.3, RFC 9051 §4.3), shared by {@link ImapWriter} and the cached
 * ENVELOPE/BODYSTRUCTURE text of {@code imap.message}:
 * <ul>
 * <li>a <em>quoted</em> string when the value is short ({@value #MAX_QUOTED} characters at most, Cyrus's limit) and
 * 7-bit without CR, LF or NUL; {@code "} and {@code \} are escaped with a backslash;</li>
 * <li>a <em>literal</em> {@code {n}CRLF} otherwise (n = UTF-8 byte length). NUL is not a CHAR8, so a NUL in a value
 * becomes U+FFFD rather than break the literal's promise;</li>
 * <li>{@code NIL} for an absent nstring; an astring is an atom when it can be one (but never {@code NIL}).</li>
 * </ul>
 * Either way nothing in the value can end the response line: quoted strings carry no CR/LF and literals are
 * counted.
 */
public final class ImapStrings {

    /** Longer values travel as literals, as Cyrus's {@code message_write_nstring} does. */
    public static final int MAX_QUOTED = 1024;

    private ImapStrings() {
    }

    /** True when {@code s} can travel as a quoted string. */
    public static boolean quotable(String s) {
        if (s.length() > MAX_QUOTED) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 || c == '\r' || c == '\n' || c > 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code s} is a non-empty run of ATOM-CHARs. */
    public static boolean isAtom(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!ImapReader.isAtomChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** ASTRING-CHARs only ({@code ]} is allowed in an astring atom), and not the word NIL. */
    static boolean isAstringAtom(String s) {
        if (s.isEmpty() || "NIL".equals(s.toUpperCase(Locale.ROOT))) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!ImapReader.isAtomChar(c) && c != ']') {
                return false;
            }
        }
        return true;
    }

    /** Appends {@code s} as a quoted string or a literal. */
    public static StringBuilder appendString(StringBuilder out, String s) {
        if (quotable(s)) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    out.append('\\');
                }
                out.append(c);
            }
            return out.append('"');
        }
        String value = s.indexOf('\0') >= 0 ? s.replace('\0', '\uFFFD') : s;
        int length = value.getBytes(StandardCharsets.UTF_8).length;
        return out.append('{').append(length).append("}\r\n").append(value);
    }

    /** Appends {@code NIL} for {@code null}, else {@code s} as a string. */
    public static StringBuilder appendNString(StringBuilder out, String s) {
        return s == null ? out.append("NIL") : appendString(out, s);
    }

    /** Appends {@code s} as an atom when it can be one, else as a string. */
    public static StringBuilder appendAstring(StringBuilder out, String s) {
        return isAstringAtom(s) ? out.append(s) : appendString(out, s);
    }

    /**
     * An astring for a session whose strings may carry UTF-8 (IMAP4rev2, UTF8=ACCEPT: RFC 9051 §4.3's QUOTED-CHAR takes
     * UTF8-2..4): an atom, else quoted when {@link #quotable} but for the 8-bit characters, else a literal.
     */
    public static String utf8Astring(String s) {
        if (isAstringAtom(s)) {
            return s;
        }
        boolean quoted = s.length() <= MAX_QUOTED;
        for (int i = 0; quoted && i < s.length(); i++) {
            char c = s.charAt(i);
            quoted = c >= 0x20 && c != 0x7f && !(c >= 0x80 && c <= 0x9f);
        }
        if (!quoted) {
            return string(s);
        }
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }

    /** {@code s} as a quoted string or literal, e.g. for a test's expected text. */
    public static String string(String s) {
        return appendString(new StringBuilder(), s).toString();
    }

    /** {@code NIL} or {@code s} as a string. */
    public static String nstring(String s) {
        return appendNString(new StringBuilder(), s).toString();
    }

    /** {@code s} as an atom when it can be one, else as a string. */
    public static String astring(String s) {
        return appendAstring(new StringBuilder(), s).toString();
    }
}
