package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * APPEND's extensions, scripted over a bare socket against the Arquillian node: MULTIAPPEND (RFC 3502, several messages
 * in one APPEND, all stored or none), CATENATE (RFC 4469, messages made of text and of parts of stored messages named
 * by IMAP URLs), UIDPLUS's APPENDUID over all of them, the limits (maxmessagesize is 32 MiB on this node, quota), and
 * LITERAL+ advertised as Cyrus 3.6 does. Neither Angus Mail nor Python's imaplib sends MULTIAPPEND (Angus appends one
 * message per command even when the server offers it; imaplib takes one literal per command): Angus's several-message
 * append is checked still to work beside the capability.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Timeout(180)
class ImapAppendExtensionsIT {

    private static final String F = "INBOX." + MurderNode.RUN + "-";
    private static final Pattern APPENDUID = Pattern.compile(" OK \\[APPENDUID ([0-9]+) ([0-9:,]+)\\] ");
    private static final int MAX_MESSAGE_SIZE = 32 * 1024 * 1024;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    // ------------------------------------------------------------------ a scripted session

    private static RawLineClient login(String user, String password) throws IOException {
        RawLineClient c = new RawLineClient(MurderNode.HOST, MurderNode.imapPort());
        c.lineStartingWith("* OK");
        c.startTlsImap(MurderNode.trustAll());
        ok(c, "L1", "LOGIN " + user + " " + password);
        return c;
    }

    private static RawLineClient alice() throws IOException {
        return login(MurderNode.USER, MurderNode.USER_PASSWORD);
    }

    private static RawLineClient admin() throws IOException {
        return login(MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD);
    }

