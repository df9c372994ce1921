package org.murder.protocol.imap.message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * {@code BODY[HEADER.FIELDS (...)]} and {@code HEADER.FIELDS.NOT}: picks fields out of a header block (RFC 3501
 * §6.4.5). A field is its first line and the continuation lines after it, raw; names match case-insensitively
 * (surrounding whitespace ignored, so obsolete {@code Subject :} matches). The result always ends with the blank line
 * (CRLF) that ends a header, and line ends are written as CRLF even when the message has bare LF. Lines that are not
 * fields (no colon) are never returned; the block's own blank line ends the scan.
 */
public final class HeaderFields {

    private HeaderFields() {
    }

    /**
     * @param header the header block (e.g. the bytes of {@link MessageStructure#header()})
     * @param names  the field names of the request
     * @param not    true for HEADER.FIELDS.NOT: every field except those
     */
    public static byte[] select(byte[] header, Collection<String> names, boolean not) {
        try {
            return select(new java.io.ByteArrayInputStream(header), names, not);
        } catch (IOException e) {
            throw new IllegalStateException(e); // cannot happen on an array
        }
    }

    /** Streaming form of {@link #select(byte[], Collection, boolean)}: reads {@code header} up to its blank line or end. */
    public static byte[] select(InputStream header, Collection<String> names, boolean not) throws IOException {
        Set<String> wanted = new HashSet<>();
        for (String n : names) {
            wanted.add(n.trim().toLowerCase(Locale.ROOT));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean keeping = false;
        while (true) {
            line.reset();
            int b;
            while ((b = header.read()) >= 0 && b != '\n') {
                line.write(b);
            }
            byte[] content = line.toByteArray();
            int len = content.length;
            if (len > 0 && content[len - 1] == '\r') {
                len--;
            }
            if (b < 0 && content.length == 0) {
                break;
            }
            if (len == 0) {
                break; // the blank line that ends the header
            }
            boolean continuation = content[0] == ' ' || content[0] == '\t';
            if (!continuation) {
                String name = fieldName(content, len);
                keeping = name != null && (wanted.contains(name) != not);
            }
            if (keeping) {
                out.write(content, 0, len);
                out.write('\r');
                out.write('\n');
            }
            if (b < 0) {
                break;
            }
        }
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    /** The lower-case name before the colon, or null when the line is not a field. */
    private static String fieldName(byte[] line, int len) {
        for (int i = 0; i < len; i++) {
            if (line[i] == ':') {
                String name = new String(line, 0, i, java.nio.charset.StandardCharsets.ISO_8859_1).trim();
                return name.isEmpty() ? null : name.toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }
}
