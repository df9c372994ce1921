package org.murder.protocol.imap.message;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.ByteArrayBuffer;

/**
 * The fields of one header block that ENVELOPE and BODYSTRUCTURE need, as mime4j's {@code MimeEntity} reads them: a
 * field is a line plus the lines after it that start with SP or HT, parsed by mime4j's {@link RawFieldParser}; lines
 * that are not fields (no colon, an mbox {@code From } line) are skipped. Like Cyrus, when a field occurs twice the
 * last one counts. Memory is bounded: a field longer than {@link #MAX_FIELD} bytes is cut.
 */
final class Header {

    static final int MAX_FIELD = 64 * 1024;

    private static final Set<String> WANTED = Set.of("date", "subject", "from", "sender", "reply-to", "to", "cc", "bcc",
            "in-reply-to", "message-id", "content-type", "content-transfer-encoding", "content-id",
            "content-description", "content-disposition", "content-language", "content-location", "content-md5");

    static final Header EMPTY = new Header(Map.of());

    private final Map<String, RawField> fields;

    private Header(Map<String, RawField> fields) {
        this.fields = fields;
    }

    /** Collects a header's lines into fields: a line starting with SP or HT continues the field before it. */
    static final class Builder {
        private final Map<String, RawField> fields = new HashMap<>();
        private FieldBytes field;

        void line(LineReader.Line line) {
            if (line.kept == 0) {
                return;
            }
            int first = line.bytes[0];
            if (field == null || (first != ' ' && first != '\t')) {
                keep(fields, field);
                field = new FieldBytes();
            }
            field.append(line.bytes, line.kept, MAX_FIELD);
        }

        Header build() {
            keep(fields, field);
            field = null;
            return new Header(Map.copyOf(fields));
        }
    }

    /** The field's value unfolded as Cyrus does: leading SP/HT dropped, CR LF of each fold removed; null when absent. */
    String unfolded(String name) {
        RawField f = fields.get(name);
        if (f == null) {
            return null;
        }
        var raw = f.getRaw();
        int from = f.getDelimiterIdx() + 1;
        int to = raw.length();
        while (from < to && (raw.byteAt(from) == ' ' || raw.byteAt(from) == '\t')) {
            from++;
        }
        byte[] out = new byte[to - from];
        int len = 0;
        for (int i = from; i < to; i++) {
            byte b = raw.byteAt(i);
            if (b == '\n') {
                if (len > 0 && out[len - 1] == '\r') {
                    len--;
                }
                continue;
            }
            out[len++] = b;
        }
        return utf8(out, len);
    }

    /** The field as mime4j parsed it, for mime4j's structured parsers; null when absent. */
    RawField field(String name) {
        return fields.get(name);
    }

    /** Decodes header bytes as UTF-8, a malformed sequence becoming U+FFFD (valid UTF-8 survives unchanged). */
    static String utf8(byte[] bytes, int len) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes, 0, len)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e); // REPLACE never throws
        }
    }

    private static void keep(Map<String, RawField> fields, FieldBytes field) {
        if (field == null) {
            return;
        }
        int len = field.length;
        if (len > 0 && field.bytes[len - 1] == '\n') {
            len--;
        }
        if (len > 0 && field.bytes[len - 1] == '\r') {
            len--;
        }
        try {
            RawField raw = RawFieldParser.DEFAULT.parseField(new ByteArrayBuffer(field.bytes, len, false));
            String name = raw.getName().toLowerCase(Locale.ROOT);
            if (WANTED.contains(name)) {
                fields.put(name, raw);
            }
        } catch (MimeException notAField) {
            // mime4j skips such lines too (malformedHeaderStartsBody is off)
        }
    }

    /** A growable byte array. */
    private static final class FieldBytes {
        byte[] bytes = new byte[128];
        int length;


        void append(byte[] src, int count, int max) {
            int n = Math.min(count, max - length);
            if (n <= 0) {
                return;
            }
            if (length + n > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(length + n, bytes.length * 2));
            }
            System.arraycopy(src, 0, bytes, length, n);
            length += n;
        }
    }
}
