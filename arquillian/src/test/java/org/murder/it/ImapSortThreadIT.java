package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SORT and THREAD (RFC 5256), SORT=DISPLAY (RFC 5957), ESORT (RFC 5267) and SEARCHRES (RFC 5182) against the node,
 * as scripted sessions over a bare socket and with Python's imaplib. Each test fills a folder of its own with the
 * same five messages, whose dates, subjects, addresses and references give every criterion a different order:
 *
 * <pre>
 *  #  Date (sent)   INTERNALDATE  Subject            From                    To       Cc   Message-ID  refers to
 *  1  10:00         12:00         Hello              Zed &lt;zed@&gt;            bob@          m1
 *  2  09:00         11:00         Re: Hello          Adam &lt;adam@&gt;          carol@        m2          m1
 *  3  11:00         10:00         [list] Another     bob@                    Alice    x@y  m3
 *  4  (none)        09:30         Fwd: hello (fwd)   carol@                                m4          m2
 *  5  08:00         13:00         re: another        =?UTF-8?Q?=C3=89mile?=                m5          m3 (In-Reply-To)
 * </pre>
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Timeout(180)
class ImapSortThreadIT {

    private static final String F = "INBOX." + MurderNode.RUN + "-sort-";

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    private static RawLineClient loggedIn() throws IOException {
        RawLineClient c = new RawLineClient(MurderNode.HOST, MurderNode.imapPort());
        c.lineStartingWith("* OK");
        c.startTlsImap(MurderNode.trustAll());
        assertOk("L1", c.command("L1", "LOGIN " + MurderNode.USER + " " + MurderNode.USER_PASSWORD));
        return c;
    }

    private static final String[][] MESSAGES = {
        {"Date: Mon, 7 Dec 2026 10:00:00 +0000", "Subject: Hello", "From: Zed <zed@example.org>",
            "To: bob@example.org", "Message-ID: <m1@it>", "07-Dec-2026 12:00:00 +0000", "one"},
        {"Date: Mon, 7 Dec 2026 10:00:00 +0100", "Subject: Re: Hello", "From: Adam <adam@example.org>",
            "To: carol@example.org", "Message-ID: <m2@it>\r\nReferences: <m1@it>", "07-Dec-2026 11:00:00 +0000", "two"},
        {"Date: Mon, 7 Dec 2026 11:00:00 +0000", "Subject: [list] Another", "From: bob@example.org",
            "To: Alice <alice@example.org>\r\nCc: x@y", "Message-ID: <m3@it>", "07-Dec-2026 10:00:00 +0000",
            "three, the longest body of them all, by far"},
        {"X-No-Date: none", "Subject: Fwd: hello (fwd)", "From: carol@example.org", "X-To: nobody",
            "Message-ID: <m4@it>\r\nReferences: <m2@it>", "07-Dec-2026 09:30:00 +0000", "four"},
        {"Date: 7 Dec 2026 03:00 EST", "Subject: re: another", "From: =?UTF-8?Q?=C3=89mile?= <emile@example.org>",
            "X-To: nobody", "Message-ID: <m5@it>\r\nIn-Reply-To: <m3@it>", "07-Dec-2026 13:00:00 +0000", "five"},
    };

    /** A new folder holding the five messages, selected. */
    private static void fiveMessages(RawLineClient c, String box) throws IOException {
        fill(c, box, MESSAGES);
    }

    /** A new folder holding the messages (header lines, INTERNALDATE, body), selected. */
    private static void fill(RawLineClient c, String box, String[][] messages) throws IOException {
        assertOk("C1", c.command("C1", "CREATE " + box));
        for (String[] m : messages) {
            append(c, box, m[5], text(m));
        }
        assertOk("S1", c.command("S1", "SELECT " + box));
    }

    private static String text(String[] m) {
        return String.join("\r\n", m[0], m[1], m[2], m[3], m[4]) + "\r\n\r\n" + m[6] + "\r\n";
    }

    private static void append(RawLineClient c, String box, String date, String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("A1 APPEND " + box + " \"" + date + "\" {" + bytes.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bytes);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        c.send(out.toByteArray());
        assertOk("A1", c.untilTagged("A1"));
    }

    private static void assertOk(String tag, List<String> lines) {
        assertTrue(last(lines).startsWith(tag + " OK"), () -> "expected " + tag + " OK, got " + lines);
    }

