package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.protocol.imap.ImapTesting.bytes;
import static org.murder.protocol.imap.ImapTesting.literal;
import static org.murder.protocol.imap.ImapTesting.literalPlus;
import static org.murder.protocol.imap.ImapTesting.malformed;
import static org.murder.protocol.imap.ImapTesting.parsed;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.QresyncParameters;
import org.murder.protocol.imap.command.ImapCommand.Append;
import org.murder.protocol.imap.command.ImapCommand.Authenticate;
import org.murder.protocol.imap.command.ImapCommand.Capability;
import org.murder.protocol.imap.command.ImapCommand.Check;
import org.murder.protocol.imap.command.ImapCommand.Close;
import org.murder.protocol.imap.command.ImapCommand.Copy;
import org.murder.protocol.imap.command.ImapCommand.Create;
import org.murder.protocol.imap.command.ImapCommand.Delete;
import org.murder.protocol.imap.command.ImapCommand.DeleteAcl;
import org.murder.protocol.imap.command.ImapCommand.Enable;
import org.murder.protocol.imap.command.ImapCommand.Examine;
import org.murder.protocol.imap.command.ImapCommand.Expunge;
import org.murder.protocol.imap.command.ImapCommand.GetAcl;
import org.murder.protocol.imap.command.ImapCommand.GetQuota;
import org.murder.protocol.imap.command.ImapCommand.GetQuotaRoot;
import org.murder.protocol.imap.command.ImapCommand.Id;
import org.murder.protocol.imap.command.ImapCommand.Idle;
import org.murder.protocol.imap.command.ImapCommand.ListCommand;
import org.murder.protocol.imap.command.ImapCommand.ListRights;
import org.murder.protocol.imap.command.ImapCommand.Login;
import org.murder.protocol.imap.command.ImapCommand.Logout;
import org.murder.protocol.imap.command.ImapCommand.Lsub;
import org.murder.protocol.imap.command.ImapCommand.Move;
import org.murder.protocol.imap.command.ImapCommand.MyRights;
import org.murder.protocol.imap.command.ImapCommand.Namespace;
import org.murder.protocol.imap.command.ImapCommand.Noop;
import org.murder.protocol.imap.command.ImapCommand.Rename;
import org.murder.protocol.imap.command.ImapCommand.Select;
import org.murder.protocol.imap.command.ImapCommand.SetAcl;
import org.murder.protocol.imap.command.ImapCommand.SetQuota;
import org.murder.protocol.imap.command.ImapCommand.StartTls;
import org.murder.protocol.imap.command.ImapCommand.Status;
import org.murder.protocol.imap.command.ImapCommand.Subscribe;
import org.murder.protocol.imap.command.ImapCommand.UidExpunge;
import org.murder.protocol.imap.command.ImapCommand.Unselect;
import org.murder.protocol.imap.command.ImapCommand.Unsubscribe;
import org.murder.protocol.imap.command.ListReturnOption;
import org.murder.protocol.imap.command.ListSelectOption;
import org.murder.protocol.imap.command.MessageLiteral;
import org.murder.protocol.imap.command.StatusItem;
import org.murder.protocol.imap.command.StoreMode;

/** Every command with every optional part, then every way to get one wrong. FETCH, STORE and SEARCH have their own tests. */
class ImapCommandParserTest {

    private static final String MESSAGE = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n"
            + "From: Fred Foobar <foobar@Blurdybloop.COM>\r\nSubject: afternoon meeting\r\n\r\nHello Joe\r\n";

    // --- any state

    @Test
    void capabilityNoopLogout() {
        assertEquals(new Capability("a001"), parsed("a001 CAPABILITY"));
        assertEquals(new Noop("a002"), parsed("a002 NOOP"));
        assertEquals(new Logout("A023"), parsed("A023 LOGOUT"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"noop", "Noop", "NOOP", "nOoP"})
    void commandNamesAreCaseInsensitive(String name) {
        assertEquals(new Noop("t1"), parsed("t1 " + name));
    }

    @Test
    void idWithFieldsNilValuesAndNil() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("name", "sodr");
        expected.put("version", "19.34");
        expected.put("vendor", "Pink Floyd Music Limited");
        assertEquals(new Id("a023", Optional.of(expected)),
                parsed("a023 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" \"Pink Floyd Music Limited\")"));
        assertEquals(new Id("a023", Optional.empty()), parsed("a023 ID NIL"));
        assertEquals(new Id("a023", Optional.empty()), parsed("a023 ID nil"));
        assertEquals(new Id("a", Optional.of(Map.of())), parsed("a ID ()"));
        assertEquals(new Id("a", Optional.of(Map.of("name", "x"))), parsed("a ID (\"name\" \"x\" \"os\" NIL)"));
        assertEquals(new Id("a", Optional.of(Map.of("name", "x"))), parsed("a ID (\"name\" \"x\" \"name\" \"y\")"));
        assertEquals(new Id("a", Optional.of(Map.of("name", "x y"))), parsed("a ID (" + literal("name") + " " + literal("x y") + ")"));
    }

    @Test
    void idKeepsFieldOrder() {
        Id id = (Id) parsed("a ID (\"z\" \"1\" \"a\" \"2\" \"m\" \"3\")");
        assertEquals(List.of("z", "a", "m"), new ArrayList<>(id.parameters().orElseThrow().keySet()));
    }

    @Test
    void idBoundsFollowRfc2971() {
        StringBuilder thirty = new StringBuilder("a ID (");
        for (int i = 0; i < 30; i++) {
            thirty.append(i == 0 ? "" : " ").append("\"f").append(i).append("\" \"v\"");
        }
        assertEquals(30, ((Id) parsed(thirty + ")")).parameters().orElseThrow().size());
        assertEquals("Invalid ID parameters", malformed(thirty + " \"f30\" \"v\")").message());
        assertEquals("Invalid ID parameters", malformed("a ID (\"" + "f".repeat(31) + "\" \"v\")").message());
        assertEquals("Invalid ID parameters", malformed("a ID (\"f\" \"" + "v".repeat(1025) + "\")").message());
        parsed("a ID (\"" + "f".repeat(30) + "\" \"" + "v".repeat(1024) + "\")");
    }

    // --- not authenticated

    @Test
    void starttls() {
        assertEquals(new StartTls("a001"), parsed("a001 STARTTLS"));
    }

