package org.murder.protocol.imap.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 2047 encoded words in header values, and address fields written out again for SEARCH. */
class EncodedWordsTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "plain text|plain text",
        "=?UTF-8?B?SsO8cmdlbiBHcm/Dnw==?=|Jürgen Groß",
        "=?ISO-8859-1?Q?Andr=E9_Dupont?=|André Dupont",
        "=?iso-8859-1?q?caf=E9?= ouvert|café ouvert",
        // RFC 2047 6.2: whitespace between adjacent encoded words is dropped, not inside them
        "=?utf-8?q?Zo=C3=AB?= =?utf-8?b?IFNhbGRhw7Fh?=|Zoë Saldaña",
        "'=?UTF-8?Q?a?=   =?UTF-8?Q?b?= c'|ab c",
        "=?UTF-8*en?Q?Hello_world?=|Hello world",
        "'=?UTF-8?Q??= nobody@example.com'|' nobody@example.com'",
        "=?x-unknown?Q?abc?=|=?x-unknown?Q?abc?=",
        "'\"=?UTF-8?Q?Quoted_Name?=\" <q@x.test>'|'\"Quoted Name\" <q@x.test>'",
    })
    void decode(String raw, String decoded) {
        assertEquals(decoded, EncodedWords.decode(raw));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "user-from@domain.org|<user-from@domain.org>",
        "RealFrom <user-from@domain.org>|RealFrom <user-from@domain.org>",
        "<user-from (comment)@ (comment) domain.org>|<user-from@domain.org>",
        "user-from@domain.org (RealFrom)|RealFrom <user-from@domain.org>",
        "'a@b.test, \"Smith, John\" <j@s.test>'|'<a@b.test>, Smith, John <j@s.test>'",
        "'g: a@b.test, c@d.test;, h: e@f.test;'|'g: <a@b.test>, <c@d.test>;, h: <e@f.test>;'",
        "'\"=?ISO-8859-1?Q?Andr=E9?=\" <andre@example.fr>'|André <andre@example.fr>",
        "undisclosed|<undisclosed>",
        "''|''",
    })
    void addressText(String raw, String text) {
        assertEquals(text, AddressText.of(raw));
    }
}
