package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.it.ImapWire.assertStatus;
import static org.murder.it.ImapWire.last;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
 * CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4): a result asked for with {@code RETURN (UPDATE)} is told as the mailbox
 * changes — ADDTO for another session's APPEND, REMOVEFROM for a flag change that takes a message out and (before the
 * EXPUNGE) for an expunge, at NOOP, after one's own STORE and during IDLE — until CANCELUPDATE; PARTIAL; and the
 * refusals: NOUPDATE for criteria that cannot be followed and past ten live results, BAD for bad syntax and a tag in use,
 * NO for a tag that names nothing. Python's imaplib as a client nobody here wrote.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Timeout(180)
class ImapContextSearchIT {

    private static final String P = "INBOX." + MurderNode.RUN + "-context";

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    /** Each APPEND a second later than the one before: ARRIVAL orders them as appended (ties would go by number). */
    private static final java.util.concurrent.atomic.AtomicInteger SECOND = new java.util.concurrent.atomic.AtomicInteger();

    private static void append(ImapWire w, String tag, String box, String flags, String subject) throws IOException {
        byte[] m = ("Subject: " + subject + "\r\n\r\n" + subject + "\r\n").getBytes(StandardCharsets.US_ASCII);
        int t = SECOND.incrementAndGet();
        String date = String.format("\"07-Dec-2026 %02d:%02d:%02d +0000\"", 10 + t / 3600, t / 60 % 60, t % 60);
        assertStatus("OK", tag, w.command(tag, (tag + " APPEND " + box + " " + flags + " " + date + " {" + m.length + "+}\r\n"
                + new String(m, StandardCharsets.US_ASCII) + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    }

    private static List<Long> uids(ImapWire w) throws IOException {
        List<Long> out = new ArrayList<>();
        Pattern uid = Pattern.compile("UID (\\d+)");
        for (String l : w.command("u0", "FETCH 1:* (UID)")) {
            Matcher m = uid.matcher(l);
            if (m.find()) {
                out.add(Long.parseLong(m.group(1)));
            }
        }
        return out;
    }

    private static List<String> esearch(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("* ESEARCH")).toList();
    }

    @Test
    void liveResultsAreToldAsTheMailboxChanges() throws Exception {
        String box = P + "-live";
        try (ImapWire w = ImapWire.loggedIn(); ImapWire other = ImapWire.loggedIn()) {
            assertTrue(w.command("c0", "CAPABILITY").get(0).contains(" CONTEXT=SEARCH CONTEXT=SORT"));
            assertStatus("OK", "c1", w.command("c1", "CREATE " + box));
            append(other, "a1", box, "(\\Seen)", "one");
            append(other, "a2", box, "()", "two");
            append(other, "a3", box, "()", "three");
            append(other, "a4", box, "()", "four");
            assertStatus("OK", "s1", w.command("s1", "SELECT " + box));
            List<Long> u = uids(w);
            assertEquals(4, u.size());

            assertEquals(List.of("* ESEARCH (TAG \"A1\") UID COUNT 3", "A1 OK Completed"),
                    w.command("A1", "UID SEARCH RETURN (UPDATE COUNT) UNSEEN"));
            assertEquals(List.of("* ESEARCH (TAG \"A2\") ALL 4,3,2", "A2 OK Completed"),
                    w.command("A2", "SORT RETURN (UPDATE ALL) (REVERSE ARRIVAL) UTF-8 UNSEEN"));

            // another session's APPEND: ADDTO after EXISTS, where each message lands in its result
            append(other, "a5", box, "()", "five");
            List<String> noop = w.command("n1", "NOOP");
            long u5 = u.get(3) + 1;
            assertEquals(List.of("* ESEARCH (TAG \"A1\") UID ADDTO (4 " + u5 + ")", "* ESEARCH (TAG \"A2\") ADDTO (1 5)"),
                    esearch(noop), noop.toString());
            assertTrue(noop.indexOf("* 5 EXISTS") < noop.indexOf(esearch(noop).get(0)), noop.toString());

            // its own STORE takes message 3 out of both
            List<String> store = w.command("st", "STORE 3 +FLAGS.SILENT (\\Seen)");
            assertEquals(List.of("* ESEARCH (TAG \"A1\") UID REMOVEFROM (2 " + u.get(2) + ")",
                    "* ESEARCH (TAG \"A2\") REMOVEFROM (3 3)"), esearch(store), store.toString());

            // a flag that changes nothing for them: no news for them
            assertStatus("OK", "o1", other.command("o1", "SELECT " + box));
            assertStatus("OK", "o2", other.command("o2", "STORE 4 +FLAGS.SILENT (\\Flagged)"));
            List<String> quiet = w.command("n2", "NOOP");
            assertEquals(List.of(), esearch(quiet), quiet.toString());

            // an expunge: REMOVEFROM first, by the numbers the client knows, then EXPUNGE
            assertStatus("OK", "o3", other.command("o3", "STORE 2 +FLAGS.SILENT (\\Deleted)"));
            assertStatus("OK", "o4", other.command("o4", "EXPUNGE"));
            List<String> gone = w.command("n3", "NOOP");
            assertEquals(List.of("* ESEARCH (TAG \"A1\") UID REMOVEFROM (1 " + u.get(1) + ")",
                    "* ESEARCH (TAG \"A2\") REMOVEFROM (3 2)"), esearch(gone), gone.toString());
            assertTrue(gone.indexOf(esearch(gone).get(1)) < gone.indexOf("* 2 EXPUNGE"), gone.toString());

            // CANCELUPDATE ends one; a tag that names none is NO, none at all BAD
            assertEquals(List.of("x1 OK Completed"), w.command("x1", "CANCELUPDATE \"A1\""));
            assertEquals("x2 NO Unknown tag", last(w.command("x2", "CANCELUPDATE \"A1\"")));
            assertStatus("BAD", "x3", w.command("x3", "CANCELUPDATE"));
            append(other, "a6", box, "()", "six");
            List<String> afterCancel = w.command("n4", "NOOP");
            assertEquals(List.of("* ESEARCH (TAG \"A2\") ADDTO (1 5)"), esearch(afterCancel), afterCancel.toString());

            // IDLE hears it too
            w.send("i1 IDLE\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(w.line().startsWith("+ "));
            append(other, "a7", box, "()", "seven");
            String idle = w.line();
            while (!idle.startsWith("* ESEARCH")) {
                idle = w.line();
            }
            assertEquals("* ESEARCH (TAG \"A2\") ADDTO (1 6)", idle);
            w.send("DONE\r\n".getBytes(StandardCharsets.US_ASCII));
            assertStatus("OK", "i1", w.until("i1"));

            // a tag already live is BAD; leaving the mailbox ends them all
            assertStatus("BAD", "A2", w.command("A2", "SEARCH RETURN (UPDATE) ALL"));
            assertStatus("OK", "un", w.command("un", "UNSELECT"));
            assertStatus("OK", "s2", w.command("s2", "SELECT " + box));
            assertEquals("x4 NO Unknown tag", last(w.command("x4", "CANCELUPDATE \"A2\"")));
            other.command("o5", "UNSELECT");
            w.command("u1", "UNSELECT");
            w.command("d1", "DELETE " + box);
        }
    }

    @Test
    void partialAndTheRefusals() throws Exception {
        String box = P + "-partial";
        try (ImapWire w = ImapWire.loggedIn()) {
            assertStatus("OK", "c1", w.command("c1", "CREATE " + box));
            for (int i = 1; i <= 5; i++) {
                append(w, "a" + i, box, "()", "m" + i);
            }
            assertStatus("OK", "s1", w.command("s1", "SELECT " + box));
            List<Long> u = uids(w);

            // PARTIAL (RFC 5267 §4.4): positions of the result, from the end with negative ones (RFC 9394)
            assertEquals(List.of("* ESEARCH (TAG \"p1\") UID PARTIAL (1:2 " + u.get(0) + ":" + u.get(1) + ")", "p1 OK Completed"),
                    w.command("p1", "UID SEARCH RETURN (PARTIAL 1:2) ALL"));
            assertEquals(List.of("* ESEARCH (TAG \"p2\") PARTIAL (-1:-2 4:5)", "p2 OK Completed"),
                    w.command("p2", "SEARCH RETURN (PARTIAL -1:-2) ALL"));
            assertEquals(List.of("* ESEARCH (TAG \"p3\") COUNT 5 PARTIAL (50:60 NIL)", "p3 OK Completed"),
                    w.command("p3", "SEARCH RETURN (COUNT PARTIAL 50:60) ALL"));
            assertEquals(List.of("* ESEARCH (TAG \"p4\") PARTIAL (1:2 5,4)", "p4 OK Completed"),
                    w.command("p4", "SORT RETURN (PARTIAL 1:2) (REVERSE ARRIVAL) UTF-8 ALL"));
            assertStatus("BAD", "p5", w.command("p5", "SEARCH RETURN (PARTIAL 1:5 ALL) ALL"));
            assertStatus("BAD", "p6", w.command("p6", "SEARCH RETURN (PARTIAL 0:5) ALL"));
            assertStatus("BAD", "p7", w.command("p7", "SEARCH RETURN (PARTIAL) ALL"));

            // criteria that cannot be followed: answered, not kept (RFC 5267 §4.3's NOUPDATE)
            List<String> byNumber = w.command("n1", "SEARCH RETURN (UPDATE COUNT) 1:2");
            assertEquals(List.of("* NO [NOUPDATE \"n1\"] Search criteria cannot be kept up to date",
                    "* ESEARCH (TAG \"n1\") COUNT 2", "n1 OK Completed"), byNumber);
            assertEquals("n2 NO Unknown tag", last(w.command("n2", "CANCELUPDATE \"n1\"")));
            // ten live results at most
            for (int i = 0; i < 10; i++) {
                assertStatus("OK", "L" + i, w.command("L" + i, "UID SEARCH RETURN (UPDATE) ALL"));
            }
            List<String> eleventh = w.command("L10", "UID SEARCH RETURN (UPDATE MIN) ALL");
            assertEquals("* NO [NOUPDATE \"L10\"] Too many live results", eleventh.get(0), eleventh.toString());
            assertEquals("* ESEARCH (TAG \"L10\") UID MIN " + u.get(0), eleventh.get(1));
            assertEquals(List.of("x1 OK Completed"), w.command("x1", "CANCELUPDATE \"L0\" \"L1\""));
            assertEquals(List.of("* ESEARCH (TAG \"L11\") UID", "L11 OK Completed"),
                    w.command("L11", "UID SEARCH RETURN (UPDATE) ALL"), "room again");
            assertStatus("BAD", "b1", w.command("b1", "SEARCH RETURN (UPDATE BOGUS) ALL"));
            assertStatus("BAD", "b2", w.command("b2", "CANCELUPDATE L2"));
            w.command("u1", "UNSELECT");
            w.command("d1", "DELETE " + box);
        }
    }

    // ------------------------------------------------------------------ Python imaplib

    private static final String PY_CONTEXT = """
            import imaplib, json, ssl, sys
            host, port, user, password, mailbox = sys.argv[1:6]
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            def connect():
                M = imaplib.IMAP4(host, int(port), timeout=20)
                M.starttls(ssl_context=ctx)
                M.login(user, password)
                return M
            r = {}
            M = connect()
            O = connect()
            M.select(mailbox)
            typ, data = M.uid('SEARCH', 'RETURN', '(UPDATE ALL)', 'UNSEEN')
            r['search'] = [typ] + [x.decode() for x in M.response('ESEARCH')[1] if x]
            O.append(mailbox, None, None, b'Subject: py\\r\\n\\r\\npy\\r\\n')
            typ, data = M.noop()
            r['noop'] = [typ] + [x.decode() for x in M.response('ESEARCH')[1] if x]
            typ, data = M.xatom('CANCELUPDATE', '"' + r['search'][1].split('"')[1] + '"')
            r['cancel'] = typ
            O.append(mailbox, None, None, b'Subject: py2\\r\\n\\r\\npy2\\r\\n')
            typ, data = M.noop()
            r['after_cancel'] = [x.decode() for x in M.response('ESEARCH')[1] if x]
            M.logout()
            O.logout()
            print(json.dumps(r), flush=True)
            """;

    @Test
    void pythonImaplibFollowsALiveResult() throws Exception {
        String box = P + "-python";
        try (ImapWire w = ImapWire.loggedIn()) {
            assertStatus("OK", "c1", w.command("c1", "CREATE " + box));
            append(w, "a1", box, "()", "one");
        }
        JsonObject r = Imap4rev2IT.python(PY_CONTEXT, box);
        assertEquals("OK", r.getJsonArray("search").getString(0), r.toString());
        Matcher all = Pattern.compile("\\(TAG \"(\\w+)\"\\) UID ALL (\\d+)").matcher(r.getJsonArray("search").getString(1));
        assertTrue(all.matches(), r.toString());
        long first = Long.parseLong(all.group(2));
        assertEquals("(TAG \"" + all.group(1) + "\") UID ADDTO (2 " + (first + 1) + ")", r.getJsonArray("noop").getString(1),
                r.toString());
        assertEquals("OK", r.getString("cancel"), r.toString());
        assertTrue(r.getJsonArray("after_cancel").isEmpty(), r.toString());
        assertFalse(r.toString().contains("NOUPDATE"), r.toString());
        try (ImapWire w = ImapWire.loggedIn()) {
            w.command("d1", "DELETE " + box);
        }
    }
}
