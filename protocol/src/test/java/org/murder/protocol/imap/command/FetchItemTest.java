package org.murder.protocol.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.ImapTesting;
import org.murder.protocol.imap.command.FetchItem.Attribute;
import org.murder.protocol.imap.command.FetchItem.Binary;
import org.murder.protocol.imap.command.FetchItem.BinarySize;
import org.murder.protocol.imap.command.FetchItem.BodySection;
import org.murder.protocol.imap.command.FetchItem.Partial;
import org.murder.protocol.imap.command.FetchItem.Section;
import org.murder.protocol.imap.command.FetchItem.Specifier;

class FetchItemTest {

    private static FetchItem only(String wire) {
        return ((ImapCommand.Fetch) ImapTesting.parsed("a FETCH 1 " + wire)).items().get(0);
    }

    @Test
    void responseNamesDropPeekAndTheLength() {
        assertEquals("BODY[HEADER.FIELDS (From To)]<0>", only("BODY.PEEK[HEADER.FIELDS (From To)]<0.100>").responseName());
        assertEquals("BODY[]", only("BODY[]").responseName());
        assertEquals("BODY[1.2.MIME]", only("body[1.2.mime]").responseName());
        assertEquals("BODY[3.HEADER.FIELDS.NOT (Received)]", only("BODY[3.HEADER.FIELDS.NOT (Received)]").responseName());
        assertEquals("BINARY[1]<10>", only("BINARY.PEEK[1]<10.20>").responseName());
        assertEquals("BINARY.SIZE[1.2]", only("BINARY.SIZE[1.2]").responseName());
        assertEquals("BINARY[]", only("BINARY[]").responseName());
        assertEquals("RFC822.SIZE", only("rfc822.size").responseName());
    }

    @Test
    void sectionWireFormQuotesOddFieldNames() {
        Section section = Section.of(Specifier.HEADER_FIELDS, List.of(1), List.of("From", "X-(odd)", "a\"b\\c"));
        assertEquals("1.HEADER.FIELDS (From \"X-(odd)\" \"a\\\"b\\\\c\")", section.toString());
        // the wire form parses back to the same section
        assertEquals(new BodySection(false, section, Optional.empty()), only("BODY[" + section + "]"));
    }

    @Test
    void whichItemsSetSeen() {
        assertTrue(only("RFC822").setsSeen());
        assertTrue(only("RFC822.TEXT").setsSeen());
        assertFalse(only("RFC822.HEADER").setsSeen());
        assertTrue(only("BODY[]").setsSeen());
        assertFalse(only("BODY.PEEK[]").setsSeen());
        assertTrue(only("BINARY[1]").setsSeen());
        assertFalse(only("BINARY.PEEK[1]").setsSeen());
        assertFalse(only("BINARY.SIZE[1]").setsSeen());
        assertFalse(only("BODY").setsSeen());
        assertFalse(Attribute.FLAGS.setsSeen());
    }

    @Test
    void invalidSectionsCannotBeBuilt() {
        assertThrows(IllegalArgumentException.class, () -> new Section(List.of(), Optional.of(Specifier.MIME), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Section(List.of(0), Optional.empty(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> Section.of(Specifier.HEADER_FIELDS, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> Section.of(Specifier.TEXT, List.of(), List.of("From")));
        assertThrows(IllegalArgumentException.class, () -> new Partial(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Partial(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Binary(false, List.of(0), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new BinarySize(List.of(-1)));
    }
}
