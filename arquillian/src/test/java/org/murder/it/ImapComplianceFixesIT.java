package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.it.ImapWire.assertStatus;
import static org.murder.it.ImapWire.last;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * Scripted sessions for three RFC requirements of issue 12 the backend got wrong: a recreated mailbox's UIDVALIDITY,
 * NO (not BAD) for well-formed names of mailboxes that do not exist, and subscriptions that outlive their mailbox
 * (LIST-EXTENDED's {@code \NonExistent}, LSUB's {@code \Noselect}). Each with the failure cases: a syntax error is a
 * BAD, and the connection still answers after it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Timeout(180)
class ImapComplianceFixesIT {

    /** Folder names of this run, under alice's INBOX. */
    private static final String F = "INBOX." + MurderNode.RUN + "-fix-";

    private static final Pattern UIDVALIDITY = Pattern.compile("UIDVALIDITY (\\d+)");

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    // ------------------------------------------------------------------ UIDVALIDITY (RFC 3501/9051 §2.3.1.1)

    @Test
    void aMailboxRecreatedUnderTheSameNameGetsAGreaterUidValidity() throws Exception {
        String box = F + "uv";
        String other = F + "uv-other";
        try (ImapWire w = ImapWire.loggedIn()) {
            assertStatus("OK", "u0", w.command("u0", "CREATE " + other));
            long otherValue = statusUidValidity(w, other);
            List<Long> values = new ArrayList<>();
            // several cycles within the same second: a clock alone (Cyrus's time(0), our old code) gives the same value
            for (int i = 0; i < 3; i++) {
                assertStatus("OK", "u1", w.command("u1", "CREATE " + box));
                long v = statusUidValidity(w, box);
                List<String> select = w.command("u2", "SELECT " + box);
                assertStatus("OK", "u2", select);
                assertTrue(select.contains("* OK [UIDVALIDITY " + v + "] Ok"), select.toString());
                List<String> append = w.command("u3", appendCommand("u3", box, "uidvalidity " + i));
                assertEquals("u3 OK [APPENDUID " + v + " 1] Completed", last(append));
                assertStatus("OK", "u4", w.command("u4", "UNSELECT"));
                assertStatus("OK", "u5", w.command("u5", "DELETE " + box));
                values.add(v);
            }
            for (int i = 1; i < values.size(); i++) {
                assertTrue(values.get(i) > values.get(i - 1), "strictly greater each time: " + values);
            }
            assertTrue(values.get(0) > otherValue, "later mailboxes, greater values: " + otherValue + " " + values);
            assertTrue(values.stream().allMatch(v -> v > 0 && v <= 0xFFFF_FFFFL), "nz-number: " + values);

            // a RENAME onto a name used before keeps the renamed mailbox's value (as Cyrus), never one the name had
            assertStatus("OK", "u6", w.command("u6", "RENAME " + other + " " + box));
            long renamed = statusUidValidity(w, box);
            assertEquals(otherValue, renamed);
            assertFalse(values.contains(renamed), values + " " + renamed);

            // and a mailbox made after the RENAME under the old name gets a new value too
            assertStatus("OK", "u7", w.command("u7", "CREATE " + other));
            long otherAgain = statusUidValidity(w, other);
            assertNotEquals(otherValue, otherAgain);
            assertTrue(otherAgain > values.get(values.size() - 1));

            // failure cases
            assertStatus("OK", "u8", w.command("u8", "DELETE " + box));
            assertStatus("NO", "u9", w.command("u9", "STATUS " + box + " (UIDVALIDITY)"));
            assertStatus("NO", "u10", w.command("u10", "DELETE " + box));
            assertStatus("BAD", "u11", w.command("u11", "STATUS " + other + " (UIDVALIDITY"));
            assertStatus("BAD", "u12", w.command("u12", "STATUS " + other + " (NOSUCHITEM)"));
            assertStatus("OK", "u13", w.command("u13", "DELETE " + other));
            assertStatus("OK", "u14", w.command("u14", "NOOP"));
        }
    }

    private static long statusUidValidity(ImapWire w, String box) throws Exception {
        List<String> lines = w.command("st", "STATUS " + box + " (UIDVALIDITY)");
        assertStatus("OK", "st", lines);
        Matcher m = UIDVALIDITY.matcher(lines.get(0));
        assertTrue(lines.get(0).startsWith("* STATUS ") && m.find(), lines.toString());
        return Long.parseLong(m.group(1));
    }

