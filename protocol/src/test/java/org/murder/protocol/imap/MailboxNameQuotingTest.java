package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.murder.protocol.imap.ImapTesting.literal;
import static org.murder.protocol.imap.ImapTesting.literalPlus;
import static org.murder.protocol.imap.ImapTesting.malformed;
import static org.murder.protocol.imap.ImapTesting.parsed;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.murder.protocol.imap.command.ImapCommand.Create;
import org.murder.protocol.imap.command.ImapCommand.ListCommand;
import org.murder.protocol.imap.command.ImapCommand.Rename;

/**
 * A proxy re-quotes mailbox names, so every way a client may write a name must decode to exactly one string:
 * awkward characters in quoted strings, literals and modified UTF-7 all arrive intact, and nothing a name holds
 * can end a line.
 */
class MailboxNameQuotingTest {

    /** Names that need quoting or a literal on the wire. */
    private static final List<String> AWKWARD = List.of("with space", "quote\"inside", "back\\slash", "{5}", "{5+}",
            "paren(s)", "percent%", "star*", "bracket]", "~tilde", "a/b.c", "#shared", "\"\"", "\\\"");

    private static String quoted(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    @Test
    void awkwardNamesDecodeTheSameQuotedOrAsLiterals() {
        for (String name : AWKWARD) {
            Create expected = new Create("a", name, List.of());
            assertEquals(expected, parsed("a CREATE " + quoted(name)), name);
            assertEquals(expected, parsed("a CREATE " + literal(name)), name);
            assertEquals(expected, parsed("a CREATE " + literalPlus(name)), name);
            assertEquals(expected, parsed("a CREATE " + quoted(MailboxNames.encodeUtf7(name))), name);
        }
    }

    @Test
    void bothNamesOfARenameKeepTheirBoundaries() {
        assertEquals(new Rename("a", "x\" \"y", "z"), parsed("a RENAME \"x\\\" \\\"y\" z"));
        assertEquals(new Rename("a", "x {3}", "abc"), parsed("a RENAME \"x {3}\" " + literal("abc")));
        assertEquals(new Rename("a", "abc", " x"), parsed("a RENAME " + literal("abc") + " \" x\""));
    }

    @Test
    void wildcardsSurviveInListPatternsOnly() {
        assertEquals(ListCommand.basic("a", "", "a%b*c"), parsed("a LIST \"\" a%b*c"));
        assertEquals("Extra arguments", malformed("a CREATE a%b").message());
        assertEquals("Extra arguments", malformed("a CREATE a*b").message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r\n", "\n", "\r"})
    void lineBreaksNeverReachAName(String control) {
        String name = "a" + control + "b";
        assertEquals("Invalid mailbox name", malformed("a CREATE " + literal(name)).message());
        assertEquals("Invalid mailbox name", malformed("a LIST \"\" " + literal(name)).message());
        assertEquals("Invalid mailbox name", malformed("a CREATE " + quoted(MailboxNames.encodeUtf7(name))).message());
    }

    @Test
    void aNulIsRefusedByTheStringReader() {
        assertEquals("NUL not allowed", malformed("a CREATE " + literal("a\0b")).message());
        assertEquals("NUL not allowed", malformed("a LIST \"\" " + literal("a\0b")).message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\t", "\u007f", "\u0085"})
    void otherControlCharactersMakeANameNoMailboxCanHave(String control) {
        // well-formed IMAP (a literal carries any octet but NUL): the command answers NO, not BAD
        String name = "a" + control + "b";
        assertEquals(new Create("a", MailboxNames.unusable(name), List.of()), parsed("a CREATE " + literal(name)));
        String utf7 = MailboxNames.encodeUtf7(name);
        assertEquals(new Create("a", MailboxNames.unusable(utf7), List.of()), parsed("a CREATE " + quoted(utf7)));
        assertEquals(ListCommand.basic("a", "", MailboxNames.unusable(name)), parsed("a LIST \"\" " + literal(name)));
    }

    @Test
    void theSameNameHasOneWireSpelling() {
        // "&APw-&AOQ-" and "&APwA5A-" would both mean "üä": only the canonical one names that mailbox; the other
        // spellings are names no mailbox can have
        assertEquals(new Create("a", "üä", List.of()), parsed("a CREATE &APwA5A-"));
        assertEquals(new Create("a", MailboxNames.unusable("&APw-&AOQ-"), List.of()), parsed("a CREATE &APw-&AOQ-"));
        // "a" hidden in base64 would be a second spelling of "a"
        assertEquals(new Create("a", MailboxNames.unusable("&AGE-"), List.of()), parsed("a CREATE &AGE-"));
    }

    @Test
    void inboxIsOneMailboxHoweverItIsWritten() {
        for (String wire : List.of("INBOX", "inbox", "Inbox", "\"iNbOx\"", literal("inBOX"))) {
            assertEquals(new Create("a", "INBOX", List.of()), parsed("a CREATE " + wire), wire);
        }
    }
}
