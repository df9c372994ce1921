package org.murder.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeaderScanTest {

    private static Optional<String> scan(String message, String field) throws IOException {
        return HeaderScan.first(new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)), field);
    }

    @Test
    void findsAFieldCaseInsensitivelyAndUnfoldsIt() throws IOException {
        String m = "From: a@b\r\nmessage-id:\r\n <x@y>\r\nSubject: s\r\n\r\nMessage-ID: <body@not-header>\r\n";
        assertEquals(Optional.of("<x@y>"), scan(m, "Message-ID"));
    }

    @Test
    void stopsAtTheEndOfTheHeaderBlock() throws IOException {
        assertEquals(Optional.empty(), scan("From: a@b\r\n\r\nMessage-ID: <x@y>\r\n", "Message-ID"));
    }

    @Test
    void bareLineFeedsAndALastFieldWithoutBodyWork() throws IOException {
        assertEquals(Optional.of("<z@w>"), scan("Subject: s\nMessage-Id: <z@w>", "message-id"));
    }
}
