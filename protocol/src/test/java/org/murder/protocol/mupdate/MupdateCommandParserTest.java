package org.murder.protocol.mupdate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.murder.protocol.testing.Transcripts;
import org.murder.protocol.testing.Transcripts.Connection;
import org.murder.protocol.testing.Transcripts.Direction;

class MupdateCommandParserTest {

    private static final Location DEFAULT_11 = new Location("127.0.0.11", "default");
    private static final String ALICE_ACL = "alice\tlrswipkxtecdan\tmurder\tlrswipkxtecda\t";

    static MupdateCommand parsed(String frame) {
        return parsed(frame.getBytes(StandardCharsets.UTF_8));
    }

    static MupdateCommand parsed(byte[] frame) {
        ParseResult result = MupdateCommandParser.parse(frame);
        if (result instanceof ParseResult.Parsed p) {
            return p.command();
        }
        return fail("expected a command from <" + new String(frame, StandardCharsets.UTF_8) + "> but got " + result);
    }

    static ParseResult.Malformed malformed(String frame) {
        return assertInstanceOf(ParseResult.Malformed.class,
                MupdateCommandParser.parse(frame.getBytes(StandardCharsets.UTF_8)), frame);
    }

    // --- what Cyrus's clients sent in the captures

    @Test
    void authenticatePlainAsMupdatetestSendsIt() {
        assertEquals(new MupdateCommand.Authenticate("A01", "PLAIN", Optional.of("AG11cmRlcgBtdXJkZXItRkFLRS1wdw==")),
                parsed("A01 AUTHENTICATE \"PLAIN\" {32+}\r\nAG11cmRlcgBtdXJkZXItRkFLRS1wdw=="));
    }

    @Test
    void authenticateLoginWithoutInitialResponse() {
        assertEquals(new MupdateCommand.Authenticate("A01", "LOGIN", Optional.empty()),
                parsed("A01 AUTHENTICATE \"LOGIN\""));
    }

    @Test
    void activateAsABackendSendsIt() {
        assertEquals(new MupdateCommand.Activate("X1", "user.alice.Live2", DEFAULT_11, ALICE_ACL),
                parsed("X1 ACTIVATE {16+}\r\nuser.alice.Live2 {18+}\r\n127.0.0.11!default {42+}\r\n" + ALICE_ACL));
    }

    @Test
    void reserveWithAnEmptyPartition() {
        assertEquals(new MupdateCommand.Reserve("X1", "DELETED.user.alice.Live2.6B03FD40", new Location("127.0.0.11", "")),
                parsed("X1 RESERVE {33+}\r\nDELETED.user.alice.Live2.6B03FD40 {11+}\r\n127.0.0.11!"));
    }

    @Test
    void deleteFindListUpdateNoopLogout() {
        assertEquals(new MupdateCommand.Delete("X0", "user.alice.Live2"), parsed("X0 DELETE {16+}\r\nuser.alice.Live2"));
        assertEquals(new MupdateCommand.Find("A02", "user.alice"), parsed("A02 FIND \"user.alice\""));
        assertEquals(new MupdateCommand.ListMailboxes("A01", Optional.empty()), parsed("A01 LIST"));
        assertEquals(new MupdateCommand.ListMailboxes("A04", Optional.of("127.0.0.12")), parsed("A04 LIST \"127.0.0.12\""));
        assertEquals(new MupdateCommand.ListMailboxes("X0", Optional.of("127.0.0.11!")), parsed("X0 LIST {11+}\r\n127.0.0.11!"));
        assertEquals(new MupdateCommand.Update("U01", List.of()), parsed("U01 UPDATE"));
        assertEquals(new MupdateCommand.Noop("A05"), parsed("A05 NOOP"));
        assertEquals(new MupdateCommand.Logout("Q01"), parsed("Q01 LOGOUT"));
    }

    @Test
    void deactivateStarttlsCompress() {
        assertEquals(new MupdateCommand.Deactivate("X3", "user.bob", new Location("127.0.0.12", "p2")),
                parsed("X3 DEACTIVATE {8+}\r\nuser.bob {13+}\r\n127.0.0.12!p2"));
        assertEquals(new MupdateCommand.StartTls("S01"), parsed("S01 STARTTLS"));
        assertEquals(new MupdateCommand.Compress("Z01", "DEFLATE"), parsed("Z01 COMPRESS \"DEFLATE\""));
    }

    @Test
    void everyCommandFrameInTheCapturesParses() {
        int count = 0;
        for (Connection c : Transcripts.mupdate()) {
            for (byte[] frame : c.frames(Direction.CLIENT)) {
                if (new String(frame, StandardCharsets.UTF_8).indexOf(' ') < 0) {
                    continue; // a SASL response line in the LOGIN exchange, not a command
                }
                parsed(frame);
                count++;
            }
        }
        assertEquals(40, count); // counted independently with grep over the captures
    }

    // --- string forms