    private static String appendCommand(String tag, String box, String subject) {
        String msg = "From: alice@example.test\r\nSubject: " + subject + "\r\n\r\nbody\r\n";
        return "APPEND " + box + " {" + msg.getBytes(StandardCharsets.UTF_8).length + "+}\r\n" + msg;
    }

    // ------------------------------------------------------------------ NO for names, BAD for syntax

    /** Well-formed names of mailboxes that do not exist: each command answers NO. */
    private static final List<byte[]> NONEXISTENT = List.of(
            ascii("\"" + F + "a\\\"b\""),              // a quoted special
            ascii("\"" + F + "foo bar\""),              // a space
            ascii("\"" + F + "&AOQ-\""),                // modified UTF-7 for a-umlaut
            ascii("\"" + F + "&Jjo-!\""),               // a smiley and a '!'
            ascii("\"" + F + "100%\""),                 // wildcards, quoted
            ascii("\"" + F + "a*b\""),
            ascii("\"" + F + "&Jjo\""),                 // modified UTF-7 left open: no mailbox can have it
            ascii("\"" + F + "&AGE-\""),                // 'a' hidden in base64: not the canonical spelling
            ascii("\"\""),                              // the empty name
            utf8("\"" + F + "\u00e4\""),                // 8-bit UTF-8 in a quoted string (Cyrus 3.6: NO)
            concat(ascii("\"" + F), new byte[] {(byte) 0xe4}, ascii("\"")), // 8-bit that is not UTF-8
            concat(ascii("{" + (F.length() + 3) + "+}\r\n" + F + "a"), new byte[] {'\t', 'b'}), // a TAB, in a literal
            utf8("{" + (F.length() + 2) + "+}\r\n" + F + "\u00e4"));       // 8-bit in a literal

    @Test
    void aWellFormedNameOfNoMailboxIsNoNotBad() throws Exception {
        try (ImapWire w = ImapWire.loggedIn()) {
            // COPY 1:* needs a message in the selected mailbox
            assertStatus("OK", "n0", w.command("n0", appendCommand("n0", "INBOX", "for COPY " + MurderNode.RUN)));
            String message = "Subject: x\r\n\r\nno mailbox\r\n";
            for (byte[] name : NONEXISTENT) {
                String shown = new String(name, StandardCharsets.ISO_8859_1);
                assertNo(w, shown, "SELECT ", name, "");
                assertNo(w, shown, "EXAMINE ", name, "");
                assertNo(w, shown, "STATUS ", name, " (MESSAGES UIDVALIDITY)");
                assertNo(w, shown, "DELETE ", name, "");
                assertNo(w, shown, "RENAME ", name, " " + F + "renamed");
                assertNo(w, shown, "GETACL ", name, "");
                assertNo(w, shown, "MYRIGHTS ", name, "");
                assertNo(w, shown, "LISTRIGHTS ", name, " anyone");
                assertNo(w, shown, "SETACL ", name, " anyone lr");
                assertNo(w, shown, "DELETEACL ", name, " anyone");
                assertNo(w, shown, "GETQUOTAROOT ", name, "");
                // allowallsubscribe is off here: SUBSCRIBE to a mailbox that does not exist is refused
                assertNo(w, shown, "SUBSCRIBE ", name, "");
                List<String> append = w.command("n1", concat(ascii("n1 APPEND "), name,
                        ascii(" {" + message.length() + "+}\r\n" + message + "\r\n")));
                assertStatus("NO", "n1", append);
                assertStatus("OK", "n2", w.command("n2", "SELECT INBOX"));
                assertNo(w, shown, "COPY 1:* ", name, "");
                assertNo(w, shown, "MOVE 1:* ", name, "");
                assertNo(w, shown, "UID COPY 1:* ", name, "");
                assertStatus("OK", "n3", w.command("n3", "UNSELECT"));
                if (!shown.equals("\"\"")) { // LIST "" "" asks for the delimiter
                    List<String> list = w.command("n4", concat(ascii("n4 LIST \"\" "), name, ascii("\r\n")));
                    assertEquals(List.of("n4 OK Completed"), list, shown); // nothing matches, and no BAD
                }
            }
            assertStatus("OK", "n5", w.command("n5", "NOOP"));
        }
    }

