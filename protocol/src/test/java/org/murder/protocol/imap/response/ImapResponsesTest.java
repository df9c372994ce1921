package org.murder.protocol.imap.response;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.command.PartialRange;

/** Every encoder, byte-exact; most expectations are the examples of the RFC that defines the response. */
class ImapResponsesTest {

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void statusResponses() {
        assertEquals("A1 OK LOGIN completed\r\n", s(ImapResponses.tagged("A1", ImapStatus.OK, Optional.empty(), "LOGIN completed")));
        assertEquals("A142 OK [READ-WRITE] SELECT completed\r\n",
                s(ImapResponses.tagged("A142", ImapStatus.OK, Optional.of("READ-WRITE"), "SELECT completed")));
        assertEquals("A223 NO COPY failed: disk is full\r\n",
                s(ImapResponses.tagged("A223", ImapStatus.NO, Optional.empty(), "COPY failed: disk is full")));
        assertEquals("* BAD Command line too long\r\n",
                s(ImapResponses.tagged("*", ImapStatus.BAD, Optional.empty(), "Command line too long")));
        assertEquals("a]b BAD Invalid command\r\n", s(ImapResponses.tagged("a]b", ImapStatus.BAD, Optional.empty(), "Invalid command")));
        assertEquals("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n",
                s(ImapResponses.untagged(ImapStatus.OK, Optional.of("UIDVALIDITY 3857529045"), "UIDs valid")));
        assertEquals("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n",
                s(ImapResponses.untagged(ImapStatus.OK, Optional.of("PERMANENTFLAGS (\\Deleted \\Seen \\*)"), "Limited")));
        assertEquals("* PREAUTH IMAP4rev1 server logged in as Smith\r\n",
                s(ImapResponses.untagged(ImapStatus.PREAUTH, Optional.empty(), "IMAP4rev1 server logged in as Smith")));
        assertEquals("* BYE Autologout; idle for too long\r\n", s(ImapResponses.bye("Autologout; idle for too long")));
        assertEquals("* BYE [ALERT] shutting down\r\n", s(ImapResponses.bye(Optional.of("ALERT"), "shutting down")));
        assertEquals("+ Ready for additional command text\r\n", s(ImapResponses.continuation("Ready for additional command text")));
        assertEquals("+ \r\n", s(ImapResponses.continuation("")));
        assertEquals("+ YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzmeTxx3u+wx\r\n",
                s(ImapResponses.continuation("YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzmeTxx3u+wx")));
        assertThrows(IllegalArgumentException.class,
                () -> ImapResponses.tagged("A1", ImapStatus.BYE, Optional.empty(), "x"));
        assertThrows(IllegalArgumentException.class,
                () -> ImapResponses.tagged("A1", ImapStatus.PREAUTH, Optional.empty(), "x"));
    }

    @Test
    void mailboxDataAndCounts() {
        assertEquals("* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n",
                s(ImapResponses.capability(List.of("IMAP4rev1", "STARTTLS", "AUTH=GSSAPI", "LOGINDISABLED"))));
        assertEquals("* ENABLED CONDSTORE QRESYNC\r\n", s(ImapResponses.enabled(List.of("CONDSTORE", "QRESYNC"))));
        assertEquals("* ENABLED\r\n", s(ImapResponses.enabled(List.of())));
        assertEquals("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
                s(ImapResponses.flags(List.of("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"))));
        assertEquals("* FLAGS ($Forwarded Junk)\r\n", s(ImapResponses.flags(List.of("$Forwarded", "Junk"))));
        assertEquals("* 23 EXISTS\r\n", s(ImapResponses.exists(23)));
        assertEquals("* 0 EXISTS\r\n", s(ImapResponses.exists(0)));
        assertEquals("* 5 RECENT\r\n", s(ImapResponses.recent(5)));
        assertEquals("* 44 EXPUNGE\r\n", s(ImapResponses.expunge(44)));
        assertEquals("* VANISHED (EARLIER) 300:310,405,411\r\n",
                s(ImapResponses.vanished(true, SequenceSet.parse("300:310,405,411"))));
        assertEquals("* VANISHED 405\r\n", s(ImapResponses.vanished(false, SequenceSet.of(405))));
        assertThrows(IllegalArgumentException.class, () -> ImapResponses.exists(-1));
    }

