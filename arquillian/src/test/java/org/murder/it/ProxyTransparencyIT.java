package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The transparency suite: the same scripted IMAP session, run once directly against backend be1 and once through
 * frontend fe1 (which proxies to be1), gives the same answers. Two users set up alike ({@code tessd} is read
 * directly, {@code tessf} through the frontend; both INBOXes on be1, same mailboxes, same messages with the same
 * flags and internal dates), so each run starts from the same state and UIDs, MODSEQs and sizes agree.
 *
 * <p>Compared: every line the server sends for each scripted command, untagged and tagged (the tags are the
 * script's own, the same in both runs), literals byte for byte. Normalized, because they must differ:</p>
 * <ul>
 *   <li>the user's name ({@code tessd} / {@code tessf}) → {@code USER} (GETACL, QUOTAROOT);</li>
 *   <li>UIDVALIDITY values (in SELECT/EXAMINE, STATUS, and the first number of APPENDUID/COPYUID): each mailbox's
 *       own, from its creation time;</li>
 * </ul>
 * <p>Not compared: the greeting and the LOGIN's {@code OK [CAPABILITY …]} (connection-specific), and the mail
 * delivered during the run is read only by its Subject (its Received line carries a time). CAPABILITY itself is
 * checked apart ({@link #capabilityThroughTheFrontendIsWhatTheBackendServes}): the frontend offers what all its
 * backends serve, never more than be1's; the test prints what be1 has that the frontend lacks (nothing today: the
 * sets are equal).</p>
 *
 * <p>One murder ({@link ProxyMurder}) for the class: four WildFly processes cost about a minute to start.</p>
 */
@Tag("h2-only")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class ProxyTransparencyIT {

    static final Duration BOUND = Duration.ofSeconds(30);
    static final String PW = ProxyMurder.TESS_PASSWORD;

    private ProxyMurder murder;

    static final String MSG1 = """
            From: Ann Example <ann@example.org>
            To: Tess <tess@example.org>
            Cc: "Bo, Quoted" <bo@example.org>
            Subject: first, with an attachment
            Date: Thu, 01 Jan 2026 10:00:00 +0000
            Message-ID: <m1@example.org>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"

            preamble
            --b1
            Content-Type: text/plain; charset=us-ascii

            hello part one
            --b1
            Content-Type: application/octet-stream; name="a.bin"
            Content-Transfer-Encoding: base64

            AAECAwQFBgcICQ==
            --b1--
            """;
    static final String MSG2 = """
            From: bob@example.org
            To: tess@example.org
            Subject: the second
            Date: Fri, 02 Jan 2026 11:00:00 +0100
            Message-ID: <m2@example.org>

            second body, hello again
            """;
    static final String MSG3 = """
            From: =?UTF-8?Q?Ren=C3=A9?= <rene@example.org>
            To: tess@example.org
            Subject: =?UTF-8?B?dGhpcmQ=?=
            Date: Sat, 03 Jan 2026 12:00:00 -0500
            In-Reply-To: <m2@example.org>
            Message-ID: <m3@example.org>
            Content-Type: text/html; charset=utf-8

            <p>third</p>
            """;
    static final String MSG4 = """
            From: carl@example.org
            To: tess@example.org
            Subject: in work
            Date: Sun, 04 Jan 2026 09:00:00 +0000

            work item
            """;

    @BeforeAll
    void startMurder() throws Exception {
        murder = ProxyMurder.start();
        for (String user : List.of(ProxyMurder.TESS_DIRECT, ProxyMurder.TESS_PROXIED)) {
            try (Session s = Session.open(ProxyMurder.BE1, user)) { // the first login creates the INBOX on be1
                s.ok("CREATE INBOX.work");
                s.ok("CREATE INBOX.archive");
                s.ok("CREATE INBOX.Entw&APw-rfe"); // "Entwürfe": in UTF-8 once IMAP4rev2 is on
                s.ok(append("INBOX", "(\\Seen)", "01-Jan-2026 10:00:00 +0000", MSG1));
                s.ok(append("INBOX", "()", "02-Jan-2026 11:00:00 +0100", MSG2));
                s.ok(append("INBOX", "(\\Flagged $Label1)", "03-Jan-2026 12:00:00 -0500", MSG3));
                s.ok(append("INBOX.work", "()", "04-Jan-2026 09:00:00 +0000", MSG4));
            }
        }
        for (String box : List.of("", ".work", ".archive", ".Entw&APw-rfe")) {
            String name = "user." + ProxyMurder.TESS_PROXIED + box;
            assertTrue(inFrontendCopy(name), name + " reached the frontend's copy: " + murder.fe1.logTail(3000));
        }
    }

    @AfterAll
    void stopMurder() throws Exception {
        if (murder != null) {
            murder.close();
        }
    }

    private static boolean inFrontendCopy(String mailbox) throws InterruptedException {
        return MurderNode.await(Duration.ofSeconds(60), () -> {
            try {
                return MurderNode.http(ProxyMurder.FE1.http(), "GET", "/api/copy?prefix=" + mailbox, MurderNode.ADMIN,
                        MurderNode.ADMIN_PASSWORD, false).body().contains("\"" + mailbox + "\"");
            } catch (Exception e) {
                return false;
            }
        });
    }

    static String crlf(String message) {
        return message.replace("\n", "\r\n");
    }

    static String append(String mailbox, String flags, String date, String message) {
        String m = crlf(message);
        return "APPEND " + mailbox + " " + flags + " \"" + date + "\" {" + m.getBytes(StandardCharsets.UTF_8).length
                + "+}\r\n" + m;
    }

    // ------------------------------------------------------------------ the comparison

    /** A scripted session: what it sends, in order; the server's answers are recorded by the {@link Session}. */
    interface Script {
        void run(Session s) throws Exception;

        /** Something done meanwhile (a delivery while the session idles). */
        interface Action {
            void run() throws Exception;
        }
    }

    /** Runs the script directly at be1 (as tessd), then through fe1 (as tessf), and compares what both heard. */
    private void assertTransparent(Script script) throws Exception {
        List<String> direct;
        try (Session s = Session.open(ProxyMurder.BE1, ProxyMurder.TESS_DIRECT)) {
            script.run(s);
            direct = s.transcript;
        }
        List<String> proxied;
        try (Session s = Session.open(ProxyMurder.FE1, ProxyMurder.TESS_PROXIED)) {
            script.run(s);
            proxied = s.transcript;
        }
        assertEquals(String.join("\n", direct), String.join("\n", proxied),
                "the frontend's answers (actual) are the backend's (expected)");
    }

    @Test
    @Order(1)
    void selectAndExamine() throws Exception {
        assertTransparent(s -> {
            s.cmd("EXAMINE INBOX");
            s.cmd("SELECT INBOX");
            s.cmd("EXAMINE INBOX.work");
            s.cmd("SELECT \"INBOX\"");
            s.cmd("CLOSE");
            s.cmd("SELECT INBOX (CONDSTORE)");
            s.cmd("UNSELECT");
        });
    }

    @Test
    @Order(2)
    void fetchFlagsEnvelopeBodystructureBodiesAndPartials() throws Exception {
        assertTransparent(s -> {
            s.cmd("EXAMINE INBOX");
            s.cmd("FETCH 1:* (FLAGS UID INTERNALDATE RFC822.SIZE ENVELOPE)");
            s.cmd("FETCH 1:* (BODYSTRUCTURE)");
            s.cmd("FETCH 1:* BODY");
            s.cmd("FETCH 1 BODY.PEEK[]");
            s.cmd("FETCH 1 (BODY.PEEK[]<0.20> BODY.PEEK[1]<3.7> BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] BODY.PEEK[1.MIME] BODY.PEEK[2])");
            s.cmd("FETCH 1 (BODY.PEEK[]<100000.10> BODY.PEEK[TEXT]<0.0>)");
            s.cmd("UID FETCH 2:3 (RFC822.HEADER RFC822.TEXT)");
            s.cmd("FETCH 3 (BINARY.PEEK[1] BINARY.SIZE[1])");
            s.cmd("FETCH 1:* FAST");
            s.cmd("FETCH 1:* ALL");
            s.cmd("FETCH 1:* FULL");
        });
    }

    @Test
    @Order(3)
    void storeFlagsSilentlyAndUnchangedSince() throws Exception {
        assertTransparent(s -> {
            s.cmd("SELECT INBOX");
            s.cmd("FETCH 2 BODY[TEXT]"); // sets \Seen: FLAGS come back with it
            s.cmd("STORE 2 +FLAGS (\\Flagged $Work)");
            s.cmd("STORE 2 -FLAGS.SILENT (\\Flagged)");
            s.cmd("UID STORE 3 FLAGS.SILENT (\\Flagged \\Answered)");
            s.cmd("FETCH 1:* (FLAGS MODSEQ)");
            s.cmd("STORE 1 (UNCHANGEDSINCE 1) +FLAGS (\\Answered)");
            s.cmd("UID STORE 1:* (UNCHANGEDSINCE 1000) +FLAGS ($Done)");
            s.cmd("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 3)");
            s.cmd("STORE 1:3 -FLAGS.SILENT ($Done)");
        });
    }

    @Test
    @Order(4)
    void searchUidSearchAndEsearch() throws Exception {
        assertTransparent(s -> {
            s.cmd("EXAMINE INBOX");
            s.cmd("SEARCH FLAGGED");
            s.cmd("SEARCH UNSEEN");
            s.cmd("UID SEARCH SUBJECT \"second\"");
            s.cmd("SEARCH RETURN (MIN MAX COUNT ALL) ALL");
            s.cmd("UID SEARCH RETURN (ALL) TEXT \"hello\"");
            s.cmd("SEARCH RETURN () 1:*");
            s.cmd("SEARCH CHARSET UTF-8 BODY \"part\"");
            s.cmd("SEARCH SINCE 02-Jan-2026 NOT DELETED");
            s.cmd("SEARCH OR FROM ann HEADER Message-ID m3");
            s.cmd("SEARCH MODSEQ 2");
        });
    }

    /** SORT, THREAD, ESORT and SEARCHRES's `$` pass through the frontend, which re-encodes every command. */
    @Test
    @Order(4)
    void sortThreadAndTheSavedResult() throws Exception {
        assertTransparent(s -> {
            s.cmd("EXAMINE INBOX");
            s.cmd("SORT (REVERSE DATE SUBJECT) UTF-8 ALL");
            s.cmd("UID SORT (FROM DISPLAYTO) US-ASCII NOT DELETED");
            s.cmd("SORT RETURN (MIN MAX COUNT ALL) (ARRIVAL) UTF-8 ALL");
            s.cmd("THREAD REFERENCES UTF-8 ALL");
            s.cmd("UID THREAD ORDEREDSUBJECT UTF-8 ALL");
            s.cmd("SEARCH RETURN (SAVE) TEXT \"hello\"");
            s.cmd("FETCH $ (UID FLAGS)");
            s.cmd("UID SEARCH NOT $");
            s.cmd("SORT (SUBJECT) UTF-8 $");
            s.cmd("SEARCH RETURN (SAVE) CHARSET KOI8-R ALL");
            s.cmd("FETCH $ (UID)");
            s.cmd("SORT (DATE) KOI8-R ALL");
            s.cmd("SORT (BOGUS) UTF-8 ALL");
        });
    }

    @Test
    @Order(5)
    void copyAndMoveWithinTheBackend() throws Exception {
        assertTransparent(s -> {
            s.cmd("SELECT INBOX");
            s.cmd("COPY 1:2 INBOX.archive");
            s.cmd("UID COPY 3 INBOX.archive");
            s.cmd("MOVE 3 INBOX.work");
            s.cmd("UID MOVE 99 INBOX.work");
            s.cmd("COPY 1 INBOX.nosuch");
            s.cmd("EXAMINE INBOX.archive");
            s.cmd("FETCH 1:* (UID FLAGS INTERNALDATE)");
            s.cmd("EXAMINE INBOX.work");
            s.cmd("UID FETCH 1:* (FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
        });
    }

    @Test
    @Order(6)
    void appendWithFlagsAndDateAndExpunge() throws Exception {
        assertTransparent(s -> {
            s.cmd("SELECT INBOX");
            s.cmd(append("INBOX.work", "(\\Draft $Custom)", "05-Feb-2026 12:34:56 +0100", MSG2));
            s.cmd(append("INBOX", "(\\Seen)", "06-Feb-2026 01:02:03 -0800", MSG4)); // the selected one: EXISTS
            s.cmd("APPEND INBOX {5+}\r\nhello"); // no flags, no date: its INTERNALDATE is the time it arrived
            s.cmd("FETCH 1:* (UID FLAGS RFC822.SIZE)");
            s.cmd("FETCH 1:3 (INTERNALDATE)");
            s.cmd("STORE 1 +FLAGS.SILENT (\\Deleted)");
            s.cmd("UID EXPUNGE 1");
            s.cmd("STORE 1 +FLAGS.SILENT (\\Deleted)");
            s.cmd("STORE 3 +FLAGS (\\Deleted)");
            s.cmd("EXPUNGE");
            s.cmd("FETCH 1:* (UID FLAGS)");
            s.cmd("STATUS INBOX.work (MESSAGES UIDNEXT UIDVALIDITY UNSEEN RECENT HIGHESTMODSEQ)");
            s.cmd("STATUS INBOX (MESSAGES UIDNEXT)");
            s.cmd(append("INBOX.nosuch", "()", "06-Feb-2026 01:02:03 -0800", MSG4));
        });
    }

    @Test
    @Order(11)
    void multiAppendAndCatenate() throws Exception {
        assertTransparent(s -> {
            // the third message is past imap_literal_spill: a file at the frontend, streamed to the backend
            String large = "Subject: large\r\n\r\n" + "0123456789abcdef\r\n".repeat(5000);
            List<String> multi = s.cmd("APPEND INBOX.work (\\Seen) {7+}\r\nhello\r\n \"07-Dec-2026 03:04:05 +0000\" {7+}\r\n"
                    + "world\r\n {" + large.length() + "+}\r\n" + large);
            String appended = multi.get(multi.size() - 1);
            assertTrue(appended.contains(" OK [APPENDUID "), appended);
            Matcher uid = Pattern.compile("APPENDUID \\d+ (\\d+)").matcher(appended);
            String url = "/INBOX.work/;UID=" + (uid.find() ? uid.group(1) : "1");
            List<String> catenated = s.cmd("APPEND INBOX.work CATENATE (URL \"" + url + "\" TEXT {4+}\r\n+cat URL \"" + url
                    + "/;PARTIAL=0.3\")");
            assertTrue(catenated.get(catenated.size() - 1).contains(" OK [APPENDUID "), catenated.toString());
            s.cmd("APPEND INBOX.work {2+}\r\nok CATENATE (URL \"/INBOX.work/;UID=999999\")"); // BADURL: none stored
            s.cmd("APPEND INBOX.work {2+}\r\nok CATENATE ()");
            s.cmd("EXAMINE INBOX.work");
            s.cmd("FETCH 1:* (FLAGS RFC822.SIZE BODY.PEEK[])");
            s.cmd("UNSELECT");
        });
    }

    @Test
    @Order(7)
    void aclAndQuota() throws Exception {
        assertTransparent(s -> {
            s.cmd("GETACL INBOX");
            s.cmd("MYRIGHTS INBOX.work");
            s.cmd("LISTRIGHTS INBOX anyone");
            s.cmd("SETACL INBOX.archive anyone +l");
            s.cmd("GETACL INBOX.archive");
            s.cmd("DELETEACL INBOX.archive anyone");
            s.cmd("GETQUOTAROOT INBOX");
            s.cmd("GETQUOTAROOT INBOX.work");
            s.cmd("GETACL INBOX.nosuch");
            s.cmd("MYRIGHTS INBOX.nosuch");
        });
    }

    @Test
    @Order(8)
    void noopAfterADeliveryAndIdleUntilDone() throws Exception {
        assertTransparent(s -> {
            s.cmd("SELECT INBOX");
            s.deliver("Subject: delivered during the session\n\nnew\n");
            s.cmd("NOOP");
            s.cmd("FETCH * (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            s.idle(() -> s.deliver("Subject: delivered while idling\n\nnewer\n"));
            s.cmd("FETCH * (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            s.cmd("NOOP");
        });
    }

    @Test
    @Order(9)
    void badSyntaxAndUnknownMailboxes() throws Exception {
        assertTransparent(s -> {
            s.cmd("SELECT INBOX");
            s.cmd("BLURDYBLOOP");
            s.cmd("FETCH 1 (FLAGS");
            s.cmd("FETCH");
            s.cmd("STORE 1 +FLAGS");
            s.cmd("UID FETCH x FLAGS");
            s.cmd("SEARCH NOSUCHKEY");
            s.cmd("SELECT INBOX.nosuch");
            s.cmd("FETCH 1 FLAGS"); // no mailbox is selected after a failed SELECT
            s.cmd("EXAMINE \"INBOX.no such\"");
            s.cmd("STATUS INBOX.nosuch (MESSAGES)");
            s.cmd("SELECT");
            s.cmd("STATUS INBOX (NOSUCHITEM)");
        });
    }

    @Test
    @Order(10)
    void capabilityThroughTheFrontendIsWhatTheBackendServes() throws Exception {
        Set<String> direct;
        Set<String> proxied;
        try (Session s = Session.open(ProxyMurder.BE1, ProxyMurder.TESS_DIRECT)) {
            direct = capabilities(s.cmd("CAPABILITY"));
        }
        try (Session s = Session.open(ProxyMurder.FE1, ProxyMurder.TESS_PROXIED)) {
            proxied = capabilities(s.cmd("CAPABILITY"));
        }
        Set<String> extra = new LinkedHashSet<>(proxied);
        extra.removeAll(direct);
        assertTrue(extra.isEmpty(), "the frontend offers nothing its backend does not serve: " + extra
                + "\nfrontend: " + proxied + "\nbackend:  " + direct);
        Set<String> missing = new LinkedHashSet<>(direct);
        missing.removeAll(proxied);
        System.out.println("ProxyTransparencyIT: CAPABILITY at be1 but not through fe1: " + missing);
        for (String essential : List.of("IMAP4rev1", "IMAP4rev2", "IDLE", "UIDPLUS", "MOVE", "ACL", "QUOTA", "ESEARCH",
                "CONDSTORE", "QRESYNC", "LITERAL+", "NAMESPACE", "STATUS=SIZE", "CONTEXT=SEARCH", "CONTEXT=SORT")) {
            assertTrue(proxied.contains(essential), essential + " through the frontend: " + proxied);
        }
    }

    @Test
    @Order(11)
    void qresyncEnableVanishedAndClosed() throws Exception {
        assertTransparent(s -> {
            s.cmd("ENABLE QRESYNC");
            s.cmd("SELECT INBOX.archive");
            s.cmd("STORE 1 +FLAGS.SILENT (\\Deleted)");
            s.cmd("EXPUNGE");
            s.cmd("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)");
            s.cmd("UID FETCH 1:* (FLAGS) (VANISHED)");
            s.cmd("SELECT INBOX.archive (QRESYNC (1 1))");
            s.cmd("EXAMINE INBOX.work (QRESYNC (1 1 1:3))");
            s.cmd("SELECT INBOX.archive (QRESYNC (1))");
            s.cmd("UNSELECT");
        });
    }

    @Test
    @Order(12)
    void imap4rev2ThroughTheFrontend() throws Exception {
        // RFC 9051: the frontend passes ENABLE IMAP4rev2 to the backend sessions and speaks rev2 where it answers itself
        assertTransparent(s -> {
            s.cmd("ENABLE IMAP4rev2");
            s.cmd("LIST \"\" \"INBOX.*\"");
            s.cmd("LIST \"\" \"INBOX.Entw\u00fcrfe\"");
            s.cmd("STATUS \"INBOX.Entw\u00fcrfe\" (MESSAGES SIZE DELETED DELETED-STORAGE)");
            s.cmd("STATUS INBOX (MESSAGES SIZE DELETED)");
            s.cmd("SELECT \"INBOX.Entwu\u0308rfe\""); // not NFC: the same mailbox
            s.cmd("SELECT INBOX"); // [CLOSED]
            s.cmd("FETCH 1:* (FLAGS)"); // no \\Recent
            s.cmd("SEARCH ALL"); // ESEARCH
            s.cmd("UID SEARCH RETURN (COUNT) UNSEEN");
            s.cmd("SEARCH RETURN (PARTIAL -1:-2) ALL");
            s.cmd("NAMESPACE");
            s.cmd("STATUS INBOX.nosuch (MESSAGES)"); // NO [NONEXISTENT]
            s.cmd("SELECT INBOX.nosuch");
            s.cmd("SELECT \"INBOX.Entw&APw-rfe\""); // under rev2 just a name no mailbox has
            s.cmd("ENABLE IMAP4rev2");
        });
    }

    @Test
    @Order(13)
    void liveResultsThroughTheFrontend() throws Exception {
        // RFC 5267 §4: updates come under the tag of the command that asked for them, through the frontend too
        assertTransparent(s -> {
            s.cmd("SELECT INBOX.work");
            s.cmd("UID SEARCH RETURN (UPDATE COUNT) UNSEEN");
            s.cmd("SORT RETURN (UPDATE ALL) (REVERSE ARRIVAL) UTF-8 ALL");
            s.cmd("SEARCH RETURN (UPDATE) 1:2"); // NO [NOUPDATE]
            // a date of its own: "now" could tie with earlier appends in one run and not in the other
            s.cmd("APPEND INBOX.work \"07-Dec-2030 00:00:00 +0000\" {23+}\r\nSubject: live\r\n\r\nlive\r\n");
            s.cmd("NOOP");
            s.cmd("STORE 1:* +FLAGS.SILENT (\\Seen)");
            s.cmd("CANCELUPDATE \"t3\""); // the UID SEARCH's (t1 is the LOGIN)
            s.cmd("CANCELUPDATE \"t3\"");
            s.cmd("STORE 1:* -FLAGS.SILENT (\\Seen)");
            s.cmd("SORT RETURN (PARTIAL 1:1) (ARRIVAL) UTF-8 ALL");
            s.cmd("CANCELUPDATE");
            s.cmd("UNSELECT");
        });
    }

    private static Set<String> capabilities(List<String> lines) {
        String line = lines.stream().filter(l -> l.startsWith("* CAPABILITY ")).findFirst()
                .orElseThrow(() -> new AssertionError(lines.toString()));
        return new LinkedHashSet<>(Arrays.asList(line.substring("* CAPABILITY ".length()).split(" ")));
    }

    // ------------------------------------------------------------------ the client

    /** A bare, blocking IMAP client that records every line it hears after login, normalized. */
    static final class Session implements AutoCloseable {
        private static final Pattern LITERAL_AT_END = Pattern.compile("\\{(\\d+)}$");
        private static final List<Pattern> UIDVALIDITY = List.of(
                Pattern.compile("(UIDVALIDITY )(\\d+)"),
                Pattern.compile("(\\[APPENDUID )(\\d+)"),
                Pattern.compile("(\\[COPYUID )(\\d+)"));

        final List<String> transcript = new ArrayList<>();
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final String user;
        private int tags;

        private Session(Socket socket, String user) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
            this.user = user;
        }

        static Session open(ProxyMurder.Ports node, String user) throws IOException {
            Socket socket = new Socket(ProxyMurder.HOST, node.imap());
            socket.setSoTimeout((int) BOUND.toMillis());
            Session s = new Session(socket, user);
            String greeting = s.line();
            assertTrue(greeting != null && greeting.startsWith("* OK"), "greeting: " + greeting);
            s.ok("LOGIN " + user + " " + PW);
            s.transcript.clear(); // the LOGIN's capabilities are the connection's own
            return s;
        }

        /** Sends {@code <tag> text} and returns (and records) every line up to the tagged one. */
        List<String> cmd(String text) throws IOException {
            String tag = "t" + (++tags);
            send(tag + " " + text + "\r\n");
            return until(tag + " ");
        }

        void ok(String text) throws IOException {
            List<String> lines = cmd(text);
            String last = lines.get(lines.size() - 1);
            assertTrue(last.matches("t\\d+ OK.*"), () -> text.lines().findFirst().orElse("") + " -> " + lines);
        }

        /** IDLE; {@code during} runs once the server is idling; DONE after the first untagged response. */
        void idle(Script.Action during) throws Exception {
            String tag = "t" + (++tags);
            send(tag + " IDLE\r\n");
            String cont = record(line());
            assertTrue(cont.startsWith("+ "), cont);
            during.run();
            String news = record(line());
            assertTrue(news.startsWith("* "), news);
            send("DONE\r\n");
            until(tag + " ");
        }

        /** Mail to this session's user, delivered to be1's LMTP (the message is the same for both users). */
        void deliver(String message) throws Exception {
            ImapProxyIT.deliver(ProxyMurder.BE1, user, message);
        }

        private List<String> until(String tagged) throws IOException {
            List<String> lines = new ArrayList<>();
            while (true) {
                String l = line();
                if (l == null) {
                    throw new IOException("connection closed; so far " + lines);
                }
                lines.add(record(l));
                if (l.startsWith(tagged)) {
                    return lines;
                }
            }
        }

        private String record(String raw) {
            String l = raw.replace(user, "USER");
            for (Pattern p : UIDVALIDITY) {
                l = p.matcher(l).replaceAll("$1<uidvalidity>");
            }
            transcript.add(l);
            return l;
        }

        private void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** One response line, a literal at its end read and inlined (CRLF kept). */
        String line() throws IOException {
            StringBuilder b = new StringBuilder();
            while (true) {
                String part = rawLine();
                if (part == null) {
                    return b.length() == 0 ? null : b.toString();
                }
                b.append(part);
                Matcher m = LITERAL_AT_END.matcher(part);
                if (!m.find()) {
                    return b.toString();
                }
                byte[] literal = in.readNBytes(Integer.parseInt(m.group(1)));
                b.append("\r\n").append(new String(literal, StandardCharsets.ISO_8859_1));
            }
        }

        private String rawLine() throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                buf.write(c);
            }
            if (c < 0 && buf.size() == 0) {
                return null;
            }
            String s = buf.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        @Override
        public void close() throws IOException {
            try {
                send("z LOGOUT\r\n");
            } catch (IOException ignored) {
                // closing anyway
            } finally {
                socket.close();
            }
        }
    }
}
