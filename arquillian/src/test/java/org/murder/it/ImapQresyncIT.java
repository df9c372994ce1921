package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.it.ImapWire.assertStatus;
import static org.murder.it.ImapWire.last;

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
 * QRESYNC (RFC 7162 §3.2) as a client resyncing sees it: ENABLE, SELECT (QRESYNC ...) after another session expunged
 * and flagged, VANISHED (EARLIER) for what went, VANISHED instead of EXPUNGE once enabled (EXPUNGE, UID EXPUNGE,
 * MOVE, NOOP and IDLE news), UID FETCH (CHANGEDSINCE n VANISHED), [CLOSED]; and the refusals: QRESYNC before ENABLE,
 * bad syntax, a UIDVALIDITY that does not match.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Timeout(180)
class ImapQresyncIT {

    private static final String BOX = "INBOX." + MurderNode.RUN + "-qresync";
    private static final Pattern NUMBER_CODE = Pattern.compile("\\[(UIDVALIDITY|HIGHESTMODSEQ) (\\d+)\\]");

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    @Test
    void aResyncingClientIsToldWhatWentAndWhatChanged() throws Exception {
        try (ImapWire w = ImapWire.loggedIn(); ImapWire other = ImapWire.loggedIn()) {
            assertStatus("OK", "c1", other.command("c1", "CREATE " + BOX));
            assertStatus("OK", "c2", other.command("c2", "CREATE " + BOX + "-dest"));
            for (int i = 1; i <= 6; i++) {
                append(other, "a" + i, i);
            }
            assertTrue(w.command("cap", "CAPABILITY").get(0).contains(" QRESYNC"));
            assertEquals(List.of("* ENABLED QRESYNC", "e1 OK Completed"), w.command("e1", "ENABLE QRESYNC"));
            assertEquals(List.of("* ENABLED", "e2 OK Completed"), w.command("e2", "ENABLE QRESYNC CONDSTORE"),
                    "QRESYNC turned CONDSTORE on too: nothing new");

            List<String> first = w.command("s1", "SELECT " + BOX);
            long uidValidity = code(first, "UIDVALIDITY");
            long m0 = code(first, "HIGHESTMODSEQ");
            List<Long> uids = uids(w.command("u1", "UID FETCH 1:* (UID)"));
            assertEquals(6, uids.size(), uids.toString());
            long u1 = uids.get(0);
            assertEquals(u1 + 5, (long) uids.get(5), "a fresh mailbox's UIDs follow each other");
            assertStatus("OK", "un", w.command("un", "UNSELECT"));

            // another session, without QRESYNC: flags one, expunges two, and is told by EXPUNGE as ever
            assertStatus("OK", "o1", other.command("o1", "SELECT " + BOX));
            assertStatus("OK", "o2", other.command("o2", "STORE 2 +FLAGS.SILENT (\\Flagged)"));
            assertStatus("OK", "o3", other.command("o3", "STORE 3:4 +FLAGS.SILENT (\\Deleted)"));
            List<String> expunged = other.command("o4", "EXPUNGE");
            assertEquals(List.of("* 3 EXPUNGE", "* 3 EXPUNGE"), expunged.stream().filter(l -> l.endsWith("EXPUNGE")).toList(),
                    expunged.toString());

            String qresync = "SELECT " + BOX + " (QRESYNC (" + uidValidity + " " + m0;
            List<String> resync = w.command("q1", qresync + " " + u1 + ":" + (u1 + 5) + "))");
            assertStatus("OK [READ-WRITE]", "q1", resync);
            assertFalse(resync.contains("* OK [CLOSED] Ok"), "nothing was selected");
            List<String> news = news(resync);
            assertEquals("* VANISHED (EARLIER) " + (u1 + 2) + ":" + (u1 + 3), news.get(0), resync.toString());
            assertEquals(2, news.size(), resync.toString());
            assertTrue(news.get(1).matches("\\* 2 FETCH \\(UID " + (u1 + 1) + " FLAGS \\(\\\\Flagged\\) MODSEQ \\(\\d+\\)\\)"),
                    resync.toString());

            // known UIDs left out (all up to UIDNEXT-1), a part of them, seq-match data; [CLOSED] ends the old one
            List<String> all = w.command("q2", qresync + "))");
            assertEquals("* OK [CLOSED] Ok", all.get(0), all.toString());
            assertEquals("* VANISHED (EARLIER) " + (u1 + 2) + ":" + (u1 + 3), news(all).get(0), all.toString());
            assertTrue(news(all).get(1).startsWith("* 2 FETCH (UID " + (u1 + 1) + " "), all.toString());
            List<String> part = w.command("q3", qresync + " " + (u1 + 3) + ":" + (u1 + 5) + "))");
            // RFC 7162 §3.2.5: with known UIDs, flag changes and expunges of those only — no FETCH of u1+1 (as Cyrus)
            assertEquals(List.of("* VANISHED (EARLIER) " + (u1 + 3)), news(part), part.toString());
            List<String> matched = w.command("q4", qresync + " " + u1 + ":" + (u1 + 5) + " (1:2 " + u1 + ":" + (u1 + 1) + ")))");
            assertEquals("* VANISHED (EARLIER) " + (u1 + 2) + ":" + (u1 + 3), news(matched).get(0), matched.toString());
            // nothing changed since: only the usual responses; another UIDVALIDITY: nothing of the resync at all
            long m1 = code(all, "HIGHESTMODSEQ");
            assertEquals(List.of(), news(w.command("q5", "SELECT " + BOX + " (QRESYNC (" + uidValidity + " " + m1 + "))")));
            List<String> stale = w.command("q6", "EXAMINE " + BOX + " (QRESYNC (" + (uidValidity + 1) + " " + m0 + "))");
            assertStatus("OK [READ-ONLY]", "q6", stale);
            assertEquals(List.of(), news(stale), stale.toString());
            assertStatus("OK", "q7", w.command("q7", "SELECT " + BOX));

            // once enabled, expunges are VANISHED: another session's at NOOP, one's own EXPUNGE, UID EXPUNGE, MOVE
            assertStatus("OK", "o5", other.command("o5", "STORE 1 +FLAGS.SILENT (\\Deleted)"));
            assertStatus("OK", "o6", other.command("o6", "EXPUNGE"));
            List<String> noop = w.command("n1", "NOOP");
            assertTrue(noop.contains("* VANISHED " + u1), noop.toString());
            assertFalse(noop.stream().anyMatch(l -> l.endsWith(" EXPUNGE")), noop.toString());
            assertStatus("OK", "x1", w.command("x1", "UID STORE " + (u1 + 4) + " +FLAGS.SILENT (\\Deleted)"));
            List<String> own = w.command("x2", "EXPUNGE");
            assertTrue(own.contains("* VANISHED " + (u1 + 4)), own.toString());
            assertTrue(own.get(own.size() - 1).matches("x2 OK \\[HIGHESTMODSEQ \\d+\\] .*"), own.toString());
            assertStatus("OK", "x3", w.command("x3", "UID STORE " + (u1 + 5) + " +FLAGS.SILENT (\\Deleted)"));
            List<String> uidExpunge = w.command("x4", "UID EXPUNGE " + (u1 + 5));
            assertTrue(uidExpunge.contains("* VANISHED " + (u1 + 5)), uidExpunge.toString());
            assertTrue(uidExpunge.get(uidExpunge.size() - 1).matches("x4 OK \\[HIGHESTMODSEQ \\d+\\] .*"),
                    uidExpunge.toString());
            append(other, "a7", 7);
            append(other, "a8", 8);
            assertTrue(w.command("n2", "NOOP").contains("* 3 EXISTS"));
            List<String> move = w.command("mv", "UID MOVE " + (u1 + 6) + " " + BOX + "-dest");
            assertTrue(move.contains("* VANISHED " + (u1 + 6)), move.toString());
            assertStatus("OK", "mv", move);

            // UID FETCH ... (CHANGEDSINCE m0 VANISHED): every UID of the set expunged since, then what changed
            List<String> fetched = w.command("f1", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + m0 + " VANISHED)");
            List<String> fetchNews = news(fetched);
            assertEquals("* VANISHED (EARLIER) " + u1 + "," + (u1 + 2) + ":" + (u1 + 6), fetchNews.get(0), fetched.toString());
            assertEquals(3, fetchNews.size(), fetched.toString());
            assertTrue(fetchNews.get(1).matches("\\* 1 FETCH \\(UID " + (u1 + 1) + " FLAGS \\(\\\\Flagged\\) MODSEQ \\(\\d+\\)\\)"),
                    fetched.toString());
            assertTrue(fetchNews.get(2).startsWith("* 2 FETCH (UID " + (u1 + 7) + " "), fetched.toString());
            List<String> narrow = w.command("f2", "UID FETCH " + (u1 + 1) + ":" + (u1 + 3) + " (FLAGS) (CHANGEDSINCE "
                    + m1 + " VANISHED)");
            assertEquals(List.of("f2 OK Completed"), narrow, "expunged before m1: nothing to tell");
            assertStatus("BAD", "f3", w.command("f3", "UID FETCH 1:* (FLAGS) (VANISHED)"));
            assertStatus("BAD", "f4", w.command("f4", "FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)"));

            // IDLE hears of expunges as VANISHED too
            w.send("i1 IDLE\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(w.line().startsWith("+ "));
            assertStatus("OK", "o7", other.command("o7", "UID STORE " + (u1 + 7) + " +FLAGS.SILENT (\\Deleted)"));
            assertStatus("OK", "o8", other.command("o8", "EXPUNGE"));
            String idleNews = w.line();
            while (idleNews.contains("FETCH")) {
                idleNews = w.line(); // the \Deleted flag may come first
            }
            assertEquals("* VANISHED " + (u1 + 7), idleNews);
            w.send("DONE\r\n".getBytes(StandardCharsets.US_ASCII));
            assertStatus("OK", "i1", w.until("i1"));

            // no [CLOSED] for a session without QRESYNC
            List<String> reselect = other.command("o9", "SELECT " + BOX);
            assertFalse(reselect.stream().anyMatch(l -> l.contains("[CLOSED]")), reselect.toString());
            other.command("d0", "UNSELECT");
            w.command("d1", "UNSELECT");
            w.command("d2", "DELETE " + BOX + "-dest");
            w.command("d3", "DELETE " + BOX);
        }
    }

    @Test
    void qresyncBeforeEnableAndBadSyntaxAreBad() throws Exception {
        String box = BOX + "-bad";
        try (ImapWire w = ImapWire.loggedIn()) {
            assertStatus("OK", "c1", w.command("c1", "CREATE " + box));
            assertStatus("BAD", "b1", w.command("b1", "SELECT " + box + " (QRESYNC (1 1))"));
            assertStatus("BAD", "b2", w.command("b2", "EXAMINE " + box + " (QRESYNC (1 1 1:5))"));
            assertStatus("OK", "n1", w.command("n1", "NOOP"));
            assertStatus("OK", "e1", w.command("e1", "ENABLE QRESYNC"));
            assertStatus("BAD", "b3", w.command("b3", "SELECT " + box + " (QRESYNC (1))"));
            assertStatus("BAD", "b4", w.command("b4", "SELECT " + box + " (QRESYNC (0 1))"));
            assertStatus("BAD", "b5", w.command("b5", "SELECT " + box + " (QRESYNC (1 1 1:*))"));
            assertStatus("BAD", "b6", w.command("b6", "SELECT " + box + " (QRESYNC (1 1 1:5 (1:2 3)))"));
            assertStatus("BAD", "b7", w.command("b7", "SELECT " + box + " (QRESYNC 1 1)"));
            assertStatus("BAD", "b8", w.command("b8", "SELECT " + box + " (QRESYNC (1 1) QRESYNC (1 1))"));
            assertStatus("OK", "s1", w.command("s1", "SELECT " + box + " (QRESYNC (1 1))"));
            assertStatus("OK", "u1", w.command("u1", "UNSELECT"));
            assertStatus("OK", "d1", w.command("d1", "DELETE " + box));
        }
    }

    private static void append(ImapWire w, String tag, int i) throws IOException {
        byte[] m = ("Subject: q" + i + "\r\n\r\nbody " + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertStatus("OK", tag, w.command(tag, (tag + " APPEND " + BOX + " {" + m.length + "+}\r\n"
                + new String(m, StandardCharsets.US_ASCII) + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    }

    private static long code(List<String> lines, String name) {
        for (String l : lines) {
            Matcher m = NUMBER_CODE.matcher(l);
            if (m.find() && m.group(1).equals(name)) {
                return Long.parseLong(m.group(2));
            }
        }
        throw new AssertionError("no " + name + " in " + lines);
    }

    private static List<Long> uids(List<String> lines) {
        List<Long> out = new ArrayList<>();
        Pattern uid = Pattern.compile("^\\* \\d+ FETCH \\(.*UID (\\d+)");
        for (String l : lines) {
            Matcher m = uid.matcher(l);
            if (m.find()) {
                out.add(Long.parseLong(m.group(1)));
            }
        }
        return out;
    }

    /** The resync's own responses: VANISHED and FETCH. */
    private static List<String> news(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("* VANISHED") || l.matches("\\* \\d+ FETCH .*")).toList();
    }
}
