package org.murder.store;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** Reads one header field of a message file (unfolded), looking no further than the header block. */
public final class HeaderScan {

    private static final int MAX_HEADER = 256 * 1024;

    private HeaderScan() {
    }

    public static Optional<String> first(Path message, String field) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(message))) {
            return first(in, field);
        }
    }

    static Optional<String> first(InputStream in, String field) throws IOException {
        String wanted = field.toLowerCase(Locale.ROOT) + ":";
        String current = null;
        int read = 0;
        String line;
        while ((line = readLine(in)) != null && read < MAX_HEADER) {
            read += line.length() + 2;
            if (line.isEmpty()) {
                break;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current = current + " " + line.trim();
                continue;
            }
            if (current != null) {
                return Optional.of(current.trim());
            }
            if (line.toLowerCase(Locale.ROOT).startsWith(wanted)) {
                current = line.substring(wanted.length());
            }
        }
        return Optional.ofNullable(current).map(String::trim);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (buf.size() < 8192) {
                buf.write(b);
            }
        }
        if (b < 0 && buf.size() == 0) {
            return null;
        }
        String s = buf.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