    @Test
    void aNameNoMailboxCanHaveIsNotTryCreateAndCannotBeCreated() throws Exception {
        try (ImapWire w = ImapWire.loggedIn()) {
            List<String> open = w.command("c1", "APPEND \"" + F + "&Jjo\" {9+}\r\nSubject:\r\n");
            assertEquals("c1 NO Mailbox does not exist", last(open), "no TRYCREATE: a CREATE could not make it");
            List<String> legal = w.command("c2", "APPEND \"" + F + "foo bar\" {9+}\r\nSubject:\r\n");
            assertEquals("c2 NO [TRYCREATE] Mailbox does not exist", last(legal));
            for (String bad : List.of("\"" + F + "&Jjo\"", "\"" + F + "&AGE-\"", "\"\"", "\"" + F + "a\\\"b\"")) {
                assertEquals("c3 NO Invalid mailbox name", last(w.command("c3", "CREATE " + bad)), bad);
            }
            assertEquals("c4 NO Invalid mailbox name", last(w.command("c4", concat(ascii("c4 CREATE \"" + F),
                    utf8("\u00e4"), ascii("\"\r\n")))));
            assertEquals("c5 NO Invalid mailbox name", last(w.command("c5", "RENAME INBOX \"" + F + "&Jjo\"")));
            // legal unusual names are names: made, found, removed
            for (String good : List.of("\"" + F + "foo bar\"", "\"" + F + "&AOQ-\"", "\"" + F + "&Jjo-\"")) {
                assertStatus("OK", "c6", w.command("c6", "CREATE " + good));
                assertStatus("OK", "c7", w.command("c7", "STATUS " + good + " (MESSAGES)"));
                assertStatus("OK", "c8", w.command("c8", "DELETE " + good));
                assertStatus("NO", "c9", w.command("c9", "SELECT " + good));
            }
        }
    }

    @Test
    void syntaxErrorsInMailboxArgumentsAreBad() throws Exception {
        try (ImapWire w = ImapWire.loggedIn()) {
            List<byte[]> bad = List.of(
                    ascii("b1 SELECT \"" + F + "unterminated\r\n"),
                    ascii("b1 SELECT\r\n"),
                    ascii("b1 SELECT " + F + "a " + F + "b\r\n"),
                    ascii("b1 SELECT \"" + F + "bad\\qescape\"\r\n"),
                    ascii("b1 CREATE " + F + "wild*card\r\n"),            // a wildcard bare, outside a pattern
                    ascii("b1 RENAME " + F + "onlyone\r\n"),
                    ascii("b1 STATUS " + F + "x\r\n"),
                    concat(ascii("b1 SELECT {3+}\r\na"), new byte[] {0, 'b'}, ascii("\r\n")), // NUL
                    ascii("b1 SELECT {4+}\r\na\r\nb\r\n"),                  // a line break in a name
                    ascii("b1 SELECT &AA0ACg-\r\n"),                        // ... however it is spelt
                    ascii("b1 LIST \"\"\r\n"));
            for (byte[] command : bad) {
                List<String> lines = w.command("b1", command);
                assertStatus("BAD", "b1", lines);
                assertStatus("OK", "b2", w.command("b2", "NOOP"));
            }
        }
    }

    private static void assertNo(ImapWire w, String shown, String verb, byte[] name, String rest) throws Exception {
        List<String> lines = w.command("t", concat(ascii("t " + verb), name, ascii(rest + "\r\n")));
        assertTrue(last(lines).startsWith("t NO "), () -> verb + shown + rest + " -> " + lines);
    }

    // ------------------------------------------------------------------ subscriptions outlive their mailbox

