package org.murder.protocol.wire;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A frame some of whose literals went to files ({@link LiteralSpill}): {@code bytes} holds the command as received
 * except that a spilled literal's payload is missing — its {@code {n}CRLF} announcement is there, and the next line
 * goes on right after it. {@code literals} says, by the offset where each missing payload would have started, which
 * file holds it. A parser reading a literal at such an offset takes the file and does not advance.
 *
 * <p>The frame owns one reference to each file: {@link #release()} once the command has been handled.
 */
public record SpilledFrame(byte[] bytes, Map<Integer, SpilledLiteral> literals) {

    public SpilledFrame {
        Objects.requireNonNull(bytes, "bytes");
        literals = Map.copyOf(literals);
    }

    /** The file whose payload belongs at {@code offset}, if one does. */
    public Optional<SpilledLiteral> at(int offset) {
        return Optional.ofNullable(literals.get(offset));
    }

    /** Gives back the frame's reference to every file (idempotent). */
    public void release() {
        literals.values().forEach(SpilledLiteral::release);
    }

    @Override
    public String toString() {
        return "SpilledFrame[" + bytes.length + " bytes, " + literals.size() + " spilled]";
    }
}
