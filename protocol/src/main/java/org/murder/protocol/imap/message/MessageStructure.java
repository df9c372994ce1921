package org.murder.protocol.imap.message;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.murder.protocol.imap.command.FetchItem;

/**
 * Everything FETCH needs about one message, computed once at delivery: its size and line count, ENVELOPE,
 * BODYSTRUCTURE and BODY as IMAP wire text, and the byte offsets of every MIME part so that {@code BODY[section]} is
 * served from the spool file as a region. Immutable; {@link #serialize()} gives one string for one database column.
 *
 * <p>Header fields and parameters are parsed by mime4j, multipart delimiters by RFC 2046 line rules (see
 * {@code StructureParser} for why not mime4j's boundary stream); the output follows Cyrus's ENVELOPE/BODYSTRUCTURE
 * conventions (upper-case types, {@code 7BIT} and {@code TEXT/PLAIN; CHARSET=us-ascii} defaults, encoded words kept
 * raw, {@code unspecified-domain}) so that a Murder backend answers like a Cyrus one. Offsets are of the raw bytes as
 * given: a message with bare LF line ends gets bare-LF offsets and sizes, so the store should keep CRLF spool files
 * if it wants IMAP-exact sizes.
 */
public final class MessageStructure {

    private final long size;
    private final long lines;
    private final String envelope;
    private final String bodyStructure;
    private final String body;
    private final MessagePart root;

    MessageStructure(long size, long lines, String envelope, String bodyStructure, String body, MessagePart root) {
        this.size = size;
        this.lines = lines;
        this.envelope = Objects.requireNonNull(envelope, "envelope");
        this.bodyStructure = Objects.requireNonNull(bodyStructure, "bodyStructure");
        this.body = Objects.requireNonNull(body, "body");
        this.root = Objects.requireNonNull(root, "root");
        if (root.headerStart() != 0 || root.bodyEnd() != size || lines < 0 || lines > size) {
            throw new IllegalArgumentException("root part must span the message");
        }
    }

    /**
     * Reads {@code rawMessage} to its end, once, holding only a few buffers (not the message) in memory. Malformed MIME
     * is read leniently, never rejected; only an I/O error of the stream is thrown.
     */
    public static MessageStructure parse(InputStream rawMessage) throws IOException {
        StructureParser.Result parsed = StructureParser.parse(rawMessage);
        ParsedEntity e = parsed.message();
        return new MessageStructure(e.bodyEnd(), parsed.lines(), StructureWriter.envelope(e.header()),
                StructureWriter.body(e, true), StructureWriter.body(e, false), e.toPart());
    }

    /** RFC822.SIZE: the raw message's size in bytes. */
    public long size() {
        return size;
    }

    /** LF bytes in the whole message. */
    public long lines() {
        return lines;
    }

    /** The ENVELOPE wire text, parentheses included. */
    public String envelope() {
        return envelope;
    }

    /** The BODYSTRUCTURE wire text. */
    public String bodyStructure() {
        return bodyStructure;
    }

    /** The non-extensible BODY wire text. */
    public String body() {
        return body;
    }

    /** The message as an entity: its header, its body, and its parts. */
    public MessagePart root() {
        return root;
    }

    /** BODY[HEADER]: the message header, blank line included. */
    public ByteRange header() {
        return root.header();
    }

    /** BODY[TEXT]: the message body. */
    public ByteRange text() {
        return root.body();
    }

    /**
     * The part a section's part numbers name (RFC 3501 §6.4.5): in a multipart, part n is its n-th child; a
     * non-multipart message (top level or encapsulated) has only part 1, itself; after a message/rfc822 part the numbers
     * continue in the encapsulated message. Empty when there is no such part; {@code []} is the message.
     */
    public Optional<MessagePart> part(List<Integer> path) {
        MessagePart current = root;
        boolean first = true;
        for (int n : path) {
            MessagePart container;
            if (first) {
                container = root;
            } else if (current.isMultipart()) {
                container = current;
            } else if (current.isMessage()) {
                container = current.message().get();
            } else {
                return Optional.empty();
            }
            Optional<MessagePart> next = child(container, n);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            current = next.get();
            first = false;
        }
        return Optional.of(current);
    }

    /**
     * The bytes a section names: the whole part, or with a specifier its MIME header, or the HEADER / TEXT of the
     * message it is (top level) or encapsulates (a message/rfc822 part). For HEADER.FIELDS[.NOT] this is the header to
     * pick the fields from with {@link HeaderFields#select}. Empty when the message has no such section.
     */
    public Optional<ByteRange> section(List<Integer> path, Optional<FetchItem.Specifier> specifier) {
        Optional<MessagePart> found = part(path);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        MessagePart part = found.get();
        if (specifier.isEmpty()) {
            return Optional.of(path.isEmpty() ? ByteRange.between(0, size) : part.body());
        }
        FetchItem.Specifier s = specifier.get();
        if (s == FetchItem.Specifier.MIME) {
            return path.isEmpty() ? Optional.empty() : Optional.of(part.header());
        }
        MessagePart message = path.isEmpty() ? root : part.message().orElse(null);
        if (message == null) {
            return Optional.empty();
        }
        return Optional.of(s == FetchItem.Specifier.TEXT ? message.body() : message.header());
    }

    /** {@link #section(List, Optional)} for a parsed FETCH section. */
    public Optional<ByteRange> section(FetchItem.Section section) {
        return section(section.part(), section.specifier());
    }

    /** A compact string holding everything above, for one database column; {@link #deserialize} reads it back. */
    public String serialize() {
        return StructureCodec.write(this);
    }

    /** Reads {@link #serialize()}'s output; {@link IllegalArgumentException} when it is not such a string. */
    public static MessageStructure deserialize(String text) {
        return StructureCodec.read(text);
    }

    private static Optional<MessagePart> child(MessagePart message, int n) {
        if (message.isMultipart()) {
            List<MessagePart> children = message.children();
            return n >= 1 && n <= children.size() ? Optional.of(children.get(n - 1)) : Optional.empty();
        }
        return n == 1 ? Optional.of(message) : Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageStructure m && size == m.size && lines == m.lines && envelope.equals(m.envelope)
                && bodyStructure.equals(m.bodyStructure) && body.equals(m.body) && root.equals(m.root);
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, lines, envelope, bodyStructure, body, root);
    }

    @Override
    public String toString() {
        return "MessageStructure[size=" + size + ", lines=" + lines + ", bodyStructure=" + bodyStructure + "]";
    }
}
