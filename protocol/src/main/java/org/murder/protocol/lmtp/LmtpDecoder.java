package org.murder.protocol.lmtp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental, bounded decoder for the client side of an LMTP connection: command lines, and after DATA the
 * message, dot-unstuffed and streamed out in chunks until {@code CRLF.CRLF}. Partial input is kept between
 * calls, so the caller feeds whatever the socket gave; the terminator may be split across reads at any byte.
 *
 * <ul>
 *   <li>Command lines end with CRLF or a bare LF. A line longer than the bound (RFC 5321 §4.5.3.1.4: 512
 *       octets with CRLF) is skipped up to its line end and reported once through {@link LmtpSink#lineTooLong()};
 *       decoding resumes with the next line.</li>
 *   <li>In DATA (entered by {@link #startData()}), a line starting with a dot loses that dot (RFC 5321 §4.5.2:
 *       {@code ..} is {@code .}), a line that is only a dot ends the message, and every line end (CRLF or
 *       bare LF) is given out as CRLF. A bare CR (not followed by LF) is data, not a line end. The start of the
 *       message counts as a line start, so {@code .CRLF} right after {@code 354} is an empty message.</li>
 *   <li>A message larger than its bound is read to its end all the same, then reported through
 *       {@link LmtpSink#messageTooLarge}, so that the server answers 552 and stays in step.</li>
 * </ul>
 *
 * <p>Memory is bounded by the line bound plus a fixed chunk buffer, whatever the message size. Not
 * thread-safe: one decoder per connection.
 */
public final class LmtpDecoder {

    /** RFC 5321 §4.5.3.1.4: a command line, CRLF included. */
    public static final int DEFAULT_MAX_LINE_OCTETS = 512;

    private enum Mode { COMMAND, DISCARD_LINE, DATA }

    /** Where DATA stands: which of the pending bytes (a CR, a leading dot) are still undecided. */
    private enum DataState { LINE_START, MID_LINE, CR, DOT, DOT_CR }

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';
    private static final int CHUNK = 8192;

    private final int maxLineContent;
    private final long maxMessageSize;

    private byte[] line = new byte[128];
    private int lineLen;
    private Mode mode = Mode.COMMAND;
    private boolean paused;

    private DataState state = DataState.LINE_START;
    private final byte[] chunk = new byte[CHUNK];
    private int chunkLen;
    private long messageSize;

    /** A decoder with RFC 5321's line bound. */
    public LmtpDecoder(long maxMessageSize) {
        this(DEFAULT_MAX_LINE_OCTETS, maxMessageSize);
    }

    /**
     * @param maxLineOctets  longest command line, line end included (counted as CRLF); RFC 4954 suggests 12288
     *                       for servers that want long AUTH initial responses
     * @param maxMessageSize largest message in octets after unstuffing, CRLF line ends; {@link Long#MAX_VALUE}
     *                       for no bound
     */
    public LmtpDecoder(int maxLineOctets, long maxMessageSize) {
        if (maxLineOctets < 3 || maxMessageSize < 0) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        this.maxLineContent = maxLineOctets - 2;
        this.maxMessageSize = maxMessageSize;
    }

    /** Consumes every remaining byte of {@code in}, reporting lines, message chunks and errors to {@code sink}. */
    public void decode(ByteBuffer in, LmtpSink sink) {
        paused = false;
        while (in.hasRemaining() && !paused) {
            switch (mode) {
                case COMMAND -> commandByte(in.get(), sink);
                case DISCARD_LINE -> discard(in, sink);
                case DATA -> data(in, sink);
            }
        }
        flushChunk(sink);
    }

    /**
     * From the next byte on, the input is a message, up to {@code CRLF.CRLF}. Call it from
     * {@link LmtpSink#commandLine} (after sending {@code 354}) or between two {@link #decode} calls.
     *
     * @throws IllegalStateException in the middle of a line or of a message
     */
    public void startData() {
        if (!idle()) {
            throw new IllegalStateException("DATA can only start between two command lines");
        }
        mode = Mode.DATA;
        state = DataState.LINE_START;
        messageSize = 0;
        chunkLen = 0;
    }

    /**
     * Called from {@link LmtpSink#commandLine}: {@link #decode} returns after that line and leaves the rest of its
     * buffer unread, e.g. after {@code DATA}, until the server has decided whether a message or commands follow.
     */
    public void pause() {
        paused = true;
    }

    /** True between two command lines: nothing of a line or a message is buffered or pending. */
    public boolean idle() {
        return mode == Mode.COMMAND && lineLen == 0;
    }

    /** True while reading a message. */
    public boolean inData() {
        return mode == Mode.DATA;
    }

    /** Forgets a partial line or message, e.g. input pipelined before a STARTTLS handshake (as Cyrus does). */
    public void reset() {
        mode = Mode.COMMAND;
        lineLen = 0;
        chunkLen = 0;
        messageSize = 0;
        state = DataState.LINE_START;
    }

    // --- command mode

    private void commandByte(byte b, LmtpSink sink) {
        if (b == LF) {
            int end = lineLen > 0 && line[lineLen - 1] == CR ? lineLen - 1 : lineLen;
            String complete = new String(line, 0, end, StandardCharsets.ISO_8859_1);
            lineLen = 0;
            sink.commandLine(complete);
            return;
        }
        // One byte beyond the bound is taken only if it is the CR of the coming CRLF.
        if (lineLen >= maxLineContent && !(lineLen == maxLineContent && b == CR)) {
            lineLen = 0;
            mode = Mode.DISCARD_LINE;
            return;
        }
        if (lineLen == line.length) {
            line = Arrays.copyOf(line, Math.min(line.length * 2, maxLineContent + 1));
        }
        line[lineLen++] = b;
    }

    private void discard(ByteBuffer in, LmtpSink sink) {
        while (in.hasRemaining()) {
            if (in.get() == LF) {
                mode = Mode.COMMAND;
                sink.lineTooLong();
                return;
            }
        }
    }

    // --- DATA

    private void data(ByteBuffer in, LmtpSink sink) {
        while (in.hasRemaining()) {
            byte b = in.get();
            switch (state) {
                case LINE_START -> {
                    if (b == DOT) {
                        state = DataState.DOT;
                    } else {
                        midLine(b, sink);
                    }
                }
                case MID_LINE -> midLine(b, sink);
                case CR -> {
                    if (b == LF) {
                        lineEnd(sink);
                    } else {
                        emit(CR, sink);
                        midLine(b, sink);
                    }
                }
                case DOT -> {
                    // the leading dot is gone whatever follows: "..x" is ".x", ".x" is "x", "." alone ends
                    if (b == LF) {
                        endOfMessage(sink);
                        return;
                    } else if (b == CR) {
                        state = DataState.DOT_CR;
                    } else {
                        midLine(b, sink);
                    }
                }
                case DOT_CR -> {
                    if (b == LF) {
                        endOfMessage(sink);
                        return;
                    }
                    emit(CR, sink);
                    midLine(b, sink);
                }
            }
        }
    }

    private void midLine(byte b, LmtpSink sink) {
        if (b == CR) {
            state = DataState.CR;
        } else if (b == LF) {
            lineEnd(sink);
        } else {
            emit(b, sink);
            state = DataState.MID_LINE;
        }
    }

    private void lineEnd(LmtpSink sink) {
        emit(CR, sink);
        emit(LF, sink);
        state = DataState.LINE_START;
    }

    private void emit(byte b, LmtpSink sink) {
        messageSize++;
        if (messageSize > maxMessageSize) {
            // too large: count on to the end, hand out nothing more
            chunkLen = 0;
            return;
        }
        if (chunkLen == chunk.length) {
            flushChunk(sink);
        }
        chunk[chunkLen++] = b;
    }

    private void flushChunk(LmtpSink sink) {
        if (chunkLen > 0) {
            int n = chunkLen;
            chunkLen = 0;
            sink.messageChunk(chunk, 0, n);
        }
    }

    private void endOfMessage(LmtpSink sink) {
        flushChunk(sink);
        mode = Mode.COMMAND;
        state = DataState.LINE_START;
        long size = messageSize;
        messageSize = 0;
        if (size > maxMessageSize) {
            sink.messageTooLarge(size);
        } else {
            sink.messageEnd(size);
        }
    }
}