    @Test
    void listAndLsub() {
        assertEquals("* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n",
                s(ImapResponses.list(List.of("\\Noselect"), '/', "~/Mail/foo")));
        assertEquals("* LIST (\\Noselect) NIL \"\"\r\n", s(ImapResponses.list(List.of("\\Noselect"), null, "")));
        assertEquals("* LIST (\\HasNoChildren) \".\" INBOX\r\n", s(ImapResponses.list(List.of("\\HasNoChildren"), '.', "INBOX")));
        assertEquals("* LIST () \"/\" \"Sent Items\"\r\n", s(ImapResponses.list(List.of(), '/', "Sent Items")));
        assertEquals("* LIST () \"/\" \"NIL\"\r\n", s(ImapResponses.list(List.of(), '/', "NIL")));
        assertEquals("* LIST () \"\\\\\" \"a\\\\b\"\r\n", s(ImapResponses.list(List.of(), '\\', "a\\b")));
        assertEquals("* LIST () \"/\" \"50% off\"\r\n", s(ImapResponses.list(List.of(), '/', "50% off")));
        assertEquals("* LIST () \"/\" user/j&APw-rgen/Entw&APw-rfe\r\n",
                s(ImapResponses.list(List.of(), '/', "user/jürgen/Entwürfe")));
        assertEquals("* LIST () \"/\" \"user/jürgen/Entwü\"\r\n",
                s(ImapResponses.list(List.of(), '/', "user/jürgen/Entwü", true, List.of())));
        // RFC 5258 §5 examples
        assertEquals("* LIST (\\Subscribed \\NonExistent) \"/\" Fruit/Peach (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n",
                s(ImapResponses.list(List.of("\\Subscribed", "\\NonExistent"), '/', "Fruit/Peach", false,
                        List.of(ListExtendedItem.childInfo(List.of("SUBSCRIBED"))))));
        assertEquals("* LIST () \".\" Renamed (\"OLDNAME\" (Jürgen-free) \"X\" ())\r\n".replace("Jürgen-free", "Old&APw-"),
                s(ImapResponses.list(List.of(), '.', "Renamed", false,
                        List.of(ListExtendedItem.oldName("Oldü"), new ListExtendedItem("X", List.of(), false)))));
        assertEquals("* LSUB () \".\" #news.comp.mail.misc\r\n", s(ImapResponses.lsub(List.of(), '.', "#news.comp.mail.misc", false)));
    }

