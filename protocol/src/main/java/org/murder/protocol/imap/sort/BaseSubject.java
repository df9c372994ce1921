package org.murder.protocol.imap.sort;

/**
 * The base subject of RFC 5256 §2.1, which SORT SUBJECT compares and both THREAD algorithms group by, and whether
 * extracting it found the message to be a reply or forward (THREAD=REFERENCES step 5). The input is the Subject
 * field's text with RFC 2047 encoded words already decoded. The result is upper-cased in ASCII, the
 * {@code i;ascii-casemap} form RFC 5256 compares with, so equal subjects are equal strings.
 */
public record BaseSubject(String base, boolean replyOrForward) {

    public static final BaseSubject EMPTY = new BaseSubject("", false);

    /** A subject field's text (decoded) to its base subject, by steps 1 to 7 of RFC 5256 §2.1. */
    public static BaseSubject of(String decodedSubject) {
        String s = collapseWhitespace(decodedSubject); // step 1
        boolean refwd = false;
        while (true) {
            // step 2: subj-trailer = "(fwd)" / WSP, as often as it matches
            int end = s.length();
            while (true) {
                if (end > 0 && isWsp(s.charAt(end - 1))) {
                    end--;
                } else if (end >= 5 && s.regionMatches(true, end - 5, "(fwd)", 0, 5)) {
                    end -= 5;
                    refwd = true;
                } else {
                    break;
                }
            }
            s = s.substring(0, end);
            // steps 3 to 5: subj-leader, then a subj-blob that does not leave the subject empty, until neither matches
            while (true) {
                int wsp = wspRun(s, 0);
                if (wsp > 0) {
                    s = s.substring(wsp);
                    continue;
                }
                int leader = blobsAndRefwd(s);
                if (leader > 0) {
                    refwd = true;
                    s = s.substring(leader);
                    continue;
                }
                int blob = blob(s, 0);
                if (blob > 0 && !s.substring(blob).isBlank()) {
                    s = s.substring(blob);
                    continue;
                }
                break;
            }
            // step 6: subj-fwd-hdr ... subj-fwd-trl, then back to step 2
            if (s.length() >= 6 && s.regionMatches(true, 0, "[fwd:", 0, 5) && s.endsWith("]")) {
                s = s.substring(5, s.length() - 1);
                refwd = true;
                continue;
            }
            return new BaseSubject(asciiUpper(s), refwd);
        }
    }

    /** The length of the {@code *subj-blob subj-refwd} form of a {@code subj-leader} at the start of {@code s}, or 0. */
    private static int blobsAndRefwd(String s) {
        int p = 0;
        while (true) {
            int refwd = refwd(s, p);
            if (refwd > 0) {
                return refwd;
            }
            int blob = blob(s, p);
            if (blob == 0) {
                return 0;
            }
            p = blob;
        }
    }

    /** The end of a {@code subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"} starting at {@code from}, or 0. */
    private static int refwd(String s, int from) {
        int p;
        if (s.regionMatches(true, from, "re", 0, 2)) {
            p = from + 2;
        } else if (s.regionMatches(true, from, "fwd", 0, 3)) {
            p = from + 3;
        } else if (s.regionMatches(true, from, "fw", 0, 2)) {
            p = from + 2;
        } else {
            return 0;
        }
        p += wspRun(s, p);
        int blob = blob(s, p);
        if (blob > 0) {
            p = blob;
        }
        return p < s.length() && s.charAt(p) == ':' ? p + 1 : 0;
    }

    /** The end of a {@code subj-blob = "[" *BLOBCHAR "]" *WSP} starting at {@code from} (its WSP included), or 0. */
    private static int blob(String s, int from) {
        if (from >= s.length() || s.charAt(from) != '[') {
            return 0;
        }
        for (int p = from + 1; p < s.length(); p++) {
            char c = s.charAt(p);
            if (c == ']') {
                return p + 1 + wspRun(s, p + 1);
            }
            if (c == '[') {
                return 0;
            }
        }
        return 0;
    }

    private static int wspRun(String s, int from) {
        int p = from;
        while (p < s.length() && isWsp(s.charAt(p))) {
            p++;
        }
        return p - from;
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }

    /** Tabs, line breaks left by unfolding and runs of them to one space each. */
    private static String collapseWhitespace(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (!space) {
                    out.append(' ');
                    space = true;
                }
            } else {
                out.append(c);
                space = false;
            }
        }
        return out.toString();
    }

    /** {@code i;ascii-casemap}: a–z upper-cased, every other character as it is. */
    static String asciiUpper(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                char[] out = s.toCharArray();
                for (int j = i; j < out.length; j++) {
                    if (out[j] >= 'a' && out[j] <= 'z') {
                        out[j] = (char) (out[j] - 'a' + 'A');
                    }
                }
                return new String(out);
            }
        }
        return s;
    }

}
