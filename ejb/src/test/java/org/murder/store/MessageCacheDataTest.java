package org.murder.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.murder.protocol.imap.message.MessageStructure;

class MessageCacheDataTest {

    @TempDir
    Path dir;

    @Test
    void theFactsOfAFileAreTheFactsOfItsBytes() throws IOException {
        Path f = dir.resolve("1.");
        Files.writeString(f, "Message-ID: <a1@example.org>\r\nSubject: parsed again\r\nFrom: a@example.org\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\none\r\n"
                + "--b\r\nContent-Type: text/html\r\n\r\n<p>two</p>\r\n--b--\r\n", StandardCharsets.US_ASCII);
        MessageCacheData d = MessageCacheData.parse(f);
        assertEquals("<a1@example.org>", d.messageIdHeader());
        assertTrue(d.envelope().contains("\"parsed again\""), d.envelope());
        assertTrue(d.bodyStructure().startsWith("((\"TEXT\" \"PLAIN\""), d.bodyStructure());
        MessageStructure s = MessageStructure.deserialize(d.structure());
        assertEquals(d.bodyStructure(), s.bodyStructure());
        org.murder.protocol.imap.sort.SortFields sort = org.murder.protocol.imap.sort.SortFields.deserialize(d.sortFields());
        assertEquals("PARSED AGAIN", sort.subject().base());
        assertEquals("A", sort.from());
        assertEquals("<a1@example.org>", sort.messageId());
    }

    @Test
    void theSentDateForSortIsTheDateHeadersElseTheInternalDate() throws IOException {
        java.time.Instant internal = java.time.Instant.ofEpochSecond(1_700_000_000L);
        Path dated = dir.resolve("2.");
        Files.writeString(dated, "Date: Thu, 1 Jan 2015 10:00:00 +0200\r\nSubject: x\r\n\r\nbody\r\n", StandardCharsets.US_ASCII);
        assertEquals(1_420_099_200L, MessageCacheData.parse(dated).sentDate(internal).getAsLong());
        Path undated = dir.resolve("3.");
        Files.writeString(undated, "Date: not a date\r\nSubject: x\r\n\r\nbody\r\n", StandardCharsets.US_ASCII);
        assertEquals(1_700_000_000L, MessageCacheData.parse(undated).sentDate(internal).getAsLong());
        assertTrue(new MessageCacheData("", "", "", "", "", "").sentDate(internal).isEmpty(), "facts without sort fields");
    }
}