    @Test
    void statusSearchAndEsearch() {
        Map<String, Long> items = new LinkedHashMap<>();
        items.put("MESSAGES", 231L);
        items.put("UIDNEXT", 44292L);
        assertEquals("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n", s(ImapResponses.status("blurdybloop", false, items)));
        assertEquals("* STATUS \"a b\" ()\r\n", s(ImapResponses.status("a b", false, Map.of())));
        assertEquals("* SEARCH 2 84 882\r\n", s(ImapResponses.search(List.of(2L, 84L, 882L))));
        assertEquals("* SEARCH\r\n", s(ImapResponses.search(List.of())));
        assertEquals("* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n", s(ImapResponses.search(
                List.of(2L, 5L, 6L, 7L, 11L, 12L, 18L, 19L, 20L, 23L), OptionalLong.of(917162500L))));
        assertEquals("* SEARCH\r\n", s(ImapResponses.search(List.of(), OptionalLong.of(5))));
        assertEquals("* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n", s(ImapResponses.esearch(new EsearchResult(
                Optional.of("A282"), false, OptionalLong.of(2), OptionalLong.empty(), OptionalLong.of(3), Optional.empty(),
                OptionalLong.empty()))));
        assertEquals("* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800\r\n", s(ImapResponses.esearch(new EsearchResult(
                Optional.of("A285"), true, OptionalLong.of(7), OptionalLong.of(3800), OptionalLong.empty(), Optional.empty(),
                OptionalLong.empty()))));
        assertEquals("* ESEARCH (TAG \"A284\") ALL 4:5,8 MODSEQ 12\r\n", s(ImapResponses.esearch(new EsearchResult(
                Optional.of("A284"), false, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                Optional.of(SequenceSet.parse("4:5,8")), OptionalLong.of(12)))));
        assertEquals("* ESEARCH\r\n", s(ImapResponses.esearch(new EsearchResult(Optional.empty(), false,
                OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), OptionalLong.empty()))));
    }

    @Test
    void utf8NamesAreQuotedStringsWhenTheyCanBe() {
        assertEquals("* STATUS \"Entw\u00fcrfe\" (MESSAGES 1)\r\n",
                new String(ImapResponses.status("Entw\u00fcrfe", true, Map.of("MESSAGES", 1L)), StandardCharsets.UTF_8));
        assertEquals("* STATUS Entw&APw-rfe (MESSAGES 1)\r\n",
                new String(ImapResponses.status("Entw\u00fcrfe", false, Map.of("MESSAGES", 1L)), StandardCharsets.UTF_8));
        assertEquals("* LIST () \".\" \"a\\\"\u00e9\" (\"OLDNAME\" (\"ae\u0301\"))\r\n", new String(ImapResponses.list(List.of(),
                '.', "a\"\u00e9", true, List.of(ListExtendedItem.oldName("ae\u0301"))), StandardCharsets.UTF_8));
        assertEquals("* STATUS {3}\r\na\u0085 ()\r\n",
                new String(ImapResponses.status("a\u0085", true, Map.of()), StandardCharsets.UTF_8), "C1 controls: a literal");
    }

    @Test
    void contextResults() {
        // RFC 5267 §4.4 and §4.3
        assertEquals("* ESEARCH (TAG \"A1\") UID PARTIAL (1:5 7,9:11)\r\n", s(ImapResponses.esearch(new EsearchResult(
                Optional.of("A1"), true, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
                OptionalLong.empty(), Optional.of(new EsearchResult.Partial(new PartialRange(1, 5),
                Optional.of(SequenceSet.of(7, 9, 10, 11)))), List.of()))));
        assertEquals("* ESEARCH (TAG \"A2\") COUNT 0 PARTIAL (-1:-10 NIL)\r\n", s(ImapResponses.esearch(new EsearchResult(
                Optional.of("A2"), false, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.of(0), Optional.empty(),
                OptionalLong.empty(), Optional.of(new EsearchResult.Partial(new PartialRange(-1, -10), Optional.empty())),
                List.of()))));
        assertEquals("* ESEARCH (TAG \"B01\") UID REMOVEFROM (2 7) ADDTO (1 12,9)\r\n", s(ImapResponses.esearch(
                EsearchResult.update("B01", true, List.of(new EsearchResult.Update(false, 2, SequenceSet.of(7)),
                        new EsearchResult.Update(true, 1, SequenceSet.of(12, 9)))))));
        assertEquals("* NO [NOUPDATE \"B02\"] Too many live results\r\n", s(ImapResponses.noUpdate("B02",
                "Too many live results")));
    }

    @Test
    void sortAndThread() {
        assertEquals("* SORT 5 3 4 1 2\r\n", s(ImapResponses.sort(new long[] {5, 3, 4, 1, 2}, OptionalLong.empty())));
        assertEquals("* SORT\r\n", s(ImapResponses.sort(new long[0], OptionalLong.of(7))));
        assertEquals("* SORT 2 1 (MODSEQ 7)\r\n", s(ImapResponses.sort(new long[] {2, 1}, OptionalLong.of(7))));
        assertEquals("* THREAD (2)(3 6 (4 23)(44 7 96))\r\n",
                s(ImapResponses.thread("(2)(3 6 (4 23)(44 7 96))", OptionalLong.empty())));
        assertEquals("* THREAD\r\n", s(ImapResponses.thread("", OptionalLong.of(3))));
        assertEquals("* THREAD ((3)(5)) (MODSEQ 3)\r\n", s(ImapResponses.thread("((3)(5))", OptionalLong.of(3))));
        // ESORT's ALL keeps the sort order: only ascending runs become ranges
        assertEquals("* ESEARCH (TAG \"B1\") ALL 5,2:4,1\r\n", s(ImapResponses.esearch(new EsearchResult(
                Optional.of("B1"), false, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                Optional.of(SequenceSet.of(5, 2, 3, 4, 1)), OptionalLong.empty()))));
    }

    @Test
    void namespaceIdQuotaAndAcl() {
        assertEquals("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n",
                s(ImapResponses.namespace(List.of(new NamespaceEntry("", '/')), List.of(), List.of(), false)));
        assertEquals("* NAMESPACE ((\"INBOX.\" \".\")) ((\"user.\" \".\")) ((\"\" \".\"))\r\n",
                s(ImapResponses.namespace(List.of(new NamespaceEntry("INBOX.", '.')), List.of(new NamespaceEntry("user.", '.')),
                        List.of(new NamespaceEntry("", '.')), false)));
        assertEquals("* NAMESPACE ((\"\" NIL)(\"#mh/\" \"/\")) NIL NIL\r\n", s(ImapResponses.namespace(
                List.of(new NamespaceEntry("", null), new NamespaceEntry("#mh/", '/')), List.of(), List.of(), false)));
        Map<String, String> id = new LinkedHashMap<>();
        id.put("name", "Cyrus IMAPD");
        id.put("version", "3.6.1");
        id.put("support-url", null);
        assertEquals("* ID (\"name\" \"Cyrus IMAPD\" \"version\" \"3.6.1\" \"support-url\" NIL)\r\n", s(ImapResponses.id(id)));
        assertEquals("* ID NIL\r\n", s(ImapResponses.id(null)));
        assertEquals("* ID NIL\r\n", s(ImapResponses.id(Map.of())));
        assertEquals("* QUOTA \"\" (STORAGE 10 512)\r\n",
                s(ImapResponses.quota("", false, List.of(new QuotaResource("STORAGE", 10, 512)))));
        assertEquals("* QUOTA user.alice (STORAGE 10 512 MESSAGE 3 1000)\r\n", s(ImapResponses.quota("user.alice", false,
                List.of(new QuotaResource("STORAGE", 10, 512), new QuotaResource("MESSAGE", 3, 1000)))));
        assertEquals("* QUOTAROOT INBOX \"\"\r\n", s(ImapResponses.quotaroot("INBOX", false, List.of(""))));
        assertEquals("* QUOTAROOT comp.mail.mime\r\n", s(ImapResponses.quotaroot("comp.mail.mime", false, List.of())));
        Map<String, String> acl = new LinkedHashMap<>();
        acl.put("Fred", "rwipsldexta");
        acl.put("-anyone", "");
        assertEquals("* ACL INBOX Fred rwipsldexta -anyone \"\"\r\n", s(ImapResponses.acl("INBOX", false, acl)));
        assertEquals("* LISTRIGHTS ~/Mail/saved smith la r swicdkxte\r\n",
                s(ImapResponses.listrights("~/Mail/saved", false, "smith", "la", List.of("r", "swicdkxte"))));
        assertEquals("* MYRIGHTS INBOX rwiptsldaex\r\n", s(ImapResponses.myrights("INBOX", false, "rwiptsldaex")));
        assertThrows(IllegalArgumentException.class, () -> new QuotaResource("STOR AGE", 1, 1));
    }
}
