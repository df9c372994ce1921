package org.murder.protocol.imap.response;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Writes IMAP {@code date-time} ({@code "17-Jul-1996 02:44:25 -0700"}, RFC 3501 §9): the day space-padded to two
 * characters, English month, and the zone as a numeric offset, as Cyrus writes INTERNALDATE. The inverse of
 * {@link org.murder.protocol.imap.ImapDates#parseDateTime}.
 */
public final class ImapDateTimes {

    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    };

    private ImapDateTimes() {
    }

    /** The text between the quotes. Seconds of the offset, if any, are dropped (IMAP has none). */
    public static String format(ZonedDateTime t) {
        if (t.getYear() < 0 || t.getYear() > 9999) {
            throw new IllegalArgumentException("year out of range: " + t.getYear());
        }
        int offsetMinutes = t.getOffset().getTotalSeconds() / 60;
        char sign = offsetMinutes < 0 ? '-' : '+';
        offsetMinutes = Math.abs(offsetMinutes);
        StringBuilder out = new StringBuilder(26);
        if (t.getDayOfMonth() < 10) {
            out.append(' ');
        }
        out.append(t.getDayOfMonth()).append('-').append(MONTHS[t.getMonthValue() - 1]).append('-');
        pad(out, t.getYear(), 4).append(' ');
        pad(out, t.getHour(), 2).append(':');
        pad(out, t.getMinute(), 2).append(':');
        pad(out, t.getSecond(), 2).append(' ').append(sign);
        pad(out, offsetMinutes / 60, 2);
        return pad(out, offsetMinutes % 60, 2).toString();
    }

    /** SEARCH's {@code date-text} ({@code 1-Feb-1994}), the inverse of {@link org.murder.protocol.imap.ImapDates#parseDate}. */
    public static String formatDate(LocalDate date) {
        if (date.getYear() < 0 || date.getYear() > 9999) {
            throw new IllegalArgumentException("year out of range: " + date.getYear());
        }
        StringBuilder out = new StringBuilder(11);
        out.append(date.getDayOfMonth()).append('-').append(MONTHS[date.getMonthValue() - 1]).append('-');
        return pad(out, date.getYear(), 4).toString();
    }

    /** {@code instant} as seen in {@code zone}. */
    public static String format(Instant instant, ZoneId zone) {
        return format(instant.atZone(zone));
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }
}
