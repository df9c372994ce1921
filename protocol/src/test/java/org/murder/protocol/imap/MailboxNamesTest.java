package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MailboxNamesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "INBOX|INBOX",
        "~peter/mail/台北/日本語|~peter/mail/&U,BTFw-/&ZeVnLIqe-",
        "Entwürfe|Entw&APw-rfe",
        "&|&-",
        "Tom & Jerry|Tom &- Jerry",
        "&&|&-&-",
        "日本語|&ZeVnLIqe-",
        "ü|&APw-",
        "üä|&APwA5A-",
        "ü-ä|&APw--&AOQ-",
        "😀|&2D3eAA-",
        "a😀b|a&2D3eAA-b",
        "Ä/Ö|&AMQ-/&ANY-",
        "tab\tname|tab&AAk-name",
        "'|'",
        "~!@#$%^*()_+{}[]|~!@#$%^*()_+{}[]",
    })
    void encodesAndDecodesKnownNames(String name, String wire) {
        assertEquals(wire, MailboxNames.encodeUtf7(name));
        assertEquals(name, MailboxNames.decodeUtf7(wire));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "&", "&U,BTFw", "a&b", "&-&", // unterminated shift
        "&AGE-", // "a" encoded in base64: printable characters must stand for themselves
        "&ACY-", // "&" encoded in base64
        "&APw-&AOQ-", // two adjacent runs: must be one run
        "&APx-", // non-zero padding bits
        "&APwA-", // leftover bits beyond padding
        "&A-", "&AA-", // no whole character
        "&2D0-", // lone high surrogate
        "&3gA-", // lone low surrogate
        "&2D3YPQ-", // high surrogate followed by high surrogate
        "&AP*-", "&AP/-", "&AP=-", // not modified base64
        "ü", "\t", "a\u007fb", // raw non-printable or non-ASCII
    })
    void rejectsInvalidOrNonCanonicalEncodings(String wire) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MailboxNames.decodeUtf7(wire));
        assertEquals("Invalid mailbox name", e.getMessage());
    }

    @Test
    void refusesToEncodeALoneSurrogate() {
        assertThrows(IllegalArgumentException.class, () -> MailboxNames.encodeUtf7("a\ud83d"));
        assertThrows(IllegalArgumentException.class, () -> MailboxNames.encodeUtf7("\ude00b"));
    }

    @Test
    void randomNamesRoundTrip() {
        Random random = new Random(5_1_3);
        String alphabet = "aZ09 .&-/%*\"\\~üäß日本語€😀\u0001\u00a0";
        for (int i = 0; i < 5000; i++) {
            StringBuilder name = new StringBuilder();
            int length = random.nextInt(12);
            while (name.length() < length) {
                int cp = alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0, alphabet.length()))));
                name.appendCodePoint(cp);
            }
            String wire = MailboxNames.encodeUtf7(name.toString());
            assertEquals(name.toString(), MailboxNames.decodeUtf7(wire), wire);
            assertEquals(wire, MailboxNames.encodeUtf7(MailboxNames.decodeUtf7(wire)));
            assertEquals(true, wire.chars().allMatch(c -> c >= 0x20 && c <= 0x7e), wire);
        }
    }

    @Test
    void everyValidWireFormIsCanonical() {
        // decode() accepts only what encode() produces: random ASCII strings either fail or round-trip exactly
        Random random = new Random(3501);
        String alphabet = "&-AP,+wBaZ09/.";
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder wire = new StringBuilder();
            int length = random.nextInt(10);
            for (int j = 0; j < length; j++) {
                wire.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                String name = MailboxNames.decodeUtf7(wire.toString());
                assertEquals(wire.toString(), MailboxNames.encodeUtf7(name));
                decoded++;
            } catch (IllegalArgumentException expected) {
                // not canonical mUTF-7
            }
        }
        assertEquals(true, decoded > 1000);
    }

    @Test
    void fromWireNormalisesInboxAndMarksEmptyAndControlNamesUnusable() {
        assertEquals("INBOX", MailboxNames.fromWire("inbox", false));
        assertEquals("INBOX", MailboxNames.fromWire("iNbOx", true));
        assertEquals("INBOX.Sent", MailboxNames.fromWire("INBOX.Sent", false));
        assertEquals("inbox.Sent", MailboxNames.fromWire("inbox.Sent", false));
        assertEquals("Entwürfe", MailboxNames.fromWire("Entwürfe", true));
        assertEquals(MailboxNames.unusable(""), MailboxNames.fromWire("", false));
        assertEquals(MailboxNames.unusable(""), MailboxNames.fromWire("", true));
        assertEquals(MailboxNames.unusable("&AAk-"), MailboxNames.fromWire("&AAk-", false));
        assertEquals(MailboxNames.unusable("a\u0085b"), MailboxNames.fromWire("a\u0085b", true));
        assertThrows(IllegalArgumentException.class, () -> MailboxNames.fromWire("a\rb", true));
        assertThrows(IllegalArgumentException.class, () -> MailboxNames.fromWire("a\nb", false));
        assertThrows(IllegalArgumentException.class, () -> MailboxNames.fromWire("&AA0-", false)); // CR in base64
        assertEquals("", MailboxNames.patternFromWire("", false));
        assertEquals("inbox", MailboxNames.patternFromWire("inbox", false));
        assertEquals("Entw&APw-rfe", MailboxNames.toWire("Entw&APw-rfe", true));
        assertEquals("Entw&-APw-rfe", MailboxNames.toWire("Entw&APw-rfe", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"&Jjo", "&AGE-", "&APw-&AOQ-", "ä", "\uFFFD", "a\tb", "&-&", "&2D0-"})
    void namesNoMailboxCanHaveAreUnusableNotErrors(String wire) {
        String name = MailboxNames.fromWire(wire, false);
        assertTrue(MailboxNames.isUnusable(name), wire);
        assertEquals(wire, MailboxNames.toWire(name, false)); // a proxy passes it on as it came
        assertEquals(wire, MailboxNames.toWire(name, true));
        assertEquals(java.util.Optional.empty(), MailboxName.of(name).utf7()); // it has no internal name
        assertThrows(IllegalArgumentException.class, () -> MailboxNames.encodeUtf7(name));
        assertTrue(MailboxNames.isUnusable(MailboxNames.patternFromWire(wire, false)), wire);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\"b", "foo bar", "&AOQ-", "&Jjo-!", "100%", "a*b", "&-", "INBOX.&AOQ-"})
    void unusualButCanonicalNamesAreNames(String wire) {
        String name = MailboxNames.fromWire(wire, false);
        assertFalse(MailboxNames.isUnusable(name), wire);
        assertEquals(java.util.Optional.of(wire), MailboxName.of(name).utf7());
    }

    @Test
    void noUnusableNameEqualsAUsableOne() {
        // the raw wire text of an unusable name may look like a real name; the mark keeps them apart
        assertNotEquals(MailboxNames.fromWire("&-Jjo", false), MailboxNames.fromWire("&Jjo", false));
        assertEquals("&Jjo", MailboxNames.fromWire("&-Jjo", false));
        assertFalse(MailboxNames.isUnusable(""));
    }

    @Test
    void utf8NamesAreKeptInNormalizationFormC() {
        // RFC 9051 §5.1: "é" written as e + combining acute is the same name as the precomposed one
        assertEquals("Entw\u00fcrfe", MailboxNames.normalized("Entwu\u0308rfe"));
        assertEquals("Entw\u00fcrfe", MailboxNames.normalized("Entw\u00fcrfe"));
        String unusable = MailboxNames.unusable("u\u0308");
        assertEquals(unusable, MailboxNames.normalized(unusable), "a name no mailbox can have stays as it came");
    }
}
