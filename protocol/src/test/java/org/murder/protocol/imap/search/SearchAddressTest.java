package org.murder.protocol.imap.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.ImapTesting;
import org.murder.protocol.imap.command.ImapCommand.Search;

/**
 * SEARCH FROM/TO/CC/BCC, SUBJECT and HEADER on header fields as written: display names and addresses however they
 * are spelled (comments, groups, several addresses), RFC 2047 encoded words decoded, case-insensitive substrings.
 * Messages 1 to 6 are those of the address test of a widely used IMAP compliance suite; 7 to 9 carry encoded words.
 */
class SearchAddressTest {

    private record Message(long uid, Map<String, List<String>> headers) implements SearchableMessage {
        @Override
        public long sequenceNumber() {
            return uid;
        }

        @Override
        public Set<String> flags() {
            return Set.of();
        }

        @Override
        public boolean recent() {
            return false;
        }

        @Override
        public ZonedDateTime internalDate() {
            return ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        }

        @Override
        public long size() {
            return 100;
        }

        @Override
        public long modSeq() {
            return 1;
        }

        @Override
        public List<String> header(String name) {
            return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of());
        }

        @Override
        public Optional<ZonedDateTime> sentDate() {
            return Optional.empty();
        }

        @Override
        public String headerText() {
            return "";
        }

