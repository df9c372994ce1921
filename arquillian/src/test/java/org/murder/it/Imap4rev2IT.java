package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.murder.it.ImapWire.assertStatus;
import static org.murder.it.ImapWire.last;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * IMAP4rev2 (RFC 9051) as a rev2 client sees it after {@code ENABLE IMAP4rev2}, each difference from IMAP4rev1 (RFC 9051
 * Appendix E) beside what an IMAP4rev1 session of the same user sees: UTF-8 mailbox names (normalized, OLDNAME), ESEARCH
 * for SEARCH, no \Recent and no RECENT, [CLOSED] on every reselect, the base response codes (NONEXISTENT,
 * ALREADYEXISTS), LIST's \NonExistent and RECURSIVEMATCH's CHILDINFO, STATUS SIZE/DELETED/DELETED-STORAGE, and the
 * refusals. Python's imaplib as a client nobody here wrote.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Timeout(180)
class Imap4rev2IT {

    private static final String P = "INBOX." + MurderNode.RUN + "-rev2";

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    /** A response line as UTF-8 ({@link ImapWire} reads octets as ISO-8859-1). */
    private static String utf8(String line) {
        return new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static List<String> utf8(List<String> lines) {
        return lines.stream().map(Imap4rev2IT::utf8).toList();
    }

    private static void append(ImapWire w, String tag, String box, String flags, String body) throws IOException {
        byte[] m = ("Subject: " + body + "\r\n\r\n" + body + "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertStatus("OK", tag, w.command(tag, (tag + " APPEND " + box + " " + flags + " {" + m.length + "+}\r\n"
                + new String(m, StandardCharsets.US_ASCII) + "\r\n").getBytes(StandardCharsets.UTF_8)));
    }

    private static ImapWire rev2() throws Exception {
        ImapWire w = ImapWire.loggedIn();
        assertEquals(List.of("* ENABLED IMAP4rev2", "e0 OK Completed"), w.command("e0", "ENABLE IMAP4rev2"));
        return w;
    }

    @Test
    void capabilityAndEnable() throws Exception {
        try (ImapWire w = new ImapWire()) {
            String greeting = w.line();
            assertTrue(greeting.contains(" IMAP4rev1 IMAP4rev2 LITERAL+ "), greeting);
            assertFalse(greeting.contains("LITERAL-"), "LITERAL+ or LITERAL-, never both: " + greeting);
            assertStatus("BAD", "e1", w.command("e1", "ENABLE IMAP4rev2")); // not before login
        }
        try (ImapWire w = ImapWire.loggedIn()) {
            String caps = w.command("c1", "CAPABILITY").get(0);
            for (String cap : List.of("IMAP4rev2", "STATUS=SIZE", "CONTEXT=SEARCH", "CONTEXT=SORT", "ESEARCH", "SEARCHRES",
                    "LIST-EXTENDED", "LIST-STATUS", "SPECIAL-USE", "NAMESPACE", "UNSELECT", "UIDPLUS", "MOVE", "IDLE",
                    "SASL-IR", "ENABLE", "BINARY", "LITERAL+")) {
                assertTrue((caps + " ").contains(" " + cap + " "), cap + " in " + caps);
            }
            assertEquals(List.of("* ENABLED IMAP4rev2", "e2 OK Completed"), w.command("e2", "enable imap4rev2"));
            assertEquals(List.of("* ENABLED", "e3 OK Completed"), w.command("e3", "ENABLE IMAP4rev2 X-UNKNOWN"),
                    "enabled already; the unknown one is not named (RFC 9051 §6.3.1)");
            assertStatus("BAD", "e4", w.command("e4", "ENABLE"));
            assertStatus("BAD", "e5", w.command("e5", "ENABLE (IMAP4rev2)"));
        }
    }

    @Test
    void aRev2SessionBesideARev1One() throws Exception {
        String box = P + "-main";
        try (ImapWire w = rev2(); ImapWire old = ImapWire.loggedIn()) {
            assertStatus("OK", "c1", w.command("c1", "CREATE " + box));
            append(old, "a1", box, "(\\Seen)", "one");
            append(old, "a2", box, "()", "two");
            append(old, "a3", box, "()", "three");

            // no RECENT, no \Recent; the rev1 session still has them
            List<String> sel = w.command("s1", "SELECT " + box);
            assertStatus("OK [READ-WRITE]", "s1", sel);
            assertTrue(sel.contains("* 3 EXISTS"), sel.toString());
            assertFalse(sel.stream().anyMatch(l -> l.endsWith(" RECENT")), sel.toString());
            List<String> flags = w.command("f1", "FETCH 1:* (FLAGS)");
            assertFalse(flags.stream().anyMatch(l -> l.contains("\\Recent")), flags.toString());
            List<String> oldSel = old.command("o1", "EXAMINE " + box);
            assertTrue(oldSel.contains("* 0 RECENT"), "the rev2 session took them: " + oldSel);

            // SEARCH answers ESEARCH (RFC 9051 §6.4.4); UID SEARCH says UID; nothing found: the tag alone
            assertEquals(List.of("* ESEARCH (TAG \"q1\") ALL 1:3", "q1 OK Completed"), w.command("q1", "SEARCH ALL"));
            List<String> uid = w.command("q2", "UID SEARCH UNSEEN");
            assertTrue(uid.get(0).matches("\\* ESEARCH \\(TAG \"q2\"\\) UID ALL \\d+:\\d+"), uid.toString());
            assertEquals(List.of("* ESEARCH (TAG \"q3\")", "q3 OK Completed"), w.command("q3", "SEARCH DELETED"));
            assertEquals(List.of("* ESEARCH (TAG \"q4\") COUNT 2", "q4 OK Completed"),
                    w.command("q4", "SEARCH RETURN (COUNT) UNSEEN"));
            assertEquals(List.of("* SEARCH 1 2 3", "o2 OK Completed"), old.command("o2", "SEARCH ALL"),
                    "IMAP4rev1 keeps SEARCH");

            // STATUS SIZE, DELETED, DELETED-STORAGE (RFC 9051 §6.3.11, RFC 9208)
            assertStatus("OK", "d1", w.command("d1", "STORE 2 +FLAGS.SILENT (\\Deleted)"));
            List<String> status = w.command("st", "STATUS " + box + " (MESSAGES SIZE DELETED DELETED-STORAGE)");
            long one = "Subject: one\r\n\r\none\r\n".length();
            long two = "Subject: two\r\n\r\ntwo\r\n".length();
            long three = "Subject: three\r\n\r\nthree\r\n".length();
            assertEquals("* STATUS " + box + " (MESSAGES 3 SIZE " + (one + two + three) + " DELETED 1 DELETED-STORAGE "
                    + two + ")", status.get(0));

            // news without RECENT
            append(old, "a4", box, "()", "four");
            List<String> noop = w.command("n1", "NOOP");
            assertTrue(noop.contains("* 4 EXISTS"), noop.toString());
            assertFalse(noop.stream().anyMatch(l -> l.endsWith(" RECENT")), noop.toString());

            // [CLOSED] on every reselect (RFC 9051 §6.3.2), not only with QRESYNC
            List<String> again = w.command("s2", "EXAMINE " + box);
            assertEquals("* OK [CLOSED] Ok", again.get(0), again.toString());
            assertStatus("OK [READ-ONLY]", "s2", again);

            // base response codes
            assertEquals("s3 NO [NONEXISTENT] Mailbox does not exist", last(w.command("s3", "SELECT " + box + "-none")));
            assertEquals("s4 NO [NONEXISTENT] Mailbox does not exist", last(w.command("s4", "STATUS " + box + "-none (SIZE)")));
            assertEquals("s5 NO [NONEXISTENT] Mailbox does not exist", last(w.command("s5", "DELETE " + box + "-none")));
            assertEquals("s6 NO [NONEXISTENT] Mailbox does not exist",
                    last(w.command("s6", "RENAME " + box + "-none " + box + "-other")));
            assertEquals("s7 NO [ALREADYEXISTS] Mailbox already exists", last(w.command("s7", "CREATE " + box)));
            assertEquals("o3 NO Mailbox does not exist", last(old.command("o3", "SELECT " + box + "-none")),
                    "an IMAP4rev1 session hears what Cyrus 3.6 says");

            // refusals: syntax is BAD
            assertStatus("BAD", "b1", w.command("b1", "SEARCH RETURN (PARTIAL 0:1) ALL"));
            assertStatus("BAD", "b2", w.command("b2", "STATUS " + box + " (SIZE BOGUS)"));
            assertStatus("BAD", "b3", w.command("b3", ("b3 SELECT \"INBOX.\u00ff\"\r\n").getBytes(StandardCharsets.ISO_8859_1)));
            assertStatus("OK", "b4", w.command("b4", "NOOP"));
            w.command("u1", "UNSELECT");
            old.command("u2", "UNSELECT");
            w.command("x1", "DELETE " + box);
        }
    }

    @Test
    void utf8NamesNormalizedWithOldName() throws Exception {
        String box = P + "-Entw\u00fcrfe";
        String decomposed = P + "-Entwu\u0308rfe";
        String utf7 = P + "-Entw&APw-rfe";
        try (ImapWire w = rev2(); ImapWire old = ImapWire.loggedIn()) {
            // sent decomposed: made NFC, and the client told the name it has now (RFC 9051 §6.3.4)
            List<String> created = utf8(w.command("c1", "CREATE \"" + decomposed + "\""));
            assertEquals(List.of("* LIST () \".\" \"" + box + "\" (\"OLDNAME\" (\"" + decomposed + "\"))", "c1 OK Completed"),
                    created);
            assertEquals(List.of("c2 OK Completed"), w.command("c2", "CREATE \"" + P + "-plain\""), "no OLDNAME when NFC");
            // the same mailbox under both spellings, in modified UTF-7 to a rev1 session
            assertStatus("OK", "s1", w.command("s1", "SELECT \"" + box + "\""));
            assertStatus("OK", "s2", w.command("s2", "SELECT \"" + decomposed + "\""));
            assertEquals(List.of("* LIST (\\HasNoChildren) \".\" \"" + box + "\"", "l1 OK Completed"),
                    utf8(w.command("l1", "LIST \"\" \"" + P + "-Entw*\"")));
            assertEquals(List.of("* LIST (\\HasNoChildren) \".\" " + utf7, "l2 OK Completed"),
                    old.command("l2", "LIST \"\" " + P + "-Entw*"));
            assertEquals("* STATUS \"" + box + "\" (MESSAGES 0)", utf8(w.command("st", "STATUS \"" + box + "\" (MESSAGES)").get(0)));
            // under rev2 a modified UTF-7 spelling is just a name, and no mailbox has it
            assertEquals("s3 NO [NONEXISTENT] Mailbox does not exist", last(w.command("s3", "SELECT " + utf7)));
            // RENAME to a decomposed name: the name it has now, OLDNAME the existing one as sent (RFC 9051 §6.3.6)
            List<String> renamed = utf8(w.command("r1", "RENAME \"" + P + "-plain\" \"" + P + "-ne\u0301\""));
            assertEquals(List.of("* LIST () \".\" \"" + P + "-n\u00e9\" (\"OLDNAME\" (" + P + "-plain))", "r1 OK Completed"),
                    renamed);
            // the existing name sent decomposed: the same; both names normalized already: no LIST
            assertEquals(List.of("* LIST () \".\" " + P + "-x (\"OLDNAME\" (\"" + P + "-ne\u0301\"))", "r2 OK Completed"),
                    utf8(w.command("r2", "RENAME \"" + P + "-ne\u0301\" \"" + P + "-x\"")));
            assertEquals(List.of("r3 OK Completed"), w.command("r3", "RENAME \"" + P + "-x\" \"" + P + "-y\""));
            w.command("u", "UNSELECT");
            w.command("d1", "DELETE \"" + box + "\"");
            w.command("d2", "DELETE \"" + P + "-y\"");
        }
    }

    @Test
    void anotherSessionsRenameLeavesItsSelectionAlone() throws Exception {
        String box = P + "-moving";
        try (ImapWire w = rev2(); ImapWire other = rev2()) {
            assertStatus("OK", "c1", w.command("c1", "CREATE " + box));
            append(w, "a1", box, "()", "one");
            assertStatus("OK [READ-WRITE]", "s1", other.command("s1", "SELECT " + box));
            assertEquals(List.of("r1 OK Completed"), w.command("r1", "RENAME " + box + " " + box + "-moved"),
                    "both names normalized: no LIST (RFC 9051 §6.3.6)");
            // RFC 9051 §6.3.6: announcing the rename to other sessions is a MAY, not done here; the mailbox stays
            // selected under its new name, its messages as they were
            List<String> noop = other.command("n1", "NOOP");
            assertEquals(List.of("n1 OK Completed"), noop);
            assertTrue(other.command("f1", "FETCH 1 (BODY.PEEK[TEXT])").get(0).startsWith("* 1 FETCH (BODY[TEXT] "));
            assertEquals(List.of("* LIST (\\HasNoChildren) \".\" " + box + "-moved", "l1 OK Completed"),
                    other.command("l1", "LIST \"\" " + box + "*"));
            other.command("u1", "UNSELECT");
            w.command("d1", "DELETE " + box + "-moved");
        }
    }

    @Test
    void listSaysNonExistentAndChildInfo() throws Exception {
        String parent = P + "-tree";
        try (ImapWire w = rev2(); ImapWire old = ImapWire.loggedIn()) {
            assertStatus("OK", "c1", w.command("c1", "CREATE " + parent + ".child"));
            assertStatus("OK", "c2", w.command("c2", "SUBSCRIBE " + parent + ".child"));
            // a level that is no mailbox: \NonExistent in rev2 (RFC 9051 §6.3.9), \Noselect to rev1
            assertEquals(List.of("* LIST (\\NonExistent \\HasChildren) \".\" " + parent, "l1 OK Completed"),
                    w.command("l1", "LIST \"\" " + parent));
            assertEquals(List.of("* LIST (\\Noselect \\HasChildren) \".\" " + parent, "l2 OK Completed"),
                    old.command("l2", "LIST \"\" " + parent));
            // RECURSIVEMATCH: the level above a subscribed one says so (RFC 5258 §3.5)
            assertEquals(List.of("* LIST (\\NonExistent) \".\" " + parent + " (\"CHILDINFO\" (\"SUBSCRIBED\"))",
                    "l3 OK Completed"), w.command("l3", "LIST (SUBSCRIBED RECURSIVEMATCH) \"\" " + parent));
            assertEquals(List.of("l4 OK Completed"), w.command("l4", "LIST (SUBSCRIBED) \"\" " + parent));
            assertStatus("BAD", "l5", w.command("l5", "LIST (RECURSIVEMATCH) \"\" " + parent));
            w.command("u1", "UNSUBSCRIBE " + parent + ".child");
            w.command("d1", "DELETE " + parent + ".child");
        }
    }

    @Test
    void aLargeNonSynchronizingLiteralIsTakenBesideIMAP4rev2() throws Exception {
        // LITERAL+ (advertised) widens rev2's LITERAL- (RFC 9051 §4.3): 5,000 octets as {5000+}
        String box = P + "-literal";
        try (ImapWire w = rev2()) {
            assertStatus("OK", "c1", w.command("c1", "CREATE " + box));
            byte[] body = ("Subject: big\r\n\r\n" + "x".repeat(4980) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream cmd = new ByteArrayOutputStream();
            cmd.writeBytes(("a1 APPEND " + box + " {" + body.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
            cmd.writeBytes(body);
            cmd.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            assertStatus("OK", "a1", w.command("a1", cmd.toByteArray()));
            assertEquals("* STATUS " + box + " (SIZE " + body.length + ")",
                    w.command("s1", "STATUS " + box + " (SIZE)").get(0));
            w.command("d1", "DELETE " + box);
        }
    }

    // ------------------------------------------------------------------ Python imaplib

    private static final String PY_REV2 = """
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
            typ, data = M.enable('IMAP4rev2')
            r['enable'] = [typ] + [x.decode() for x in M.response('ENABLED')[1] if x]
            typ, data = M.select(mailbox)
            r['select'] = typ
            r['recent_told'] = 'RECENT' in M.untagged_responses
            typ, data = M.search(None, 'ALL')
            r['search'] = [typ] + [x.decode() for x in M.response('ESEARCH')[1] if x]
            typ, data = M.uid('SEARCH', 'UNSEEN')
            r['uid_search'] = [typ] + [x.decode() for x in M.response('ESEARCH')[1] if x]
            typ, data = M.status(mailbox, '(MESSAGES SIZE DELETED)')
            r['status'] = [typ] + [x.decode() for x in data if x]
            typ, data = M.select(mailbox + '-none')
            r['nonexistent'] = [typ] + [x.decode() for x in data if x]
            M.logout()
            print(json.dumps(r), flush=True)
            """;

    @Test
    void pythonImaplibSpeaksRev2() throws Exception {
        String box = P + "-python";
        try (ImapWire w = ImapWire.loggedIn()) {
            assertStatus("OK", "c1", w.command("c1", "CREATE " + box));
            append(w, "a1", box, "(\\Seen)", "one");
            append(w, "a2", box, "()", "two");
        }
        JsonObject r = python(PY_REV2, box);
        assertTrue(r.getJsonArray("capabilities").toString().contains("\"IMAP4REV2\""), r.toString());
        assertEquals("[\"OK\",\"IMAP4rev2\"]", r.getJsonArray("enable").toString());
        assertEquals("OK", r.getString("select"));
        assertFalse(r.getBoolean("recent_told"), r.toString());
        assertEquals("OK", r.getJsonArray("search").getString(0));
        assertEquals("(TAG \"" + tagOf(r, "search") + "\") ALL 1:2", r.getJsonArray("search").getString(1));
        assertTrue(r.getJsonArray("uid_search").getString(1).matches("\\(TAG \"\\w+\"\\) UID ALL \\d+"), r.toString());
        String size = String.valueOf(("Subject: one\r\n\r\none\r\n" + "Subject: two\r\n\r\ntwo\r\n").length());
        assertEquals("[\"OK\",\"" + box + " (MESSAGES 2 SIZE " + size + " DELETED 0)\"]", r.getJsonArray("status").toString());
        assertEquals("[\"NO\",\"[NONEXISTENT] Mailbox does not exist\"]", r.getJsonArray("nonexistent").toString());
        try (ImapWire w = ImapWire.loggedIn()) {
            w.command("d1", "DELETE " + box);
        }
    }

    private static String tagOf(JsonObject r, String key) {
        Matcher m = Pattern.compile("TAG \"(\\w+)\"").matcher(r.getJsonArray(key).getString(1));
        assertTrue(m.find(), r.toString());
        return m.group(1);
    }

    /** Runs a Python script with host, port, user, password and the mailbox; its last line of JSON. */
    static JsonObject python(String source, String box) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Peers.require(Files.isExecutable(python), "python3 is not installed");
        Path script = Files.createTempFile("murder-rev2", ".py");
        script.toFile().deleteOnExit();
        Files.writeString(script, source);
        List<String> command = new ArrayList<>(List.of(python.toString(), script.toString(), MurderNode.HOST,
                Integer.toString(MurderNode.imapPort()), MurderNode.USER, MurderNode.USER_PASSWORD, box));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("python did not finish: " + out);
        }
        assertEquals(0, p.exitValue(), out);
        String json = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no JSON from python:\n" + out));
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