    private static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    /** The one untagged line starting with {@code prefix} that a command answered with. */
    private static String untagged(List<String> lines, String prefix) {
        List<String> found = lines.stream().filter(l -> l.startsWith(prefix)).toList();
        assertEquals(1, found.size(), () -> "one " + prefix + " line expected in " + lines);
        return found.get(0);
    }

    /** Sends a command, expects OK, returns its one untagged line starting with {@code prefix}. */
    private static String answer(RawLineClient c, String tag, String command, String prefix) throws IOException {
        List<String> lines = c.command(tag, command);
        assertOk(tag, lines);
        return untagged(lines, prefix);
    }

    @Test
    void capabilitiesNameWhatWorks() throws IOException {
        try (RawLineClient c = loggedIn()) {
            String caps = untagged(c.command("K1", "CAPABILITY"), "* CAPABILITY ");
            for (String cap : List.of("SORT", "SORT=DISPLAY", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "ESORT",
                    "SEARCHRES")) {
                assertTrue((" " + caps + " ").contains(" " + cap + " "), caps);
            }
        }
    }

    @Test
    void sortByEveryCriterion() throws IOException {
        try (RawLineClient c = loggedIn()) {
            fiveMessages(c, F + "criteria");
            assertEquals("* SORT 4 3 2 1 5", answer(c, "T1", "SORT (ARRIVAL) US-ASCII ALL", "* SORT"));
            assertEquals("* SORT 5 1 2 3 4", answer(c, "T2", "SORT (REVERSE ARRIVAL) UTF-8 ALL", "* SORT"));
            // 2 is 09:00 UTC (10:00 +0100), 5 is 08:00 UTC (03:00 EST), 4 has no Date: its INTERNALDATE, 09:30
            assertEquals("* SORT 5 2 4 1 3", answer(c, "T3", "SORT (DATE) UTF-8 ALL", "* SORT"));
            assertEquals("* SORT 3 5 1 2 4", answer(c, "T4", "SORT (SUBJECT) UTF-8 ALL", "* SORT"));
            assertEquals("* SORT 3 5 1 4 2", answer(c, "T5", "SORT (SUBJECT REVERSE DATE) UTF-8 ALL", "* SORT"));
            assertEquals("* SORT 2 3 4 5 1", answer(c, "T6", "SORT (FROM) UTF-8 ALL", "* SORT"));
            assertEquals("* SORT 4 5 3 1 2", answer(c, "T7", "SORT (TO) UTF-8 ALL", "* SORT"));
            assertEquals("* SORT 1 2 4 5 3", answer(c, "T8", "SORT (CC) UTF-8 ALL", "* SORT"));
            assertEquals("* SORT 3", answer(c, "T9", "SORT (REVERSE SIZE) UTF-8 ALL", "* SORT").substring(0, 8));
            // RFC 5957: display names decoded and compared as i;unicode-casemap (É as E), else the address
            assertEquals("* SORT 2 3 4 5 1", answer(c, "T10", "SORT (DISPLAYFROM) UTF-8 ALL", "* SORT"));
            assertEquals("* SORT 4 5 3 1 2", answer(c, "T11", "SORT (DISPLAYTO) UTF-8 ALL", "* SORT"));
            // a search narrows what is sorted
            assertEquals("* SORT 2 4 1", answer(c, "T12", "SORT (DATE) UTF-8 SUBJECT hello", "* SORT"));
            assertEquals("* SORT", answer(c, "T13", "SORT (DATE) UTF-8 SUBJECT nothing-like-this", "* SORT"));
            assertEquals("* SORT 4 3 2 1 5", answer(c, "T14", "UID SORT (ARRIVAL) UTF-8 ALL", "* SORT"));
            assertEquals("* SORT 3 2", answer(c, "T15", "UID SORT (ARRIVAL) UTF-8 UID 2:3", "* SORT"));
        }
    }

