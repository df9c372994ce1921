package org.murder.protocol.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Incremental, bounded framer for line-and-literal protocols (MUPDATE, IMAP): splits a byte stream into
 * frames of one command line plus the payload of every literal ({@code {n}} or {@code {n+}} at the end of a
 * line) it announces. Partial input is kept between calls, so the caller may feed whatever the socket gave.
 *
 * <p>Bounds are deliberate errors, never exceptions: an oversize line, literal or frame is reported through
 * {@link FrameSink#frameTooLarge} and the rest of that command is skipped (honouring non-synchronizing
 * literals the way Cyrus's {@code eatline} does), after which decoding resumes at the next command.
 *
 * <p>With a {@link LiteralSpill}, a literal larger than its threshold is written to a file as it arrives instead of
 * into the frame, and the frame comes as a {@link SpilledFrame}; the frame bound then counts what stays in memory
 * (lines and small literals; a small literal that would pass it is spilled too), and the spilled literals of one
 * command together are bounded by the literal bound. A
 * file that cannot be written fails the command through {@link FrameSink#spillFailed}; {@link #close()} deletes
 * the file of a literal still arriving when the connection goes.
 *
 * <p>Not thread-safe: one decoder per connection direction.
 */
public final class FrameDecoder {

    private enum Mode { LINE, LITERAL, SPILL_LITERAL, DISCARD_LINE, DISCARD_LITERAL }

    /**
     * Longest literal marker we need to recognise at the end of a discarded line: "{" + one digit more than
     * LiteralMarker reads + "+}\r" (leading zeros collapse into one as they arrive, and digits past those are
     * dropped, see {@link #pushTail}): a marker of any length is seen, as in a line that is kept.
     */
    private static final int TAIL = 24;
    private static final byte LF = '\n';
    private static final byte CR = '\r';

    private final int maxLineLength;
    private int maxLiteralSize;
    private int maxFrameSize;
    /** Largest non-synchronizing literal taken ({@code {n+}}): IMAP's LITERAL- (RFC 7888 §5) lowers it to 4096. */
    private long maxNonSynchronizingLiteral = Long.MAX_VALUE;
    /** Where large literals go; null: every literal stays in the frame (MUPDATE, the clients). */
    private final LiteralSpill spill;

    private static final int INITIAL_CAPACITY = 128;
    private static final int RETAINED_CAPACITY = 64 * 1024;

    private byte[] frame = new byte[INITIAL_CAPACITY];
    private int frameLen;
    /** Where the current line segment (the part after the last literal) starts in {@link #frame}. */
    private int lineStart;
    private long literalRemaining;
    private Mode mode = Mode.LINE;

    /** The file the literal being read goes to (mode SPILL_LITERAL). */
    private LiteralSpill.Writer spilling;
    /** The current frame's spilled literals, by the offset their payload would have had. */
    private Map<Integer, SpilledLiteral> spilled = new HashMap<>();
    private long spilledBytes;

    /** Last bytes of a line being discarded, to spot a literal marker at its end. */
    private final byte[] tail = new byte[TAIL];
    private int tailLen;

    /**
     * @param maxLineLength  longest line segment, terminator excluded
     * @param maxLiteralSize largest single literal
     * @param maxFrameSize   largest whole frame (all lines and literals, final terminator excluded)
     */
    public FrameDecoder(int maxLineLength, int maxLiteralSize, int maxFrameSize) {
        this(maxLineLength, maxLiteralSize, maxFrameSize, null);
    }

    /**
     * A decoder that writes literals larger than {@code spill}'s threshold to files.
     *
     * @param maxFrameSize largest whole frame as held in memory: spilled literals do not count
     */
    public FrameDecoder(int maxLineLength, int maxLiteralSize, int maxFrameSize, LiteralSpill spill) {
        this.spill = spill;
        if (maxLineLength < 1 || maxLiteralSize < 0 || maxFrameSize < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        this.maxLineLength = maxLineLength;
        this.maxLiteralSize = maxLiteralSize;
        this.maxFrameSize = maxFrameSize;
    }

    /**
     * New bounds for the frames that follow (IMAP raises them once the client has authenticated: before, a
     * stranger's literal is held in memory, so only small ones are taken).
     */
    public void limits(int maxLiteralSize, int maxFrameSize) {
        if (maxLiteralSize < 0 || maxFrameSize < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        this.maxLiteralSize = maxLiteralSize;
        this.maxFrameSize = maxFrameSize;
    }

    /**
     * Non-synchronizing literals larger than {@code max} are refused like an oversize literal (the command is answered
     * as too large, its literal read and dropped, the connection kept): RFC 7888 §4's first choice for a server that
     * advertises LITERAL-.
     */
    public void nonSynchronizingLimit(long max) {
        if (max < 0) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        this.maxNonSynchronizingLiteral = max;
    }

    /** Consumes every remaining byte of {@code in}, reporting complete frames and errors to {@code sink}. */
    public void decode(ByteBuffer in, FrameSink sink) {
        while (in.hasRemaining()) {
            switch (mode) {
                case LINE -> lineByte(in.get(), sink);
                case LITERAL -> literalBytes(in);
                case SPILL_LITERAL -> spillBytes(in, sink);
                case DISCARD_LINE -> discardLineByte(in.get());
                case DISCARD_LITERAL -> discardLiteralBytes(in);
            }
        }
    }

    /** Forgets any partial command, e.g. input pipelined before a STARTTLS handshake. */
    public void reset() {
        dropSpilled();
        startFrame();
        mode = Mode.LINE;
        tailLen = 0;
        literalRemaining = 0;
    }

    /**
     * The connection is gone: the file of a literal still arriving, and those of the unfinished command, are deleted.
     * The decoder may be used again (as after {@link #reset()}).
     */
    public void close() {
        reset();
    }

    /** True when no partial command is buffered (useful before switching a connection to TLS). */
    public boolean idle() {
        return mode == Mode.LINE && frameLen == 0;
    }

    private void lineByte(byte b, FrameSink sink) {
        if (b == LF) {
            endOfLine(sink);
            return;
        }
        int segment = frameLen - lineStart;
        // One byte beyond each bound is tolerated only if it is the CR of the coming CRLF.
        if (segment >= maxLineLength && !(segment == maxLineLength && b == CR)) {
            fail(sink, "line too long", true);
            pushTail(b);
            return;
        }
        if (frameLen >= maxFrameSize && !(frameLen == maxFrameSize && b == CR)) {
            fail(sink, "command too large", true);
            pushTail(b);
            return;
        }
        append(b);
    }

    private void endOfLine(FrameSink sink) {
        int end = frameLen;
        if (end > lineStart && frame[end - 1] == CR) {
            end--;
        }
        if (end - lineStart > maxLineLength) {
            fail(sink, "line too long", false);
            return;
        }
        LiteralMarker marker = LiteralMarker.find(frame, lineStart, end);
        if (marker == null) {
            if (end > maxFrameSize) {
                fail(sink, "command too large", false);
                return;
            }
            byte[] complete = Arrays.copyOf(frame, end);
            startFrame();
            if (spilled.isEmpty()) {
                sink.frame(complete);
            } else {
                SpilledFrame withFiles = new SpilledFrame(complete, spilled);
                spilled = new HashMap<>(); // the sink owns those files now
                spilledBytes = 0;
                sink.frame(withFiles);
            }
            return;
        }
        // A literal also goes to a file when keeping it would pass the in-memory bound, if literals may be larger than
        // that bound (after login): a MULTIAPPEND of many messages each under the threshold is then bounded by the
        // literal bound, like one large message. Before login (literals smaller than frames) nothing goes to disk.
        boolean toFile = spill != null && (spill.spills(marker.size())
                || maxLiteralSize > maxFrameSize && frameLen + 1 + marker.size() > maxFrameSize);
        if (marker.size() > maxLiteralSize) {
            rejectLiteral(sink, marker, "literal too large");
        } else if (!marker.synchronizing() && marker.size() > maxNonSynchronizingLiteral) {
            rejectLiteral(sink, marker, "non-synchronizing literal larger than " + maxNonSynchronizingLiteral + " octets");
        } else if (toFile ? frameLen + 1 > maxFrameSize || spilledBytes + marker.size() > maxLiteralSize
                : frameLen + 1 + marker.size() > maxFrameSize) {
            rejectLiteral(sink, marker, "command too large");
        } else {
            if (toFile) {
                try {
                    spilling = spill.open();
                } catch (IOException | RuntimeException e) {
                    // before "+ go ahead": a synchronizing literal is simply never sent
                    refuseLiteral(marker, tag -> sink.spillFailed(tag, spillTrouble(e)));
                    return;
                }
            }
            append(LF);
            literalRemaining = marker.size();
            mode = toFile ? Mode.SPILL_LITERAL : Mode.LITERAL;
            if (literalRemaining == 0) {
                endOfLiteral();
            }
            if (marker.synchronizing()) {
                sink.continuationRequested();
            }
        }
    }

    private static String spillTrouble(Exception e) {
        return "cannot store the literal: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private void rejectLiteral(FrameSink sink, LiteralMarker marker, String reason) {
        refuseLiteral(marker, tag -> sink.frameTooLarge(tag, reason));
    }

    /** Ends the command at a literal it will not take; {@code tell} is called once the decoder's state is settled. */
    private void refuseLiteral(LiteralMarker marker, java.util.function.Consumer<String> tell) {
        String tag = tag();
        dropSpilled();
        startFrame();
        if (marker.synchronizing()) {
            // The peer waits for "+ go ahead" that never comes; the command ends here.
            mode = Mode.LINE;
        } else {
            literalRemaining = marker.size();
            mode = Mode.DISCARD_LITERAL;
        }
        tell.accept(tag);
    }

    private void literalBytes(ByteBuffer in) {
        int n = (int) Math.min(literalRemaining, in.remaining());
        ensureCapacity(frameLen + n);
        in.get(frame, frameLen, n);
        frameLen += n;
        literalRemaining -= n;
        if (literalRemaining == 0) {
            endOfLiteral();
        }
    }

    private void endOfLiteral() {
        mode = Mode.LINE;
        lineStart = frameLen;
    }

    private void spillBytes(ByteBuffer in, FrameSink sink) {
        int n = (int) Math.min(literalRemaining, in.remaining());
        ByteBuffer chunk = in.slice(in.position(), n);
        in.position(in.position() + n);
        literalRemaining -= n;
        try {
            spilling.write(chunk);
            if (literalRemaining == 0) {
                LiteralSpill.Writer done = spilling;
                spilling = null;
                SpilledLiteral file = done.finish();
                // the payload is not in the frame: a parser finds the file by the offset it would have started at
                spilled.put(frameLen, file);
                spilledBytes += file.length();
                endOfLiteral();
            }
        } catch (IOException | RuntimeException e) {
            // the client goes on sending the literal and the rest of its command: skip them, then answer NO
            String tag = tag();
            dropSpilled();
            startFrame();
            tailLen = 0;
            mode = literalRemaining > 0 ? Mode.DISCARD_LITERAL : Mode.DISCARD_LINE;
            sink.spillFailed(tag, spillTrouble(e));
        }
    }

    /** Deletes the files of the command being given up, and of a literal still being written. */
    private void dropSpilled() {
        if (spilling != null) {
            spilling.abort();
            spilling = null;
        }
        if (!spilled.isEmpty()) {
            spilled.values().forEach(SpilledLiteral::release);
            spilled = new HashMap<>();
        }
        spilledBytes = 0;
    }

    private void discardLineByte(byte b) {
        if (b != LF) {
            pushTail(b);
            return;
        }
        int end = tailLen;
        if (end > 0 && tail[end - 1] == CR) {
            end--;
        }
        LiteralMarker marker = LiteralMarker.find(tail, 0, end);
        tailLen = 0;
        if (marker == null || marker.synchronizing()) {
            // A synchronizing literal is never sent without our "+ go ahead": the command ends here.
            mode = Mode.LINE;
        } else if (marker.size() > 0) {
            literalRemaining = marker.size();
            mode = Mode.DISCARD_LITERAL;
        }
        // else an empty non-synchronizing literal: the command goes on with the next line, still discarded.
    }

    private void discardLiteralBytes(ByteBuffer in) {
        int n = (int) Math.min(literalRemaining, in.remaining());
        in.position(in.position() + n);
        literalRemaining -= n;
        if (literalRemaining == 0) {
            mode = Mode.DISCARD_LINE;
            tailLen = 0;
        }
    }

    /** Gives up on the current command; {@code midLine} means the rest of the line is still to come. */
    private void fail(FrameSink sink, String reason, boolean midLine) {
        String tag = tag();
        dropSpilled();
        tailLen = 0;
        if (midLine) {
            // Keep the end of what we saw: the discarded line may still end in a literal marker. From the line's
            // start, not its last TAIL bytes, so that a marker's leading zeros collapse (once per refused line).
            for (int i = lineStart; i < frameLen; i++) {
                pushTail(frame[i]);
            }
            mode = Mode.DISCARD_LINE;
        } else {
            mode = Mode.LINE;
        }
        startFrame();
        sink.frameTooLarge(tag, reason);
    }

    /** First token of the buffered command, if a space shows it is complete. */
    private String tag() {
        int limit = frameLen;
        for (int i = 0; i < limit; i++) {
            byte b = frame[i];
            if (b == ' ') {
                return i == 0 ? null : new String(frame, 0, i, StandardCharsets.ISO_8859_1);
            }
            if (b == CR || b == LF) {
                return null;
            }
        }
        return null;
    }

    private void pushTail(byte b) {
        if (b >= '0' && b <= '9') {
            if (tailLen >= 2 && tail[tailLen - 1] == '0' && tail[tailLen - 2] == '{') {
                tailLen--; // "{0" then a digit: the zero leads, drop it, so any number of them fits the tail
            } else if (sizeDigitsAtTailEnd() > LiteralMarker.MAX_DIGITS) {
                return; // already more digits than any size: more of them change nothing, and the "{" must stay
            }
        }
        if (tailLen == TAIL) {
            System.arraycopy(tail, 1, tail, 0, TAIL - 1);
            tailLen--;
        }
        tail[tailLen++] = b;
    }

    /** The digits ending the tail if a "{" opens them (a literal size being announced), else 0. */
    private int sizeDigitsAtTailEnd() {
        int i = tailLen - 1;
        while (i >= 0 && tail[i] >= '0' && tail[i] <= '9') {
            i--;
        }
        return i >= 0 && tail[i] == '{' ? tailLen - 1 - i : 0;
    }

    private void startFrame() {
        frameLen = 0;
        lineStart = 0;
        if (frame.length > RETAINED_CAPACITY) {
            // one big APPEND must not pin its buffer to an idle connection
            frame = new byte[INITIAL_CAPACITY];
        }
    }

    private void append(byte b) {
        ensureCapacity(frameLen + 1);
        frame[frameLen++] = b;
    }

    private void ensureCapacity(int needed) {
        if (needed > frame.length) {
            long grown = Math.max((long) frame.length * 2, needed);
            frame = Arrays.copyOf(frame, (int) Math.min(grown, Integer.MAX_VALUE - 8));
        }
    }
}
