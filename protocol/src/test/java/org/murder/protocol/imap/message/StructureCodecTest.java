package org.murder.protocol.imap.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one-column form: round trips exactly, and anything else is refused with IllegalArgumentException. */
class StructureCodecTest {

    @Test
    void everyCorpusMessageRoundTrips() {
        for (String name : Corpus.NAMES) {
            MessageStructure m = Corpus.parse(name);
            String column = m.serialize();
            assertTrue(column.startsWith("IMS1 "));
            MessageStructure back = MessageStructure.deserialize(column);
            assertEquals(m, back, name);
            assertEquals(m.envelope(), back.envelope());
            assertEquals(m.bodyStructure(), back.bodyStructure());
            assertEquals(column, back.serialize());
        }
    }

    @Test
    void compactEnoughForOneColumn() {
        MessageStructure m = Corpus.parse("plain.eml");
        String expected = "IMS1 397 10 " + m.envelope().length() + ":" + m.envelope() + m.bodyStructure().length() + ":"
                + m.bodyStructure() + m.body().length() + ":" + m.body() + "(0 342 397 1 4:text5:plain8:US-ASCII4:7bit)";
        assertEquals(expected, m.serialize());
    }

    @Test
    void everyTruncationIsRefused() {
        String column = Corpus.parse("nested-rfc822.eml").serialize();
        for (int i = 0; i < column.length(); i++) {
            String cut = column.substring(0, i);
            assertThrows(IllegalArgumentException.class, () -> MessageStructure.deserialize(cut), () -> "cut at " + cut);
        }
        assertThrows(IllegalArgumentException.class, () -> MessageStructure.deserialize(column + " "));
    }

    @Test
    void damagedOffsetsAreRefused() {
        String column = Corpus.parse("plain.eml").serialize();
        assertThrows(IllegalArgumentException.class,
                () -> MessageStructure.deserialize(column.replace("(0 342 397 1 ", "(0 342 398 1 ")));
        assertThrows(IllegalArgumentException.class,
                () -> MessageStructure.deserialize(column.replace("(0 342 397 1 ", "(0 400 397 1 ")));
        assertThrows(IllegalArgumentException.class,
                () -> MessageStructure.deserialize(column.replace("(0 342 397 1 ", "(0 342 397 99 ")));
        assertThrows(IllegalArgumentException.class, () -> MessageStructure.deserialize(column.replace("IMS1", "IMS9")));
        assertThrows(IllegalArgumentException.class, () -> MessageStructure.deserialize(""));
        assertThrows(IllegalArgumentException.class,
                () -> MessageStructure.deserialize("IMS1 99999999999999999999 0 0:0:0:(0 0 0 0 0:0:-0:)"));
    }
}
