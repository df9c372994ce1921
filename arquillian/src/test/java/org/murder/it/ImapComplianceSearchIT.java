package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
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
 * Issue 12's corrections as scripted sessions against the node, each message delivered by APPEND into a mailbox of
 * this run: SEARCH on address fields and encoded words (the messages of a widely used compliance suite's address test),
 * CONDSTORE's HIGHESTMODSEQ and MODSEQ in every FETCH once it is on (RFC 7162), and BINARY APPEND and FETCH
 * (RFC 3516). Each with the syntax errors a client may make (BAD) and the connection answering afterwards.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Timeout(180)
class ImapComplianceSearchIT {

    private static final String BOX = "INBOX." + MurderNode.RUN + "-compliance-";

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    // ------------------------------------------------------------------ SEARCH FROM/TO/CC/BCC, encoded words

    private static final String[] ADDRESS_MESSAGES = {
        "From: user-from@domain.org\r\nTo: user-to@domain.org\r\nCc: user-cc@domain.org\r\nBcc: user-bcc@domain.org\r\n"
            + "\r\nbody\r\n",
        "From: RealFrom <user-from@domain.org>\r\nTo: RealTo <user-to@domain.org>\r\nCc: RealCc <user-cc@domain.org>\r\n"
            + "Bcc: RealBcc <user-bcc@domain.org>\r\n\r\nbody2\r\n",
        "From: <user-from (comment)@ (comment) domain.org>\r\nTo: <user-to@domain.org>\r\nCc: <user-cc@domain.org>\r\n"
            + "Bcc: <user-bcc@domain.org>\r\n\r\nbody3\r\n",
        "From: user-from@domain.org (RealFrom)\r\nTo: user-to@domain.org (RealTo)\r\nCc: user-cc@domain.org (RealCc)\r\n"
            + "Bcc: user-bcc@domain.org (RealBcc)\r\n\r\nbody4\r\n",
        "From: user-from1@domain.org, user-from2@domain.org\r\nCc: user-cc@domain.org\r\n\r\nbody5\r\n",
        "To: groupname: groupuser1@domain.org, groupuser2@domain.org;,\r\n  groupname2: groupuser3@domain.org;\r\n\r\nbody6\r\n",
        "From: =?UTF-8?B?SsO8cmdlbiBHcm/Dnw==?= <juergen@example.de>\r\n"
            + "To: \"=?ISO-8859-1?Q?Andr=E9_Dupont?=\" <andre@example.fr>\r\n"
            + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n =?UTF-8?Q?_aus_K=C3=B6ln?=\r\n"
            + "X-Note: =?iso-8859-1?q?caf=E9?= ouvert\r\n\r\nbody7\r\n",
        "From: =?utf-8?q?Zo=C3=AB?= =?utf-8?b?IFNhbGRhw7Fh?= <zoe@example.com>\r\nCc: =?UTF-8?Q??= nobody@example.com\r\n"
            + "Subject: =?UTF-8*en?Q?Hello_world?=\r\n\r\nbody8\r\n",
    };

    @Test
    void searchMatchesAddressFieldsAndEncodedWordsAsTheRfcSays() throws Exception {
        String box = BOX + "search";
        try (Wire w = Wire.alice()) {
            w.ok("c1", "CREATE " + box);
            for (String m : ADDRESS_MESSAGES) {
                w.append(box, m.getBytes(StandardCharsets.US_ASCII), false, true);
            }
            w.ok("s0", "SELECT " + box);

            // whole addresses, however the header spells them (a comment inside one, a naming comment after one)
            assertEquals(List.of("* SEARCH 1 2 3 4", "s1 OK Completed"), w.command("s1", "SEARCH FROM user-from@domain.org"));
            assertEquals(List.of("* SEARCH 1 2 3 4", "s2 OK Completed"), w.command("s2", "SEARCH TO user-to@domain.org"));
            assertEquals(List.of("* SEARCH 1 2 3 4 5", "s3 OK Completed"), w.command("s3", "SEARCH CC user-cc@domain.org"));
            assertEquals(List.of("* SEARCH 1 2 3 4", "s4 OK Completed"), w.command("s4", "SEARCH BCC user-bcc@domain.org"));
            // display names, and comments that name an address
            assertEquals(List.of("* SEARCH 2 4", "s5 OK Completed"), w.command("s5", "SEARCH FROM realfrom"));
            assertEquals(List.of("* SEARCH 2 4", "s6 OK Completed"), w.command("s6", "SEARCH TO REALTO"));
            assertEquals(List.of("* SEARCH 2 4", "s7 OK Completed"), w.command("s7", "SEARCH CC realcc"));
            assertEquals(List.of("* SEARCH 2 4", "s8 OK Completed"), w.command("s8", "SEARCH BCC realbcc"));
            // substrings of both, every address of a list and of a group, and existence
            assertEquals(List.of("* SEARCH 1 2 3 4 5", "s9 OK Completed"), w.command("s9", "SEARCH FROM ser-fro"));
            assertEquals(List.of("* SEARCH 2 4", "s10 OK Completed"), w.command("s10", "SEARCH BCC ealbc"));
            assertEquals(List.of("* SEARCH 5", "s11 OK Completed"), w.command("s11", "SEARCH FROM user-from2"));
            assertEquals(List.of("* SEARCH 6", "s12 OK Completed"), w.command("s12", "SEARCH TO groupuser3"));
            assertEquals(List.of("* SEARCH 6", "s13 OK Completed"), w.command("s13", "SEARCH TO groupname2"));
            assertEquals(List.of("* SEARCH", "s14 OK Completed"), w.command("s14", "SEARCH TO groupuser4"));
            assertEquals(List.of("* SEARCH 1 2 3 4 5 7 8", "s15 OK Completed"), w.command("s15", "SEARCH HEADER FROM \"\""));
            assertEquals(List.of("* SEARCH 1 2 3 4 6 7", "s16 OK Completed"), w.command("s16", "SEARCH TO \"\""));
            // a naming comment reads as a display name: message 4's "user-from@domain.org (RealFrom)" too
            assertEquals(List.of("* SEARCH 2 4", "s17 OK Completed"), w.command("s17", "SEARCH FROM \"RealFrom <user-from@\""));

            // RFC 2047 encoded words, B and Q, in display names, Subject (folded) and any field; UTF-8 search strings
            assertEquals(List.of("* SEARCH 7", "e1 OK Completed"), w.command("e1", utf8("CHARSET UTF-8 FROM", "Jürgen Groß")));
            assertEquals(List.of("* SEARCH 7", "e2 OK Completed"), w.command("e2", utf8("CHARSET UTF-8 FROM", "JÜRGEN GROSS")));
            assertEquals(List.of("* SEARCH 7", "e3 OK Completed"), w.command("e3", utf8("CHARSET UTF-8 TO", "andré dupont")));
            assertEquals(List.of("* SEARCH 8", "e4 OK Completed"), w.command("e4", utf8("CHARSET UTF-8 FROM", "Zoë Saldaña <zoe@")));
            assertEquals(List.of("* SEARCH 7", "e5 OK Completed"),
                    w.command("e5", utf8("CHARSET UTF-8 SUBJECT", "grüße aus köln")));
            assertEquals(List.of("* SEARCH 7", "e6 OK Completed"),
                    w.command("e6", utf8("CHARSET UTF-8 HEADER X-Note", "café ouvert")));
            assertEquals(List.of("* SEARCH 8", "e7 OK Completed"), w.command("e7", "SEARCH SUBJECT \"hello world\""));
            assertEquals(List.of("* SEARCH 8", "e8 OK Completed"), w.command("e8", "SEARCH CC nobody@example.com"));
            assertEquals(List.of("* SEARCH", "e9 OK Completed"), w.command("e9", "SEARCH FROM \"=?UTF-8?B?SsO8\""),
                    "the decoded text is searched, not the encoding");
            assertEquals(List.of("* ESEARCH (TAG \"e10\") MIN 2 MAX 4 COUNT 2", "e10 OK Completed"),
                    w.command("e10", "SEARCH RETURN (MIN MAX COUNT) OR FROM realfrom TO groupuser4"));
            List<String> uid = w.command("e11", "UID SEARCH FROM realfrom NOT FROM user-from2");
            assertTrue(uid.get(0).matches("\\* SEARCH \\d+ \\d+"), uid.toString());

            // what is not a search: BAD (NO for a charset we lack), and the session goes on
            assertTrue(w.last("b1", "SEARCH FROM").startsWith("b1 BAD "));
            assertTrue(w.last("b2", "SEARCH FROM ~{3+}\r\nabc").startsWith("b2 BAD "), "a literal8 is no search string");
            assertTrue(w.last("b3", "SEARCH BOGUS x").startsWith("b3 BAD "));
            assertTrue(w.last("b4", "SEARCH HEADER \"a b:\" x").startsWith("b4 BAD "));
            assertTrue(w.last("b5", "SEARCH (FROM x").startsWith("b5 BAD "));
            byte[] badUtf8 = bytes("b6 SEARCH CHARSET UTF-8 FROM {2+}\r\n", new byte[] {(byte) 0xff, (byte) 0xfe}, "\r\n");
            assertTrue(last(w.command("b6", badUtf8)).startsWith("b6 BAD "));
            assertTrue(w.last("b7", "SEARCH CHARSET KOI8-R FROM x").startsWith("b7 NO [BADCHARSET (US-ASCII UTF-8)]"));
            assertEquals("b8 OK Completed", w.last("b8", "NOOP"));
        }
    }

    @Test
    void searchBodyLooksInTheDecodedTextOfTextParts() throws Exception {
        String box = BOX + "bodies";
        String b64 = java.util.Base64.getMimeEncoder().encodeToString(
                "Treffen am Donnerstag im Café Zentral".getBytes(StandardCharsets.UTF_8));
        String attachment = java.util.Base64.getMimeEncoder().encodeToString(
                "Donnerstag inside a zip".getBytes(StandardCharsets.UTF_8));
        String[] messages = {
            "Subject: one\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n",
            "Subject: two\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\nDonners=\r\ntag: cr=C3=A8me br=C3=BBl=C3=A9e\r\n",
            "Subject: three\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n"
                + "--zz\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
                + "--zz\r\nContent-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + attachment + "\r\n--zz--\r\n",
        };
        try (Wire w = Wire.alice()) {
            w.ok("c1", "CREATE " + box);
            for (String m : messages) {
                w.append(box, m.getBytes(StandardCharsets.US_ASCII), false, true);
            }
            w.ok("s0", "SELECT " + box);
            assertEquals(List.of("* SEARCH 1 2", "t1 OK Completed"), w.command("t1", "SEARCH BODY donnerstag"),
                    "base64 and quoted-printable text parts are searched decoded; an attachment is not text");
            assertEquals(List.of("* SEARCH 1", "t2 OK Completed"), w.command("t2", utf8("CHARSET UTF-8 BODY", "café zentral")));
            assertEquals(List.of("* SEARCH 2", "t3 OK Completed"), w.command("t3", utf8("CHARSET UTF-8 TEXT", "crème brûlée")));
            assertEquals(List.of("* SEARCH", "t4 OK Completed"), w.command("t4", "SEARCH BODY " + b64.substring(0, 10)),
                    "the transfer encoding's letters are not the text");
            assertEquals(List.of("* SEARCH 3", "t5 OK Completed"), w.command("t5", "SEARCH TEXT attached"));
        }
    }

    /** {@code SEARCH <keys> {n+}CRLF<UTF-8 text>}: the string as a non-synchronizing literal. */
    private static byte[] utf8(String keys, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        return bytes("SEARCH " + keys + " {" + t.length + "+}\r\n", t, "");
    }

    // ------------------------------------------------------------------ CONDSTORE

    private static final Pattern MODSEQ = Pattern.compile("MODSEQ \\((\\d+)\\)");
    private static final Pattern HIGHEST = Pattern.compile("^\\* OK \\[HIGHESTMODSEQ (\\d+)\\]");

    private static long modseq(String line) {
        Matcher m = MODSEQ.matcher(line);
        assertTrue(m.find(), () -> "no MODSEQ in " + line);
        return Long.parseLong(m.group(1));
    }

    private static long highest(List<String> lines) {
        for (String l : lines) {
            Matcher m = HIGHEST.matcher(l);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no OK [HIGHESTMODSEQ] in " + lines);
    }

    @Test
    void condstoreTellsHighestModseqAndModseqInEveryFetchOnceUsed() throws Exception {
        String box = BOX + "condstore";
        try (Wire w = Wire.alice(); Wire other = Wire.alice()) {
            w.ok("c1", "CREATE " + box);
            for (int i = 1; i <= 4; i++) {
                w.append(box, ("Subject: m" + i + "\r\n\r\nbody " + i + "\r\n").getBytes(StandardCharsets.US_ASCII), false, true);
            }
            // the other session selects first: it takes \Recent (Cyrus), so this one's FLAGS are only the stored ones
            other.ok("o0", "SELECT " + box);
            List<String> selected = w.command("c2", "SELECT " + box);
            long selectHighest = highest(selected);
            assertTrue(selectHighest > 0);
            assertFalse(selected.stream().anyMatch(l -> l.contains("NOMODSEQ")), selected.toString());

            // not in use yet: no MODSEQ
            assertEquals(List.of("* 1 FETCH (FLAGS ())", "f1 OK Completed"), w.command("f1", "FETCH 1 (FLAGS)"));
            // FETCH MODSEQ turns it on: the HIGHESTMODSEQ to start from, then the MODSEQ asked for
            List<String> enabling = w.command("f2", "FETCH 1 (MODSEQ)");
            assertEquals(selectHighest, highest(enabling), enabling.toString());
            long m1 = modseq(enabling.get(1));
            assertTrue(enabling.get(1).startsWith("* 1 FETCH (MODSEQ ("), enabling.toString());
            // from now on every FETCH that tells FLAGS tells MODSEQ: FETCH FLAGS, STORE, STORE .SILENT
            assertTrue(w.command("f3", "FETCH 1 (FLAGS)").get(0).matches("\\* 1 FETCH \\(FLAGS \\(\\) MODSEQ \\(\\d+\\)\\)"));
            List<String> stored = w.command("f4", "STORE 1 +FLAGS (\\Seen)");
            assertTrue(stored.get(0).startsWith("* 1 FETCH (FLAGS (\\Seen) MODSEQ ("), stored.toString());
            long m1b = modseq(stored.get(0));
            assertTrue(m1b > m1, stored.toString());
            List<String> silent = w.command("f5", "STORE 3 +FLAGS.SILENT (\\Seen)");
            assertTrue(silent.get(0).startsWith("* 3 FETCH (") && silent.get(0).contains(" MODSEQ ("), silent.toString());
            long m3 = modseq(silent.get(0));
            long m2 = modseq(w.command("f6", "STORE 2 +FLAGS (\\Seen)").get(0));
            long m4 = modseq(w.command("f7", "STORE 4 +FLAGS (\\Seen)").get(0));
            assertTrue(m1b < m3 && m3 < m2 && m2 < m4);

            // another session's change, told unasked at the next command: UID, FLAGS and MODSEQ
            List<String> flagged = other.command("o2", "STORE 2 +FLAGS (\\Flagged)");
            assertFalse(flagged.stream().anyMatch(l -> l.contains("MODSEQ")), "the other session never used CONDSTORE: " + flagged);
            List<String> told = w.command("f8", "NOOP");
            assertEquals(2, told.size(), told.toString());
            assertTrue(told.get(0).matches("\\* 2 FETCH \\(UID \\d+ FLAGS \\(\\\\Flagged \\\\Seen\\) MODSEQ \\(\\d+\\)\\)"),
                    told.toString());
            long m2b = modseq(told.get(0));
            assertTrue(m2b > m4);

            // UNCHANGEDSINCE: a message changed since fails; MODIFIED names it by number (STORE) or UID (UID STORE)
            List<String> conditional = w.command("f9", "STORE 1,2 (UNCHANGEDSINCE " + m4 + ") +FLAGS (\\Answered)");
            assertEquals("f9 OK [MODIFIED 2] Conditional STORE failed", last(conditional));
            assertTrue(conditional.get(0).startsWith("* 1 FETCH (FLAGS (\\Answered \\Seen) MODSEQ ("), conditional.toString());
            long m1c = modseq(conditional.get(0));

            // SEARCH MODSEQ: (MODSEQ highest) at the end; ESEARCH's MODSEQ is that of the messages returned
            assertEquals(List.of("* SEARCH 1 2 3 4 (MODSEQ " + m1c + ")", "x1 OK Completed"), w.command("x1", "SEARCH MODSEQ 1"));
            assertEquals(List.of("* SEARCH", "x2 OK Completed"), w.command("x2", "SEARCH MODSEQ " + (m1c + 1)));
            assertEquals(List.of("* SEARCH 2 4 (MODSEQ " + m2b + ")", "x3 OK Completed"),
                    w.command("x3", "SEARCH 2,4 MODSEQ \"/flags/\\\\seen\" all 1"));
            assertEquals(List.of("* ESEARCH (TAG \"x4\") MIN 3 MODSEQ " + m3, "x4 OK Completed"),
                    w.command("x4", "SEARCH RETURN (MIN) 3:4 MODSEQ 1"));
            assertEquals(List.of("* ESEARCH (TAG \"x5\") MAX 4 MODSEQ " + m4, "x5 OK Completed"),
                    w.command("x5", "SEARCH RETURN (MAX) 3:4 MODSEQ 1"));
            assertEquals(List.of("* ESEARCH (TAG \"x6\") MIN 2 MAX 3 MODSEQ " + m2b, "x6 OK Completed"),
                    w.command("x6", "SEARCH RETURN (MIN MAX) 2:3 MODSEQ 1"));
            assertEquals(List.of("* ESEARCH (TAG \"x7\") ALL 2:4 MODSEQ " + m2b, "x7 OK Completed"),
                    w.command("x7", "SEARCH RETURN () 2:4 MODSEQ 1"));
            assertEquals(List.of("* ESEARCH (TAG \"x8\") COUNT 0", "x8 OK Completed"),
                    w.command("x8", "SEARCH RETURN (COUNT) MODSEQ " + (m1c + 1)));
            // CHANGEDSINCE: only what changed after, MODSEQ in each
            List<String> changed = w.command("x9", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + m4 + ")");
            assertEquals(3, changed.size(), changed.toString());
            assertTrue(changed.get(0).startsWith("* 1 FETCH (UID ") && changed.get(0).contains("MODSEQ (" + m1c + ")"));
            assertTrue(changed.get(1).startsWith("* 2 FETCH (UID ") && changed.get(1).contains("MODSEQ (" + m2b + ")"));

            // a session that ENABLEs it, then SELECTs: HIGHESTMODSEQ, and MODSEQ in what IDLE tells
            try (Wire third = Wire.alice()) {
                assertEquals(List.of("* ENABLED CONDSTORE", "e1 OK Completed"), third.command("e1", "ENABLE CONDSTORE"));
                assertEquals(m1c, highest(third.command("e2", "EXAMINE " + box + " (CONDSTORE)")));
                assertTrue(third.command("e3", "FETCH 4 (FLAGS)").get(0).contains("MODSEQ (" + m4 + ")"));
                third.send("e4 IDLE\r\n");
                assertTrue(third.line().startsWith("+ "));
                other.ok("o3", "STORE 4 -FLAGS (\\Seen)");
                String idleNews = third.line();
                assertTrue(idleNews.matches("\\* 4 FETCH \\(UID \\d+ FLAGS \\(\\) MODSEQ \\(\\d+\\)\\)"), idleNews);
                assertTrue(modseq(idleNews) > m1c);
                third.send("DONE\r\n");
                assertEquals("e4 OK Completed", last(third.until("e4")));
                // STATUS HIGHESTMODSEQ agrees
                List<String> status = third.command("e5", "STATUS " + box + " (HIGHESTMODSEQ)");
                assertEquals("* STATUS " + box + " (HIGHESTMODSEQ " + modseq(idleNews) + ")", status.get(0));
            }
            // a fresh session turned on by STATUS (HIGHESTMODSEQ) while a mailbox is selected is told at once
            try (Wire fourth = Wire.alice()) {
                fourth.ok("g1", "EXAMINE " + box);
                List<String> status = fourth.command("g2", "STATUS INBOX (HIGHESTMODSEQ)");
                highest(status);
                assertTrue(fourth.command("g3", "FETCH 1 (FLAGS)").get(0).contains(" MODSEQ ("));
            }

            // syntax errors are BAD, and the session goes on
            assertTrue(w.last("b1", "FETCH 1 (FLAGS) (CHANGEDSINCE x)").startsWith("b1 BAD "));
            assertTrue(w.last("b2", "FETCH 1 (FLAGS) (CHANGEDSINCE)").startsWith("b2 BAD "));
            assertTrue(w.last("b3", "STORE 1 (UNCHANGEDSINCE) +FLAGS (\\Seen)").startsWith("b3 BAD "));
            assertTrue(w.last("b4", "STORE 1 (UNCHANGEDSINCE -1) +FLAGS (\\Seen)").startsWith("b4 BAD "));
            assertTrue(w.last("b5", "SEARCH MODSEQ x").startsWith("b5 BAD "));
            assertTrue(w.last("b6", "SEARCH MODSEQ \"/flags/\\\\seen\" bogus 1").startsWith("b6 BAD "));
            assertTrue(w.last("b7", "SELECT " + box + " (CONDSTORE").startsWith("b7 BAD "));
            assertEquals("b8 OK Completed", w.last("b8", "NOOP"));
        }
    }

    // ------------------------------------------------------------------ BINARY

    @Test
    void binaryAppendIsKeptWholeAndFetchedBackAsSent() throws Exception {
        String box = BOX + "binary";
        // the compliance suite's binary APPEND: NUL and an 8-bit octet in a part whose encoding says binary
        byte[] octets = {0, '-', (byte) 0xe4, '\r', '\n', '\r', '\n'};
        byte[] single = bytes("From: user@domain.org\r\nDate: Sat, 24 Mar 2007 23:00:00 +0200\r\nMime-Version: 1.0\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n", octets, "");
        // a text part and a binary attachment large enough to go to disk on its way in (imap_literal_spill: 64 KiB)
        byte[] data = new byte[100_000];
        new java.util.Random(12).nextBytes(data);
        data[10] = 0;
        byte[] multipart = bytes("From: user@domain.org\r\nSubject: attachment\r\nMime-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n\r\n--b1\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Transfer-Encoding: binary\r\n\r\n", data, "\r\n--b1--\r\n");
        try (Wire w = Wire.alice()) {
            w.ok("c1", "CREATE " + box);
            assertTrue(w.append(box, single, true, true).startsWith("OK [APPENDUID "), "~{n+}");
            assertTrue(w.append(box, multipart, true, false).startsWith("OK [APPENDUID "), "~{n}, synchronizing, spilled");
            w.ok("c2", "SELECT " + box);

            // BINARY gives back the octets sent (a literal8, for the NUL), BODY the base64 text that holds them
            List<String> binary = w.command("f1", "FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])");
            assertEquals("* 1 FETCH (BINARY.SIZE[1] 7 BINARY[1] ~{7}\r\n" + latin1(octets) + ")", binary.get(0));
            assertEquals(List.of("* 1 FETCH (BODY[1] {14}\r\nAC3kDQoNCg==\r\n)", "f2 OK Completed"),
                    w.command("f2", "FETCH 1 (BODY.PEEK[1])"));
            List<String> whole = w.command("f3", "FETCH 1 (RFC822.SIZE BODY.PEEK[])");
            assertFalse(whole.get(0).contains("\0"), "no NUL but in BINARY's literal8");
            Matcher size = Pattern.compile("RFC822.SIZE (\\d+) BODY\\[\\] \\{(\\d+)\\}").matcher(whole.get(0));
            assertTrue(size.find(), whole.get(0));
            assertEquals(size.group(1), size.group(2));
            assertTrue(whole.get(0).contains("Content-Transfer-Encoding: base64\r\n\r\nAC3kDQoNCg==\r\n)"), whole.get(0));

            // the spilled multipart: the text part as it was (8-bit, no NUL: a plain literal), the attachment whole
            List<String> text = w.command("f4", "FETCH 2 (BINARY.PEEK[1] BINARY.SIZE[2])");
            byte[] greeting = "Grüße\r\n".getBytes(StandardCharsets.UTF_8);
            assertEquals("* 2 FETCH (BINARY[1] {" + greeting.length + "}\r\n" + latin1(greeting) + " BINARY.SIZE[2] 100000)",
                    text.get(0));
            byte[] attachment = w.literal("f5", "FETCH 2 (BINARY.PEEK[2])");
            assertArrayEquals(data, attachment);
            byte[] encoded = w.literal("f6", "FETCH 2 (BODY.PEEK[2])");
            assertArrayEquals(data, Base64.getMimeDecoder().decode(encoded));
            byte[] partial = w.literal("f7", "FETCH 2 (BINARY.PEEK[2]<5.10>)");
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 5, 15), partial);

            // refused: NUL in a plain literal (NO, as Cyrus), NUL in a header even in a literal8, a literal8 where a
            // string goes, a malformed literal8 (BAD); the connection goes on
            byte[] nul = bytes("Subject: x\r\n\r\na", new byte[] {0}, "b\r\n");
            assertEquals("NO Message contains NUL characters", w.append(box, nul, false, true));
            byte[] nulHeader = bytes("Subject: a", new byte[] {0}, "b\r\n\r\nbody\r\n");
            assertEquals("NO Message contains NUL characters", w.append(box, nulHeader, true, true));
            assertTrue(last(w.command("b1", bytes("b1 SELECT ~{5+}\r\n", bytes("INBOX"), "\r\n"))).startsWith("b1 BAD "));
            assertTrue(w.last("b2", "APPEND " + box + " ~{x}").startsWith("b2 BAD "));
            assertTrue(w.last("b3", "APPEND " + box + " ~[3+]").startsWith("b3 BAD "));
            assertTrue(w.last("b4", "FETCH 1 (BINARY[1.x])").startsWith("b4 BAD "));
            assertTrue(w.last("b5", "FETCH 1 (BINARY[HEADER])").startsWith("b5 BAD "));
            assertEquals("b6 OK Completed", w.last("b6", "NOOP"));
            List<String> count = w.command("b7", "STATUS " + box + " (MESSAGES)");
            assertEquals("* STATUS " + box + " (MESSAGES 2)", count.get(0), "nothing refused was stored");
        }
    }

    // ------------------------------------------------------------------ the wire

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String head, byte[] middle, String tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(tail.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    /**
     * A scripted IMAP session over {@link RawLineClient}: STARTTLS, LOGIN, then commands whose answers come back as
     * lines up to the tagged one, each literal inline after its {@code {n}CRLF} (as ISO-8859-1 text).
     */
    private static final class Wire implements AutoCloseable {
        private static final Pattern LITERAL = Pattern.compile("~?\\{(\\d+)\\}$");
        private final RawLineClient c;
        private int appends;

        private Wire() throws IOException {
            c = new RawLineClient(MurderNode.HOST, MurderNode.imapPort());
        }

        static Wire alice() throws IOException {
            Wire w = new Wire();
            assertTrue(w.c.line().startsWith("* OK "));
            assertEquals("t1 OK Begin TLS negotiation now", ImapComplianceSearchIT.last(w.command("t1", "STARTTLS")));
            w.c.handshake(MurderNode.trustAll());
            w.ok("t2", "LOGIN " + MurderNode.USER + " " + MurderNode.USER_PASSWORD);
            return w;
        }

        void send(String text) throws IOException {
            c.send(text.getBytes(StandardCharsets.UTF_8));
        }

        String line() throws IOException {
            return c.line();
        }

        List<String> command(String tag, String text) throws IOException {
            return command(tag, (tag + " " + text + "\r\n").getBytes(StandardCharsets.UTF_8));
        }

        /** {@code tag} and a command whose bytes (after {@code tag SP}) are given, with its CRLF. */
        List<String> command(String tag, byte[] afterTag) throws IOException {
            byte[] prefix = (tag + " ").getBytes(StandardCharsets.US_ASCII);
            boolean tagged = afterTag.length >= prefix.length
                    && java.util.Arrays.equals(afterTag, 0, prefix.length, prefix, 0, prefix.length);
            if (!tagged) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(prefix);
                out.writeBytes(afterTag);
                out.writeBytes(new byte[] {'\r', '\n'});
                afterTag = out.toByteArray();
            }
            c.send(afterTag);
            return until(tag);
        }

        String last(String tag, String text) throws IOException {
            return ImapComplianceSearchIT.last(command(tag, text));
        }

        void ok(String tag, String text) throws IOException {
            List<String> lines = command(tag, text);
            assertTrue(ImapComplianceSearchIT.last(lines).startsWith(tag + " OK"), () -> text + ": " + lines);
        }

        List<String> until(String tag) throws IOException {
            List<String> lines = new ArrayList<>();
            while (true) {
                String l = response();
                lines.add(l);
                if (l.startsWith(tag + " ")) {
                    return lines;
                }
            }
        }

        /** One response, its literals inline. */
        String response() throws IOException {
            StringBuilder r = new StringBuilder();
            String l = c.line();
            if (l == null) {
                throw new IOException("connection closed");
            }
            while (true) {
                r.append(l);
                Matcher m = LITERAL.matcher(l);
                if (!m.find()) {
                    return r.toString();
                }
                r.append("\r\n").append(latin1(c.bytes(Integer.parseInt(m.group(1)))));
                l = c.line();
            }
        }

        /** The one literal a FETCH of one item answers, as bytes. */
        byte[] literal(String tag, String text) throws IOException {
            List<String> lines = command(tag, text);
            assertEquals(tag + " OK Completed", ImapComplianceSearchIT.last(lines));
            String r = lines.get(0);
            int start = r.indexOf("}\r\n") + 3;
            return r.substring(start, r.length() - 1).getBytes(StandardCharsets.ISO_8859_1);
        }

        /**
         * APPENDs a message as a literal8 ({@code binary}) or a plain literal, non-synchronizing ({@code +}) or waiting
         * for the continuation; returns the tagged answer without its tag.
         */
        String append(String mailbox, byte[] message, boolean binary, boolean nonSync) throws IOException {
            String tag = "ap" + (++appends);
            String announce = tag + " APPEND " + mailbox + " " + (binary ? "~" : "") + "{" + message.length
                    + (nonSync ? "+" : "") + "}\r\n";
            c.send(announce.getBytes(StandardCharsets.US_ASCII));
            if (!nonSync) {
                String go = c.line();
                assertTrue(go.startsWith("+ "), go);
            }
            c.send(message);
            c.send(new byte[] {'\r', '\n'});
            String done = ImapComplianceSearchIT.last(until(tag));
            return done.substring(tag.length() + 1);
        }

        @Override
        public void close() throws IOException {
            c.close();
        }
    }
}
