package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.murder.protocol.imap.ImapTesting.literal;
import static org.murder.protocol.imap.ImapTesting.malformed;
import static org.murder.protocol.imap.ImapTesting.parsed;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.command.ImapCommand;

/**
 * Values a server echoes or logs (tags, mailbox names, flags, ACL identifiers, ID data, header field names) cannot
 * carry a line break, whatever string form the client picks: an echoed value must never start a forged response line.
 */
class CommandLineInjectionTest {

    private static final String FORGED = "x\r\n* OK [ALERT] forged";

    @Test
    void tagsCannotHoldLineBreaks() {
        assertEquals(new ImapParseResult.Malformed(Optional.empty(), "Invalid tag"), malformed("a\r\n* NOOP"));
        assertEquals(new ImapParseResult.Malformed(Optional.empty(), "Invalid tag"), malformed("a\n NOOP"));
    }

    @Test
    void mailboxNamesCannotHoldLineBreaks() {
        assertEquals("Invalid mailbox name", malformed("a SELECT " + literal(FORGED)).message());
        assertEquals("Invalid mailbox name", malformed("a SELECT &AA0ACg-").message());
        assertEquals("Invalid mailbox name", ImapCommandParser.parse(ImapTesting.utf8("a SELECT " + literal(FORGED)),
                ImapParserContext.UTF8_ACCEPT) instanceof ImapParseResult.Malformed m ? m.message() : "parsed");
        assertEquals("Unterminated quoted string", malformed("a SELECT \"" + FORGED + "\"").message());
    }

    @Test
    void aclIdentifiersCannotHoldLineBreaks() {
        assertEquals("Invalid identifier", malformed("a SETACL INBOX " + literal(FORGED) + " lr").message());
        assertEquals("Invalid identifier", malformed("a LISTRIGHTS INBOX " + literal(FORGED)).message());
    }

    @Test
    void idDataCannotHoldLineBreaks() {
        assertEquals("Invalid ID parameters", malformed("a ID (\"name\" " + literal(FORGED) + ")").message());
        assertEquals("Invalid ID parameters", malformed("a ID (" + literal("na\r\nme") + " \"x\")").message());
    }

    @Test
    void flagsAndHeaderFieldNamesAreAtomsOrPrintable() {
        assertEquals("Invalid flag", malformed("a STORE 1 +FLAGS (" + literal("x") + ")").message());
        assertEquals("Invalid header field name",
                malformed("a FETCH 1 BODY[HEADER.FIELDS (" + literal("X\r\nY") + ")]").message());
        assertEquals("Invalid header field name", malformed("a SEARCH HEADER " + literal("X\r\nY") + " z").message());
    }

    @Test
    void quotaRootsCannotHoldLineBreaks() {
        assertEquals("Invalid mailbox name", malformed("a GETQUOTA " + literal(FORGED)).message());
        assertEquals("Invalid mailbox name", malformed("a SETQUOTA " + literal(FORGED) + " ()").message());
    }

    @Test
    void searchStringsMayHoldLineBreaksBecauseTheyAreOnlyCompared() {
        ImapCommand.Search search = (ImapCommand.Search) parsed("a SEARCH BODY " + literal("line1\r\nline2"));
        assertEquals(new org.murder.protocol.imap.search.SearchKey.Text(
                org.murder.protocol.imap.search.SearchKey.TextField.BODY, "line1\r\nline2"), search.key());
    }

    @Test
    void malformedMessagesNeverEchoTheInput() {
        ImapParseResult.Malformed m = malformed("a FROBNICATE " + FORGED);
        assertFalse(m.message().contains("\n"));
        assertFalse(m.message().contains("FROBNICATE"));
    }
}
