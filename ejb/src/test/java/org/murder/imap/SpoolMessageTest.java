package org.murder.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.murder.protocol.imap.ImapCommandParser;
import org.murder.protocol.imap.ImapParseResult;
import org.murder.protocol.imap.ImapParserContext;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.search.SearchEvaluator;
import org.murder.store.MessageFlags;

/** A spool file as SEARCH reads it: header fields unfolded and as written, 8-bit text as UTF-8 or else Latin-1. */
class SpoolMessageTest {

    @TempDir
    Path dir;

    private SpoolMessage message(byte[] raw) throws IOException {
        Path file = dir.resolve("1.");
        Files.write(file, raw);
        return new SpoolMessage(new SelectedMailbox.Message(1, 1, MessageFlags.NONE, 1, raw.length, Instant.EPOCH), 1, false,
                file);
    }

    private static boolean matches(String keys, SpoolMessage m) {
        ImapParseResult r = ImapCommandParser.parse(("a SEARCH " + keys).getBytes(StandardCharsets.UTF_8),
                ImapParserContext.DEFAULT);
        ImapCommand.Search search = (ImapCommand.Search) ((ImapParseResult.Parsed) r).command();
        return new SearchEvaluator(search.key(), 1, 1).matches(m);
    }

    @Test
    void fieldsAreUnfoldedAndLeftEncodedForTheEvaluator() throws IOException {
        SpoolMessage m = message(("From: =?UTF-8?B?SsO8cmdlbiBHcm/Dnw==?=\r\n <juergen@example.de>\r\n"
                + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n\t=?UTF-8?Q?_aus_K=C3=B6ln?=\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of("=?UTF-8?B?SsO8cmdlbiBHcm/Dnw==?= <juergen@example.de>"), m.header("from"));
        assertTrue(m.headerText().contains("Subject: Grüße aus Köln"), m.headerText());
        assertTrue(matches("FROM \"Jürgen Groß <juergen@\"", m));
        assertTrue(matches("SUBJECT \"grüße aus köln\"", m));
        assertTrue(matches("TEXT köln", m));
        assertFalse(matches("FROM SsO8", m));
    }

    @Test
    void rawEightBitHeadersAreUtf8OrElseLatin1() throws IOException {
        byte[] utf8 = "From: Ægir Ødegård <a@example.no>\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("Ægir Ødegård <a@example.no>"), message(utf8).header("From"));
        byte[] latin1 = "From: Ægir Ødegård <a@example.no>\r\n\r\nx\r\n".getBytes(StandardCharsets.ISO_8859_1);
        SpoolMessage m = message(latin1);
        assertEquals(List.of("Ægir Ødegård <a@example.no>"), m.header("From"));
        assertTrue(matches("FROM \"ødegård\"", m));
    }
}
