package org.murder.protocol.imap.command;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * APPEND's message: where its bytes sit inside the command frame, so that a large message is not copied by the
 * parser. The frame must not be modified afterwards. {@code binary} marks a {@code literal8} ({@code ~{n}},
 * RFC 3516), which may hold NUL and raw 8-bit content. Equality compares the bytes.
 */
public record MessageLiteral(byte[] frame, int offset, int length, boolean binary) {

    public MessageLiteral {
        Objects.requireNonNull(frame, "frame");
        Objects.checkFromIndexSize(offset, length, frame.length);
    }

    /** A literal holding exactly {@code message} (tests, and messages built in memory). */
    public static MessageLiteral of(byte[] message, boolean binary) {
        return new MessageLiteral(message, 0, message.length, binary);
    }

    /** A copy of the bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(frame, offset, offset + length);
    }

    /** A read-only view of the bytes, without copying. */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(frame, offset, length).slice().asReadOnlyBuffer();
    }

    /** A stream over the bytes, without copying. */
    public InputStream openStream() {
        return new ByteArrayInputStream(frame, offset, length);
    }

    /** True when a NUL byte is present: RFC 3501 forbids it outside a {@code literal8}. */
    public boolean containsNul() {
        for (int i = offset; i < offset + length; i++) {
            if (frame[i] == 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageLiteral m && binary == m.binary
                && Arrays.equals(frame, offset, offset + length, m.frame, m.offset, m.offset + m.length);
    }

    @Override
    public int hashCode() {
        int h = Boolean.hashCode(binary);
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + frame[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return "MessageLiteral[" + length + " bytes" + (binary ? ", binary" : "") + "]";
    }
}
