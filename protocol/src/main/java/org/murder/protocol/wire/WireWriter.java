package org.murder.protocol.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds one wire message. Strings go out either as Cyrus-style non-synchronizing literals
 * ({@code {n+}CRLF bytes}, n the UTF-8 byte length) or as quoted strings for human text.
 */
public final class WireWriter {

    private static final byte[] CRLF = {'\r', '\n'};

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    public WireWriter raw(String ascii) {
        out.writeBytes(ascii.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public WireWriter sp() {
        out.write(' ');
        return this;
    }

    /** {@code {n+}CRLF} followed by the string's UTF-8 bytes. */
    public WireWriter literal(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        raw("{" + b.length + "+}");
        out.writeBytes(CRLF);
        out.writeBytes(b);
        return this;
    }

    /**
     * A quoted string for human text. CR, LF and NUL cannot travel in a quoted string; they become spaces so
     * that text taken from anywhere (an exception message, a peer's reply) can never inject a response line.
     */
    public WireWriter quoted(String s) {
        out.write('"');
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (byte c : b) {
            if (c == '\r' || c == '\n' || c == 0) {
                out.write(' ');
            } else {
                if (c == '"' || c == '\\') {
                    out.write('\\');
                }
                out.write(c);
            }
        }
        out.write('"');
        return this;
    }

    public WireWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    public WireWriter crlf() {
        out.writeBytes(CRLF);
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