    @Test
    void authenticateWithAndWithoutInitialResponse() {
        assertEquals(new Authenticate("A001", "GSSAPI", Optional.empty()), parsed("A001 AUTHENTICATE GSSAPI"));
        assertEquals(new Authenticate("a", "PLAIN", Optional.of("dGVzdAB0ZXN0AHRlc3Q=")),
                parsed("a authenticate plain dGVzdAB0ZXN0AHRlc3Q="));
        assertEquals(new Authenticate("a", "PLAIN", Optional.of("=")), parsed("a AUTHENTICATE PLAIN ="));
        assertEquals(new Authenticate("a", "SCRAM-SHA-256", Optional.of("biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=")),
                parsed("a AUTHENTICATE SCRAM-SHA-256 biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8="));
        assertEquals(new Authenticate("a", "XOAUTH2", Optional.of("a".repeat(4000))),
                parsed("a AUTHENTICATE XOAUTH2 " + "a".repeat(4000)));
    }

    @Test
    void loginWithAtomsQuotedStringsAndLiterals() {
        assertEquals(new Login("a001", "SMITH", "SESAME"), parsed("a001 LOGIN SMITH SESAME"));
        assertEquals(new Login("a", "fred", "a \"quoted\" \\ pw"), parsed("a LOGIN \"fred\" \"a \\\"quoted\\\" \\\\ pw\""));
        assertEquals(new Login("A001", "FRED FOOBAR", "fat man"),
                parsed("A001 LOGIN " + literalPlus("FRED FOOBAR") + " " + literal("fat man")));
        assertEquals(new Login("a", "jürgen@example.org", "pässwörd"), parsed("a LOGIN \"jürgen@example.org\" " + literal("pässwörd")));
        assertEquals(new Login("a", "", ""), parsed("a LOGIN \"\" {0}\r\n"));
        assertEquals(new Login("a", "user]x", "p]"), parsed("a LOGIN user]x p]"));
    }

    @Test
    void credentialsStayOutOfToString() {
        assertFalse(parsed("a LOGIN fred s3cret").toString().contains("s3cret"));
        assertFalse(parsed("a AUTHENTICATE PLAIN AGZyZWQAczNjcmV0").toString().contains("AGZyZWQAczNjcmV0"));
    }

    // --- authenticated: mailboxes

    @Test
    void selectAndExamineWithCondstore() {
        assertEquals(new Select("A142", "INBOX", false), parsed("A142 SELECT INBOX"));
        assertEquals(new Select("a", "INBOX", false), parsed("a select \"inbox\""));
        assertEquals(new Select("a", "INBOX", true), parsed("a SELECT INBOX (CONDSTORE)"));
        assertEquals(new Select("a", "INBOX", true), parsed("a SELECT INBOX (condstore)"));
        assertEquals(new Examine("A932", "blurdybloop", false), parsed("A932 EXAMINE blurdybloop"));
        assertEquals(new Examine("a", "Sent Items", true), parsed("a EXAMINE \"Sent Items\" (CONDSTORE)"));
        assertEquals(new Select("A02", "INBOX", false, Optional.of(new QresyncParameters(67890007, 20050715194045000L,
                        Optional.of(SequenceSet.parse("41,43:211,214:541")), Optional.empty()))),
                parsed("A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))"));
        assertEquals(new Select("B04", "INBOX", false, Optional.of(new QresyncParameters(67890007, 20050715194045000L,
                        Optional.of(SequenceSet.parse("1:29997")), Optional.of(new QresyncParameters.SeqMatch(
                                SequenceSet.parse("5000,7500,9000,9990:9999"),
                                SequenceSet.parse("15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,"
                                        + "29994,29997")))))),
                parsed("B04 SELECT INBOX (QRESYNC (67890007 20050715194045000 1:29997 (5000,7500,9000,9990:9999 "
                        + "15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))"));
        assertEquals(new Examine("a", "INBOX", true, Optional.of(new QresyncParameters(1, 0, Optional.empty(),
                        Optional.of(new QresyncParameters.SeqMatch(SequenceSet.parse("1"), SequenceSet.parse("9")))))),
                parsed("a EXAMINE INBOX (condstore qresync (1 0 (1 9)))"));
    }

    @Test
    void onlyTheExactNameInboxIsCaseInsensitive() {
        assertEquals(new Select("a", "INBOX", false), parsed("a SELECT InBoX"));
        assertEquals(new Select("a", "inbox.sub", false), parsed("a SELECT inbox.sub"));
        assertEquals(new Select("a", "INBOXES", false), parsed("a SELECT INBOXES"));
    }

