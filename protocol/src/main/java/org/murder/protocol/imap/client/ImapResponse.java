package org.murder.protocol.imap.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One whole response as {@link ImapResponseCollector} gathered it: its head, its bytes exactly as received
 * (lines, CRLFs and literals), and where each literal's payload sits in them. For small responses, which a
 * frontend inspects or passes on whole; large FETCH bodies are better relayed from the listener's events.
 */
public final class ImapResponse {

    /** Where a literal's payload sits in {@link #bytes()}. */
    public record Literal(int offset, int length, boolean binary) {
    }

    private final ImapResponseHead head;
    private final byte[] raw;
    private final List<Literal> literals;

    ImapResponse(ImapResponseHead head, byte[] raw, List<Literal> literals) {
        this.head = Objects.requireNonNull(head, "head");
        this.raw = raw;
        this.literals = List.copyOf(literals);
    }

    public ImapResponseHead head() {
        return head;
    }

    /** The response's bytes as received, read-only and without copying. */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(raw).asReadOnlyBuffer();
    }

    /** A copy of the response's bytes as received. */
    public byte[] bytes() {
        return raw.clone();
    }

    public List<Literal> literals() {
        return literals;
    }

    /** A copy of the payload of literal {@code index}. */
    public byte[] literal(int index) {
        Literal l = literals.get(index);
        return Arrays.copyOfRange(raw, l.offset(), l.offset() + l.length());
    }

    /**
     * The bytes of a tagged response with {@code newTag} in place of its own: a frontend answers its client under
     * the client's tag what the backend answered under the proxy's.
     */
    public byte[] retag(String newTag) {
        String tag = head.tag().orElseThrow(() -> new IllegalStateException("not a tagged response"));
        if (!org.murder.protocol.imap.ImapCommandParser.isTag(newTag)) {
            throw new ImapEncodingException("Invalid tag: " + CommandWriter.printable(newTag));
        }
        byte[] prefix = newTag.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + raw.length - tag.length()];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(raw, tag.length(), out, prefix.length, raw.length - tag.length());
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImapResponse r && head.equals(r.head) && Arrays.equals(raw, r.raw)
                && literals.equals(r.literals);
    }

    @Override
    public int hashCode() {
        return Objects.hash(head, Arrays.hashCode(raw), literals);
    }

    /** The head and the size: the bytes may be a message, or credentials echoed in a SASL challenge. */
    @Override
    public String toString() {
        return "ImapResponse[" + head.kind() + " " + head.tag().orElse("") + " " + head.keyword() + ", "
                + raw.length + " bytes, " + literals.size() + " literals]";
    }
}