    @Test
    void esortAnswersWithEsearch() throws IOException {
        try (RawLineClient c = loggedIn()) {
            fiveMessages(c, F + "esort");
            assertEquals("* ESEARCH (TAG \"E1\") MIN 5 MAX 3 COUNT 5 ALL 5,2,4,1,3",
                    answer(c, "E1", "SORT RETURN (MIN MAX COUNT ALL) (DATE) UTF-8 ALL", "* ESEARCH"));
            assertEquals("* ESEARCH (TAG \"E2\") UID COUNT 3",
                    answer(c, "E2", "UID SORT RETURN (COUNT) (SUBJECT) UTF-8 SUBJECT hello", "* ESEARCH"));
            assertEquals("* ESEARCH (TAG \"E3\") ALL 4,3,2,1,5", answer(c, "E3", "SORT RETURN () (ARRIVAL) UTF-8 ALL", "* ESEARCH"));
            assertEquals("* ESEARCH (TAG \"E4\") COUNT 0",
                    answer(c, "E4", "SORT RETURN (MIN COUNT) (DATE) UTF-8 SUBJECT nothing-like-this", "* ESEARCH"));
        }
    }

    @Test
    void threadByOrderedSubjectAndByReferences() throws IOException {
        try (RawLineClient c = loggedIn()) {
            fiveMessages(c, F + "thread");
            assertEquals("* THREAD (5 3)(2 (4)(1))", answer(c, "H1", "THREAD ORDEREDSUBJECT UTF-8 ALL", "* THREAD"));
            assertEquals("* THREAD (1 2 4)(3 5)", answer(c, "H2", "THREAD REFERENCES UTF-8 ALL", "* THREAD"));
            assertEquals("* THREAD (1 2 4)(3 5)", answer(c, "H3", "UID THREAD REFERENCES UTF-8 ALL", "* THREAD"));
            // the thread's top is not among those found: a dummy stands for it, and gives way to its only reply
            assertEquals("* THREAD (2 4)", answer(c, "H4", "THREAD REFERENCES UTF-8 NOT UID 1,3,5", "* THREAD"));
            assertEquals("* THREAD", answer(c, "H5", "THREAD REFERENCES UTF-8 SUBJECT nothing-like-this", "* THREAD"));
        }
    }

    @Test
    void aRepeatedSortIsTheSameAndANewMessageChangesIt() throws IOException {
        String box = F + "again";
        try (RawLineClient c = loggedIn(); RawLineClient other = loggedIn()) {
            fiveMessages(c, box);
            assertEquals("* SORT 5 2 4 1 3", answer(c, "R1", "SORT (DATE) UTF-8 ALL", "* SORT"));
            assertEquals("* SORT 5 2 4 1 3", answer(c, "R2", "SORT (DATE) UTF-8 ALL", "* SORT"));
            assertOk("R3", other.command("R3", "EXAMINE " + box));
            assertEquals("* SORT 5 2 4 1 3", answer(other, "R4", "SORT (DATE) UTF-8 ALL", "* SORT"), "another session");
            assertEquals("* THREAD (1 2 4)(3 5)", answer(other, "R5", "THREAD REFERENCES UTF-8 ALL", "* THREAD"));
            append(c, box, "07-Dec-2026 14:00:00 +0000",
                    "Date: 7 Dec 2026 07:00:00 +0000\r\nSubject: Re: Hello\r\nReferences: <m1@it>\r\n\r\nsix\r\n");
            assertOk("R6", c.command("R6", "NOOP"));
            assertEquals("* SORT 6 5 2 4 1 3", answer(c, "R7", "SORT (DATE) UTF-8 ALL", "* SORT"));
            // as Cyrus: the other session hears of the new message first, then has it sorted
            List<String> lines = other.command("R8", "SORT (DATE) UTF-8 ALL");
            assertTrue(lines.indexOf("* 6 EXISTS") >= 0 && lines.indexOf("* 6 EXISTS") < lines.indexOf("* SORT 6 5 2 4 1 3"),
                    lines.toString());
            assertEquals("* THREAD (1 (6)(2 4))(3 5)", answer(other, "R10", "THREAD REFERENCES UTF-8 ALL", "* THREAD"));
        }
    }