        @Override
        public String bodyText() {
            return "";
        }
    }

    private static Message message(long uid, String... fields) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String f : fields) {
            int colon = f.indexOf(':');
            headers.computeIfAbsent(f.substring(0, colon).toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>())
                    .add(f.substring(colon + 1).trim());
        }
        return new Message(uid, headers);
    }

    private static final List<Message> MAILBOX = List.of(
            message(1, "From: user-from@domain.org", "To: user-to@domain.org", "Cc: user-cc@domain.org",
                    "Bcc: user-bcc@domain.org"),
            message(2, "From: RealFrom <user-from@domain.org>", "To: RealTo <user-to@domain.org>",
                    "Cc: RealCc <user-cc@domain.org>", "Bcc: RealBcc <user-bcc@domain.org>"),
            message(3, "From: <user-from (comment)@ (comment) domain.org>", "To: <user-to@domain.org>",
                    "Cc: <user-cc@domain.org>", "Bcc: <user-bcc@domain.org>"),
            message(4, "From: user-from@domain.org (RealFrom)", "To: user-to@domain.org (RealTo)",
                    "Cc: user-cc@domain.org (RealCc)", "Bcc: user-bcc@domain.org (RealBcc)"),
            message(5, "From: user-from1@domain.org, user-from2@domain.org", "Cc: user-cc@domain.org"),
            message(6, "To: groupname: groupuser1@domain.org, groupuser2@domain.org;, groupname2: groupuser3@domain.org;"),
            message(7, "From: =?UTF-8?B?SsO8cmdlbiBHcm/Dnw==?= <juergen@example.de>",
                    "To: \"=?ISO-8859-1?Q?Andr=E9_Dupont?=\" <andre@example.fr>",
                    "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= =?UTF-8?Q?_aus_K=C3=B6ln?=",
                    "X-Note: =?iso-8859-1?q?caf=E9?= ouvert"),
            message(8, "From: =?utf-8?q?Zo=C3=AB?= =?utf-8?b?IFNhbGRhw7Fh?= <zoe@example.com>",
                    "Subject: =?UTF-8*en?Q?Hello_world?=", "Cc: =?UTF-8?Q??= nobody@example.com"),
            message(9, "From: \"Smith, John\" <john.smith@example.com>", "Subject: plain  spaced\t words"));

    private static List<Long> uids(String keys) {
        Search search = (Search) ImapTesting.parsed("a SEARCH " + keys);
        SearchEvaluator evaluator = new SearchEvaluator(search.key(), MAILBOX.size(), MAILBOX.size());
        List<Long> uids = new ArrayList<>();
        for (Message m : MAILBOX) {
            if (evaluator.matches(m)) {
                uids.add(m.uid());
            }
        }
        return uids;
    }

    @Test
    void wholeAddressesMatchHoweverTheyAreWritten() {
        assertEquals(List.of(1L, 2L, 3L, 4L), uids("FROM user-from@domain.org"));
        assertEquals(List.of(1L, 2L, 3L, 4L), uids("TO user-to@domain.org"));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), uids("CC user-cc@domain.org"));
        assertEquals(List.of(1L, 2L, 3L, 4L), uids("BCC user-bcc@domain.org"));
    }

    @Test
    void displayNamesAndNamingCommentsMatch() {
        assertEquals(List.of(2L, 4L), uids("FROM realfrom"));
        assertEquals(List.of(2L, 4L), uids("TO realto"));
        assertEquals(List.of(2L, 4L), uids("CC realcc"));
        assertEquals(List.of(2L, 4L), uids("BCC realbcc"));
        assertEquals(List.of(2L, 4L), uids("FROM \"RealFrom <user-from@\""), "a naming comment is a display name");
    }

    @Test
    void substringsOfNamesAndAddressesMatch() {
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), uids("FROM ser-fro"));
        assertEquals(List.of(1L, 2L, 3L, 4L), uids("TO ser-t"));
        assertEquals(List.of(2L, 4L), uids("FROM ealfro"));
        assertEquals(List.of(2L, 4L), uids("BCC ealbc"));
    }

    @Test
    void everyAddressOfAListAndOfAGroupCounts() {
        assertEquals(List.of(5L), uids("FROM user-from1"));
        assertEquals(List.of(5L), uids("FROM user-from2"));
        assertEquals(List.of(6L), uids("TO groupname"));
        assertEquals(List.of(6L), uids("TO groupname2"));
        assertEquals(List.of(6L), uids("TO groupuser3"));
        assertEquals(List.of(), uids("TO groupuser4"));
    }

    @Test
    void anEmptyStringMatchesEveryMessageWithTheField() {
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 7L, 8L, 9L), uids("HEADER FROM \"\""));
        assertEquals(List.of(1L, 2L, 3L, 4L, 6L, 7L), uids("HEADER TO \"\""));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 8L), uids("CC \"\""));
    }

    @Test
    void encodedWordsInDisplayNamesAreDecoded() {
        assertEquals(List.of(7L), uids("FROM \"Jürgen Groß\""));
        assertEquals(List.of(7L), uids("FROM \"JÜRGEN GROSS\""));
        assertEquals(List.of(7L), uids("FROM \"Groß <juergen@\""));
        assertEquals(List.of(7L), uids("TO \"andré dupont\""));
        assertEquals(List.of(7L), uids("TO andre@example.fr"));
        // adjacent encoded words join without the space between them; the space inside the second is kept
        assertEquals(List.of(8L), uids("FROM \"Zoë Saldaña\""));
        assertEquals(List.of(), uids("FROM =?utf-8?q?Zo"));
    }

    @Test
    void encodedWordsInSubjectAndOtherFieldsAreDecoded() {
        assertEquals(List.of(7L), uids("SUBJECT \"Grüße aus Köln\""));
        assertEquals(List.of(7L), uids("SUBJECT GRÜSSE"));
        assertEquals(List.of(7L), uids("HEADER X-Note \"café ouvert\""));
        assertEquals(List.of(8L), uids("SUBJECT \"hello world\""), "an RFC 2231 language suffix is no obstacle");
        assertEquals(List.of(8L), uids("CC nobody@example.com"), "an empty encoded word does not blank the field");
    }

    @Test
    void quotedNamesAndWhitespaceRuns() {
        assertEquals(List.of(9L), uids("FROM \"smith, john\""));
        assertEquals(List.of(9L), uids("FROM \"Smith, John <john.smith@example.com>\""));
        assertEquals(List.of(9L), uids("SUBJECT \"plain spaced words\""));
        assertEquals(List.of(9L), uids("SUBJECT \"plain   spaced\""));
    }

    @Test
    void utf8SearchStringsInALiteral() {
        assertEquals(List.of(7L), uids("CHARSET UTF-8 FROM {7}\r\nJürgen")); // seven octets: ü is two
        assertEquals(List.of(7L), uids("CHARSET utf-8 SUBJECT {5}\r\nKÖLN"));
    }
}
