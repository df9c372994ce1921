package org.murder.protocol.lmtp;

/**
 * Character classes and token checks of RFC 5321 (paths, ESMTP parameters), RFC 3461 / 4954 (xtext) and
 * RFC 4422 (mechanism names), shared by the parser and by the values' own checks, so that nothing the parser
 * accepts fails a value's constructor and nothing a value accepts can break a command line.
 */
final class LmtpSyntax {

    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

    private LmtpSyntax() {
    }

    /** RFC 5322 atext: a character of an unquoted local part. */
    static boolean isAtext(char c) {
        return isAlpha(c) || isDigit(c) || ATEXT_SPECIALS.indexOf(c) >= 0;
    }

    static boolean isAlpha(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Printable US-ASCII, space included: what may stand in a command or reply line's text. */
    static boolean isPrintable(char c) {
        return c >= 0x20 && c <= 0x7e;
    }

    static boolean isPrintable(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isPrintable(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A local part that may go unquoted: atext and dots. Stricter RFC 5321 would also refuse leading, trailing
     * and doubled dots; like Cyrus's {@code parseaddr} (and Postfix without {@code strict_rfc821_envelopes}) we
     * take them, and send them back the way they came.
     */
    static boolean isLenientDotString(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '.' && !isAtext(c)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 5321 qtextSMTP or the character of a quoted-pairSMTP: anything printable. */
    static boolean isQuotable(char c) {
        return isPrintable(c);
    }

    /** RFC 5321 Domain: dot-separated labels of letters, digits and inner hyphens. */
    static boolean isDomain(String s) {
        if (s.isEmpty() || s.length() > 255) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '.') {
                if (!isLabel(s, labelStart, i)) {
                    return false;
                }
                labelStart = i + 1;
            }
        }
        return true;
    }

    private static boolean isLabel(String s, int from, int to) {
        if (to <= from || s.charAt(from) == '-' || s.charAt(to - 1) == '-') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!isAlpha(c) && !isDigit(c) && c != '-') {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 5321 address-literal, brackets included: {@code [192.0.2.1]}, {@code [IPv6:...]} or a general
     * literal; the content is any dtext (printable but {@code [ \ ]} and space).
     */
    static boolean isAddressLiteral(String s) {
        if (s.length() < 3 || s.charAt(0) != '[' || s.charAt(s.length() - 1) != ']') {
            return false;
        }
        for (int i = 1; i < s.length() - 1; i++) {
            if (!isDtext(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isDtext(char c) {
        return (c >= 33 && c <= 90) || (c >= 94 && c <= 126);
    }

    /** RFC 5321 esmtp-keyword: {@code (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")}. */
    static boolean isKeyword(String s) {
        if (s.isEmpty() || !(isAlpha(s.charAt(0)) || isDigit(s.charAt(0)))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAlpha(c) && !isDigit(c) && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** RFC 5321 esmtp-value: one or more printable characters but {@code =} and space. */
    static boolean isParameterValue(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 33 || c > 126 || c == '=') {
                return false;
            }
        }
        return true;
    }

    static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** RFC 4422 sasl-mech: 1 to 20 of upper-case letters, digits, hyphen and underscore. */
    static boolean isMechanism(String s) {
        if (s.isEmpty() || s.length() > 20) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && !isDigit(c) && c != '-' && c != '_') {
                return false;
            }
        }
        return true;
    }

    /** An RFC 4954 initial response: {@code =} (empty) or base64 text with at most two pad characters. */
    static boolean isInitialResponse(String s) {
        if (s.equals("=")) {
            return true;
        }
        int end = s.length();
        int pad = 0;
        while (end > 0 && s.charAt(end - 1) == '=' && pad < 2) {
            end--;
            pad++;
        }
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (!isAlpha(c) && !isDigit(c) && c != '+' && c != '/') {
                return false;
            }
        }
        return true;
    }
}
