package org.murder.protocol.imap;

import java.nio.charset.StandardCharsets;

/**
 * Mailbox names on the wire. Without UTF8=ACCEPT (RFC 6855) a name travels in modified UTF-7 (RFC 3501
 * §5.1.3): printable US-ASCII stands for itself ({@code &} as {@code &-}), anything else is UTF-16 in a
 * base64 variant ({@code ,} for {@code /}, no padding) between {@code &} and {@code -}.
 *
 * <p>The decoder is strict and accepts only the canonical encoding (what {@link #encodeUtf7} produces): a
 * printable character encoded in base64, two adjacent base64 runs, non-zero padding bits, a lone surrogate
 * or an unterminated run are all rejected. So every Java string has exactly one wire form, and a proxy
 * cannot be tricked into treating two spellings as different mailboxes.
 */
public final class MailboxNames {

    public static final String INBOX = "INBOX";

    private static final char[] BASE64 =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".toCharArray();
    private static final int[] BASE64_VALUE = new int[128];

    static {
        java.util.Arrays.fill(BASE64_VALUE, -1);
        for (int i = 0; i < BASE64.length; i++) {
            BASE64_VALUE[BASE64[i]] = i;
        }
    }

    private MailboxNames() {
    }

    /** The modified UTF-7 form of {@code name}; rejects a string holding a lone surrogate. */
    public static String encodeUtf7(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        int i = 0;
        while (i < name.length()) {
            char c = name.charAt(i);
            if (isPrintable(c)) {
                out.append(c == '&' ? "&-" : String.valueOf(c));
                i++;
                continue;
            }
            int end = i;
            while (end < name.length() && !isPrintable(name.charAt(end))) {
                end++;
            }
            String run = name.substring(i, end);
            if (!isWellFormedUtf16(run)) {
                throw new IllegalArgumentException("Invalid mailbox name");
            }
            out.append('&');
            appendBase64(out, run.getBytes(StandardCharsets.UTF_16BE));
            out.append('-');
            i = end;
        }
        return out.toString();
    }

    /** The Java string a canonical modified UTF-7 name stands for. */
    public static String decodeUtf7(String wire) {
        StringBuilder out = new StringBuilder(wire.length());
        int i = 0;
        int lastRunEnd = -1;
        while (i < wire.length()) {
            char c = wire.charAt(i);
            if (!isPrintable(c)) {
                throw invalid();
            }
            if (c != '&') {
                out.append(c);
                i++;
                continue;
            }
            int dash = wire.indexOf('-', i + 1);
            if (dash < 0) {
                throw invalid();
            }
            if (dash == i + 1) {
                out.append('&');
            } else {
                if (lastRunEnd == i) {
                    throw invalid(); // "&AOQ-&AOQ-" must be written "&AOQA5A-"
                }
                decodeRun(wire, i + 1, dash, out);
                lastRunEnd = dash + 1;
            }
            i = dash + 1;
        }
        return out.toString();
    }

    /**
     * A UTF-8 name (IMAP4rev2, UTF8=ACCEPT) in Unicode Normalization Form C (RFC 9051 §5.1, RFC 6855 §3: names are kept
     * normalized, so two spellings of one name find one mailbox); an unusable name is returned as it is.
     */
    public static String normalized(String name) {
        return isUnusable(name) ? name : java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFC);
    }

    /** {@code INBOX} in any case becomes {@code INBOX}; any other name is returned as is. */
    public static String normalizeInbox(String name) {
        return INBOX.equalsIgnoreCase(name) ? INBOX : name;
    }

    /**
     * The mailbox a client means by a wire name: modified UTF-7 decoded unless UTF8=ACCEPT is enabled, then
     * checked (not empty, no control characters) and {@code INBOX} normalised. A name that fails those checks is
     * {@link #unusable}, not an error: it is well-formed IMAP, only no mailbox can have it.
     *
     * @throws IllegalArgumentException for a name holding a line break, in any encoding: names are echoed and
     *                                  logged, and none may ever forge a line (a {@code BAD}, where Cyrus says NO)
     */
    public static String fromWire(String wire, boolean utf8Accept) {
        String name = patternFromWire(wire, utf8Accept);
        return isUnusable(name) || !name.isEmpty() ? normalizeInbox(name) : unusable(wire);
    }

    /** A LIST reference or pattern: like {@link #fromWire} but may be empty and keeps its case. */
    public static String patternFromWire(String wire, boolean utf8Accept) {
        refuseLineBreak(wire);
        String name;
        try {
            name = utf8Accept ? wire : decodeUtf7(wire);
        } catch (IllegalArgumentException e) {
            return unusable(wire);
        }
        refuseLineBreak(name);
        return hasControl(name) ? unusable(wire) : name;
    }

    private static void refuseLineBreak(String s) {
        if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) {
            throw invalid();
        }
    }

    /** The unusable name the client sent as {@code wire}, as a command carries it ({@link MailboxName.Unusable}). */
    public static String unusable(String wire) {
        return new MailboxName.Unusable(wire).carried();
    }

    /** Whether {@code name} is {@link #unusable}: no mailbox has it, none can be created with it. */
    public static boolean isUnusable(String name) {
        return MailboxName.of(name) instanceof MailboxName.Unusable;
    }

    /** The wire form of a name: modified UTF-7 unless UTF8=ACCEPT is enabled; an unusable one's as it came. */
    public static String toWire(String name, boolean utf8Accept) {
        return MailboxName.of(name).wire(utf8Accept);
    }

    /** C0 controls, DEL and C1 controls: never part of a mailbox name. */
    static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return true;
            }
        }
        return false;
    }

    private static void decodeRun(String wire, int from, int to, StringBuilder out) {
        int bits = 0;
        int bitCount = 0;
        int start = out.length();
        for (int i = from; i < to; i++) {
            char c = wire.charAt(i);
            int v = c < 128 ? BASE64_VALUE[c] : -1;
            if (v < 0) {
                throw invalid();
            }
            bits = (bits << 6) | v;
            bitCount += 6;
            if (bitCount >= 16) {
                bitCount -= 16;
                char unit = (char) ((bits >>> bitCount) & 0xffff);
                if (isPrintable(unit)) {
                    throw invalid(); // printable characters stand for themselves
                }
                out.append(unit);
                bits &= (1 << bitCount) - 1;
            }
        }
        // Only padding may be left over: fewer than 6 bits, all zero, after at least one character.
        if (out.length() == start || bitCount >= 6 || bits != 0) {
            throw invalid();
        }
        if (!isWellFormedUtf16(out.substring(start))) {
            throw invalid();
        }
    }

    private static void appendBase64(StringBuilder out, byte[] bytes) {
        int bits = 0;
        int bitCount = 0;
        for (byte b : bytes) {
            bits = (bits << 8) | (b & 0xff);
            bitCount += 8;
            while (bitCount >= 6) {
                bitCount -= 6;
                out.append(BASE64[(bits >>> bitCount) & 0x3f]);
            }
            bits &= (1 << bitCount) - 1;
        }
        if (bitCount > 0) {
            out.append(BASE64[(bits << (6 - bitCount)) & 0x3f]);
        }
    }

    private static boolean isWellFormedUtf16(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPrintable(char c) {
        return c >= 0x20 && c <= 0x7e;
    }

    private static IllegalArgumentException invalid() {
        return new IllegalArgumentException("Invalid mailbox name");
    }
}
