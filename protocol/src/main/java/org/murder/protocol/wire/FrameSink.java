package org.murder.protocol.wire;

/**
 * Receives what a {@link FrameDecoder} makes of the input. Called on the decoding thread, in input order.
 */
public interface FrameSink {

    /**
     * One complete command (or response) line with the payload of every literal it announced, exactly as
     * received except for the final line terminator. Inner terminators and literal markers are kept so that a
     * parser can re-tokenize the frame.
     */
    void frame(byte[] frame);

    /**
     * A complete command some of whose literals went to files ({@link LiteralSpill}). The sink owns the frame's
     * references: it must {@link SpilledFrame#release() release} them once the command is handled. Sinks of decoders
     * without a spill never get one.
     */
    default void frame(SpilledFrame frame) {
        frame.release();
        throw new IllegalStateException("this sink takes no spilled literals");
    }

    /**
     * A synchronizing literal {@code {n}} was announced and accepted: the peer waits for {@code + go ahead}
     * before it sends the literal's bytes.
     */
    void continuationRequested();

    /**
     * A line, literal or whole command exceeded its bound. The decoder has given up on that command and skips
     * the rest of it on its own; the session should answer {@code tag BAD} (or {@code * BAD} without a tag).
     *
     * @param tagOrNull the first token of the command, when it had been seen
     * @param reason    short human text, fit for a BAD response
     */
    void frameTooLarge(String tagOrNull, String reason);

    /**
     * A literal could not be written to its file (a full disk, an I/O error): the decoder has given up on that
     * command and skips the rest of it, as for {@link #frameTooLarge}; the session should answer {@code tag NO}, the
     * server's trouble and not the client's mistake. Defaults to {@link #frameTooLarge}.
     */
    default void spillFailed(String tagOrNull, String reason) {
        frameTooLarge(tagOrNull, reason);
    }
}
