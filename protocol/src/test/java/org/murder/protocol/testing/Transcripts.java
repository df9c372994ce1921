package org.murder.protocol.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Cyrus 3.6 captures in {@code src/test/resources/cyrus-3.6/}, rebuilt into the byte streams that went
 * over the wire: every transcript line plus CRLF, {@code <FIN>} dropped.
 */
public final class Transcripts {

    public static final List<String> MUPDATE_FILES = List.of(
            "a_mupdatetest_master.txt",
            "a2_mupdate_master_unauth_nonadmin.txt",
            "b_backend_to_master_create_delete.txt",
            "c_slave_update_stream.txt");

    /** Captures holding IMAP sessions: a client through a frontend, and the frontend's own backend connections. */
    public static final List<String> IMAP_FILES = List.of(
            "d_imap_via_frontend.txt",
            "f_rename_xfer_between_backends_FAILED.txt");

    private static final Pattern LINE = Pattern.compile("^\\[\\s*[0-9.]+\\] ([CS]): (.*)$");
    private static final Pattern LITERAL_AT_END = Pattern.compile("\\{[0-9]+\\+?\\}$");

    public enum Direction { CLIENT, SERVER }

    public record Line(Direction direction, String text) {
    }

    public record Connection(String file, String header, List<Line> lines) {

        public List<String> lines(Direction d) {
            return lines.stream().filter(l -> l.direction() == d).map(Line::text).toList();
        }

        /** What one side sent, as bytes: each line with CRLF. */
        public byte[] bytes(Direction d) {
            StringBuilder sb = new StringBuilder();
            for (String line : lines(d)) {
                sb.append(line).append("\r\n");
            }
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }

        /**
         * The frames one side sent, grouped independently of the decoder under test: a line ending in a
         * literal marker continues with the next line (no literal in these captures contains a line break).
         */
        public List<byte[]> frames(Direction d) {
            List<byte[]> frames = new ArrayList<>();
            StringBuilder current = null;
            for (String line : lines(d)) {
                current = current == null ? new StringBuilder(line) : current.append("\r\n").append(line);
                if (!LITERAL_AT_END.matcher(line).find()) {
                    frames.add(current.toString().getBytes(StandardCharsets.UTF_8));
                    current = null;
                }
            }
            if (current != null) {
                throw new IllegalStateException("unterminated frame in " + file + ": " + current);
            }
            return frames;
        }

        @Override
        public String toString() {
            return file + " " + header;
        }
    }

    private Transcripts() {
    }

    public static List<Connection> mupdate() {
        List<Connection> all = new ArrayList<>();
        for (String file : MUPDATE_FILES) {
            all.addAll(read(file));
        }
        return all;
    }

    /** Every IMAP connection (to port 143) of the captures. */
    public static List<Connection> imap() {
        List<Connection> all = new ArrayList<>();
        for (String file : IMAP_FILES) {
            read(file).stream().filter(c -> c.header().contains(":143 ")).forEach(all::add);
        }
        return all;
    }

    public static List<Connection> read(String file) {
        List<Connection> connections = new ArrayList<>();
        String header = null;
        List<Line> lines = null;
        for (String raw : text(file).split("\n", -1)) {
            if (raw.startsWith("=== connection")) {
                if (lines != null) {
                    connections.add(new Connection(file, header, lines));
                }
                header = raw;
                lines = new ArrayList<>();
                continue;
            }
            Matcher m = LINE.matcher(raw);
            if (m.matches() && lines != null && !m.group(2).equals("<FIN>")) {
                lines.add(new Line(m.group(1).equals("C") ? Direction.CLIENT : Direction.SERVER, m.group(2)));
            }
        }
        if (lines != null) {
            connections.add(new Connection(file, header, lines));
        }
        return connections;
    }

    /** The connection whose header mentions {@code marker} (e.g. its client port). */
    public static Connection connection(String file, String marker) {
        return read(file).stream().filter(c -> c.header().contains(marker)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(marker + " not in " + file));
    }

    private static String text(String file) {
        try (InputStream in = Transcripts.class.getResourceAsStream("/cyrus-3.6/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("missing resource " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
