package org.murder.store.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListPatternTest {

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "*             | INBOX              | true",
        "*             | user.bob.Sent      | true",
        "%             | INBOX              | true",
        "%             | INBOX.Sent         | false",
        "%             | shared             | true",
        "INBOX.%       | INBOX.Sent         | true",
        "INBOX.%       | INBOX.Sent.x       | false",
        "INBOX.%       | INBOX              | false",
        "INBOX.*       | INBOX.Sent.x       | true",
        "INBOX*        | INBOX              | true",
        "INBOX*        | INBOX.Sent         | true",
        "INBOX*        | INBOXfoo           | true",
        "INBOX%        | INBOX.Sent         | false",
        // INBOX is case-insensitive, and only INBOX
        "inbox         | INBOX              | true",
        "InBoX         | INBOX              | true",
        "Inbox.Sent    | INBOX.Sent         | true",
        "inbox.%       | INBOX.Sent         | true",
        "inbox.sent    | INBOX.Sent         | false",
        "*box          | INBOX              | true",
        "*BOX.Sent     | INBOX.Sent         | true",
        "i%            | INBOX              | true",
        "inbox*        | INBOXES            | false",
        "INBOX*        | INBOXES            | true",
        "inbox*        | INBOX.Sent         | true",
        "user.%        | user.bob           | true",
        "user.%        | user.bob.Sent      | false",
        "user.%        | User.bob           | false",
        "user.*.Sent   | user.bob.Sent      | true",
        "user.*.Sent   | user.bob.x.Sent    | true",
        "user.%.Sent   | user.bob.x.Sent    | false",
        "user.bob.inbox | user.bob.INBOX    | false",
        "shared        | Shared             | false",
        "%.%           | INBOX.Sent         | true",
        "%.%           | INBOX              | false",
        "a%b           | ab                 | true",
        "a%b           | axyb               | true",
        "a%b           | a.b                | false",
        "a*b           | a.b                | true",
        "%%            | abc                | true",
        "%%            | a.b                | false",
        "*%            | a.b                | true",
        "%*            | a.b                | true",
        "''            | ''                 | true",
        "''            | a                  | false",
        "Sent Items    | Sent Items         | true",
        "&AOk-*        | &AOk-t&AOk-        | true",
    })
    void matchesWithDotSeparator(String pattern, String name, boolean expected) {
        assertEquals(expected, ListPattern.of(pattern, '.').matches(name));
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "%             | a/b                | false",
        "%             | a.b                | true",
        "INBOX/%       | INBOX/Sent         | true",
        "inbox/%       | INBOX/Sent         | true",
        "inbox.%       | INBOX.Sent         | false",
        "user/%/Sent   | user/john.doe/Sent | true",
        "*             | a/b/c              | true",
    })
    void matchesWithSlashSeparator(String pattern, String name, boolean expected) {
        assertEquals(expected, ListPattern.of(pattern, '/').matches(name));
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "%             | user.bob.Sent   | 4",
        "%             | INBOX           | 5",
        "%             | INBOX.Sent      | 5",
        "INBOX         | INBOX.Sent      | 5",
        "inbox         | INBOX.Sent.x    | 5",
        "*             | a.b             | 3",
        "user.%        | user.bob.Sent   | 8",
        "user.%        | user.bob        | 8",
        "x%            | user.bob        | -1",
        "%.Sent        | INBOX.Sent.x    | 10",
        "%.Sent        | INBOX.Sentx     | -1",
        "a.%.c         | a.b.c.d.e       | 5",
        "a*            | ab.c            | 4",
        "a%            | ab.c            | 2",
    })
    void matchLengthIsCyrusGlobTest(String pattern, String name, int expected) {
        assertEquals(expected, ListPattern.of(pattern, '.').matchLength(name));
    }

    @ParameterizedTest(name = "[{0}] + [{1}] = [{2}]")
    @CsvSource(delimiter = '|', value = {
        "INBOX.  | .Sent  | INBOX.Sent",
        "INBOX.  | Sent   | INBOX.Sent",
        "INBOX   | .Sent  | INBOX.Sent",
        "INBOX   | Sent   | INBOXSent",
        "''      | *      | *",
        "user.   | %      | user.%",
        "INBOX.  | ''     | INBOX.",
        "''      | ''     | ''",
    })
    void referenceJoinsLikeCyrus(String reference, String pattern, String expected) {
        assertEquals(expected, ListPattern.canonical(reference, pattern, '.'));
        assertEquals(expected, ListPattern.compile(reference, pattern, '.').pattern());
        assertEquals(expected.replace('.', '/'),
                ListPattern.canonical(reference.replace('.', '/'), pattern.replace('.', '/'), '/'));
    }

    @ParameterizedTest(name = "{0} below {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "%             | INBOX       | false",
        "*             | x           | true",
        "INBOX.%       | INBOX       | true",
        "inbox.%       | INBOX       | true",
        "INBOX.%       | INBOX.Sent  | false",
        "INBOX.*       | INBOX.Sent  | true",
        "INBOX         | INBOX       | false",
        "user.%.Sent   | user.bob    | true",
        "user.%.Sent   | shared      | false",
        "%.Sent        | user        | true",
        "user.%        | user        | true",
        "user.%        | user.bob    | false",
        "a*z           | b           | false",
        "*z            | b           | true",
    })
    void couldMatchChildrenPrunesSubtrees(String pattern, String prefix, boolean expected) {
        assertEquals(expected, ListPattern.of(pattern, '.').couldMatchChildren(prefix));
    }

    @Test
    void delimiterRequest() {
        assertTrue(ListPattern.isDelimiterRequest(""));
        assertFalse(ListPattern.isDelimiterRequest("%"));
    }

    // ---- property checks against independent oracles, fixed seed, bounded ----

    private static String random(Random r, String alphabet, int maxLength) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(maxLength + 1);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static Pattern regex(String pattern) {
        StringBuilder b = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*') {
                b.append(".*");
            } else if (c == '%') {
                b.append("[^.]*");
            } else {
                b.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(b.toString(), Pattern.DOTALL);
    }

    @Test
    void matchingAgreesWithARegexOracle() {
        Random r = new Random(5258);
        for (int i = 0; i < 5000; i++) {
            String pattern = random(r, "ab.*%", 6);
            String name = random(r, "ab.", 7);
            ListPattern p = ListPattern.of(pattern, '.');
            Pattern oracle = regex(pattern);
            String where = "'" + pattern + "' ~ '" + name + "'";
            assertEquals(oracle.matcher(name).matches(), p.matches(name), where);
            int expected = -1;
            for (int k = 0; k <= name.length(); k++) {
                if ((k == name.length() || name.charAt(k) == '.') && oracle.matcher(name.substring(0, k)).matches()) {
                    expected = k;
                }
            }
            assertEquals(expected, p.matchLength(name), where);
        }
    }

    @Test
    void couldMatchChildrenAgreesWithExhaustiveSearch() {
        Random r = new Random(3501);
        String[] suffixes = allStrings("ab.", 6);
        for (int i = 0; i < 400; i++) {
            String pattern = random(r, "ab.*%", 5);
            String prefix = random(r, "ab", 3);
            Pattern oracle = regex(pattern);
            boolean expected = false;
            for (String s : suffixes) {
                if (oracle.matcher(prefix + "." + s).matches()) {
                    expected = true;
                    break;
                }
            }
            assertEquals(expected, ListPattern.of(pattern, '.').couldMatchChildren(prefix),
                    "'" + pattern + "' below '" + prefix + "'");
        }
    }

    private static String[] allStrings(String alphabet, int maxLength) {
        java.util.List<String> out = new java.util.ArrayList<>();
        out.add("");
        int from = 0;
        for (int len = 1; len <= maxLength; len++) {
            int to = out.size();
            for (int i = from; i < to; i++) {
                for (char c : alphabet.toCharArray()) {
                    out.add(out.get(i) + c);
                }
            }
            from = to;
        }
        return out.toArray(new String[0]);
    }

    @Test
    void inboxCaseOnlyTouchesTheFirstLevel() {
        Random r = new Random(1730);
        for (int i = 0; i < 2000; i++) {
            String rest = random(r, "ab.*%", 4);
            String upper = "INBOX" + rest;
            StringBuilder mixed = new StringBuilder();
            for (char c : "INBOX".toCharArray()) {
                mixed.append(r.nextBoolean() ? Character.toLowerCase(c) : c);
            }
            mixed.append(rest);
            String name = "INBOX" + random(r, "ab.", 4);
            if (name.length() > 5 && name.charAt(5) != '.') {
                continue; // not the INBOX, so case-sensitive
            }
            assertEquals(ListPattern.of(upper, '.').matches(name), ListPattern.of(mixed.toString(), '.').matches(name),
                    mixed + " ~ " + name);
            assertEquals(ListPattern.of(upper, '.').matchLength(name),
                    ListPattern.of(mixed.toString(), '.').matchLength(name), mixed + " ~ " + name);
        }
    }
}