    /** Sends {@code tag + " " + text + CRLF}; every line up to and including the tagged one. */
    private static List<String> command(RawLineClient c, String tag, String text) throws IOException {
        return send(c, tag, (tag + " " + text + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> send(RawLineClient c, String tag, byte[] wire) throws IOException {
        c.send(wire);
        return until(c, tag);
    }

    private static List<String> until(RawLineClient c, String tag) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String l = c.line();
            if (l == null) {
                throw new IOException("connection closed; so far: " + lines);
            }
            lines.add(l);
            if (l.startsWith(tag + " ")) {
                return lines;
            }
        }
    }

    private static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    private static String ok(RawLineClient c, String tag, String text) throws IOException {
        String l = last(command(c, tag, text));
        assertTrue(l.startsWith(tag + " OK"), () -> text + " -> " + l);
        return l;
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes(p instanceof byte[] b ? b : p.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static byte[] message(String subject, String body) {
        return ("From: bob@example.org\r\nTo: alice@example.org\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject + "@example.org>\r\n\r\n" + body + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {n+}CRLF} and the bytes. */
    private static byte[] literalPlus(byte[] payload) {
        return bytes("{" + payload.length + "+}\r\n", payload);
    }

    private static long messages(RawLineClient c, String mailbox) throws IOException {
        List<String> lines = command(c, "S1", "STATUS \"" + mailbox + "\" (MESSAGES)");
        Matcher m = Pattern.compile("MESSAGES ([0-9]+)").matcher(lines.get(0));
        assertTrue(m.find(), lines::toString);
        return Long.parseLong(m.group(1));
    }

    private static long uidValidity(RawLineClient c, String mailbox) throws IOException {
        List<String> lines = command(c, "S2", "STATUS \"" + mailbox + "\" (UIDVALIDITY)");
        Matcher m = Pattern.compile("UIDVALIDITY ([0-9]+)").matcher(lines.get(0));
        assertTrue(m.find(), lines::toString);
        return Long.parseLong(m.group(1));
    }

    /** The UIDs an APPENDUID names, expanded. */
    private static List<Long> appendUids(String tagged) {
        Matcher m = APPENDUID.matcher(tagged);
        assertTrue(m.find(), tagged);
        List<Long> out = new ArrayList<>();
        for (String range : m.group(2).split(",")) {
            String[] ends = range.split(":");
            long a = Long.parseLong(ends[0]);
            long b = Long.parseLong(ends[ends.length - 1]);
            for (long u = Math.min(a, b); u <= Math.max(a, b); u++) {
                out.add(u);
            }
        }
        return out;
    }

    /** BODY[] of one message by UID, in the selected mailbox. */
    private static byte[] body(RawLineClient c, long uid) throws IOException {
        c.send(("B1 UID FETCH " + uid + " BODY.PEEK[]\r\n").getBytes(StandardCharsets.US_ASCII));
        String head = c.line();
        Matcher m = Pattern.compile("\\{([0-9]+)\\}$").matcher(head);
        assertTrue(m.find(), head);
        byte[] payload = c.bytes(Integer.parseInt(m.group(1)));
        assertTrue(last(until(c, "B1")).startsWith("B1 OK"));
        return payload;
    }

    private static void create(RawLineClient c, String mailbox) throws IOException {
        ok(c, "C1", "CREATE \"" + mailbox + "\"");
    }

    // ------------------------------------------------------------------ capabilities

    @Test
    void multiAppendAndCatenateAreOfferedWithLiteralPlusAlone() throws IOException {
        try (RawLineClient c = alice()) {
            String caps = command(c, "A1", "CAPABILITY").get(0);
            List<String> words = Arrays.asList(caps.split(" "));
            assertTrue(words.contains("MULTIAPPEND") && words.contains("CATENATE") && words.contains("UIDPLUS"), caps);
            // as Cyrus 3.6 without literalminus: LITERAL+ (any size), never LITERAL- beside it
            assertTrue(words.contains("LITERAL+"), caps);
            assertFalse(words.contains("LITERAL-"), caps);
        }
    }

    // ------------------------------------------------------------------ MULTIAPPEND

    @Test
    void multiAppendStoresEveryMessageAndNamesEveryUid() throws IOException {
        String box = F + "multi";
        try (RawLineClient c = alice()) {
            create(c, box);
            byte[] one = message("multi-one", "first");
            byte[] two = message("multi-two", "second");
            byte[] three = message("multi-three", "third");
            String tagged = last(send(c, "A2", bytes("A2 APPEND \"" + box + "\" (\\Seen) ", literalPlus(one),
                    " \"07-Dec-2026 03:04:05 +0000\" ", literalPlus(two), " (\\Flagged $Work) ", literalPlus(three), "\r\n")));
            List<Long> uids = appendUids(tagged);
            assertEquals(3, uids.size(), tagged);
            assertTrue(tagged.contains("[APPENDUID " + uidValidity(c, box) + " "), tagged);
            assertEquals(3, messages(c, box));

            ok(c, "A3", "SELECT \"" + box + "\"");
            assertArrayEquals(one, body(c, uids.get(0)));
            assertArrayEquals(two, body(c, uids.get(1)));
            assertArrayEquals(three, body(c, uids.get(2)));
            List<String> fetched = command(c, "A4", "UID FETCH 1:* (FLAGS INTERNALDATE)");
            assertTrue(fetched.get(0).contains("\\Seen"), fetched::toString);
            Matcher date = Pattern.compile("INTERNALDATE \"([^\"]+)\"").matcher(fetched.get(1));
            assertTrue(date.find(), fetched::toString);
            assertEquals(java.time.Instant.parse("2026-12-07T03:04:05Z"), java.time.ZonedDateTime.parse(date.group(1).trim(),
                    java.time.format.DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", java.util.Locale.ROOT)).toInstant());
            assertTrue(fetched.get(2).contains("\\Flagged") && fetched.get(2).contains("$Work"), fetched::toString);
        }
    }

    @Test
    void synchronizingLiteralsAreEachAskedFor() throws IOException {
        String box = F + "sync";
        try (RawLineClient c = alice()) {
            create(c, box);
            byte[] one = message("sync-one", "a");
            byte[] two = message("sync-two", "b");
            c.send("A5 APPEND \"" + box + "\" {" + one.length + "}\r\n");
            assertTrue(c.line().startsWith("+ "));
            c.send(bytes(one, " {" + two.length + "}\r\n"));
            assertTrue(c.line().startsWith("+ "));
            c.send(bytes(two, "\r\n"));
            assertEquals(2, appendUids(last(until(c, "A5"))).size());
            assertEquals(2, messages(c, box));
        }
    }

    @Test
    void oneMessageOverTheSizeLimitStoresNone() throws IOException {
        String box = F + "toobig";
        try (RawLineClient c = alice()) {
            create(c, box);
            byte[] huge = new byte[MAX_MESSAGE_SIZE + 1];
            Arrays.fill(huge, (byte) 'x');
            String tagged = last(send(c, "A6", bytes("A6 APPEND \"" + box + "\" ", literalPlus(message("big-ok", "fine")),
                    " ", literalPlus(huge), "\r\n")));
            assertTrue(tagged.startsWith("A6 NO [TOOBIG]"), tagged);
            assertEquals(0, messages(c, box), "the small one is not stored either");
            assertEquals(0, stagedFiles(), "nothing staged is left behind");
            ok(c, "A7", "NOOP");
        }
    }

    @Test
    void overQuotaTogetherStoresNone() throws IOException {
        String box = F + "quota";
        byte[] five = message("quota", "q".repeat(5 * 1024));
        try (RawLineClient c = alice(); RawLineClient admin = admin()) {
            create(c, box);
            ok(admin, "Q1", "SETQUOTA \"user.alice." + MurderNode.RUN + "-quota\" (STORAGE 8)");
            String tagged = last(send(c, "A8", bytes("A8 APPEND \"" + box + "\" ", literalPlus(five), " ",
                    literalPlus(five), "\r\n")));
            assertTrue(tagged.startsWith("A8 NO [OVERQUOTA]"), tagged);
            assertEquals(0, messages(c, box));
            assertEquals(1, appendUids(last(send(c, "A9", bytes("A9 APPEND \"" + box + "\" ", literalPlus(five), "\r\n"))))
                    .size(), "one fits");
        }
    }

    /**
     * RFC 9208 §4.3: what the quota cannot take is refused with NO [OVERQUOTA] and leaves nothing: no message, no UID
     * taken, no staged file. A literal is refused from its size as sent, before it is staged; a CATENATE whose URL
     * makes it too large, under the mailbox's lock before it is linked; COPY and MOVE before anything is linked (MOVE's
     * original stays).
     */
    @Test
    void overQuotaLeavesNothingBehind() throws IOException {
        String box = F + "quota2";
        String src = F + "quota2-src";
        byte[] five = message("quota2", "q".repeat(5 * 1024));
        try (RawLineClient c = alice(); RawLineClient admin = admin()) {
            create(c, box);
            create(c, src);
            ok(admin, "Q1", "SETQUOTA \"user.alice." + MurderNode.RUN + "-quota2\" (STORAGE 8)");
            long srcUid = appendUids(last(send(c, "Q2", bytes("Q2 APPEND \"" + src + "\" ", literalPlus(five), "\r\n"))))
                    .get(0);
            assertEquals(1, appendUids(last(send(c, "Q3", bytes("Q3 APPEND \"" + box + "\" ", literalPlus(five), "\r\n"))))
                    .size(), "5 KB of 8 fit");
            List<String> before = command(c, "Q4", "STATUS \"" + box + "\" (MESSAGES UIDNEXT)");

            String tagged = last(send(c, "Q5", bytes("Q5 APPEND \"" + box + "\" ", literalPlus(five), "\r\n")));
            assertTrue(tagged.startsWith("Q5 NO [OVERQUOTA]"), tagged);
            tagged = last(send(c, "Q6", bytes("Q6 APPEND \"" + box + "\" CATENATE (TEXT {2+}\r\nhi URL \"/" + src
                    + "/;UID=" + srcUid + "\")\r\n")));
            assertTrue(tagged.startsWith("Q6 NO [OVERQUOTA]"), "2 octets sent, 5 KB more from the URL: " + tagged);
            ok(c, "Q7", "SELECT \"" + src + "\"");
            tagged = last(command(c, "Q8", "UID COPY " + srcUid + " \"" + box + "\""));
            assertTrue(tagged.startsWith("Q8 NO [OVERQUOTA]"), tagged);
            tagged = last(command(c, "Q9", "UID MOVE " + srcUid + " \"" + box + "\""));
            assertTrue(tagged.startsWith("Q9 NO [OVERQUOTA]"), tagged);
            ok(c, "QA", "UNSELECT");

            assertEquals(before, command(c, "Q4", "STATUS \"" + box + "\" (MESSAGES UIDNEXT)"), "nothing added, no UID taken");
            assertEquals(1, messages(c, src), "MOVE refused: its original stays");
            assertEquals(0, stagedFiles(), "nothing staged is left behind");
        }
    }

    @Test
    void badSyntaxIsBadAndTheConnectionGoesOn() throws IOException {
        String box = F + "syntax";
        try (RawLineClient c = alice()) {
            create(c, box);
            for (String bad : List.of(
                    "APPEND \"" + box + "\" {1+}\r\nx{1+}\r\ny",            // no space between messages
                    "APPEND \"" + box + "\" {1+}\r\nx ",                     // a space and nothing
                    "APPEND \"" + box + "\" {1+}\r\nx (\\Seen) hello",      // a message that is no literal
                    "APPEND \"" + box + "\" CATENATE ()",                   // no parts
                    "APPEND \"" + box + "\" CATENATE (TEXT \"quoted\")",    // TEXT takes a literal only
                    "APPEND \"" + box + "\" CATENATE (BODY /x;UID=1)",      // no such part type
                    "APPEND \"" + box + "\" CATENATE URL /x;UID=1")) {      // no parentheses
                String tagged = last(command(c, "B2", bad));
                assertTrue(tagged.startsWith("B2 BAD "), bad + " -> " + tagged);
            }
            assertEquals(0, messages(c, box));
            ok(c, "B3", "NOOP");
        }
    }

    // ------------------------------------------------------------------ CATENATE

    @Test
    void catenateJoinsTextAndPartsOfStoredMessages() throws IOException {
        String src = F + "cat-src";
        String dst = F + "cat-dst";
        byte[] header = ("From: bob@example.org\r\nSubject: cat-src\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] original = bytes(header, "--b1\r\nContent-Type: text/plain\r\n\r\npart one\r\n--b1\r\n",
                "Content-Type: text/plain\r\n\r\npart two\r\n--b1--\r\n");
        try (RawLineClient c = alice()) {
            create(c, src);
            create(c, dst);
            long srcUid = appendUids(last(send(c, "C2", bytes("C2 APPEND \"" + src + "\" ", literalPlus(original), "\r\n"))))
                    .get(0);
            long validity = uidValidity(c, src);
            String base = "/" + src + ";UIDVALIDITY=" + validity + "/;UID=" + srcUid;
            byte[] text = "\r\n--b1\r\nContent-Type: text/plain\r\n\r\nnew text\r\n--b1\r\n".getBytes(StandardCharsets.US_ASCII);
            // the original's header, new text, the original's second part with its MIME header, the end
            String tagged = last(send(c, "C3", bytes("C3 APPEND \"" + dst + "\" (\\Draft) CATENATE (URL \"" + base
                    + "/;SECTION=HEADER\" TEXT ", literalPlus(text), " URL " + base + "/;SECTION=2.MIME URL \"" + base
                    + "/;SECTION=2\" TEXT {10+}\r\n\r\n--b1--\r\n)\r\n")));
            List<Long> uids = appendUids(tagged);
            assertEquals(1, uids.size(), tagged);
            byte[] expected = bytes(header, text, "Content-Type: text/plain\r\n\r\n", "part two", "\r\n--b1--\r\n");
            ok(c, "C4", "SELECT \"" + dst + "\"");
            assertArrayEquals(expected, body(c, uids.get(0)), () -> new String(expected, StandardCharsets.US_ASCII));

            // a whole message, a partial one, and one relative to the selected mailbox, in one MULTIAPPEND
            ok(c, "C5", "SELECT \"" + src + "\"");
            tagged = last(send(c, "C6", bytes("C6 APPEND \"" + dst + "\" CATENATE (URL " + base + ") CATENATE (URL \"/"
                    + src + "/;UID=" + srcUid + "/;PARTIAL=0.4\" URL \";UID=" + srcUid + "/;SECTION=1\") ",
                    literalPlus(message("plain", "x")), "\r\n")));
            uids = appendUids(tagged);
            assertEquals(3, uids.size(), tagged);
            ok(c, "C7", "SELECT \"" + dst + "\"");
            assertArrayEquals(original, body(c, uids.get(0)));
            assertArrayEquals(bytes("From", "part one"), body(c, uids.get(1)));
        }
    }

    @Test
    void aBadUrlIsBadurlAndNothingIsStored() throws IOException {
        String src = F + "url-src";
        String dst = F + "url-dst";
        try (RawLineClient c = alice()) {
            create(c, src);
            create(c, dst);
            long uid = appendUids(last(send(c, "D1", bytes("D1 APPEND \"" + src + "\" ",
                    literalPlus(message("url-src", "s")), "\r\n")))).get(0);
            long validity = uidValidity(c, src);
            for (String url : List.of(
                    "/" + src + ";UIDVALIDITY=" + validity + "/;UID=" + (uid + 100),      // no such message
                    "/" + src + ";UIDVALIDITY=" + (validity + 1) + "/;UID=" + uid,        // UIDVALIDITY changed
                    "/" + src + "/;UID=" + uid + "/;SECTION=7",                           // no such part
                    "/" + F + "no-such-mailbox/;UID=1",                                   // no such mailbox
                    "/user.murder/;UID=1",                                                // not alice's to read
                    "imap://alice@" + MurderNode.HOST + "/" + src + "/;UID=" + uid,       // absolute: not taken
                    ";UID=" + uid,                                                        // nothing selected
                    "/" + src + "/;UID=" + uid + ";URLAUTH=anonymous:internal:00",        // URLAUTH: not taken
                    "not a url")) {
                String tagged = last(send(c, "D2", bytes("D2 APPEND \"" + dst + "\" ", literalPlus(message("ok", "o")),
                        " CATENATE (TEXT {2+}\r\nhi URL \"" + url + "\")\r\n")));
                assertTrue(tagged.startsWith("D2 NO [BADURL " + url + "] "), url + " -> " + tagged);
            }
            assertEquals(0, messages(c, dst), "the good message before each bad one is not stored either");
            assertEquals(0, stagedFiles());
        }
    }

    @Test
    void theReferencedMailboxNeedsTheReadRight() throws IOException {
        String shared = MurderNode.RUN + "-catshared"; // ImapClientsIT has a "-shared" of its own on the same node
        String dst = F + "rights-dst";
        try (RawLineClient admin = admin(); RawLineClient c = alice()) {
            create(admin, shared);
            long uid = appendUids(last(send(admin, "E1", bytes("E1 APPEND \"" + shared + "\" ",
                    literalPlus(message("shared", "for all")), "\r\n")))).get(0);
            ok(admin, "E2", "SETACL \"" + shared + "\" anyone l");
            create(c, dst);
            String url = "/" + shared + "/;UID=" + uid;
            String tagged = last(send(c, "E3", bytes("E3 APPEND \"" + dst + "\" CATENATE (URL \"" + url + "\")\r\n")));
            assertTrue(tagged.startsWith("E3 NO [BADURL " + url + "] Permission denied"), tagged);
            ok(admin, "E4", "SETACL \"" + shared + "\" anyone lr");
            assertEquals(1, appendUids(last(send(c, "E5", bytes("E5 APPEND \"" + dst + "\" CATENATE (URL \"" + url
                    + "\")\r\n")))).size());
            ok(admin, "E6", "DELETE \"" + shared + "\"");
        }
    }

    @Test
    void aCatenatedMessageOverTheSizeLimitIsTooBig() throws IOException {
        String src = F + "cat-big";
        try (RawLineClient c = alice()) {
            create(c, src);
            byte[] twelve = bytes("Subject: twelve\r\n\r\n", "y".repeat(12 * 1024 * 1024));
            long uid = appendUids(last(send(c, "G1", bytes("G1 APPEND \"" + src + "\" ", literalPlus(twelve), "\r\n"))))
                    .get(0);
            String url = "/" + src + "/;UID=" + uid;
            String tagged = last(send(c, "G2", bytes("G2 APPEND \"" + src + "\" CATENATE (URL " + url + " URL " + url
                    + " URL " + url + ")\r\n")));
            assertTrue(tagged.startsWith("G2 NO [TOOBIG]"), tagged);
            assertEquals(1, messages(c, src));
            assertEquals(0, stagedFiles());
        }
    }

    // ------------------------------------------------------------------ a client nobody here wrote

    @Test
    void angusMailAppendsSeveralMessagesBesideMultiAppend() throws Exception {
        String box = F + "angus";
        Session session = Session.getInstance(MurderNode.mailProperties());
        IMAPStore store = (IMAPStore) session.getStore("imap");
        store.connect(MurderNode.HOST, MurderNode.imapPort(), MurderNode.USER, MurderNode.USER_PASSWORD);
        try {
            assertTrue(store.hasCapability("MULTIAPPEND") && store.hasCapability("CATENATE"));
            IMAPFolder folder = (IMAPFolder) store.getFolder(box);
            assertTrue(folder.create(jakarta.mail.Folder.HOLDS_MESSAGES));
            List<Message> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                MimeMessage m = new MimeMessage(session);
                m.setFrom(new InternetAddress("bob@example.org"));
                m.setSubject("angus-" + i);
                m.setText("body " + i);
                sent.add(m);
            }
            AppendUID[] uids = folder.appendUIDMessages(sent.toArray(new Message[0]));
            assertEquals(3, uids.length);
            assertTrue(Stream.of(uids).allMatch(u -> u != null && u.uid > 0));
            assertEquals(3, folder.getMessageCount());
        } catch (MessagingException e) {
            throw new AssertionError(e);
        } finally {
            store.close();
        }
    }

    /** Staged message files left in the partition's temp directory: none once an APPEND has been answered. */
    private static long stagedFiles() throws IOException {
        Path tmp = MurderNode.spool().resolve("tmp");
        if (!Files.isDirectory(tmp)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".msg")).count();
        }
    }
}