    @Test
    void stringsMayBeAtomsQuotedOrLiterals() {
        MupdateCommand expected = new MupdateCommand.Reserve("T", "user.bob", new Location("s", "p"));
        assertEquals(expected, parsed("T RESERVE user.bob s!p"));
        assertEquals(expected, parsed("T RESERVE \"user.bob\" \"s!p\""));
        assertEquals(expected, parsed("T RESERVE {8}\r\nuser.bob {3}\r\ns!p"));
        assertEquals(expected, parsed("T RESERVE {8+}\r\nuser.bob {3+}\n" + "s!p"));
    }

    @Test
    void quotedStringsUnescapeQuotesAndBackslashes() {
        assertEquals(new MupdateCommand.Find("T", "a \"b\" \\c\\"), parsed("T FIND \"a \\\"b\\\" \\\\c\\\\\""));
    }

    @Test
    void namesMayHoldSpacesBracesAndUtf8() {
        assertEquals(new MupdateCommand.Find("T", "user.jürgen.日本 {3}"), parsed("T FIND \"user.jürgen.日本 {3}\""));
        byte[] name = "Ünïcødé".getBytes(StandardCharsets.UTF_8);
        assertEquals(new MupdateCommand.Find("T", "Ünïcødé"), parsed("T FIND {" + name.length + "+}\r\nÜnïcødé"));
    }