    @Test
    void mailboxNamesAreModifiedUtf7Decoded() {
        assertEquals(new Select("a", "~peter/mail/台北/日本語", false),
                parsed("a SELECT ~peter/mail/&U,BTFw-/&ZeVnLIqe-"));
        assertEquals(new Create("a", "Entwürfe", List.of()), parsed("a CREATE Entw&APw-rfe"));
        assertEquals(new Create("a", "Tom & Jerry", List.of()), parsed("a CREATE \"Tom &- Jerry\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "&Jjo", "&Jjo-&Jjo-", "&AGE-", "&AAA-", "\"a\tb\"", "\"\u00e4\""})
    void aNameNoMailboxCanHaveIsNotASyntaxError(String wire) {
        // RFC 3501/9051 keep BAD for syntax; such names are mailboxes that do not exist (NO), as Cyrus 3.6 says
        String name = ((Select) parsed("A01 SELECT " + wire)).mailbox();
        assertTrue(MailboxNames.isUnusable(name), wire);
        assertEquals(name, ((Rename) parsed("A01 RENAME a " + wire)).to());
        assertEquals(name, ((GetQuotaRoot) parsed("A01 GETQUOTAROOT " + wire)).mailbox());
    }

    @Test
    void bytesThatAreNotUtf8AreANameNoMailboxCanHaveUnlessUtf8IsAccepted() {
        byte[] frame = {'a', ' ', 'S', 'E', 'L', 'E', 'C', 'T', ' ', '"', 'x', (byte) 0xe4, '"'};
        ImapParseResult r = ImapCommandParser.parse(frame);
        assertTrue(r instanceof ImapParseResult.Parsed p && MailboxNames.isUnusable(((Select) p.command()).mailbox()),
                r.toString());
        ImapParseResult utf8 = ImapCommandParser.parse(frame, ImapParserContext.UTF8_ACCEPT);
        assertEquals("Invalid UTF-8", ((ImapParseResult.Malformed) utf8).message());
    }

    @Test
    void aListPatternNoMailboxCanHaveMatchesNothingRatherThanFailing() {
        assertEquals(ListCommand.basic("A01", "", MailboxNames.unusable("&Jjo")), parsed("A01 LIST \"\" &Jjo"));
        assertEquals(ListCommand.basic("A01", "&", MailboxNames.unusable("&")), parsed("A01 LIST &- &"));
    }

    @Test
    void mailboxNamesAreUtf8WhenUtf8AcceptIsEnabled() {
        assertEquals(new Create("a", "Entwürfe", List.of()), parsed("a CREATE Entwürfe", ImapParserContext.UTF8_ACCEPT));
        assertEquals(new Create("a", "Tom & Jerry", List.of()), parsed("a CREATE \"Tom & Jerry\"", ImapParserContext.UTF8_ACCEPT));
        assertEquals(new Create("a", "Entw&APw-rfe", List.of()), parsed("a CREATE Entw&APw-rfe", ImapParserContext.UTF8_ACCEPT));
        // without UTF8=ACCEPT 8-bit is no modified UTF-7: a name no mailbox can have (NO), as Cyrus 3.6 answers it
        assertEquals(new Create("a", MailboxNames.unusable("Entwürfe"), List.of()), parsed("a CREATE Entwürfe"));
    }

    @Test
    void createWithSpecialUse() {
        assertEquals(new Create("A003", "owatagusiam/", List.of()), parsed("A003 CREATE owatagusiam/"));
        assertEquals(new Create("t1", "MySpecial", List.of("\\Drafts", "\\Sent")),
                parsed("t1 CREATE MySpecial (USE (\\Drafts \\Sent))"));
        assertEquals(new Create("t1", "x", List.of("\\Junk", "\\All", "\\Archive", "\\Flagged", "\\Trash")),
                parsed("t1 create x (use (\\junk \\ALL \\archive \\Flagged \\trash))"));
        assertEquals(new Create("t1", "x", List.of()), parsed("t1 CREATE x (USE ())"));
        assertEquals(new Create("t1", "x", List.of("\\X-Important")), parsed("t1 CREATE x (USE (\\X-Important))"));
    }

    @Test
    void deleteRenameSubscribeUnsubscribe() {
        assertEquals(new Delete("A683", "blurdybloop"), parsed("A683 DELETE blurdybloop"));
        assertEquals(new Rename("A682", "blurdybloop", "sarasoop"), parsed("A682 RENAME blurdybloop sarasoop"));
        assertEquals(new Rename("a", "INBOX", "old-mail"), parsed("a RENAME inbox old-mail"));
        assertEquals(new Rename("a", "a b", "c\"d"), parsed("a RENAME " + literal("a b") + " \"c\\\"d\""));
        assertEquals(new Subscribe("A002", "#news.comp.mail.mime"), parsed("A002 SUBSCRIBE #news.comp.mail.mime"));
        assertEquals(new Unsubscribe("A002", "#news.comp.mail.mime"), parsed("A002 UNSUBSCRIBE #news.comp.mail.mime"));
    }

    @Test
    void basicList() {
        assertEquals(ListCommand.basic("A101", "", ""), parsed("A101 LIST \"\" \"\""));
        assertEquals(ListCommand.basic("A102", "#news.comp.mail.misc", ""), parsed("A102 LIST #news.comp.mail.misc \"\""));
        assertEquals(ListCommand.basic("A202", "~/Mail/", "%"), parsed("A202 LIST ~/Mail/ %"));
        assertEquals(ListCommand.basic("a", "", "*"), parsed("a LIST \"\" *"));
        assertEquals(ListCommand.basic("a", "", "INBOX.*"), parsed("a LIST \"\" INBOX.*"));
        assertEquals(ListCommand.basic("a", "", "Entwürfe/%"), parsed("a LIST \"\" \"Entw&APw-rfe/%\""));
        assertEquals(ListCommand.basic("a", "", "inbox"), parsed("a LIST \"\" inbox"));
        assertFalse(ListCommand.basic("a", "", "*").extended());
    }

    @Test
    void extendedListSelectionOptionsAndPatterns() {
        assertEquals(new ListCommand("A02", "", List.of("*"), Set.of(ListSelectOption.SUBSCRIBED), Set.of(), List.of()),
                parsed("A02 LIST (SUBSCRIBED) \"\" \"*\""));
        assertEquals(new ListCommand("A05", "", List.of("*"),
                        Set.of(ListSelectOption.REMOTE, ListSelectOption.SUBSCRIBED), Set.of(), List.of()),
                parsed("A05 LIST (REMOTE SUBSCRIBED) \"\" \"*\""));
        assertEquals(new ListCommand("A06", "", List.of("%"),
                        Set.of(ListSelectOption.SUBSCRIBED, ListSelectOption.RECURSIVEMATCH), Set.of(), List.of()),
                parsed("A06 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\""));
        assertEquals(new ListCommand("t3", "", List.of("*"), Set.of(ListSelectOption.SPECIAL_USE), Set.of(), List.of()),
                parsed("t3 LIST (SPECIAL-USE) \"\" \"*\""));
        assertEquals(new ListCommand("t", "", List.of("*"),
                        Set.of(ListSelectOption.SPECIAL_USE, ListSelectOption.RECURSIVEMATCH), Set.of(), List.of()),
                parsed("t LIST (special-use recursivematch) \"\" \"*\""));
        assertEquals(new ListCommand("A07", "", List.of("INBOX", "Drafts", "Sent/%"), Set.of(), Set.of(), List.of()),
                parsed("A07 LIST \"\" (\"INBOX\" \"Drafts\" \"Sent/%\")"));
        assertEquals(ListCommand.basic("A03", "", "%"), parsed("A03 LIST () \"\" \"%\""));
        assertTrue(((ListCommand) parsed("A07 LIST \"\" (INBOX Drafts)")).extended());
    }

    @Test
    void extendedListReturnOptions() {
        assertEquals(new ListCommand("A03", "", List.of("%"), Set.of(), Set.of(ListReturnOption.CHILDREN), List.of()),
                parsed("A03 LIST () \"\" \"%\" RETURN (CHILDREN)"));
        assertEquals(new ListCommand("t1", "", List.of("%"), Set.of(), Set.of(ListReturnOption.SPECIAL_USE), List.of()),
                parsed("t1 LIST \"\" \"%\" RETURN (SPECIAL-USE)"));
        assertEquals(new ListCommand("A01", "", List.of("%"), Set.of(), Set.of(),
                        List.of(StatusItem.MESSAGES, StatusItem.UNSEEN)),
                parsed("A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))"));
        assertEquals(new ListCommand("a", "", List.of("%"), Set.of(ListSelectOption.SUBSCRIBED),
                        Set.of(ListReturnOption.SUBSCRIBED, ListReturnOption.CHILDREN, ListReturnOption.SPECIAL_USE),
                        List.of(StatusItem.UIDNEXT, StatusItem.HIGHESTMODSEQ)),
                parsed("a LIST (SUBSCRIBED) \"\" \"%\" return (subscribed children status (uidnext highestmodseq) special-use)"));
        ListCommand empty = (ListCommand) parsed("a LIST \"\" \"%\" RETURN ()");
        assertEquals(ListCommand.basic("a", "", "%"), empty);
    }

    @Test
    void lsub() {
        assertEquals(new Lsub("A002", "#news.", "comp.mail.*"), parsed("A002 LSUB \"#news.\" \"comp.mail.*\""));
        assertEquals(new Lsub("a", "", "%"), parsed("a LSUB \"\" %"));
    }

    @Test
    void statusWithEveryItem() {
        assertEquals(new Status("A042", "blurdybloop", List.of(StatusItem.UIDNEXT, StatusItem.MESSAGES)),
                parsed("A042 STATUS blurdybloop (UIDNEXT MESSAGES)"));
        assertEquals(new Status("a", "INBOX", List.of(StatusItem.values())),
                parsed("a STATUS inbox (messages recent uidnext uidvalidity unseen highestmodseq size deleted deleted-storage)"));
        assertInstanceOf(ImapParseResult.Malformed.class, ImapCommandParser.parse(
                "a STATUS inbox (DELETED_STORAGE)".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                "the wire name has a hyphen");
    }

    // --- authenticated: APPEND

    @Test
    void appendAsInRfc3501() {
        String frame = "A003 APPEND saved-messages (\\Seen) " + literal(MESSAGE);
        assertEquals(new Append("A003", "saved-messages", List.of("\\Seen"), Optional.empty(),
                MessageLiteral.of(ImapTesting.utf8(MESSAGE), false)), parsed(frame));
    }

    @Test
    void appendWithEveryOptionalPart() {
        ZonedDateTime date = ZonedDateTime.of(1996, 7, 17, 2, 44, 25, 0, ZoneOffset.ofHours(-7));
        MessageLiteral message = MessageLiteral.of(ImapTesting.utf8(MESSAGE), false);
        assertEquals(new Append("a", "Drafts", List.of(), Optional.empty(), message),
                parsed("a APPEND Drafts " + literal(MESSAGE)));
        assertEquals(new Append("a", "Drafts", List.of(), Optional.of(date), message),
                parsed("a APPEND Drafts \"17-Jul-1996 02:44:25 -0700\" " + literalPlus(MESSAGE)));
        assertEquals(new Append("a", "Drafts", List.of("\\Seen", "\\Draft", "$MDNSent"), Optional.of(date), message),
                parsed("a APPEND Drafts (\\seen \\DRAFT $MDNSent) \"17-Jul-1996 02:44:25 -0700\" " + literalPlus(MESSAGE)));
        assertEquals(new Append("a", "Drafts", List.of(), Optional.empty(), message),
                parsed("a APPEND Drafts () " + literal(MESSAGE)));
        assertEquals(new Append("a", "INBOX", List.of(), Optional.of(date.withDayOfMonth(7)), message),
                parsed("a APPEND inbox \" 7-Jul-1996 02:44:25 -0700\" " + literal(MESSAGE)));
    }

    @Test
    void appendLiteral8KeepsNulAndMarksBinary() {
        byte[] body = {'a', 0, (byte) 0xff, '\r', '\n', 'b'};
        Append append = (Append) parsed(bytes("a APPEND Drafts (\\Seen) ~{6}\r\n", body), ImapParserContext.DEFAULT);
        assertEquals(MessageLiteral.of(body, true), ImapTesting.message(append));
        assertTrue(ImapTesting.message(append).binary());
        assertTrue(ImapTesting.message(append).containsNul());
        assertEquals(MessageLiteral.of(body, true), ImapTesting.message((Append) parsed(bytes("a APPEND x ~{6+}\r\n", body),
                ImapParserContext.DEFAULT)));
    }

    @Test
    void appendRefersIntoTheFrameWithoutCopying() {
        byte[] frame = ImapTesting.utf8("a APPEND x {5}\r\nhello");
        ImapParseResult.Parsed result = (ImapParseResult.Parsed) ImapCommandParser.parse(frame);
        MessageLiteral.InFrame message = (MessageLiteral.InFrame) ImapTesting.message((Append) result.command());
        assertTrue(message.frame() == frame);
        assertEquals(frame.length - 5, message.offset());
        assertEquals(5, message.length());
        assertEquals("hello", new String(message.toByteArray(), java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void appendAcceptsAnEmptyMessageAndABareLf() {
        assertEquals(0, ImapTesting.message((Append) parsed("a APPEND x {0}\r\n")).length());
        assertEquals(MessageLiteral.of(ImapTesting.utf8("ab"), false), ImapTesting.message((Append) parsed("a APPEND x {2+}\nab")));
    }

    // --- authenticated: extensions

    @Test
    void idleNamespaceEnable() {
        assertEquals(new Idle("A002"), parsed("A002 IDLE"));
        assertEquals(new Namespace("A001"), parsed("A001 NAMESPACE"));
        assertEquals(new Enable("t2", List.of("CONDSTORE", "X-GOOD-IDEA")), parsed("t2 ENABLE CONDSTORE X-GOOD-IDEA"));
        assertEquals(new Enable("t", List.of("UTF8=ACCEPT")), parsed("t enable utf8=accept"));
        assertEquals(new ImapCommand.Compress("z", "DEFLATE"), parsed("z COMPRESS DEFLATE"));
        assertEquals(new ImapCommand.Compress("z", "DEFLATE"), parsed("z compress deflate"));
        assertEquals(new ImapCommand.Compress("z", "LZ4"), parsed("z COMPRESS lz4"), "an unknown one is the server's to refuse");
    }

    @Test
    void quotaCommands() {
        assertEquals(new GetQuota("G0001", "!partition/sda4"), parsed("G0001 GETQUOTA \"!partition/sda4\""));
        assertEquals(new GetQuota("a", ""), parsed("a GETQUOTA \"\""));
        assertEquals(new GetQuota("a", "INBOX"), parsed("a GETQUOTA inbox"));
        assertEquals(new GetQuotaRoot("A003", "INBOX"), parsed("A003 GETQUOTAROOT INBOX"));
        assertEquals(new SetQuota("S0000", "#user/alice", Map.of("STORAGE", 510L)),
                parsed("S0000 SETQUOTA \"#user/alice\" (STORAGE 510)"));
        Map<String, Long> limits = new LinkedHashMap<>();
        limits.put("MESSAGE", 1000L);
        limits.put("STORAGE", 9_223_372_036_854_775_807L);
        limits.put("MAILBOX", 0L);
        assertEquals(new SetQuota("a", "", limits), parsed("a SETQUOTA \"\" (message 1000 STORAGE 9223372036854775807 Mailbox 0)"));
        assertEquals(new SetQuota("a", "user.bob", Map.of()), parsed("a SETQUOTA user.bob ()"));
    }

    @Test
    void aclCommands() {
        assertEquals(new GetAcl("A002", "INBOX"), parsed("A002 GETACL INBOX"));
        assertEquals(new MyRights("A003", "INBOX"), parsed("A003 MYRIGHTS inbox"));
        assertEquals(new ListRights("a001", "~/Mail/saved", "smith"), parsed("a001 LISTRIGHTS ~/Mail/saved smith"));
        assertEquals(new DeleteAcl("A002", "~/Mail/saved", "smith"), parsed("A002 DELETEACL ~/Mail/saved smith"));
        assertEquals(new SetAcl("A036", "INBOX/Drafts", "John", StoreMode.SET, "lrswicda"),
                parsed("A036 SETACL INBOX/Drafts John lrswicda"));
        assertEquals(new SetAcl("a", "INBOX", "anyone", StoreMode.ADD, "lr"), parsed("a SETACL INBOX anyone +lr"));
        assertEquals(new SetAcl("a", "INBOX", "-bob", StoreMode.REMOVE, "w"), parsed("a SETACL INBOX -bob \"-w\""));
        assertEquals(new SetAcl("a", "INBOX", "bob", StoreMode.SET, ""), parsed("a SETACL INBOX bob \"\""));
        assertEquals(new SetAcl("a", "INBOX", "group:staff", StoreMode.SET, "lrswipkxtean0"),
                parsed("a SETACL INBOX group:staff lrswipkxtean0"));
    }

    @Test
    void uppercaseRightsAreRefusedAsInRfc4314() {
        assertEquals(new ImapParseResult.Malformed(Optional.of("A035"), "Invalid rights"),
                malformed("A035 SETACL INBOX/Drafts John lrQswicda"));
        assertEquals("Invalid rights", malformed("a SETACL INBOX John lrz").message());
        assertEquals("Invalid rights", malformed("a SETACL INBOX John +-l").message());
    }

    // --- selected

    @Test
    void checkCloseUnselectExpunge() {
        assertEquals(new Check("FXXZ"), parsed("FXXZ CHECK"));
        assertEquals(new Close("A341"), parsed("A341 CLOSE"));
        assertEquals(new Unselect("A342"), parsed("A342 UNSELECT"));
        assertEquals(new Expunge("A202"), parsed("A202 EXPUNGE"));
        assertEquals(new UidExpunge("A003", SequenceSet.range(3000, 3002)), parsed("A003 UID EXPUNGE 3000:3002"));
        assertEquals(new UidExpunge("a", SequenceSet.parse("1,3:*")), parsed("a uid expunge 1,3:*"));
    }

    @Test
    void copyAndMoveWithAndWithoutUid() {
        assertEquals(new Copy("A003", false, SequenceSet.range(2, 4), "MEETING"), parsed("A003 COPY 2:4 MEETING"));
        assertEquals(new Copy("a", true, SequenceSet.of(5), "Trash"), parsed("a UID COPY 5 \"Trash\""));
        assertEquals(new Move("a", false, SequenceSet.range(2, 4), "foo"), parsed("a MOVE 2:4 foo"));
        assertEquals(new Move("a", true, SequenceSet.range(42, 69), "foo"), parsed("a UID MOVE 42:69 foo"));
        assertEquals(new Move("a", true, SequenceSet.parse("1:*"), "INBOX"), parsed("a uid move 1:* inbox"));
    }

    // --- states as types

    @Test
    void everyCommandCarriesItsState() {
        assertInstanceOf(ImapCommand.AnyState.class, parsed("a CAPABILITY"));
        assertInstanceOf(ImapCommand.AnyState.class, parsed("a ID NIL"));
        assertInstanceOf(ImapCommand.NotAuthenticated.class, parsed("a LOGIN u p"));
        assertInstanceOf(ImapCommand.NotAuthenticated.class, parsed("a STARTTLS"));
        assertInstanceOf(ImapCommand.Authenticated.class, parsed("a SELECT INBOX"));
        assertInstanceOf(ImapCommand.Authenticated.class, parsed("a IDLE"));
        assertInstanceOf(ImapCommand.Authenticated.class, parsed("a ENABLE CONDSTORE"));
        assertInstanceOf(ImapCommand.Selected.class, parsed("a FETCH 1 FLAGS"));
        assertInstanceOf(ImapCommand.Selected.class, parsed("a UNSELECT"));
    }

    // --- tags

    @Test
    void tagsMayUseAnyTagCharacter() {
        assertEquals(new Noop("a]b.c-1!~#$&'<>=?@[^_`|}"), parsed("a]b.c-1!~#$&'<>=?@[^_`|} NOOP"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"A+1", "A*1", "A%1", "A(1", "A)1", "A{1", "A\"1", "A\\1", "A\u00e91", "A\u00011", "A\u007f1",
        "A\t1", "A\r1", "+", "*"})
    void invalidTagsGiveAnUntaggedBad(String tag) {
        assertEquals(new ImapParseResult.Malformed(Optional.empty(), "Invalid tag"), malformed(tag + " NOOP"));
    }

    // --- bad input: a short reason, and the tag when it was readable

    static Stream<Arguments> badCommands() {
        return Stream.of(
                Arguments.of("", null, "Missing command"),
                Arguments.of(" A01 NOOP", null, "Invalid tag"),
                Arguments.of("A01", "A01", "Missing command"),
                Arguments.of("A01 ", "A01", "Missing command"),
                Arguments.of("A01  NOOP", "A01", "Missing command"),
                Arguments.of("A01 (NOOP)", "A01", "Missing command"),
                Arguments.of("A01 FROBNICATE", "A01", "Unknown command"),
                Arguments.of("A01 XLIST \"\" *", "A01", "Unknown command"),
                Arguments.of("A01 DONE", "A01", "Unknown command"),
                Arguments.of("A01 NOOP x", "A01", "Extra arguments"),
                Arguments.of("A01 NOOP ", "A01", "Extra arguments"),
                Arguments.of("A01 NOOP\0", "A01", "NUL not allowed"),
                Arguments.of("A01 NOOP\r", "A01", "Extra arguments"),
                Arguments.of("A01 CAPABILITY now", "A01", "Extra arguments"),
                Arguments.of("A01 LOGOUT x", "A01", "Extra arguments"),
                Arguments.of("A01 STARTTLS x", "A01", "Extra arguments"),
                Arguments.of("A01 CHECK x", "A01", "Extra arguments"),
                Arguments.of("A01 CLOSE x", "A01", "Extra arguments"),
                Arguments.of("A01 EXPUNGE 1", "A01", "Extra arguments"),
                Arguments.of("A01 IDLE x", "A01", "Extra arguments"),
                Arguments.of("A01 NAMESPACE x", "A01", "Extra arguments"),
                Arguments.of("A01 COMPRESS", "A01", "Missing argument"),
                Arguments.of("A01 COMPRESS DEFLATE x", "A01", "Extra arguments"),
                Arguments.of("A01 COMPRESS \"DEFLATE\"", "A01", "Invalid compression mechanism"),
                Arguments.of("A01 UNSELECT x", "A01", "Extra arguments"),
                // UID
                Arguments.of("A01 UID", "A01", "Missing argument"),
                Arguments.of("A01 UID ", "A01", "Missing argument"),
                Arguments.of("A01 UID FROB 1", "A01", "Unknown UID command"),
                Arguments.of("A01 UID NOOP", "A01", "Unknown UID command"),
                Arguments.of("A01 UID EXPUNGE", "A01", "Missing argument"),
                Arguments.of("A01 UID EXPUNGE x", "A01", "Invalid sequence set"),
                Arguments.of("A01 UID EXPUNGE 1 2", "A01", "Extra arguments"),
                // LOGIN, AUTHENTICATE
                Arguments.of("A01 LOGIN", "A01", "Missing argument"),
                Arguments.of("A01 LOGIN ", "A01", "Missing argument"),
                Arguments.of("A01 LOGIN fred", "A01", "Missing argument"),
                Arguments.of("A01 LOGIN fred ", "A01", "Missing argument"),
                Arguments.of("A01 LOGIN fred pw x", "A01", "Extra arguments"),
                Arguments.of("A01 LOGIN fred (pw)", "A01", "Invalid string"),
                Arguments.of("A01 LOGIN fred  pw", "A01", "Invalid string"),
                Arguments.of("A01 LOGIN \"fred pw", "A01", "Unterminated quoted string"),
                Arguments.of("A01 LOGIN \"fr\\ed\" pw", "A01", "Invalid escape in quoted string"),
                Arguments.of("A01 LOGIN \"fred\\", "A01", "Unterminated quoted string"),
                Arguments.of("A01 LOGIN fred \"a\0b\"", "A01", "NUL not allowed"),
                Arguments.of("A01 LOGIN fred {3}\r\na\0b", "A01", "NUL not allowed"),
                Arguments.of("A01 LOGIN fred {9}\r\nab", "A01", "Truncated literal"),
                Arguments.of("A01 LOGIN fred {99999999999}\r\nab", "A01", "Invalid literal"),
                Arguments.of("A01 LOGIN fred {}\r\nab", "A01", "Invalid literal"),
                Arguments.of("A01 LOGIN fred {2}ab", "A01", "Invalid literal"),
                Arguments.of("A01 LOGIN fred {2}\rab", "A01", "Invalid literal"),
                Arguments.of("A01 LOGIN fred {2+\r\nab", "A01", "Invalid literal"),
                Arguments.of("A01 LOGIN fred ~{2}\r\nab", "A01", "Literal8 not allowed here"),
                Arguments.of("A01 SELECT ~{5+}\r\nINBOX", "A01", "Literal8 not allowed here"),
                Arguments.of("A01 SEARCH TEXT ~{1}\r\n\0", "A01", "Literal8 not allowed here"),
                Arguments.of("A01 APPEND x ~{x}", "A01", "Invalid literal"),
                Arguments.of("A01 AUTHENTICATE", "A01", "Missing argument"),
                Arguments.of("A01 AUTHENTICATE \"PLAIN\"", "A01", "Invalid SASL mechanism name"),
                Arguments.of("A01 AUTHENTICATE " + "X".repeat(21), "A01", "Invalid SASL mechanism name"),
                Arguments.of("A01 AUTHENTICATE PL.AIN", "A01", "Invalid SASL mechanism name"),
                Arguments.of("A01 AUTHENTICATE PLAIN abc", "A01", "Invalid initial response"),
                Arguments.of("A01 AUTHENTICATE PLAIN ab=c", "A01", "Invalid initial response"),
                Arguments.of("A01 AUTHENTICATE PLAIN ====", "A01", "Invalid initial response"),
                Arguments.of("A01 AUTHENTICATE PLAIN dGVzdA== x", "A01", "Extra arguments"),
                // ID, ENABLE
                Arguments.of("A01 ID", "A01", "Missing argument"),
                Arguments.of("A01 ID NILS", "A01", "Invalid ID parameters"),
                Arguments.of("A01 ID (name \"x\")", "A01", "Invalid string"),
                Arguments.of("A01 ID (\"name\")", "A01", "Missing space"),
                Arguments.of("A01 ID (\"name\" x)", "A01", "Invalid string"),
                Arguments.of("A01 ID (\"name\" \"x\"", "A01", "Unbalanced parentheses"),
                Arguments.of("A01 ID NIL NIL", "A01", "Extra arguments"),
                Arguments.of("A01 ENABLE", "A01", "Missing argument"),
                Arguments.of("A01 ENABLE ", "A01", "Missing argument"),
                Arguments.of("A01 ENABLE (CONDSTORE)", "A01", "Invalid capability"),
                // mailboxes
                Arguments.of("A01 SELECT", "A01", "Missing argument"),
                Arguments.of("A01 SELECT (INBOX)", "A01", "Invalid mailbox name"),
                Arguments.of("A01 SELECT &AA0-", "A01", "Invalid mailbox name"), // a CR, however it is spelt
                Arguments.of("A01 SELECT INBOX ()", "A01", "Invalid select parameter"),
                Arguments.of("A01 SELECT INBOX (CONDSTORE", "A01", "Unbalanced parentheses"),
                Arguments.of("A01 SELECT INBOX CONDSTORE", "A01", "Invalid select parameter"),
                Arguments.of("A01 SELECT INBOX (QRESYNC)", "A01", "Missing space"),
                Arguments.of("A01 SELECT INBOX (QRESYNC ())", "A01", "Invalid number"),
                Arguments.of("A01 SELECT INBOX (QRESYNC (0 1))", "A01", "Invalid number"),
                Arguments.of("A01 SELECT INBOX (QRESYNC (1))", "A01", "Missing space"),
                Arguments.of("A01 SELECT INBOX (QRESYNC (1 x))", "A01", "Invalid number"),
                Arguments.of("A01 SELECT INBOX (QRESYNC (1 2 1:*))", "A01", "Invalid QRESYNC parameter"),
                Arguments.of("A01 SELECT INBOX (QRESYNC (1 2 1:5 (1:2 7)))", "A01", "Invalid QRESYNC parameter"),
                Arguments.of("A01 SELECT INBOX (QRESYNC (1 2 1:5 (1:2 7:8) x))", "A01", "Invalid QRESYNC parameter"),
                Arguments.of("A01 SELECT INBOX (QRESYNC (1 2) QRESYNC (1 2))", "A01", "Invalid select parameter"),
                Arguments.of("A01 SELECT INBOX x", "A01", "Invalid select parameter"),
                Arguments.of("A01 EXAMINE", "A01", "Missing argument"),
                Arguments.of("A01 EXAMINE a b", "A01", "Invalid select parameter"),
                Arguments.of("A01 CREATE", "A01", "Missing argument"),
                Arguments.of("A01 CREATE x ()", "A01", "Invalid create parameter"),
                Arguments.of("A01 CREATE x (FOO)", "A01", "Invalid create parameter"),
                Arguments.of("A01 CREATE x (USE)", "A01", "Missing space"),
                Arguments.of("A01 CREATE x (USE (Drafts))", "A01", "Invalid special-use attribute"),
                Arguments.of("A01 CREATE x (USE (\\Drafts) USE (\\Sent))", "A01", "Invalid create parameter"),
                Arguments.of("A01 CREATE x (USE (\\Drafts)", "A01", "Unbalanced parentheses"),
                Arguments.of("A01 DELETE", "A01", "Missing argument"),
                Arguments.of("A01 DELETE a b", "A01", "Extra arguments"),
                Arguments.of("A01 RENAME a", "A01", "Missing argument"),
                Arguments.of("A01 RENAME a b c d", "A01", "Extra arguments"),
                Arguments.of("A01 SUBSCRIBE", "A01", "Missing argument"),
                Arguments.of("A01 UNSUBSCRIBE a b", "A01", "Extra arguments"),
                Arguments.of("A01 LSUB \"\"", "A01", "Missing argument"),
                Arguments.of("A01 LSUB \"\" % x", "A01", "Extra arguments"),
                Arguments.of("A01 STATUS", "A01", "Missing argument"),
                Arguments.of("A01 STATUS x", "A01", "Missing argument"),
                Arguments.of("A01 STATUS x ()", "A01", "Invalid status item"),
                Arguments.of("A01 STATUS x (FOO)", "A01", "Invalid status item"),
                Arguments.of("A01 STATUS x MESSAGES", "A01", "Invalid status item"),
                Arguments.of("A01 STATUS x (MESSAGES", "A01", "Unbalanced parentheses"),
                Arguments.of("A01 STATUS x (MESSAGES) y", "A01", "Extra arguments"),
                Arguments.of("A01 STATUS x(MESSAGES)", "A01", "Missing space"),
                // LIST
                Arguments.of("A01 LIST", "A01", "Missing argument"),
                Arguments.of("A01 LIST \"\"", "A01", "Missing argument"),
                Arguments.of("A01 LIST \"\" % x", "A01", "Extra arguments"),
                Arguments.of("A01 LIST \"\" % RETURN", "A01", "Missing argument"),
                Arguments.of("A01 LIST \"\" % RETURN CHILDREN", "A01", "Invalid LIST return option"),
                Arguments.of("A01 LIST \"\" % RETURN (FOO)", "A01", "Invalid LIST return option"),
                Arguments.of("A01 LIST \"\" % RETURN (STATUS)", "A01", "Missing space"),
                Arguments.of("A01 LIST \"\" % RETURN (STATUS ())", "A01", "Invalid status item"),
                Arguments.of("A01 LIST \"\" % RETURN (STATUS (MESSAGES) STATUS (UNSEEN))", "A01", "Invalid LIST return option"),
                Arguments.of("A01 LIST \"\" % RETURN (CHILDREN", "A01", "Unbalanced parentheses"),
                Arguments.of("A01 LIST (FOO) \"\" %", "A01", "Invalid LIST selection option"),
                Arguments.of("A01 LIST (RECURSIVEMATCH) \"\" %", "A01", "RECURSIVEMATCH needs another selection option"),
                Arguments.of("A01 LIST (REMOTE RECURSIVEMATCH) \"\" %", "A01", "RECURSIVEMATCH needs another selection option"),
                Arguments.of("A01 LIST (SUBSCRIBED \"\" %", "A01", "Invalid LIST selection option"),
                Arguments.of("A01 LIST \"\" ()", "A01", "Invalid mailbox name"),
                Arguments.of("A01 LIST \"\" (INBOX", "A01", "Unbalanced parentheses"),
                // APPEND
                Arguments.of("A01 APPEND", "A01", "Missing argument"),
                Arguments.of("A01 APPEND x", "A01", "Missing argument"),
                Arguments.of("A01 APPEND x (\\Seen)", "A01", "Missing argument"),
                Arguments.of("A01 APPEND x (\\Seen) \"17-Jul-1996 02:44:25 -0700\"", "A01", "Missing argument"),
                Arguments.of("A01 APPEND x hello", "A01", "Message must be a literal"),
                Arguments.of("A01 APPEND x \"hello\" {1}\r\nx", "A01", "Invalid date"),
                Arguments.of("A01 APPEND x \"31-Feb-1996 02:44:25 -0700\" {1}\r\nx", "A01", "Invalid date"),
                Arguments.of("A01 APPEND x \"17-Jul-1996 24:00:00 -0700\" {1}\r\nx", "A01", "Invalid date"),
                Arguments.of("A01 APPEND x \"17-Jul-1996 02:44:25 -0760\" {1}\r\nx", "A01", "Invalid date"),
                Arguments.of("A01 APPEND x \"17-Jul-1996 02:44:25 0700\" {1}\r\nx", "A01", "Invalid date"),
                Arguments.of("A01 APPEND x \"17-Jly-1996 02:44:25 -0700\" {1}\r\nx", "A01", "Invalid date"),
                Arguments.of("A01 APPEND x \"7-Jul-1996 02:44:25 -0700\" {1}\r\nx", "A01", "Invalid date"),
                Arguments.of("A01 APPEND x \"17-Jul-1996 02:44:25 -0700 {1}\r\nx", "A01", "Invalid date"),
                Arguments.of("A01 APPEND x (\\Recent) {1}\r\nx", "A01", "Invalid flag"),
                Arguments.of("A01 APPEND x (\\Foo) {1}\r\nx", "A01", "Invalid flag"),
                Arguments.of("A01 APPEND x (\\Seen {1}\r\nx", "A01", "Invalid flag"),
                Arguments.of("A01 APPEND x (\\Seen) {1}\r\nxy", "A01", "Missing space"), // another message would follow a space
                Arguments.of("A01 APPEND x (\\Seen) {5}\r\nxy", "A01", "Truncated literal"),
                Arguments.of("A01 APPEND x {1}\r\nx {1}\r\ny ", "A01", "Missing argument"), // MULTIAPPEND: a third due
                Arguments.of("A01 APPEND x ~ {1}\r\nx", "A01", "Invalid literal"),
                // COPY, MOVE
                Arguments.of("A01 COPY", "A01", "Missing argument"),
                Arguments.of("A01 COPY 1", "A01", "Missing argument"),
                Arguments.of("A01 COPY 1 x y", "A01", "Extra arguments"),
                Arguments.of("A01 COPY x y", "A01", "Invalid sequence set"),
                Arguments.of("A01 COPY 0 y", "A01", "Invalid sequence set"),
                Arguments.of("A01 COPY 1:2:3 y", "A01", "Invalid sequence set"),
                Arguments.of("A01 COPY $1 y", "A01", "Invalid sequence set"),
                Arguments.of("A01 COPY 1a y", "A01", "Invalid sequence set"),
                Arguments.of("A01 UID MOVE 1", "A01", "Missing argument"),
                Arguments.of("A01 MOVE 4294967296 y", "A01", "Invalid sequence set"),
                // quota, ACL
                Arguments.of("A01 GETQUOTA", "A01", "Missing argument"),
                Arguments.of("A01 GETQUOTA a b", "A01", "Extra arguments"),
                Arguments.of("A01 SETQUOTA x", "A01", "Missing argument"),
                Arguments.of("A01 SETQUOTA x (STORAGE)", "A01", "Missing space"),
                Arguments.of("A01 SETQUOTA x (STORAGE x)", "A01", "Invalid number"),
                Arguments.of("A01 SETQUOTA x (STORAGE -1)", "A01", "Invalid number"),
                Arguments.of("A01 SETQUOTA x (STORAGE 9223372036854775808)", "A01", "Invalid number"),
                Arguments.of("A01 SETQUOTA x (STORAGE 1 storage 2)", "A01", "Invalid quota resource"),
                Arguments.of("A01 SETQUOTA x (STORAGE 1", "A01", "Unbalanced parentheses"),
                Arguments.of("A01 SETQUOTA x STORAGE 1", "A01", "Invalid quota resource"),
                Arguments.of("A01 GETACL", "A01", "Missing argument"),
                Arguments.of("A01 SETACL INBOX bob", "A01", "Missing argument"),
                Arguments.of("A01 SETACL INBOX \"\" lr", "A01", "Invalid identifier"),
                Arguments.of("A01 SETACL INBOX bob lr x", "A01", "Extra arguments"),
                Arguments.of("A01 DELETEACL INBOX", "A01", "Missing argument"),
                Arguments.of("A01 LISTRIGHTS INBOX", "A01", "Missing argument"),
                Arguments.of("A01 MYRIGHTS INBOX bob", "A01", "Extra arguments"));
    }

    @ParameterizedTest
    @MethodSource("badCommands")
    void badCommandsAreMalformed(String frame, String tag, String message) {
        assertEquals(new ImapParseResult.Malformed(Optional.ofNullable(tag), message), malformed(frame));
    }

    @Test
    void invalidUtf8InAnyStringIsMalformed() {
        byte[] bad = {(byte) 0xc3, (byte) 0x28};
        assertEquals("Invalid UTF-8", malformed(bytes("a LOGIN \"", bad, "\" pw")).message());
        assertEquals("Invalid UTF-8", malformed(bytes("a LOGIN {2}\r\n", bad, " pw")).message());
        assertEquals("Invalid UTF-8", malformed(bytes("a LOGIN u", bad, " pw")).message());
        assertEquals("Invalid UTF-8", malformed(bytes("a LOGIN \"", new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, "\" pw")).message());
        assertEquals("Invalid UTF-8", malformed(bytes("a LOGIN \"", new byte[] {(byte) 0xc0, (byte) 0xaf}, "\" pw")).message());
    }

    @Test
    void contextDoesNotLeakBetweenCalls() {
        parsed("a CREATE Entwürfe", ImapParserContext.UTF8_ACCEPT);
        // without UTF8=ACCEPT 8-bit is no modified UTF-7: a name no mailbox can have (NO), as Cyrus 3.6 answers it
        assertEquals(new Create("a", MailboxNames.unusable("Entwürfe"), List.of()), parsed("a CREATE Entwürfe"));
    }
}
