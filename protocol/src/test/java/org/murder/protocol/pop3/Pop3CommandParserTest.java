package org.murder.protocol.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.murder.protocol.pop3.Pop3Command.Auth;
import org.murder.protocol.pop3.Pop3Command.Capa;
import org.murder.protocol.pop3.Pop3Command.Dele;
import org.murder.protocol.pop3.Pop3Command.ListCommand;
import org.murder.protocol.pop3.Pop3Command.Noop;
import org.murder.protocol.pop3.Pop3Command.Pass;
import org.murder.protocol.pop3.Pop3Command.Quit;
import org.murder.protocol.pop3.Pop3Command.Retr;
import org.murder.protocol.pop3.Pop3Command.Rset;
import org.murder.protocol.pop3.Pop3Command.Stat;
import org.murder.protocol.pop3.Pop3Command.Stls;
import org.murder.protocol.pop3.Pop3Command.Top;
import org.murder.protocol.pop3.Pop3Command.Uidl;
import org.murder.protocol.pop3.Pop3Command.User;

class Pop3CommandParserTest {

    private static Pop3Command parsed(String line) {
        Pop3ParseResult r = Pop3CommandParser.parse(line);
        assertTrue(r instanceof Pop3ParseResult.Parsed, () -> line + " → " + r);
        return ((Pop3ParseResult.Parsed) r).command();
    }

    private static String refused(String line) {
        Pop3ParseResult r = Pop3CommandParser.parse(line);
        assertTrue(r instanceof Pop3ParseResult.Malformed, () -> line + " → " + r);
        return ((Pop3ParseResult.Malformed) r).reason();
    }

    @Test
    void everyCommandOfRfc1939AndItsExtensions() {
        assertEquals(new User("bob"), parsed("USER bob"));
        assertEquals(new Pass("secret"), parsed("PASS secret"));
        assertEquals(new Stat(), parsed("STAT"));
        assertEquals(new ListCommand(OptionalInt.empty()), parsed("LIST"));
        assertEquals(new ListCommand(OptionalInt.of(2)), parsed("LIST 2"));
        assertEquals(new Retr(1), parsed("RETR 1"));
        assertEquals(new Dele(1), parsed("DELE 1"));
        assertEquals(new Noop(), parsed("NOOP"));
        assertEquals(new Rset(), parsed("RSET"));
        assertEquals(new Quit(), parsed("QUIT"));
        assertEquals(new Top(1, 10), parsed("TOP 1 10"));
        assertEquals(new Top(1, 0), parsed("TOP 1 0"));
        assertEquals(new Uidl(OptionalInt.empty()), parsed("UIDL"));
        assertEquals(new Uidl(OptionalInt.of(3)), parsed("UIDL 3"));
        assertEquals(new Capa(), parsed("CAPA"));
        assertEquals(new Stls(), parsed("STLS"));
        assertEquals(new Auth(Optional.empty(), Optional.empty()), parsed("AUTH"));
        assertEquals(new Auth(Optional.of("PLAIN"), Optional.empty()), parsed("AUTH plain"));
        assertEquals(new Auth(Optional.of("PLAIN"), Optional.of("AGJvYgBzZWNyZXQ=")), parsed("AUTH PLAIN AGJvYgBzZWNyZXQ="));
        assertEquals(new Auth(Optional.of("SCRAM-SHA-256"), Optional.of("=")), parsed("AUTH SCRAM-SHA-256 ="));
    }

    @Test
    void keywordsAreCaseInsensitive() {
        assertEquals(new Stat(), parsed("stat"));
        assertEquals(new Retr(7), parsed("rEtR 7"));
    }

    @Test
    void thePasswordIsTheRestOfTheLineSpacesIncluded() {
        assertEquals(new Pass(" two  words "), parsed("PASS  two  words "));
        assertEquals(new Pass("caf\u00e9"), parsed(new String("PASS caf\u00e9".getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1)));
    }

    @Test
    void outlooksAuthWithATrailingSpaceListsMechanisms() {
        assertEquals(new Auth(Optional.empty(), Optional.empty()), parsed("AUTH "));
    }