    @Test
    void emptyAclIsAllowed() {
        assertEquals(new MupdateCommand.Activate("T", "m", DEFAULT_11, ""), parsed("T ACTIVATE m 127.0.0.11!default \"\""));
        assertEquals(new MupdateCommand.Activate("T", "m", DEFAULT_11, ""), parsed("T ACTIVATE m 127.0.0.11!default {0+}\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"noop", "Noop", "NOOP", "nOoP"})
    void commandNamesAreCaseInsensitive(String name) {
        assertEquals(new MupdateCommand.Noop("t1"), parsed("t1 " + name));
    }

    @Test
    void mechanismNamesAreUpperCasedAndEmptyInitialResponseKept() {
        assertEquals(new MupdateCommand.Authenticate("A", "PLAIN", Optional.of("=")), parsed("A authenticate plain ="));
        assertEquals(new MupdateCommand.Authenticate("A", "SCRAM-SHA-256", Optional.empty()),
                parsed("A AUTHENTICATE scram-sha-256"));
    }

    @Test
    void updateTakesUpToThirtyHostsLikeCyrus() {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            hosts.add("host" + i);
        }
        assertEquals(new MupdateCommand.Update("U", hosts), parsed("U UPDATE " + String.join(" ", hosts)));
        assertEquals(new ParseResult.Malformed(Optional.of("U"), "Extra arguments"),
                malformed("U UPDATE " + String.join(" ", hosts) + " host30"));
    }

    @Test
    void tagsMayUseAnyTagCharacter() {
        assertEquals(new MupdateCommand.Noop("a]b.c-1!~"), parsed("a]b.c-1!~ NOOP"));
    }

    // --- bad input: each gives a BAD with a short reason, and the tag when it was readable

    static Stream<Arguments> badCommands() {
        List<Arguments> cases = new ArrayList<>(List.of(
                Arguments.of("", null, "Need command"),
                Arguments.of("A01", null, "Need command"),
                Arguments.of("LOGOUT", null, "Need command"),
                Arguments.of(" A01 NOOP", null, "Invalid tag"),
                Arguments.of("A+1 NOOP", null, "Invalid tag"),
                Arguments.of("A*1 NOOP", null, "Invalid tag"),
                Arguments.of("A{1 NOOP", null, "Invalid tag"),
                Arguments.of("A\u00e91 NOOP", null, "Invalid tag"),
                Arguments.of("A\u00011 NOOP", null, "Invalid tag"),
                Arguments.of("A01 ", "A01", "Null command"),
                Arguments.of("A01  NOOP", "A01", "Null command"),
                Arguments.of("A01 FROBNICATE", "A01", "Unrecognized command"),
                Arguments.of("A01 NOOP x", "A01", "Extra arguments"),
                Arguments.of("A01 NOOP ", "A01", "Extra arguments"),
                Arguments.of("A01 LOGOUT now", "A01", "Extra arguments"),
                Arguments.of("A01 STARTTLS x", "A01", "Extra arguments"),
                Arguments.of("A01 FIND", "A01", "Missing arguments"),
                Arguments.of("A01 FIND a b", "A01", "Extra arguments"),
                Arguments.of("A01 FIND \"a\"b", "A01", "Extra arguments"),
                Arguments.of("A01 FIND  a", "A01", "Badly formed arguments"),
                Arguments.of("A01 FIND ", "A01", "Badly formed arguments"),
                Arguments.of("A01 LIST ", "A01", "Badly formed arguments"),
                Arguments.of("A01 LIST a b", "A01", "Extra arguments"),
                Arguments.of("A01 DELETE", "A01", "Missing arguments"),
                Arguments.of("A01 RESERVE a", "A01", "Missing arguments"),
                Arguments.of("A01 DEACTIVATE a", "A01", "Missing arguments"),
                Arguments.of("A01 ACTIVATE a b!c", "A01", "Missing arguments"),
                Arguments.of("A01 ACTIVATE a b!c d e", "A01", "Extra arguments"),
                Arguments.of("A01 AUTHENTICATE", "A01", "Missing arguments"),
                Arguments.of("A01 AUTHENTICATE PLAIN a b", "A01", "Extra arguments"),
                Arguments.of("A01 AUTHENTICATE \"PL AIN\"", "A01", "Invalid SASL mechanism name"),
                Arguments.of("A01 AUTHENTICATE " + "X".repeat(21), "A01", "Invalid SASL mechanism name"),
                Arguments.of("A01 COMPRESS", "A01", "Missing arguments"),
                Arguments.of("A01 COMPRESS \"\"", "A01", "Badly formed arguments"),
                Arguments.of("A01 UPDATE \"\"", "A01", "Badly formed arguments"),
                Arguments.of("A01 UPDATE a  b", "A01", "Badly formed arguments"),
                Arguments.of("A01 FIND \"abc", "A01", "Unterminated quoted string"),
                Arguments.of("A01 FIND \"abc\\", "A01", "Unterminated quoted string"),
                Arguments.of("A01 FIND \"ab\r\nc\"", "A01", "Unterminated quoted string"),
                Arguments.of("A01 FIND {abc}", "A01", "Bad literal length"),
                Arguments.of("A01 FIND {}\r\n", "A01", "Bad literal length"),
                Arguments.of("A01 FIND {3", "A01", "Bad literal length"),
                Arguments.of("A01 FIND {99999999999}\r\nx", "A01", "Bad literal length"),
                Arguments.of("A01 FIND {3}x", "A01", "Literal not at end of line"),
                Arguments.of("A01 FIND {3}\rx", "A01", "Literal not at end of line"),
                Arguments.of("A01 FIND {5}\r\nab", "A01", "Truncated literal"),
                Arguments.of("A01 FIND {2147483647+}\r\nab", "A01", "Truncated literal"),
                Arguments.of("A01 FIND \"\"", "A01", "Invalid mailbox name"),
                Arguments.of("A01 FIND {0+}\r\n", "A01", "Invalid mailbox name"),
                Arguments.of("A01 FIND {3+}\r\na\0b", "A01", "Invalid mailbox name"),
                Arguments.of("A01 FIND {3+}\r\na\nb", "A01", "Invalid mailbox name"),
                Arguments.of("A01 FIND {3+}\r\na\rb", "A01", "Invalid mailbox name"),
                Arguments.of("A01 FIND a\0b", "A01", "Invalid mailbox name"),
                Arguments.of("A01 RESERVE a \"\"", "A01", "Invalid location"),
                Arguments.of("A01 RESERVE a !default", "A01", "Invalid location"),
                Arguments.of("A01 RESERVE a s!p!q", "A01", "Invalid location"),
                Arguments.of("A01 RESERVE a {5+}\r\ns!p\r\n", "A01", "Invalid location"),
                Arguments.of("A01 LIST {3+}\r\na\0b", "A01", "Invalid location"),
                Arguments.of("A01 ACTIVATE a s!p {3+}\r\na\nb", "A01", "Invalid ACL"),
                Arguments.of("A01 ACTIVATE a s!p {1+}\r\n\0", "A01", "Invalid ACL")));
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("badCommands")
    void badCommandsAreMalformed(String frame, String tag, String message) {
        assertEquals(new ParseResult.Malformed(Optional.ofNullable(tag), message), malformed(frame));
    }

    @Test
    void invalidUtf8InANameIsMalformed() {
        byte[] frame = {'T', ' ', 'F', 'I', 'N', 'D', ' ', '{', '2', '+', '}', '\r', '\n', (byte) 0xc3, (byte) 0x28};
        assertEquals(new ParseResult.Malformed(Optional.of("T"), "Invalid UTF-8"), MupdateCommandParser.parse(frame));
        byte[] atom = {'T', ' ', 'F', 'I', 'N', 'D', ' ', (byte) 0xff};
        assertEquals(new ParseResult.Malformed(Optional.of("T"), "Invalid UTF-8"), MupdateCommandParser.parse(atom));
    }

    @Test
    void malformedMessagesAreShortAndSafeInAQuotedBad() {
        for (Arguments a : (Iterable<Arguments>) badCommands()::iterator) {
            String message = malformed((String) a.get()[0]).message();
            if (message.length() > 40 || message.chars().anyMatch(c -> c < 0x20 || c == '"' || c == '\\')) {
                fail("unsuitable BAD text: " + message);
            }
        }
    }

    @Test
    void theCommandListIsImmutable() {
        MupdateCommand.Update u = (MupdateCommand.Update) parsed("U UPDATE a b");
        try {
            u.hosts().add("c");
            fail("hosts must be immutable");
        } catch (UnsupportedOperationException expected) {
            assertEquals(List.of("a", "b"), u.hosts());
        }
        assertEquals(Collections.emptyList(), new MupdateCommand.Update("U", new ArrayList<>()).hosts());
    }
}
