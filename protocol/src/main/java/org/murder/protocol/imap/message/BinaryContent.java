package org.murder.protocol.imap.message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A message APPENDed as a {@code literal8} (RFC 3516) made fit to keep: IMAP carries binary data (NUL) only in the
 * literal8 of a BINARY FETCH (RFC 9051 §4.3.1), so every leaf part that is binary — {@code Content-Transfer-Encoding:
 * binary}, or a NUL in its body — is stored base64-encoded, its header saying so, as Cyrus
 * ({@code message_parse_binary_file}) and Dovecot store them. {@code BINARY[part]} then gives back exactly the octets the
 * client sent, {@code BODY[part]} the base64 text, and no answer but a BINARY one ever holds a NUL. A NUL anywhere else
 * (a header, a multipart's preamble) cannot be encoded away: {@link #plan} refuses the message.
 *
 * <p>Two passes over the message, each streaming: {@link #plan} finds what to encode, {@link #write} writes the result.
 */
public final class BinaryContent {

    /** Where the message's bytes come from; opened once per pass. */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    /** A NUL outside every leaf part's body. */
    public static final class NulOutsideBodyException extends IOException {
        NulOutsideBodyException(long offset) {
            super("NUL at offset " + offset + ", outside a part's body");
        }
    }

    /** The leaf parts to store base64-encoded, in message order; none when the message can be kept as sent. */
    public record Plan(List<MessagePart> encode) {
        public Plan {
            encode = List.copyOf(encode);
        }

        public boolean unchanged() {
            return encode.isEmpty();
        }
    }

    private static final int BUFFER = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] BASE64_FIELD = "Content-Transfer-Encoding: base64\r\n".getBytes(StandardCharsets.US_ASCII);

    private BinaryContent() {
    }

    /** Reads the message once, looking for NUL; throws {@link NulOutsideBodyException} for one no encoding can hide. */
    public static Plan plan(MessageStructure structure, Source source) throws IOException {
        List<MessagePart> leaves = new ArrayList<>();
        leaves(structure.root(), leaves);
        boolean[] encode = new boolean[leaves.size()];
        for (int i = 0; i < leaves.size(); i++) {
            encode[i] = leaves.get(i).encoding().toLowerCase(Locale.ROOT).equals("binary");
        }
        try (InputStream in = source.open()) {
            byte[] buf = new byte[BUFFER];
            long offset = 0;
            for (int n; (n = in.read(buf)) > 0; offset += n) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == 0) {
                        int leaf = leafHolding(leaves, offset + i);
                        if (leaf < 0) {
                            throw new NulOutsideBodyException(offset + i);
                        }
                        encode[leaf] = true;
                    }
                }
            }
        }
        List<MessagePart> out = new ArrayList<>();
        for (int i = 0; i < leaves.size(); i++) {
            if (encode[i]) {
                out.add(leaves.get(i));
            }
        }
        return new Plan(out);
    }

    /** Writes the message with the plan's parts base64-encoded (76-character lines); the rest byte for byte. */
    public static void write(Plan plan, Source source, OutputStream out) throws IOException {
        try (InputStream raw = source.open()) {
            Reader in = new Reader(raw);
            for (MessagePart part : plan.encode()) {
                in.copy(part.headerStart(), out);
                header(in, part.bodyStart(), out);
                OutputStream base64 = Base64.getMimeEncoder(76, CRLF).wrap(new NonClosing(out));
                in.copy(part.bodyEnd(), base64);
                base64.close(); // the padding; the output stays open
                if (part.bodyEnd() > part.bodyStart() && in.atEnd()) {
                    out.write(CRLF); // a message ends with a line end
                }
            }
            in.copy(Long.MAX_VALUE, out);
        }
    }

    /**
     * The part's header up to {@code bodyStart} without its Content-Transfer-Encoding field (continuation lines too),
     * {@code Content-Transfer-Encoding: base64} put before the blank line that ends it.
     */
    private static void header(Reader in, long bodyStart, OutputStream out) throws IOException {
        boolean dropping = false;
        boolean written = false;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (in.position < bodyStart) {
            line.reset();
            int b;
            while (in.position < bodyStart && (b = in.read()) >= 0) {
                line.write(b);
                if (b == '\n') {
                    break;
                }
            }
            byte[] l = line.toByteArray();
            if (l.length == 0) {
                break;
            }
            boolean blank = l[0] == '\n' || (l[0] == '\r' && l.length == 2 && l[1] == '\n');
            if (blank) {
                if (!written) {
                    out.write(BASE64_FIELD);
                    written = true;
                }
                out.write(l);
                continue;
            }
            boolean continuation = l[0] == ' ' || l[0] == '\t';
            if (!continuation) {
                dropping = isEncodingField(l);
            }
            if (!dropping) {
                out.write(l);
                if (l[l.length - 1] != '\n') {
                    out.write(CRLF); // a header cut off at the end of the message: the field goes after a line end
                }
            }
        }
        if (!written) {
            out.write(BASE64_FIELD);
        }
    }

    private static boolean isEncodingField(byte[] line) {
        int colon = -1;
        for (int i = 0; i < line.length; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        return colon > 0 && new String(line, 0, colon, StandardCharsets.ISO_8859_1).trim()
                .equalsIgnoreCase("Content-Transfer-Encoding");
    }

    private static void leaves(MessagePart part, List<MessagePart> out) {
        if (part.isMessage()) {
            leaves(part.message().orElseThrow(), out);
        } else if (part.isMultipart()) {
            for (MessagePart child : part.children()) {
                leaves(child, out);
            }
        } else {
            out.add(part);
        }
    }

    /** The leaf whose body holds {@code offset}, or -1; leaves are in message order and do not overlap. */
    private static int leafHolding(List<MessagePart> leaves, long offset) {
        int lo = 0;
        int hi = leaves.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            MessagePart p = leaves.get(mid);
            if (offset < p.bodyStart()) {
                hi = mid - 1;
            } else if (offset >= p.bodyEnd()) {
                lo = mid + 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** Reads the message in order, keeping its position. */
    private static final class Reader {
        private final InputStream in;
        private final byte[] buf = new byte[BUFFER];
        private int start;
        private int end;
        private long position;

        Reader(InputStream in) {
            this.in = in;
        }

        boolean atEnd() throws IOException {
            return !fill();
        }

        int read() throws IOException {
            if (!fill()) {
                return -1;
            }
            position++;
            return buf[start++] & 0xff;
        }

        /** Copies up to {@code until} (or the end of the message). */
        void copy(long until, OutputStream out) throws IOException {
            while (position < until && fill()) {
                int n = (int) Math.min(end - start, until - position);
                out.write(buf, start, n);
                start += n;
                position += n;
            }
        }

        private boolean fill() throws IOException {
            if (start < end) {
                return true;
            }
            int n = in.read(buf);
            if (n <= 0) {
                return false;
            }
            start = 0;
            end = n;
            return true;
        }
    }

    /** Lets the base64 encoder be closed (to write its padding) without closing the message's output. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