    @Test
    void searchResultsAreSavedAsDollar() throws IOException {
        String box = F + "searchres";
        try (RawLineClient c = loggedIn()) {
            fiveMessages(c, box);
            List<String> saved = c.command("D1", "SEARCH RETURN (SAVE) SUBJECT hello");
            assertOk("D1", saved);
            assertEquals(1, saved.size(), "SAVE alone answers nothing but OK: " + saved);
            assertEquals(List.of("* 1 FETCH", "* 2 FETCH", "* 4 FETCH"), c.command("D2", "FETCH $ (UID)").stream()
                    .filter(l -> l.startsWith("* ")).map(l -> l.substring(0, l.indexOf(" FETCH") + 6)).toList());
            assertEquals("* SEARCH 1 2 4", answer(c, "D3", "UID SEARCH UID $", "* SEARCH"));
            assertEquals("* SEARCH 3 5", answer(c, "D4", "SEARCH NOT $", "* SEARCH"));
            // with MIN, only the first is kept; the ESEARCH is still told
            assertEquals("* ESEARCH (TAG \"D5\") MIN 2", answer(c, "D5", "SEARCH RETURN (SAVE MIN) FROM adam", "* ESEARCH"));
            assertOk("D6", c.command("D6", "UID STORE $ +FLAGS.SILENT (\\Flagged)"));
            assertEquals("* SEARCH 2", answer(c, "D7", "SEARCH FLAGGED", "* SEARCH"));
            // SORT RETURN (SAVE) keeps what it found
            List<String> sorted = c.command("D8", "SORT RETURN (SAVE) (DATE) UTF-8 SUBJECT another");
            assertOk("D8", sorted);
            assertEquals(1, sorted.size(), sorted.toString());
            assertEquals("* SORT 5 3", answer(c, "D9", "SORT (DATE) UTF-8 $", "* SORT"));
            // a SAVE answered NO empties it (RFC 5182 2.1); a BAD leaves it
            assertTrue(last(c.command("D9a", "SEARCH RETURN (SAVE) SUBJECT")).startsWith("D9a BAD"));
            assertEquals("* SEARCH 3 5", answer(c, "D9b", "SEARCH $", "* SEARCH"));
            assertTrue(last(c.command("D9c", "SEARCH RETURN (SAVE) CHARSET KOI8-R ALL")).startsWith("D9c NO [BADCHARSET"));
            assertEquals("* SEARCH", answer(c, "D9d", "SEARCH $", "* SEARCH"));
            // a new SELECT empties it: $ then names nothing, and that is no error
            assertOk("D10", c.command("D10", "SELECT " + box));
            List<String> none = c.command("D11", "FETCH $ (UID)");
            assertOk("D11", none);
            assertTrue(none.stream().noneMatch(l -> l.contains("FETCH")), none.toString());
            assertEquals("* SEARCH", answer(c, "D12", "SEARCH $", "* SEARCH"));
            assertTrue(last(c.command("D13", "FETCH 1,$ (UID)")).startsWith("D13 BAD"));
        }
    }

    @Test
    void badCriteriaAreBadAnUnknownCharsetIsNo() throws IOException {
        try (RawLineClient c = loggedIn()) {
            assertTrue(last(c.command("B0", "SORT (DATE) UTF-8 ALL")).startsWith("B0 BAD"), "no mailbox selected");
            fiveMessages(c, F + "bad");
            for (String bad : List.of("SORT (BOGUS) UTF-8 ALL", "SORT (DATE) UTF-8", "SORT DATE UTF-8 ALL",
                    "SORT () UTF-8 ALL", "SORT (REVERSE) UTF-8 ALL", "SORT RETURN (FOO) (DATE) UTF-8 ALL",
                    "THREAD FOO UTF-8 ALL", "THREAD REFERENCES", "UID THREAD REFERENCES UTF-8 NOSUCHKEY",
                    "SORT (DATE) UTF-8 ALL)")) {
                assertTrue(last(c.command("B1", bad)).startsWith("B1 BAD"), bad);
            }
            assertEquals("B2 NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset",
                    last(c.command("B2", "SORT (DATE) KOI8-R ALL")));
            assertTrue(last(c.command("B3", "THREAD REFERENCES ISO-8859-1 ALL")).startsWith("B3 NO [BADCHARSET"));
            assertOk("B4", c.command("B4", "NOOP"));
            assertEquals("* SORT 5 2 4 1 3", answer(c, "B5", "SORT (DATE) UTF-8 ALL", "* SORT"), "the session goes on");
        }
    }

    // ------------------------------------------------------------------ Debian's Cyrus 3.6, the same script

