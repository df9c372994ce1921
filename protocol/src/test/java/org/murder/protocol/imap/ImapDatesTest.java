package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImapDatesTest {

    @Test
    void searchDates() {
        assertEquals(LocalDate.of(1994, 2, 1), ImapDates.parseDate("1-Feb-1994"));
        assertEquals(LocalDate.of(1994, 2, 1), ImapDates.parseDate("01-feb-1994"));
        assertEquals(LocalDate.of(2024, 12, 31), ImapDates.parseDate("31-DEC-2024"));
        assertEquals(LocalDate.of(2000, 2, 29), ImapDates.parseDate("29-Feb-2000"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1-Feb", "1-Feb-94", "001-Feb-1994", "1-Feb-19944", "1-February-1994", "0-Feb-1994",
        "32-Jan-1994", "29-Feb-2001", "1 Feb 1994", "1-Fe-b1994", "a-Feb-1994", "1-Feb-199x", "-1-Feb-1994"})
    void invalidSearchDates(String text) {
        assertEquals("Invalid date", assertThrows(IllegalArgumentException.class, () -> ImapDates.parseDate(text)).getMessage());
    }

    @Test
    void appendDateTimesKeepTheirOffset() {
        assertEquals(ZonedDateTime.of(1996, 7, 17, 2, 44, 25, 0, ZoneOffset.ofHours(-7)),
                ImapDates.parseDateTime("17-Jul-1996 02:44:25 -0700"));
        assertEquals(ZonedDateTime.of(2024, 3, 5, 23, 59, 59, 0, ZoneOffset.ofHoursMinutes(5, 30)),
                ImapDates.parseDateTime(" 5-mar-2024 23:59:59 +0530"));
        assertEquals(ZonedDateTime.of(2024, 3, 5, 0, 0, 0, 0, ZoneOffset.UTC),
                ImapDates.parseDateTime("05-Mar-2024 00:00:00 +0000"));
        assertEquals(ZoneOffset.ofHours(-12), ImapDates.parseDateTime("05-Mar-2024 00:00:00 -1200").getOffset());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "17-Jul-1996 02:44:25", "17-Jul-1996 02:44:25 -07:00", "7-Jul-1996 02:44:25 -0700",
        "17-Jul-1996 2:44:25 -0700", "17-Jul-1996 24:00:00 -0700", "17-Jul-1996 02:60:25 -0700",
        "17-Jul-1996 02:44:60 -0700", "17-Jul-1996 02:44:25 -0760", "17-Jul-1996 02:44:25 +1900",
        "17-Jul-1996 02:44:25 *0700", "31-Jun-1996 02:44:25 -0700", "17-Jux-1996 02:44:25 -0700",
        "17/Jul/1996 02:44:25 -0700", "17-Jul-1996T02:44:25 -0700", "  7-Jul-1996 02:44:25 -0700"})
    void invalidDateTimes(String text) {
        assertEquals("Invalid date", assertThrows(IllegalArgumentException.class, () -> ImapDates.parseDateTime(text)).getMessage());
    }
}
