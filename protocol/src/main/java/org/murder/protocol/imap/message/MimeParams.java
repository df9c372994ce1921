package org.murder.protocol.imap.message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.murder.protocol.imap.message.ContentInfo.Param;

/** Parameter and Content-Language helpers with Cyrus's results. */
final class MimeParams {

    private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private MimeParams() {
    }

    /**
     * Folds RFC 2231 continuations ({@code NAME*0}, {@code NAME*1*}, ...) into one {@code NAME} (or {@code NAME*} when
     * any section is extended, the simple sections then percent-encoded), in the first section's place. The value stays
     * encoded: BODYSTRUCTURE shows parameters as written. Names are already upper case.
     */
    static List<Param> fold(List<Param> params) {
        List<Param> work = new ArrayList<>(params);
        for (int i = 0; i < work.size(); i++) {
            String name = work.get(i).name();
            String base;
            boolean extended;
            if (name.endsWith("*0")) {
                base = name.substring(0, name.length() - 2);
                extended = false;
            } else if (name.endsWith("*0*")) {
                base = name.substring(0, name.length() - 3);
                extended = true;
            } else {
                continue;
            }
            if (base.isEmpty() || base.indexOf('*') >= 0) {
                continue;
            }
            StringBuilder value = new StringBuilder(work.get(i).value());
            for (int section = 1; section < 100; section++) {
                int at = find(work, base + "*" + section);
                if (at < 0) {
                    break;
                }
                Param next = work.remove(at);
                if (at < i) {
                    i--;
                }
                boolean nextExtended = next.name().endsWith("*");
                if (nextExtended == extended) {
                    value.append(next.value());
                } else if (extended) {
                    value.append(percentEncode(next.value()));
                } else {
                    String simple = percentEncode(value.toString());
                    value.setLength(0);
                    value.append("''").append(simple).append(next.value());
                    extended = true;
                }
            }
            work.set(i, new Param(extended ? base + "*" : base, value.toString()));
        }
        return List.copyOf(work);
    }

    /** The value of an extended ({@code NAME*}) parameter without its {@code charset'language'} prefix, %XX decoded. */
    static String decodeExtended(String value) {
        int first = value.indexOf('\'');
        int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
        String encoded = second < 0 ? value : value.substring(second + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            int high = c == '%' && i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(encoded.charAt(i + 2), 16) : -1;
            if (low >= 0) {
                out.write(high * 16 + low);
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] bytes = out.toByteArray();
        return Header.utf8(bytes, bytes.length);
    }

    /**
     * Content-Language as Cyrus reads it: comma-separated tags of letters and {@code -}, upper case; parsing stops at
     * the first tag that is not one (keeping those before it). Null in, empty out.
     */
    static List<String> languages(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        int i = 0;
        int n = value.length();
        while (true) {
            i = skipSpaceAndComments(value, i);
            if (i >= n) {
                return out;
            }
            int start = i;
            while (i < n && (Character.isLetter(value.charAt(i)) && value.charAt(i) < 0x80 || value.charAt(i) == '-')) {
                i++;
            }
            if (i < n && !isSpace(value.charAt(i)) && value.charAt(i) != ',' && value.charAt(i) != '(') {
                return out;
            }
            String tag = value.substring(start, i);
            i = skipSpaceAndComments(value, i);
            if (i < n && value.charAt(i) != ',') {
                return out;
            }
            if (!tag.isEmpty()) {
                out.add(tag.toUpperCase(Locale.ROOT));
            }
            i++;
        }
    }

    private static int find(List<Param> params, String name) {
        for (int i = 0; i < params.size(); i++) {
            String n = params.get(i).name();
            if (n.equals(name) || n.equals(name + "*")) {
                return i;
            }
        }
        return -1;
    }

    private static String percentEncode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= ' ' || c >= 0x7f || c == '*' || c == '\'' || c == '%' || TSPECIALS.indexOf(c) >= 0) {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x0b || c == 0x0c;
    }

    /** Skips whitespace and (nested, escaped) comments. */
    static int skipSpaceAndComments(String s, int i) {
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '(') {
                int depth = 1;
                i++;
                while (depth > 0 && i < n) {
                    char d = s.charAt(i++);
                    if (d == '\\' && i < n) {
                        i++;
                    } else if (d == '(') {
                        depth++;
                    } else if (d == ')') {
                        depth--;
                    }
                }
            } else if (isSpace(c)) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }
}
