package org.murder.protocol.imap.message;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams a raw message once, line by line, and records every entity's exact offsets. Header fields and their
 * parameters are parsed by mime4j (see {@link Header}, {@link ContentInfo}); the multipart delimiter scan is done here,
 * because IMAP needs byte offsets that mime4j's {@code MimeTokenStream} does not report, and because its
 * {@code MimeBoundaryInputStream} decides on delimiters at the edges of its read buffer (a {@code --b} ending exactly at
 * the buffer end counts whatever follows it, one starting where the buffer was cut mid-line counts too), so its
 * result changes with how the input happens to be chunked. Here a delimiter line is what RFC 2046 §5.1.1 says:
 * <ul>
 * <li>at the start of a line, {@code --} and an open multipart's boundary, then {@code --} (close), whitespace, the line
 * end or the end of input (transport padding and anything after a close are ignored, as in mime4j and Cyrus);</li>
 * <li>matched against the open multiparts from the outermost in, so an outer delimiter also ends the inner ones (a
 * missing close delimiter is tolerated);</li>
 * <li>the line break before it belongs to it when that line break ends body content; after a header or another
 * delimiter line there is none to take (Cyrus and Dovecot count sizes the same way).</li>
 * </ul>
 * A delimiter inside a part's header ends the part. After a close delimiter the multipart's boundary is no longer
 * recognised (epilogue). Bounds: nesting deeper than {@link #MAX_DEPTH} is not parsed (application/octet-stream), a
 * multipart keeps at most {@link #MAX_PARTS} parts (later ones count as its content), header fields are cut at
 * {@link Header#MAX_FIELD} bytes, and body lines are not kept beyond {@link #BODY_KEEP} bytes.
 */
final class StructureParser {

    static final int MAX_DEPTH = 50;
    static final int MAX_PARTS = 10_000;
    /** Enough of a body line to recognise the longest boundary we accept and what follows it. */
    static final int BODY_KEEP = 2 + ContentInfo.MAX_BOUNDARY + 3;

    private enum Kind { HEADER, CONTENT, DELIMITER }

    /** A delimiter line that ended the entities inside its multipart and waits for that multipart to consume it. */
    private record Delimiter(int level, boolean close, long start, long cut, long lineFeedsAtCut) {
    }

    /** The message as parsed, and the LF bytes in all of it. */
    record Result(ParsedEntity message, long lines) {
    }

    private final LineReader reader;
    private final LineReader.Line line = new LineReader.Line();
    private final List<byte[]> boundaries = new ArrayList<>();
    private Delimiter pending;
    private Kind last = Kind.DELIMITER;
    private int lastTerminator;

    private StructureParser(InputStream raw) {
        this.reader = new LineReader(raw);
    }

    static Result parse(InputStream raw) throws IOException {
        StructureParser p = new StructureParser(raw);
        ParsedEntity message = p.entity(0, false);
        return new Result(message, p.reader.lineFeeds());
    }

    /** One entity: a header, then a body up to the end of input or a delimiter of an enclosing multipart. */
    private ParsedEntity entity(int depth, boolean digestChild) throws IOException {
        long headerStart = reader.position();
        Header.Builder header = new Header.Builder();
        long bodyStart;
        long lineFeedsAtBody;
        boolean ended = false;
        while (true) {
            if (!reader.next(line, Header.MAX_FIELD)) {
                bodyStart = reader.position();
                lineFeedsAtBody = reader.lineFeeds();
                ended = true;
                break;
            }
            if (delimiter()) {
                bodyStart = line.start;
                lineFeedsAtBody = line.lineFeedsBefore;
                ended = true;
                break;
            }
            last = Kind.HEADER;
            lastTerminator = line.terminator;
            if (line.blank()) {
                bodyStart = line.end();
                lineFeedsAtBody = reader.lineFeeds();
                break;
            }
            header.line(line);
        }
        Header h = header.build();
        ContentInfo info = ContentInfo.of(h, digestChild);
        if (info.isMultipart() && info.boundary() == null) {
            info = info.asPlainText();
        }
        if ((info.isMultipart() || info.isMessage()) && depth >= MAX_DEPTH) {
            info = info.asOpaque();
        }
        List<ParsedEntity> children = List.of();
        ParsedEntity message = null;
        if (info.isMultipart() && !ended) {
            children = parts(info.boundary(), depth, info.subtype().equals("DIGEST"));
        } else if (info.isMessage()) {
            message = ended ? empty(bodyStart) : entity(depth + 1, false);
        } else if (!ended) {
            content();
        }
        long bodyEnd = pending != null ? pending.cut() : reader.position();
        long lineFeedsAtEnd = pending != null ? pending.lineFeedsAtCut() : reader.lineFeeds();
        if (ended) {
            bodyEnd = bodyStart;
            lineFeedsAtEnd = lineFeedsAtBody;
        }
        if (info.isMultipart() && children.isEmpty()) {
            children = List.of(new ParsedEntity(bodyEnd, bodyEnd, bodyEnd, 0, ContentInfo.emptyText(), Header.EMPTY,
                    List.of(), null));
        }
        return new ParsedEntity(headerStart, bodyStart, bodyEnd, lineFeedsAtEnd - lineFeedsAtBody, info, h, children,
                message);
    }

    /** The body of a multipart: preamble, parts, epilogue; ends at the end of input or an outer delimiter. */
    private List<ParsedEntity> parts(String boundary, int depth, boolean digest) throws IOException {
        int level = boundaries.size();
        boundaries.add(boundary.getBytes(StandardCharsets.UTF_8));
        List<ParsedEntity> parts = new ArrayList<>();
        try {
            while (true) {
                if (pending == null && !content()) {
                    break; // end of input: a missing close delimiter
                }
                if (pending.level() < level) {
                    break; // an enclosing multipart's delimiter ends this one too
                }
                boolean close = pending.close();
                consume();
                if (close) {
                    truncate(level);
                    content(); // the epilogue
                    break;
                }
                if (parts.size() < MAX_PARTS) {
                    parts.add(entity(depth + 1, digest));
                }
            }
        } finally {
            truncate(level);
        }
        return parts;
    }

    /** Reads content lines up to a delimiter (then pending, true) or the end of input (false). */
    private boolean content() throws IOException {
        while (reader.next(line, BODY_KEEP)) {
            if (delimiter()) {
                return true;
            }
            last = Kind.CONTENT;
            lastTerminator = line.terminator;
        }
        return false;
    }

    /** If {@link #line} is a delimiter of an open multipart, makes it pending and says so. */
    private boolean delimiter() {
        if (boundaries.isEmpty() || line.kept < 3 || line.bytes[0] != '-' || line.bytes[1] != '-') {
            return false;
        }
        for (int level = 0; level < boundaries.size(); level++) {
            int match = match(boundaries.get(level));
            if (match != 0) {
                boolean takesLineBreak = last == Kind.CONTENT;
                long cut = takesLineBreak ? line.start - lastTerminator : line.start;
                long lineFeedsAtCut = takesLineBreak ? line.lineFeedsBefore - 1 : line.lineFeedsBefore;
                pending = new Delimiter(level, match == 2, line.start, cut, lineFeedsAtCut);
                return true;
            }
        }
        return false;
    }

    /** 0: not this boundary's delimiter; 1: a delimiter; 2: the close delimiter. */
    private int match(byte[] boundary) {
        int after = 2 + boundary.length;
        if (line.kept < after) {
            return 0;
        }
        for (int i = 0; i < boundary.length; i++) {
            if (line.bytes[2 + i] != boundary[i]) {
                return 0;
            }
        }
        if (line.length == after) {
            return 1; // "--b" and the end of input
        }
        if (line.kept == after) {
            return 0; // cannot happen: BODY_KEEP covers the longest boundary
        }
        byte next = line.bytes[after];
        if (next == ' ' || next == '\t' || next == '\r' || next == '\n') {
            return 1;
        }
        if (next == '-' && line.kept > after + 1 && line.bytes[after + 1] == '-') {
            return 2;
        }
        return 0;
    }

    private void consume() {
        pending = null;
        last = Kind.DELIMITER;
        lastTerminator = line.terminator;
    }

    private void truncate(int level) {
        while (boundaries.size() > level) {
            boundaries.remove(boundaries.size() - 1);
        }
    }

    private static ParsedEntity empty(long at) {
        return new ParsedEntity(at, at, at, 0, ContentInfo.of(Header.EMPTY, false), Header.EMPTY, List.of(), null);
    }
}
