package org.murder.protocol.imap.command;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

import org.murder.protocol.wire.SpilledLiteral;

/**
 * APPEND's message, or a CATENATE TEXT part: either bytes in memory ({@link InFrame}, a small literal where it sits
 * in the command frame, or a message built in memory) or a file the frame decoder wrote a large literal to ({@link InFile}), so that a large
 * message is never held in the heap. {@code binary} marks a {@code literal8} ({@code ~{n}}, RFC 3516), which may hold
 * NUL and raw 8-bit content.
 *
 * <p>Read it with {@link #openStream()}. {@link #toByteArray()} reads it whole into memory: for small messages and
 * tests only.
 */
public sealed interface MessageLiteral extends AppendData permits MessageLiteral.InFrame, MessageLiteral.InFile {

    long length();

    boolean binary();

    /** A stream over the bytes (for a file, it opens the file). */
    InputStream openStream() throws IOException;

    /** True when a NUL byte is present: RFC 3501 forbids it outside a {@code literal8}. */
    boolean containsNul();

    /** A copy of the bytes in memory: small messages and tests only. */
    byte[] toByteArray();

    /** The file holding the bytes, when they are not in memory. */
    Optional<SpilledLiteral> file();

    /** A literal holding exactly {@code message} (tests, and messages built in memory). */
    static MessageLiteral of(byte[] message, boolean binary) {
        return new InFrame(message, 0, message.length, binary);
    }

    /** A literal whose bytes are in a file; the caller's reference to the file stays the caller's. */
    static MessageLiteral of(SpilledLiteral file, boolean binary) {
        return new InFile(file, binary);
    }

    /**
     * Where a literal's bytes sit inside the command frame, so that the parser does not copy them. The frame must not
     * be modified afterwards. Equality compares the bytes.
     */
    record InFrame(byte[] frame, int offset, int size, boolean binary) implements MessageLiteral {

        public InFrame {
            Objects.requireNonNull(frame, "frame");
            Objects.checkFromIndexSize(offset, size, frame.length);
        }

        @Override
        public long length() {
            return size;
        }

        @Override
        public byte[] toByteArray() {
            return Arrays.copyOfRange(frame, offset, offset + size);
        }

        /** A read-only view of the bytes, without copying. */
        public ByteBuffer buffer() {
            return ByteBuffer.wrap(frame, offset, size).slice().asReadOnlyBuffer();
        }

        /** A stream over the bytes, without copying. */
        @Override
        public InputStream openStream() {
            return new ByteArrayInputStream(frame, offset, size);
        }

        @Override
        public boolean containsNul() {
            for (int i = offset; i < offset + size; i++) {
                if (frame[i] == 0) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Optional<SpilledLiteral> file() {
            return Optional.empty();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof InFrame m && binary == m.binary
                    && Arrays.equals(frame, offset, offset + size, m.frame, m.offset, m.offset + m.size);
        }

        @Override
        public int hashCode() {
            int h = Boolean.hashCode(binary);
            for (int i = offset; i < offset + size; i++) {
                h = 31 * h + frame[i];
            }
            return h;
        }

        @Override
        public String toString() {
            return "MessageLiteral[" + size + " bytes" + (binary ? ", binary" : "") + "]";
        }
    }

    /**
     * A literal the frame decoder wrote to a file. The file belongs to the command's frame and is deleted once the
     * command has been handled: whoever needs it longer (a proxy sending it on) {@link SpilledLiteral#retain()
     * retains} it. Equality is the file's identity.
     */
    record InFile(SpilledLiteral spilled, boolean binary) implements MessageLiteral {

        public InFile {
            Objects.requireNonNull(spilled, "spilled");
        }

        @Override
        public long length() {
            return spilled.length();
        }

        @Override
        public InputStream openStream() throws IOException {
            return spilled.openStream();
        }

        @Override
        public boolean containsNul() {
            return spilled.containsNul();
        }

        @Override
        public byte[] toByteArray() {
            try {
                return Files.readAllBytes(spilled.path());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Optional<SpilledLiteral> file() {
            return Optional.of(spilled);
        }

        @Override
        public String toString() {
            return "MessageLiteral[" + spilled.length() + " bytes in a file" + (binary ? ", binary" : "") + "]";
        }
    }
}
