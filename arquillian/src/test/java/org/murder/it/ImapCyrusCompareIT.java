package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSocket;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.murder.it.cyrus.CyrusBackend;
import org.murder.it.cyrus.CyrusInstance;
import org.murder.it.cyrus.ImapAdminClient;

/**
 * The same scripted session against Debian's Cyrus 3.6 backend (our node its MUPDATE master, as in ImapSortThreadIT)
 * and against our node, the answers compared line for line after normalizing what may differ between two correct
 * servers: tags, UIDVALIDITY and MODSEQ values, the human text after a status or response code, \Recent (gone in
 * IMAP4rev2), the order of items inside a FETCH response, and the mailbox names (each side uses a fresh mailbox of
 * its own). What is compared: QRESYNC's VANISHED and VANISHED (EARLIER) UID sets (RFC 7162), MULTIAPPEND's
 * APPENDUID sets (RFC 3502, 4315), CATENATE's resulting bytes and its BADURL refusals (RFC 4469).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Timeout(300)
class ImapCyrusCompareIT {

    private static final String CYRUS_IP = "127.0.0.52";
    private static final String CYRUS_PASSWORD = "compare-pw";
    private static final String CYRUS_USER = "k" + MurderNode.RUN.substring(2);
    private static CyrusBackend cyrus;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    /** One Cyrus backend for the class, started on first use (the node, its MUPDATE master, is deployed by then). */
    private static synchronized CyrusBackend cyrus() {
        if (cyrus == null) {
            Peers.require(Files.isExecutable(CyrusInstance.CYRUS_BIN.resolve("master")), "Debian's Cyrus is not installed");
            Path base = Path.of("target/cyrus-it").toAbsolutePath()
                    .resolve("k" + Long.toString(System.currentTimeMillis() / 1000, 36));
            CyrusInstance.killStaleInstances(base.getParent());
            CyrusBackend be = new CyrusBackend(base.resolve("be"), CYRUS_IP, MurderNode.HOST, MurderNode.mupdatePort(),
                    MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD);
            be.createUser(CYRUS_USER, CYRUS_PASSWORD);
            be.start();
            try (ImapAdminClient admin = be.imapAdmin()) {
                assertTrue(admin.create("user." + CYRUS_USER).ok(), "CREATE user." + CYRUS_USER);
            }
            cyrus = be;
        }
        return cyrus;
    }

    @AfterAll
    static void stopCyrus() throws Exception {
        if (cyrus != null) {
            cyrus.close();
            cyrus = null;
        }
    }

    // ------------------------------------------------------------------ QRESYNC

    @Test
    void vanishedRangesAreCyrus() throws Exception {
        String ours = "INBOX." + MurderNode.RUN + "-cmp-qr";
        Side[] sides = compare((s, box) -> {
            s.notes.addAll(s.run("ENABLE QRESYNC", "\\* ENABLED.*"));
            s.run("CREATE " + box);
            for (int i = 1; i <= 12; i++) {
                s.run(append(box, "(\\Seen) \"07-Dec-2026 10:" + (10 + i) + ":00 +0000\"", message(i)));
            }
            List<String> selected = s.run("SELECT " + box, "\\* \\d+ EXISTS");
            String uidValidity = code(selected, "UIDVALIDITY");
            String m0 = code(selected, "HIGHESTMODSEQ");
            // MODSEQ asked for: unasked, RFC 7162 3.1 leaves it to the server in a FETCH answer (ours adds it, Cyrus not)
            s.run("UID FETCH 1:* (UID FLAGS MODSEQ)", FETCH);
            // expunged in runs, by EXPUNGE and UID EXPUNGE: the VANISHED sets below have ranges and single UIDs
            s.run("STORE 2:3 +FLAGS.SILENT (\\Deleted)");
            s.run("EXPUNGE", VANISHED);
            s.run("STORE 3 +FLAGS.SILENT (\\Deleted)"); // UID 5
            s.run("EXPUNGE", VANISHED);
            s.run("UID STORE 7:10 +FLAGS.SILENT (\\Deleted)");
            s.run("UID EXPUNGE 8:10", VANISHED); // 7 stays, \Deleted
            s.run("UID STORE 11 +FLAGS.SILENT (\\Flagged)");
            s.run("UNSELECT");
            s.run("SELECT " + box + " (QRESYNC (" + uidValidity + " " + m0 + " 1:12))", RESYNC);
            s.run("UNSELECT");
            // only what the client says it knows is told, vanished or changed (RFC 7162 3.2.5): no FETCH of the changed
            // UIDs 7 and 11 beyond the known 1:6, then with the changed 11 among the known, its FETCH
            s.run("SELECT " + box + " (QRESYNC (" + uidValidity + " " + m0 + " 1:6))", RESYNC);
            s.run("SELECT " + box + " (QRESYNC (" + uidValidity + " " + m0 + " 5:6,11))", RESYNC);
            s.run("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + m0 + " VANISHED)", RESYNC);
            s.run("UID FETCH 4:9 (FLAGS) (CHANGEDSINCE " + m0 + " VANISHED)", RESYNC);
            s.run("UID EXPUNGE 7", VANISHED);
            s.run("STORE 1:4 +FLAGS.SILENT (\\Deleted)"); // UIDs 1, 4, 6, 11; 12 stays
            s.run("UID EXPUNGE 1:11", VANISHED);
            s.run("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + m0 + " VANISHED)", RESYNC);
            // a UIDVALIDITY that does not match: a plain SELECT, nothing vanished (RFC 7162 3.2.5.1)
            s.run("SELECT " + box + " (QRESYNC (1 " + m0 + " 1:12))", RESYNC);
            s.run("SELECT " + box + " (QRESYNC (" + uidValidity + " " + m0 + "))", RESYNC);
        }, ours, "INBOX.qr");
        // RFC 5161 lets ENABLED name what the command enabled; Cyrus names the CONDSTORE that QRESYNC implies, too
        assertEquals("* ENABLED QRESYNC", sides[0].notes.get(0));
        assertEquals("* ENABLED CONDSTORE QRESYNC", sides[1].notes.get(0));
        // both end EXPUNGE and UID EXPUNGE with OK [HIGHESTMODSEQ n] once QRESYNC is on
        assertEquals(5, sides[1].expungeModseqs, "Cyrus: [HIGHESTMODSEQ] after each of the five expunges");
        assertEquals(5, sides[0].expungeModseqs, "ours: [HIGHESTMODSEQ] after each of the five expunges");
    }

    // ------------------------------------------------------------------ MULTIAPPEND and CATENATE

    @Test
    void multiappendAndCatenateAnswerAsCyrus() throws Exception {
        String ours = "INBOX." + MurderNode.RUN + "-cmp-cat";
        Side[] sides = compare((s, box) -> {
            s.run("CREATE " + box);
            s.run(append(box, "(\\Seen) \"07-Dec-2026 10:00:00 +0000\"", message(1)) + " (\\Flagged) "
                    + literal(message(2)) + " " + literal(message(3)));
            s.run(append(box, "", message(4)) + " " + literal(message(5)));
            s.run(append(box + "-none", "", message(1)) + " " + literal(message(2))); // NO [TRYCREATE]
            s.run("STATUS " + box + " (MESSAGES UIDNEXT)", "\\* STATUS .*");
            s.run("SELECT " + box);
            s.run("UID FETCH 1:* (FLAGS)", FETCH);

            String url = "/" + box + "/;UID=";
            s.run("APPEND " + box + " CATENATE (TEXT " + literal("From: cat@example.org\r\nSubject: one\r\n\r\n")
                    + " URL \"" + url + "1/;SECTION=TEXT\")");
            s.run("APPEND " + box + " (\\Draft) CATENATE (URL \"" + url + "2/;SECTION=HEADER\" TEXT "
                    + literal("a new body\r\n") + ")");
            s.run("APPEND " + box + " CATENATE (URL \"" + url + "3\")");
            s.run("APPEND " + box + " CATENATE (TEXT " + literal("Subject: two\r\n\r\nplain\r\n") + ") CATENATE (URL \""
                    + url + "4/;SECTION=HEADER\" TEXT " + literal("-- \r\n") + " URL \"" + url + "5/;SECTION=TEXT\")");
            s.run("UID FETCH 6:* (FLAGS BODY.PEEK[])", FETCH);

            s.run("APPEND " + box + " CATENATE (URL \"" + url + "99\")");
            s.run("APPEND " + box + " CATENATE (URL \"/" + box + "-none/;UID=1\")");
            // a part the message does not have: the status compared, the codes below
            s.notes.add(last(s.runStatusOnly("APPEND " + box + " CATENATE (TEXT " + literal("x\r\n") + " URL \"" + url
                    + "1/;SECTION=7\")")));
            s.run("APPEND " + box + " CATENATE (TEXT " + literal("Subject: ok\r\n\r\nok\r\n") + ") CATENATE (URL \""
                    + url + "99\")");
            s.run("STATUS " + box + " (MESSAGES UIDNEXT)", "\\* STATUS .*");
        }, ours, "INBOX.cat");
        // RFC 4469 section 5: the URL in BADURL is bare (url-resp-text), and verified erratum 4046 fixes the RFC's example
        // that had it in quotes. Cyrus 3.6 follows the old example; this node follows the grammar. The comparison above
        // took the quotes off Cyrus's; here each side's own form.
        assertEquals(3, sides[0].bareBadUrls + sides[0].quotedBadUrls, "three refusals compared, with BADURL");
        assertEquals(0, sides[0].quotedBadUrls, "ours: the URL bare");
        assertEquals(3, sides[1].quotedBadUrls, "Cyrus: the URL in quotes");
        // RFC 4469 section 5: a URL the server cannot use is NO [BADURL url]; Cyrus 3.6 says so for a missing message
        // or mailbox, but for a missing part it answers a plain NO (index_urlfetch's error is not turned into BADURL)
        assertTrue(sides[0].notes.get(0).startsWith("TAG NO [BADURL /" + ours + "/;UID=1/;SECTION=7] "), sides[0].notes::toString);
        assertTrue(sides[1].notes.get(0).startsWith("TAG NO ") && !sides[1].notes.get(0).contains("BADURL"),
                sides[1].notes::toString);
    }

    // ------------------------------------------------------------------ the script and its two runs

    private static final String FETCH = "\\* \\d+ FETCH .*";
    private static final String VANISHED = "\\* VANISHED .*";
    /** What a resync is answered with: vanished UIDs, changed flags, a [CLOSED] before it, the size. */
    private static final String RESYNC = "\\* VANISHED .*|\\* \\d+ FETCH .*|\\* \\d+ EXISTS|\\* OK \\[CLOSED\\].*";

    @FunctionalInterface
    private interface Script {
        void run(Side side, String mailbox) throws IOException;
    }

    /** Runs the script on our node and on Cyrus; the normalized transcripts must be the same. Returns both sides. */
    private static Side[] compare(Script script, String ourBox, String cyrusBox) throws Exception {
        CyrusBackend be = cyrus();
        Side node = Side.node(ourBox);
        try (node) {
            script.run(node, ourBox);
        }
        Side other = Side.cyrus(be, cyrusBox);
        try (other) {
            script.run(other, cyrusBox);
        }
        List<String> ours = node.transcript;
        List<String> theirs = other.transcript;
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < Math.max(ours.size(), theirs.size()); i++) {
            String o = i < ours.size() ? ours.get(i) : "(nothing)";
            String t = i < theirs.size() ? theirs.get(i) : "(nothing)";
            if (!o.equals(t)) {
                differences.add("ours  [" + o + "]\n      Cyrus [" + t + "]");
            }
        }
        assertEquals("", String.join("\n", differences), () -> "transcript (ours):\n" + String.join("\n", ours)
                + "\ntranscript (Cyrus):\n" + String.join("\n", theirs));
        return new Side[] {node, other};
    }

    private static String message(int i) {
        return "Date: Mon, 7 Dec 2026 0" + (i % 10) + ":00:00 +0000\r\nFrom: sender" + i + "@example.org\r\n"
                + "Subject: message " + i + "\r\nMessage-ID: <cmp" + i + "@it>\r\n\r\nbody " + i + "\r\nline two\r\n";
    }

    /** A LITERAL+ literal: both servers take it without a continuation, so a command is sent in one write. */
    private static String literal(String s) {
        return "{" + s.getBytes(StandardCharsets.UTF_8).length + "+}\r\n" + s;
    }

    private static String append(String box, String flagsAndDate, String message) {
        return "APPEND " + box + " " + (flagsAndDate.isEmpty() ? "" : flagsAndDate + " ") + literal(message);
    }

    /** A number from a response code in an answer, e.g. UIDVALIDITY or HIGHESTMODSEQ. */
    private static String code(List<String> lines, String name) {
        Pattern p = Pattern.compile("\\[" + name + " (\\d+)\\]");
        for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no [" + name + "] in " + lines);
    }

    /** One connection, logged in, with the transcript of what it was answered, normalized. */
    private static final class Side implements AutoCloseable {
        private final String mailbox;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private int tags;
        final List<String> transcript = new ArrayList<>();
        /** BADURL codes as sent: with the URL bare, and with it in quotes. */
        int bareBadUrls;
        int quotedBadUrls;
        /** Tagged OKs to EXPUNGE or UID EXPUNGE that carried [HIGHESTMODSEQ n]. */
        int expungeModseqs;
        /** Raw lines the script kept for assertions of each side's own form. */
        final List<String> notes = new ArrayList<>();

        private Side(String host, int port, String mailbox) throws IOException {
            this.mailbox = mailbox;
            socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            assertTrue(readLine().startsWith("* OK"), "greeting");
        }

        static Side node(String mailbox) throws IOException {
            Side s = new Side(MurderNode.HOST, MurderNode.imapPort(), mailbox);
            assertTrue(last(s.raw("STARTTLS")).contains(" OK"));
            SSLSocket tls = (SSLSocket) MurderNode.trustAll().createSocket(s.socket, MurderNode.HOST, MurderNode.imapPort(), true);
            tls.setUseClientMode(true);
            tls.startHandshake();
            s.socket = tls;
            s.in = new BufferedInputStream(tls.getInputStream());
            s.out = tls.getOutputStream();
            assertTrue(last(s.raw("LOGIN " + MurderNode.USER + " " + MurderNode.USER_PASSWORD)).contains(" OK"));
            return s;
        }

        /** Cyrus's harness allows plaintext on its loopback address. */
        static Side cyrus(CyrusBackend be, String mailbox) throws IOException {
            Side s = new Side(CYRUS_IP, be.imapPort(), mailbox);
            assertTrue(last(s.raw("LOGIN " + CYRUS_USER + " " + CYRUS_PASSWORD)).contains(" OK"));
            return s;
        }

        /** Runs a command; records it, and its tagged answer, normalized. */
        List<String> run(String command) throws IOException {
            return run(command, "(?!)");
        }

        /** Runs a command; records it and its tagged status without code. */
        List<String> runStatusOnly(String command) throws IOException {
            List<String> lines = raw(command);
            transcript.add("> " + normalize(command.replaceAll("\\{\\d+\\+}\r\n[\\s\\S]*", "{...}")));
            transcript.add(last(lines).replaceAll("^(TAG \\w+).*", "$1"));
            return lines;
        }

        /** Runs a command; records it, the untagged answers matching {@code keep} and the tagged one, normalized. */
        List<String> run(String command, String keep) throws IOException {
            List<String> lines = raw(command);
            transcript.add("> " + normalize(command.replaceAll("\\{\\d+\\+}\r\n[\\s\\S]*", "{...}")));
            Pattern k = Pattern.compile(keep, Pattern.DOTALL);
            for (String l : lines.subList(0, lines.size() - 1)) {
                if (k.matcher(l).matches()) {
                    transcript.add(normalize(l));
                }
            }
            String tagged = normalize(last(lines));
            if (command.matches("(UID )?EXPUNGE.*") && tagged.equals("TAG OK [HIGHESTMODSEQ n]")) {
                expungeModseqs++;
                tagged = "TAG OK";
            }
            transcript.add(tagged);
            return lines;
        }

        private List<String> raw(String command) throws IOException {
            String tag = "t" + ++tags;
            out.write((tag + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                String l = readLine();
                if (l.startsWith(tag + " ")) {
                    lines.add("TAG" + l.substring(tag.length()));
                    return lines;
                }
                lines.add(l);
            }
            throw new IOException("no end to the answer to " + command);
        }

        /** A response line; a literal at its end is read and kept inline (CRLF included), as often as there is one. */
        private String readLine() throws IOException {
            StringBuilder b = new StringBuilder();
            Pattern literalAtEnd = Pattern.compile("\\{(\\d+)}$");
            for (int guard = 0; guard < 1000; guard++) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                int c;
                while ((c = in.read()) >= 0 && c != '\n') {
                    buf.write(c);
                }
                if (c < 0) {
                    throw new IOException("connection closed; so far: " + b + buf);
                }
                String part = buf.toString(StandardCharsets.ISO_8859_1);
                part = part.endsWith("\r") ? part.substring(0, part.length() - 1) : part;
                b.append(part);
                Matcher m = literalAtEnd.matcher(part);
                if (!m.find()) {
                    return b.toString();
                }
                byte[] literal = in.readNBytes(Integer.parseInt(m.group(1)));
                b.append("\r\n").append(new String(literal, StandardCharsets.ISO_8859_1));
            }
            throw new IOException("too many literals in one response");
        }

        /** What two correct servers may say differently, made the same. */
        String normalize(String line) {
            String l = line.replace("\"" + mailbox + "\"", "BOX").replace(mailbox, "BOX");
            // RFC 8474's MAILBOXID: Cyrus has OBJECTID, this node not
            l = l.replaceFirst("^(TAG OK) \\[MAILBOXID \\([^)]*\\)\\]", "$1");
            // QRESYNC implies CONDSTORE; Cyrus names it in ENABLED (checked apart)
            l = l.replaceFirst("^\\* ENABLED CONDSTORE QRESYNC$", "* ENABLED QRESYNC");
            if (l.startsWith("TAG ")) {
                Matcher quoted = Pattern.compile("\\[BADURL \"([^\"]*)\"\\]").matcher(l);
                if (quoted.find()) {
                    quotedBadUrls++;
                    l = quoted.replaceFirst("[BADURL $1]");
                } else if (l.contains("[BADURL ")) {
                    bareBadUrls++;
                }
            }
            l = l.replaceAll("QRESYNC \\(\\d+ \\d+", "QRESYNC (n n")
                    .replaceAll("(UIDVALIDITY|APPENDUID|HIGHESTMODSEQ|CHANGEDSINCE) \\d+", "$1 n")
                    .replaceAll("MODSEQ \\(\\d+\\)", "MODSEQ (n)");
            // the text after the status and its code is for humans
            Matcher status = Pattern.compile("^(TAG|\\*) (OK|NO|BAD|BYE)( \\[[^\\]]*\\])?.*$", Pattern.DOTALL).matcher(l);
            if (status.matches()) {
                return status.group(1) + " " + status.group(2) + (status.group(3) == null ? "" : status.group(3));
            }
            Matcher fetch = Pattern.compile("^\\* (\\d+) FETCH \\((.*)\\)$", Pattern.DOTALL).matcher(l);
            if (fetch.matches()) {
                return "* " + fetch.group(1) + " FETCH (" + canonicalItems(fetch.group(2)) + ")";
            }
            return l;
        }

        @Override
        public void close() throws IOException {
            try {
                raw("LOGOUT");
            } catch (IOException ignored) {
                // closing anyway
            }
            socket.close();
        }
    }

    private static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    /**
     * A FETCH response's items in name order (servers order them as they like), FLAGS sorted and without \Recent
     * (IMAP4rev2 dropped it; Cyrus still sends it to the first session that sees a message).
     */
    static String canonicalItems(String items) {
        Map<String, String> byName = new TreeMap<>();
        int i = 0;
        while (i < items.length()) {
            int sp = nameEnd(items, i);
            String name = items.substring(i, sp).toUpperCase();
            int start = sp + 1;
            int end = valueEnd(items, start);
            String value = items.substring(start, end);
            if (name.equals("FLAGS")) {
                value = "(" + Arrays.stream(value.substring(1, value.length() - 1).split(" "))
                        .filter(f -> !f.isEmpty() && !f.equalsIgnoreCase("\\Recent")).sorted()
                        .collect(Collectors.joining(" ")) + ")";
            }
            byName.put(name, value);
            i = end + 1;
        }
        return byName.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(" "));
    }

    /** The end of an item's name: a space outside a section's brackets. */
    private static int nameEnd(String s, int from) {
        int depth = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == ' ' && depth == 0) {
                return i;
            }
        }
        throw new AssertionError("no value after a FETCH item name in: " + s);
    }

    /** The end of an item's value: a parenthesized list, a literal (inlined), a quoted string or an atom. */
    private static int valueEnd(String s, int from) {
        char c = s.charAt(from);
        if (c == '{') {
            int close = s.indexOf('}', from);
            return close + 3 + Integer.parseInt(s.substring(from + 1, close));
        }
        if (c == '(') {
            int depth = 0;
            boolean quoted = false;
            for (int i = from; i < s.length(); i++) {
                char d = s.charAt(i);
                if (quoted) {
                    if (d == '\\') {
                        i++;
                    } else if (d == '"') {
                        quoted = false;
                    }
                } else if (d == '"') {
                    quoted = true;
                } else if (d == '(') {
                    depth++;
                } else if (d == ')' && --depth == 0) {
                    return i + 1;
                }
            }
            throw new AssertionError("unbalanced FETCH item in: " + s);
        }
        if (c == '"') {
            for (int i = from + 1; i < s.length(); i++) {
                if (s.charAt(i) == '\\') {
                    i++;
                } else if (s.charAt(i) == '"') {
                    return i + 1;
                }
            }
        }
        int sp = s.indexOf(' ', from);
        return sp < 0 ? s.length() : sp;
    }

    @Test
    void fetchItemsAreComparedInNameOrder() {
        assertEquals("FLAGS (\\Deleted \\Seen) MODSEQ (n) UID 7",
                canonicalItems("MODSEQ (n) FLAGS (\\Seen \\Recent \\Deleted) UID 7"));
        assertEquals("BODY[] {3}\r\nabc UID 2", canonicalItems("UID 2 BODY[] {3}\r\nabc"));
        assertEquals("", canonicalItems(""));
    }
}
