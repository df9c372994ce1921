package org.murder.protocol.imap.message;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The raw messages under {@code src/test/resources/messages/}. */
final class Corpus {

    static final String[] NAMES = {
        "plain.eml", "alternative.eml", "mixed-attachment.eml", "nested-rfc822.eml", "quoted-printable.eml",
        "group-addresses.eml", "encoded-words.eml", "missing-headers.eml", "bare-lf.eml", "digest.eml", "rfc2231.eml",
        "malformed.eml", "8bit-header.eml", "empty-body.eml", "header-only.eml",
    };

    private Corpus() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Corpus.class.getResourceAsStream("/messages/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test message " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MessageStructure parse(String name) {
        return parse(bytes(name));
    }

    static MessageStructure parse(byte[] raw) {
        try {
            return MessageStructure.parse(new ByteArrayInputStream(raw));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] slice(byte[] raw, ByteRange range) {
        return Arrays.copyOfRange(raw, (int) range.offset(), (int) range.end());
    }

    static String text(byte[] raw, ByteRange range) {
        return new String(slice(raw, range), StandardCharsets.UTF_8);
    }
}