    @Test
    void aSubscriptionToADeletedMailboxIsListedNonExistent() throws Exception {
        String box = F + "sub";
        String child = F + "sub.child";
        try (ImapWire w = ImapWire.loggedIn()) {
            assertStatus("OK", "s1", w.command("s1", "CREATE " + box));
            assertStatus("OK", "s2", w.command("s2", "SUBSCRIBE " + box));
            assertEquals(Set.of("\\Subscribed"), attributes(w, "LIST (SUBSCRIBED) \"\" \"*\"", box));

            assertStatus("OK", "s3", w.command("s3", "DELETE " + box));
            // RFC 5258 §3.1 / §5: still subscribed, and said not to exist
            assertEquals(Set.of("\\Subscribed", "\\NonExistent"), attributes(w, "LIST (SUBSCRIBED) \"\" \"*\"", box));
            assertEquals(Set.of("\\Subscribed", "\\NonExistent"),
                    attributes(w, "LIST (SUBSCRIBED) \"\" (\"" + box + "\") RETURN (CHILDREN)", box));
            // RFC 3501 §6.3.9: LSUB lists the subscription, which cannot be selected
            assertEquals(Set.of("\\Noselect"), attributes(w, "LSUB \"\" \"*\"", box));
            // LIST without SUBSCRIBED lists mailboxes, and there is none; RETURN (SUBSCRIBED) selects nothing
            assertEquals(null, attributes(w, "LIST \"\" \"*\"", box));
            assertEquals(null, attributes(w, "LIST \"\" \"*\" RETURN (SUBSCRIBED)", box));

            // made again under the name: the subscription applies to it
            assertStatus("OK", "s4", w.command("s4", "CREATE " + box));
            assertEquals(Set.of("\\Subscribed"), attributes(w, "LIST (SUBSCRIBED) \"\" \"*\"", box));
            assertEquals(Set.of(), attributes(w, "LSUB \"\" \"*\"", box));

            // a subscribed child of a deleted parent: the parent is not listed unless subscribed itself
            assertStatus("OK", "s5", w.command("s5", "CREATE " + child));
            assertStatus("OK", "s6", w.command("s6", "SUBSCRIBE " + child));
            assertStatus("OK", "s7", w.command("s7", "UNSUBSCRIBE " + box));
            assertStatus("OK", "s8", w.command("s8", "DELETE " + child));
            assertStatus("OK", "s9", w.command("s9", "DELETE " + box));
            assertEquals(Set.of("\\Subscribed", "\\NonExistent"), attributes(w, "LIST (SUBSCRIBED) \"\" \"*\"", child));
            assertEquals(null, attributes(w, "LIST (SUBSCRIBED) \"\" \"*\"", box));
            assertEquals(Set.of("\\Noselect"), attributes(w, "LSUB \"\" \"*\"", child));

            // UNSUBSCRIBE removes it; then nothing lists it
            assertStatus("OK", "s10", w.command("s10", "UNSUBSCRIBE " + child));
            assertEquals(null, attributes(w, "LIST (SUBSCRIBED) \"\" \"*\"", child));
            assertEquals(null, attributes(w, "LSUB \"\" \"*\"", child));

            // failure cases: syntax is BAD, and SUBSCRIBE of what does not exist is NO (allowallsubscribe off)
            assertStatus("BAD", "s11", w.command("s11", "LIST (SUBSCRIBED \"\" \"*\""));
            assertStatus("BAD", "s12", w.command("s12", "LIST (NOSUCHOPTION) \"\" \"*\""));
            assertStatus("BAD", "s13", w.command("s13", "LSUB \"\""));
            assertStatus("NO", "s14", w.command("s14", "SUBSCRIBE " + box));
            assertStatus("OK", "s15", w.command("s15", "NOOP"));
        }
    }

    /** The attributes of {@code box} in the answer to {@code command}, null if it is not listed. */
    private static Set<String> attributes(ImapWire w, String command, String box) throws Exception {
        List<String> lines = w.command("l", command);
        assertStatus("OK", "l", lines);
        Set<String> found = null;
        for (String l : lines) {
            Matcher m = Pattern.compile("^\\* (?:LIST|LSUB) \\(([^)]*)\\) \"\\.\" \"?(.*?)\"?$").matcher(l);
            if (m.matches() && m.group(2).equals(box)) {
                assertEquals(null, found, "listed once: " + lines);
                found = new HashSet<>(Arrays.asList(m.group(1).isEmpty() ? new String[0] : m.group(1).split(" ")));
                // \HasChildren / \HasNoChildren are not what these tests are about
                found.removeIf(a -> a.startsWith("\\Has"));
            }
        }
        return found;
    }

    // ------------------------------------------------------------------ bytes

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
