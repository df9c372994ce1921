package org.murder.protocol.imap.sort;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The sent date of RFC 5256 §2.2: the Date field's date-time (RFC 5322 §3.3, with its obsolete forms: two- and
 * three-digit years, zone names, no seconds, no day of week, comments) as seconds since the epoch in UTC. Empty when
 * the field cannot be read, and then SORT and THREAD use the INTERNALDATE instead.
 */
public final class SentDate {

    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
            "oct", "nov", "dec");
    private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    private SentDate() {
    }

    public static OptionalLong parse(String field) {
        if (field == null || field.length() > 1000) {
            return OptionalLong.empty();
        }
        List<String> tokens = tokens(field);
        int i = 0;
        if (i < tokens.size() && isDayName(tokens.get(i))) {
            i++;
        }
        if (tokens.size() - i < 4) {
            return OptionalLong.empty();
        }
        try {
            int day = number(tokens.get(i++), 1, 2);
            int month = month(tokens.get(i++));
            String yearText = tokens.get(i++);
            int year = number(yearText, 2, 4);
            if (yearText.length() == 2) {
                year += year < 50 ? 2000 : 1900; // RFC 5322 §4.3
            } else if (yearText.length() == 3) {
                year += 1900;
            }
            String[] time = tokens.get(i++).split(":", -1);
            if (time.length < 2 || time.length > 3) {
                return OptionalLong.empty();
            }
            int hour = number(time[0], 1, 2);
            int minute = number(time[1], 1, 2);
            int second = time.length == 3 ? number(time[2], 1, 2) : 0;
            if (second == 60) {
                second = 59; // a leap second
            }
            int offset = i < tokens.size() ? zone(tokens.get(i)) : 0;
            long local = LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC);
            return OptionalLong.of(local - offset);
        } catch (DateTimeException | IllegalArgumentException e) {
            return OptionalLong.empty();
        }
    }

    /** Words of the field, comments and commas left out. */
    private static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0 && c != ',' && !Character.isWhitespace(c)) {
                word.append(c);
                continue;
            }
            if (word.length() > 0) {
                out.add(word.toString());
                word.setLength(0);
            }
        }
        if (word.length() > 0) {
            out.add(word.toString());
        }
        return out;
    }

    private static boolean isDayName(String token) {
        return token.length() >= 3 && DAYS.contains(token.substring(0, 3).toLowerCase(Locale.ROOT))
                && token.chars().allMatch(Character::isLetter);
    }

    private static int number(String s, int minDigits, int maxDigits) {
        if (s.length() < minDigits || s.length() > maxDigits || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(s);
        }
        return Integer.parseInt(s);
    }

    private static int month(String s) {
        int m = s.length() >= 3 ? MONTHS.indexOf(s.substring(0, 3).toLowerCase(Locale.ROOT)) : -1;
        if (m < 0) {
            throw new IllegalArgumentException(s);
        }
        return m + 1;
    }

    /** The zone's offset east of UTC in seconds; names of RFC 5322 §4.3, anything unknown taken as UTC. */
    private static int zone(String z) {
        if ((z.startsWith("+") || z.startsWith("-")) && z.length() == 5 && z.substring(1).chars().allMatch(Character::isDigit)) {
            int hh = Integer.parseInt(z.substring(1, 3));
            int mm = Integer.parseInt(z.substring(3, 5));
            if (mm > 59) {
                throw new IllegalArgumentException(z);
            }
            int seconds = (hh * 60 + mm) * 60;
            return z.charAt(0) == '-' ? -seconds : seconds;
        }
        if (z.startsWith("+") || z.startsWith("-")) {
            throw new IllegalArgumentException(z);
        }
        switch (z.toUpperCase(Locale.ROOT)) {
            case "EDT":
                return -4 * 3600;
            case "EST":
            case "CDT":
                return -5 * 3600;
            case "CST":
            case "MDT":
                return -6 * 3600;
            case "MST":
            case "PDT":
                return -7 * 3600;
            case "PST":
                return -8 * 3600;
            default:
                return 0; // UT, GMT, Z, military zones (RFC 5322 §4.3: treat as -0000) and the unknown
        }
    }
}