    @Test
    void badArgumentsSayWhy() {
        assertEquals("Missing argument", refused("USER"));
        assertEquals("Missing argument", refused("PASS"));
        assertEquals("Missing argument", refused("RETR"));
        assertEquals("Missing argument", refused("DELE "));
        assertEquals("Missing argument", refused("TOP 1"));
        assertEquals("Not a number", refused("RETR one"));
        assertEquals("Not a number", refused("RETR -1"));
        assertEquals("Not a number", refused("LIST 1x"));
        assertEquals("Unexpected extra argument", refused("RETR 1 2"));
        assertEquals("Unexpected extra argument", refused("STAT now"));
        assertEquals("Unexpected extra argument", refused("QUIT please"));
        assertEquals("Unexpected extra argument", refused("TOP 1 2 3"));
        assertEquals("Unexpected extra argument", refused("AUTH PLAIN x y"));
        assertEquals("Invalid number of lines", refused("TOP 1 x"));
        assertEquals("Invalid mechanism name", refused("AUTH PL/AIN"));
        assertEquals("Unrecognized command", refused("XYZZY"));
        assertEquals("Unrecognized command", refused(""));
        assertEquals("Unrecognized command", refused("APOP bob c4c9334bac560ecc979e58001b3e22fb"));
    }

    @Test
    void aNumberTooLargeNamesNoMessageItIsNotAnError() {
        assertEquals(new Retr(Integer.MAX_VALUE), parsed("RETR 99999999999999999999"));
        assertEquals(new Top(1, Integer.MAX_VALUE), parsed("TOP 1 99999999999"));
        assertEquals(new Retr(0), parsed("RETR 0"));
    }

    @Test
    void aCommandLineIsAtMost255OctetsWithItsLineEnd() {
        String ok = "USER " + "a".repeat(248); // 253 + CRLF
        assertEquals(new User("a".repeat(248)), parsed(ok));
        assertEquals("Line too long", refused(ok + "a"));
    }

    @Test
    void multiLineAnswers() {
        for (String multi : List.of("LIST", "UIDL", "RETR 1", "TOP 1 1", "CAPA", "AUTH")) {
            assertTrue(Pop3Command.multiLine(parsed(multi)), multi);
        }
        for (String single : List.of("LIST 1", "UIDL 1", "STAT", "DELE 1", "NOOP", "RSET", "QUIT", "USER a", "PASS b",
                "STLS", "AUTH PLAIN")) {
            assertFalse(Pop3Command.multiLine(parsed(single)), single);
        }
    }

    @Test
    void roundTripThroughTheEncoder() {
        List<Pop3Command> all = List.of(new User("bob"), new Pass(" sp ace "), new Stat(), new ListCommand(OptionalInt.empty()),
                new ListCommand(OptionalInt.of(4)), new Retr(1), new Dele(2), new Noop(), new Rset(), new Quit(), new Top(3, 0),
                new Uidl(OptionalInt.empty()), new Uidl(OptionalInt.of(9)), new Capa(), new Stls(),
                new Auth(Optional.empty(), Optional.empty()), new Auth(Optional.of("PLAIN"), Optional.empty()),
                new Auth(Optional.of("PLAIN"), Optional.of("AGEAYg==")), new Pass("caf\u00e9"));
        for (Pop3Command c : all) {
            byte[] wire = Pop3CommandEncoder.encode(c);
            String line = new String(wire, StandardCharsets.ISO_8859_1);
            assertTrue(line.endsWith("\r\n"));
            assertEquals(c, parsed(line.substring(0, line.length() - 2)), line);
        }
    }

    @Test
    void theEncoderRefusesALineEndInAnArgument() {
        assertThrows(IllegalArgumentException.class, () -> Pop3CommandEncoder.encode(new User("bob\r\nDELE 1")));
        assertThrows(IllegalArgumentException.class, () -> Pop3CommandEncoder.encode(new Pass("x\ny")));
    }

    @Test
    void passwordsStayOutOfToString() {
        assertFalse(new Pass("hunter2").toString().contains("hunter2"));
        assertFalse(new Auth(Optional.of("PLAIN"), Optional.of("AGJvYgBodW50ZXIy")).toString().contains("AGJvYgBodW50ZXIy"));
    }
}
