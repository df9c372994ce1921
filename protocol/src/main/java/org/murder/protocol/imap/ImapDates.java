package org.murder.protocol.imap;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * The two date forms of IMAP commands: SEARCH's {@code date-text} ({@code 1-Feb-1994}) and APPEND's
 * {@code date-time} ({@code 17-Jul-1996 02:44:25 -0700}). Month names are case-insensitive (RFC 5234 strings);
 * anything else is exact. Both throw {@link IllegalArgumentException} with {@code "Invalid date"}.
 */
public final class ImapDates {

    private static final String[] MONTHS = {
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    };

    private ImapDates() {
    }

    /** {@code date-text = date-day "-" date-month "-" date-year}, the day in one or two digits. */
    public static LocalDate parseDate(String text) {
        int dash = text.indexOf('-');
        if (dash < 1 || dash > 2 || text.length() != dash + 9 || text.charAt(dash + 4) != '-') {
            throw invalid();
        }
        int day = digits(text, 0, dash);
        int month = month(text, dash + 1);
        int year = digits(text, dash + 5, dash + 9);
        return date(year, month, day);
    }

    /**
     * {@code date-time} without its quotes: {@code dd-Mon-yyyy hh:mm:ss +hhmm}, the day as two digits or a
     * space and one digit. The zone offset is kept: it is the zone SEARCH BEFORE/ON/SINCE compare in.
     */
    public static ZonedDateTime parseDateTime(String text) {
        if (text.length() != 26 || text.charAt(2) != '-' || text.charAt(6) != '-' || text.charAt(11) != ' '
                || text.charAt(14) != ':' || text.charAt(17) != ':' || text.charAt(20) != ' ') {
            throw invalid();
        }
        int day = text.charAt(0) == ' ' ? digits(text, 1, 2) : digits(text, 0, 2);
        int month = month(text, 3);
        int year = digits(text, 7, 11);
        int hour = digits(text, 12, 14);
        int minute = digits(text, 15, 17);
        int second = digits(text, 18, 20);
        char sign = text.charAt(21);
        int zoneHours = digits(text, 22, 24);
        int zoneMinutes = digits(text, 24, 26);
        if ((sign != '+' && sign != '-') || zoneMinutes > 59 || zoneHours > 18 || hour > 23 || minute > 59
                || second > 59) {
            throw invalid();
        }
        int offsetSeconds = (zoneHours * 3600 + zoneMinutes * 60) * (sign == '-' ? -1 : 1);
        try {
            return ZonedDateTime.of(date(year, month, day).atTime(hour, minute, second),
                    ZoneOffset.ofTotalSeconds(offsetSeconds));
        } catch (DateTimeException e) {
            throw invalid();
        }
    }

    private static LocalDate date(int year, int month, int day) {
        try {
            return LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            throw invalid();
        }
    }

    private static int month(String text, int from) {
        String name = text.substring(from, from + 3).toUpperCase(Locale.ROOT);
        for (int i = 0; i < MONTHS.length; i++) {
            if (MONTHS[i].equals(name)) {
                return i + 1;
            }
        }
        throw invalid();
    }

    private static int digits(String text, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid();
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static IllegalArgumentException invalid() {
        return new IllegalArgumentException(ImapSyntaxException.INVALID_DATE);
    }
}
