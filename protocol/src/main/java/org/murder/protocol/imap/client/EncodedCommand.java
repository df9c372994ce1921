package org.murder.protocol.imap.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One command ready for the wire, cut where the client must stop: a synchronizing literal's {@code {n}CRLF} ends
 * a part that {@link Part#awaitContinuation() awaits} the server's {@code +} before the next part may go; parts
 * that do not wait are simply sent one after the other. A large literal's payload is a part of its own, so that
 * an APPEND's message is a view of the caller's bytes, not a copy — or, when the message is in a file, a
 * {@link FileRegion} the sender streams from the file in chunks, so that it never sits in the heap whole; anything
 * else without a synchronizing literal is one part.
 */
public record EncodedCommand(String tag, List<Part> parts) {

    /** What is sent, in order. */
    public sealed interface Part permits Bytes, FileRegion {

        /**
         * When true, wait for a {@code +} response before sending the next part (a tagged {@code NO}/{@code BAD}
         * instead means the server refused the command: send nothing more of it).
         */
        boolean awaitContinuation();

        /** Bytes this part puts on the wire. */
        long length();
    }

    /** Bytes in memory. */
    public record Bytes(ByteBuffer bytes, boolean awaitContinuation) implements Part {
        public Bytes {
            bytes = bytes.asReadOnlyBuffer();
        }

        /** A fresh view on each call, so that sending it (moving its position) cannot spoil the value. */
        @Override
        public ByteBuffer bytes() {
            return bytes.duplicate();
        }

        @Override
        public long length() {
            return bytes.remaining();
        }
    }

    /**
     * {@code length} bytes of {@code file} from {@code offset}: a literal's payload, which never waits for a
     * continuation (its announcement, before it, does). The file must stay until the part has been sent.
     */
    public record FileRegion(Path file, long offset, long length) implements Part {
        public FileRegion {
            Objects.requireNonNull(file, "file");
            if (offset < 0 || length < 0 || offset > Long.MAX_VALUE - length) {
                throw new IllegalArgumentException("invalid file region " + offset + "+" + length);
            }
        }

        @Override
        public boolean awaitContinuation() {
            return false;
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

    /**
     * All parts in one array, as the server will have received them once every continuation came; file regions are
     * read into it (tests and small commands only).
     */
    public byte[] toByteArray() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part part : parts) {
            ByteBuffer b = part instanceof Bytes bytes ? bytes.bytes() : read((FileRegion) part);
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            out.writeBytes(chunk);
        }
        return out.toByteArray();
    }

    private static ByteBuffer read(FileRegion region) {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(region.length()));
        try (FileChannel ch = FileChannel.open(region.file())) {
            while (b.hasRemaining()) {
                if (ch.read(b, region.offset() + b.position()) < 0) {
                    throw new IOException("file shorter than the region: " + region);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.flip();
    }
}