    /** Commands whose answers must be Cyrus's, message for message. */
    private static final List<String> LIKE_CYRUS = List.of("SORT (ARRIVAL) US-ASCII ALL", "SORT (REVERSE ARRIVAL) UTF-8 ALL",
            "SORT (DATE) UTF-8 ALL", "SORT (REVERSE DATE) UTF-8 ALL", "SORT (SUBJECT) UTF-8 ALL",
            "SORT (SUBJECT REVERSE DATE) UTF-8 ALL", "SORT (FROM) UTF-8 ALL", "SORT (TO) UTF-8 ALL", "SORT (CC) UTF-8 ALL",
            "SORT (SIZE) UTF-8 ALL", "SORT (REVERSE SIZE) UTF-8 ALL", "SORT (DISPLAYFROM) UTF-8 ALL",
            "SORT (DISPLAYTO) UTF-8 ALL", "SORT (DATE) UTF-8 SUBJECT hello", "UID SORT (ARRIVAL) UTF-8 ALL",
            "SORT (CC FROM) UTF-8 NOT UID 3", "THREAD ORDEREDSUBJECT UTF-8 ALL", "THREAD REFERENCES UTF-8 ALL",
            "UID THREAD REFERENCES UTF-8 ALL", "THREAD REFERENCES UTF-8 NOT UID 1,3,5", "THREAD ORDEREDSUBJECT UTF-8 FROM carol");

    /** The five messages in a Cyrus backend (our node its MUPDATE master) and here: SORT and THREAD answer alike. */
    @Test
    void cyrusSortsAndThreadsTheSame() throws Exception {
        assertLikeCyrus("s", MESSAGES, LIKE_CYRUS);
    }

    /**
     * Threads with holes, loops, a repeated Message-ID, subjects that gather and subjects that are empty, equal dates,
     * no dates: Cyrus and this node thread and sort them alike.
     */
    private static final String[][] TANGLED = {
        {"Date: 7 Dec 2026 01:00:00 +0000", "Subject: Topic", "From: a@x", "To: b@x", "Message-ID: <b1@it>", "07-Dec-2026 13:00:00 +0000", "1"},
        {"Date: 7 Dec 2026 02:00:00 +0000", "Subject: Re: Topic", "From: b@x", "To: a@x", "Message-ID: <b2@it>\r\nReferences: <bX@it>", "07-Dec-2026 13:01:00 +0000", "2"},
        {"Date: 7 Dec 2026 03:00:00 +0000", "Subject: Re: Topic", "From: c@x", "To: a@x", "Message-ID: <b3@it>\r\nReferences: <bX@it>", "07-Dec-2026 13:02:00 +0000", "3"},
        {"Date: 7 Dec 2026 00:30:00 +0000", "Subject: Topic", "From: d@x", "To: a@x", "Message-ID: <b4@it>", "07-Dec-2026 13:03:00 +0000", "4"},
        {"Date: 7 Dec 2026 04:00:00 +0000", "Subject: [fwd: Topic]", "From: e@x", "To: a@x", "Message-ID: <b5@it>", "07-Dec-2026 13:04:00 +0000", "5"},
        {"Date: 7 Dec 2026 05:00:00 +0000", "Subject: Other", "From: f@x", "To: a@x", "Message-ID: <b1@it>", "07-Dec-2026 13:05:00 +0000", "6"},
        {"Date: 7 Dec 2026 06:00:00 +0000", "Subject: Re: Other", "From: g@x", "To: a@x", "Message-ID: <b7@it>\r\nReferences: <b1@it>", "07-Dec-2026 13:06:00 +0000", "7"},
        {"Date: 7 Dec 2026 07:00:00 +0000", "Subject: ", "From: h@x", "To: a@x", "Message-ID: <b8@it>", "07-Dec-2026 13:07:00 +0000", "8"},
        {"Date: 7 Dec 2026 08:00:00 +0000", "Subject: Re:", "From: i@x", "To: a@x", "Message-ID: <b9@it>", "07-Dec-2026 13:08:00 +0000", "9"},
        {"Date: 7 Dec 2026 09:00:00 +0000", "Subject: Loop", "From: j@x", "To: a@x", "Message-ID: <b10@it>\r\nReferences: <b11@it>", "07-Dec-2026 13:09:00 +0000", "10"},
        {"Date: 7 Dec 2026 10:00:00 +0000", "Subject: Re: Loop", "From: k@x", "To: a@x", "Message-ID: <b11@it>\r\nReferences: <b10@it>", "07-Dec-2026 13:10:00 +0000", "11"},
        {"X-Date: none", "Subject: Re: re: Fw: [x] chain (fwd)", "From: l@x", "To: a@x", "Message-ID: <b12@it>\r\nIn-Reply-To: <b11@it>", "07-Dec-2026 11:00:00 +0000", "12"},
        {"Date: 7 Dec 2026 12:00:00 +0000", "Subject: Same date", "From: m@x", "To: a@x", "Message-ID: <b13@it>", "07-Dec-2026 13:12:00 +0000", "13"},
        {"Date: 7 Dec 2026 12:00:00 +0000", "Subject: Same date", "From: n@x", "To: a@x", "Message-ID: <b14@it>", "07-Dec-2026 13:13:00 +0000", "14"},
        {"Date: 7 Dec 2026 12:30:00 +0000", "Subject: Re: chain", "From: o@x", "To: a@x", "Message-ID: <b15@it>\r\nReferences: <b10@it> <b12@it>", "07-Dec-2026 13:14:00 +0000", "15"},
    };

