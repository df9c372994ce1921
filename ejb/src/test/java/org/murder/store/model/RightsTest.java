package org.murder.store.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RightsTest {

    @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        // canonical strings Cyrus writes come back unchanged
        "lrswipkxtecdan | lrswipkxtecdan",
        "lrswipkxtecda  | lrswipkxtecda",
        "lrs            | lrs",
        "xc             | xc",
        "kc             | kc",
        "a              | a",
        "n              | n",
        "0123456789     | 0123456789",
        "''             | ''",
        // a member right alone gains its legacy letter (SETACL cyrus x is stored as 'xc')
        "x              | xc",
        "k              | kc",
        "t              | td",
        "e              | ed",
        // legacy macros expand when none of their members is spelled out
        "c              | kxc",
        "d              | ted",
        "cd             | kxtecd",
        "ct             | kxtcd",
        "lrswipcda      | lrswipkxtecda",
        // ... and are ignored when one is
        "dt             | td",
        "cx             | xc",
        // order is canonical whatever the input order
        "pl             | lp",
        "9l             | l9",
        "nalr           | lran",
        "lrswipkxtean   | lrswipkxtecdan",
    })
    void parsesAndFormatsLikeCyrus(String in, String out) {
        assertEquals(out, Rights.parse(in).toString());
    }

    @Test
    void namedSets() {
        assertEquals("lrswipkxtecdan", Rights.ALL.toString());
        assertEquals("lrswipkxtecdan0123456789", Rights.FULL.toString());
        assertEquals("la", Rights.ADMIN_IMPLICIT.toString());
        assertEquals("lkxcan", Rights.OWNER_IMPLICIT_DEFAULT.toString());
        assertEquals("", Rights.NONE.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "lrz   | false | z",
        "L     | false | L",
        "lr w  | false | ' '",
        "+lr   | false | +",
        "+lr   | true  | ''",
        "-lr   | true  | ''",
        "+-lr  | true  | -",
        "lrs   | false | ''",
        "''    | true  | ''",
        "lrsq  | true  | q",
    })
    void unsupportedLettersAreNamedLikeCyrusChecksStr(String in, boolean skipSign, String bad) {
        Optional<Character> expected = bad.isEmpty() ? Optional.empty() : Optional.of(bad.charAt(0));
        assertEquals(expected, Rights.firstUnsupported(in, skipSign));
    }

    @Test
    void strictParseRefusesUnknownLettersLenientIgnoresThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rights.parse("lrz"));
        assertEquals("The z right is not supported", e.getMessage());
        assertEquals("lr", Rights.parseLenient("lrz").toString());
        assertEquals("", Rights.parseLenient("zzz").toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "xc  | c | true",
        "kc  | c | true",
        "ed  | d | true",
        "xc  | k | false",
        "lrs | l | true",
        "lrs | w | false",
        "''  | l | false",
        "9   | 9 | true",
        "lrs | z | false",
    })
    void hasAnswersPerLetter(String rights, char letter, boolean expected) {
        assertEquals(expected, Rights.parse(rights).has(letter));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "l | true", "r | true", "i | true", "k | true", "x | true", "a | true",
        "s | false", "w | false", "p | false", "t | false", "e | false", "n | false", "'' | false",
        "swptedn0123456789 | false",
    })
    void existenceIsRevealedByLookupReadInsertCreateDeleteOrAdmin(String rights, boolean reveals) {
        assertEquals(reveals, Rights.parse(rights).revealsExistence());
    }

    @Test
    void setAlgebra() {
        Rights lrs = Rights.parse("lrs");
        assertEquals("lrsw", lrs.plus(Rights.parse("w")).toString());
        assertEquals("ls", lrs.minus(Rights.parse("r")).toString());
        assertEquals("r", lrs.and(Rights.parse("rw")).toString());
        assertTrue(lrs.containsAll(Rights.parse("lr")));
        assertFalse(lrs.containsAll(Rights.parse("lw")));
        assertEquals(Rights.FULL, Rights.NONE.complement());
        assertEquals(Rights.NONE, Rights.FULL.complement());
        assertEquals(Rights.parse("lrs"), Rights.parse("srl"));
        assertEquals(Rights.parse("lrs").hashCode(), Rights.parse("srl").hashCode());
    }

    @Test
    void formattingIsAFixedPointForRandomSets() {
        Random random = new Random(4314);
        String letters = "lrswipkxtecdan0123456789";
        for (int i = 0; i < 2000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(10);
            for (int k = 0; k < n; k++) {
                b.append(letters.charAt(random.nextInt(letters.length())));
            }
            Rights r = Rights.parse(b.toString());
            assertEquals(r, Rights.parse(r.toString()), b.toString());
            assertEquals(r.toString(), Rights.parse(r.toString()).toString(), b.toString());
        }
    }
}
