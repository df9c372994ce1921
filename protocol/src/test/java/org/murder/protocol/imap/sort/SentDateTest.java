package org.murder.protocol.imap.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.OffsetDateTime;
import java.util.OptionalLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 5256 §2.2's sent date from RFC 5322 dates, obsolete forms included. */
class SentDateTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Mon, 7 Dec 2026 10:00:00 +0100|2026-12-07T09:00:00Z",
        "Mon, 7 Dec 2026 10:00:00 +0100 (CET)|2026-12-07T09:00:00Z",
        "7 Dec 2026 10:00 GMT|2026-12-07T10:00:00Z",
        "07 dec 2026 10:00:59 -0000|2026-12-07T10:00:59Z",
        "Mon,7 Dec 2026 10:00:00 -0930|2026-12-07T19:30:00Z",
        "Sun, 6 Dec 26 23:00:00 EST|2026-12-07T04:00:00Z",
        "6 Dec 99 23:00:00 PDT|1999-12-07T06:00:00Z",
        "1 Jan 101 00:00:00 +0000|2001-01-01T00:00:00Z",
        "Thu, 31 Dec 2026 23:59:60 +0000|2026-12-31T23:59:59Z",
        "7 December 2026 10:00:00 Z|2026-12-07T10:00:00Z",
        "7 Dec 2026 10:00:00|2026-12-07T10:00:00Z",
        "7 Dec 2026 10:00:00 A|2026-12-07T10:00:00Z",
    })
    void parses(String field, String utc) {
        assertEquals(OptionalLong.of(OffsetDateTime.parse(utc).toEpochSecond()), SentDate.parse(field));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "garbage", "32 Dec 2026 10:00:00 +0000", "29 Feb 2026 10:00:00 +0000",
        "7 Foo 2026 10:00:00 +0000", "7 Dec 2026 25:00:00 +0000", "7 Dec 2026 10:61:00 +0000", "7 Dec 2026",
        "Dec 7 2026 10:00:00 +0000", "7 Dec 2026 10:00:00:00 +0000", "7 Dec 20266 10:00:00 +0000",
        "7 Dec 2026 10:00:00 +01000", "7 Dec 2026 10:00:00 +0199"})
    void unreadableIsEmpty(String field) {
        assertEquals(OptionalLong.empty(), SentDate.parse(field));
    }
}
