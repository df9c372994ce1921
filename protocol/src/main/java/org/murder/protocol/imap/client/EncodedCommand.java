package org.murder.protocol.imap.client;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * One command ready for the wire, cut where the client must stop: a synchronizing literal's {@code {n}CRLF} ends
 * a part that {@link Part#awaitContinuation() awaits} the server's {@code +} before the next part may go; parts
 * that do not wait are simply sent one after the other. A large literal's payload is a part of its own, so that
 * an APPEND's message is a view of the caller's bytes, not a copy; anything else without a synchronizing literal
 * is one part.
 */
public record EncodedCommand(String tag, List<Part> parts) {

    /**
     * Bytes to send; when {@code awaitContinuation}, wait for a {@code +} response before sending the next part
     * (a tagged {@code NO}/{@code BAD} instead means the server refused the command: send nothing more of it).
     */
    public record Part(ByteBuffer bytes, boolean awaitContinuation) {
        public Part {
            bytes = bytes.asReadOnlyBuffer();
        }

        /** A fresh view on each call, so that sending it (moving its position) cannot spoil the value. */
        @Override
        public ByteBuffer bytes() {
            return bytes.duplicate();
        }
    }

    public EncodedCommand {
        Objects.requireNonNull(tag, "tag");
        parts = List.copyOf(parts);
        if (parts.isEmpty() || parts.get(parts.size() - 1).awaitContinuation()) {
            throw new IllegalArgumentException("a command ends with a part that does not wait");
        }
    }

    /** True when the command cannot be sent in one go: it holds a synchronizing literal. */
    public boolean synchronizing() {
        return parts.size() > 1 && parts.stream().anyMatch(Part::awaitContinuation);
    }

    /** All parts in one array, as the server will have received them once every continuation came. */
    public byte[] toByteArray() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part part : parts) {
            ByteBuffer b = part.bytes();
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            out.writeBytes(chunk);
        }
        return out.toByteArray();
    }
}