    @Test
    void cyrusThreadsTangledMailTheSame() throws Exception {
        assertLikeCyrus("t", TANGLED, List.of("THREAD REFERENCES UTF-8 ALL", "THREAD ORDEREDSUBJECT UTF-8 ALL",
                "UID THREAD REFERENCES UTF-8 ALL", "THREAD REFERENCES UTF-8 NOT UID 10", "SORT (SUBJECT) UTF-8 ALL",
                "SORT (DATE) UTF-8 ALL", "SORT (REVERSE SUBJECT DATE) UTF-8 ALL", "SORT (REVERSE DATE) UTF-8 ALL"));
    }

    /** The messages in a Cyrus backend (our node its MUPDATE master) and in a folder here: the same answers. */
    private void assertLikeCyrus(String userPrefix, String[][] messages, List<String> commands) throws Exception {
        org.murder.it.Peers.require(Files.isExecutable(org.murder.it.cyrus.CyrusInstance.CYRUS_BIN.resolve("master")),
                "Debian's Cyrus is not installed");
        String user = userPrefix + MurderNode.RUN.substring(2);
        Path base = Path.of("target/cyrus-it").toAbsolutePath()
                .resolve(userPrefix + Long.toString(System.currentTimeMillis() / 1000, 36));
        org.murder.it.cyrus.CyrusInstance.killStaleInstances(base.getParent());
        List<String> ours = new ArrayList<>();
        try (RawLineClient c = loggedIn()) {
            fill(c, F + "cyrus-" + userPrefix, messages);
            for (String command : commands) {
                ours.add(answer(c, "Y1", command, command.contains("THREAD") ? "* THREAD" : "* SORT"));
            }
        }
        List<String> theirs = new ArrayList<>();
        try (org.murder.it.cyrus.CyrusBackend be = new org.murder.it.cyrus.CyrusBackend(base.resolve("be"), "127.0.0.51",
                MurderNode.HOST, MurderNode.mupdatePort(), MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD)) {
            be.createUser(user, "sort-pw");
            be.start();
            try (org.murder.it.cyrus.ImapAdminClient admin = be.imapAdmin()) {
                assertTrue(admin.create("user." + user).ok(), "CREATE user." + user);
            }
            try (org.murder.it.cyrus.ImapAdminClient cy = be.imap(user, "sort-pw")) {
                for (String[] m : messages) {
                    String message = text(m);
                    org.murder.it.cyrus.ImapAdminClient.Result r = cy.command("APPEND INBOX \"" + m[5] + "\" {"
                            + message.getBytes(StandardCharsets.UTF_8).length + "+}\r\n" + message);
                    assertTrue(r.ok(), r::toString);
                }
                assertTrue(cy.select("INBOX").ok());
                for (String command : commands) {
                    org.murder.it.cyrus.ImapAdminClient.Result r = cy.command(command);
                    assertTrue(r.ok(), r::toString);
                    String prefix = command.contains("THREAD") ? "* THREAD" : "* SORT";
                    theirs.add(r.untagged().stream().filter(l -> l.startsWith(prefix)).findFirst().orElse("(none) " + r));
                }
            }
        }
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            if (!ours.get(i).equals(theirs.get(i))) {
                differences.add(commands.get(i) + ": ours [" + ours.get(i) + "], Cyrus [" + theirs.get(i) + "]");
            }
        }
        assertEquals(List.of(), differences);
    }

    // ------------------------------------------------------------------ Python imaplib

    private static final String PY_SORT = """
            import imaplib, json, ssl, sys
            host, port, user, password, mailbox = sys.argv[1:6]
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            r = {}
            M = imaplib.IMAP4(host, int(port), timeout=20)
            M.starttls(ssl_context=ctx)
            M.login(user, password)
            r['capabilities'] = list(M.capabilities)
            typ, data = M.select(mailbox)
            r['select'] = typ
            def d(data):
                return [x.decode() if isinstance(x, bytes) else str(x) for x in data]
            typ, data = M.sort('(DATE)', 'UTF-8', 'ALL')
            r['sort_date'] = [typ] + d(data)
            typ, data = M.sort('SUBJECT', 'UTF-8', 'SUBJECT', 'hello')
            r['sort_subject'] = [typ] + d(data)
            typ, data = M.uid('SORT', '(REVERSE ARRIVAL)', 'UTF-8', 'ALL')
            r['uid_sort'] = [typ] + d(data)
            typ, data = M.thread('REFERENCES', 'UTF-8', 'ALL')
            r['thread_references'] = [typ] + d(data)
            typ, data = M.thread('ORDEREDSUBJECT', 'UTF-8', 'ALL')
            r['thread_orderedsubject'] = [typ] + d(data)
            typ, data = M.uid('THREAD', 'REFERENCES', 'UTF-8', 'ALL')
            r['uid_thread'] = [typ] + d(data)
            typ, data = M.sort('(DATE)', 'KOI8-R', 'ALL')
            r['badcharset'] = [typ] + d(data)
            try:
                M.sort('(BOGUS)', 'UTF-8', 'ALL')
                r['bad'] = 'no error'
            except M.error as e:
                r['bad'] = str(e)
            typ, data = M.noop()
            r['noop'] = typ
            M.logout()
            print(json.dumps(r), flush=True)
            """;

    @Test
    void pythonImaplibSortsAndThreads() throws Exception {
        String box = F + "python";
        try (RawLineClient c = loggedIn()) {
            fiveMessages(c, box);
        }
        Path python = Path.of("/usr/bin/python3");
        Peers.require(Files.isExecutable(python), "python3 is not installed");
        Path script = Files.createTempFile("murder-sort", ".py");
        script.toFile().deleteOnExit();
        Files.writeString(script, PY_SORT);
        Process p = new ProcessBuilder(python.toString(), script.toString(), MurderNode.HOST,
                Integer.toString(MurderNode.imapPort()), MurderNode.USER, MurderNode.USER_PASSWORD, box)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("python did not finish: " + out);
        }
        assertEquals(0, p.exitValue(), out);
        String json = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no JSON from python:\n" + out));
        JsonObject r;
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            r = reader.readObject();
        }
        List<String> caps = strings(r.getJsonArray("capabilities"));
        assertTrue(caps.contains("SORT") && caps.contains("THREAD=REFERENCES"), caps.toString());
        assertEquals("OK", r.getString("select"));
        assertEquals(List.of("OK", "5 2 4 1 3"), strings(r.getJsonArray("sort_date")));
        assertEquals(List.of("OK", "1 2 4"), strings(r.getJsonArray("sort_subject")));
        assertEquals(List.of("OK", "5 1 2 3 4"), strings(r.getJsonArray("uid_sort")));
        assertEquals(List.of("OK", "(1 2 4)(3 5)"), strings(r.getJsonArray("thread_references")));
        assertEquals(List.of("OK", "(5 3)(2 (4)(1))"), strings(r.getJsonArray("thread_orderedsubject")));
        assertEquals(List.of("OK", "(1 2 4)(3 5)"), strings(r.getJsonArray("uid_thread")));
        List<String> badcharset = strings(r.getJsonArray("badcharset"));
        assertEquals("NO", badcharset.get(0), badcharset.toString());
        assertTrue(badcharset.get(1).startsWith("[BADCHARSET (US-ASCII UTF-8)]"), badcharset.toString());
        assertTrue(r.getString("bad").contains("BAD"), r.getString("bad"));
        assertEquals("OK", r.getString("noop"));
    }

    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        a.getValuesAs(JsonString.class).forEach(s -> out.add(s.getString()));
        return out;
    }
}
