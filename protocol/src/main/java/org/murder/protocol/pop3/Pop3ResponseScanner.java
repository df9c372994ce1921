package org.murder.protocol.pop3;

import java.nio.ByteBuffer;

/**
 * The client's side of a POP3 response, for a proxy that passes responses on byte for byte: it finds where the answer
 * to the current command ends (its status line, and for a positive answer to a multi-line command the line that is a
 * lone dot) without keeping the response, and tells whether the status was {@code +OK}. Incremental: the input may be
 * split anywhere. Only the status line's first {@value #KEPT} characters are kept. Not thread-safe.
 */
public final class Pop3ResponseScanner {

    /** How much of a status line is kept for {@link #statusLine()}; the rest is passed on, not looked at. */
    static final int KEPT = 1024;

    private enum State { IDLE, STATUS, STATUS_CR, BODY_LINE_START, BODY_MID, BODY_CR, DOT, DOT_CR, COMPLETE }

    private State state = State.IDLE;
    private boolean multiLineIfOk;
    private final StringBuilder status = new StringBuilder();

    /** Starts on the answer to a command whose positive answer is multi-line or not ({@link Pop3Command#multiLine}). */
    public void expect(boolean multiLineIfOk) {
        this.multiLineIfOk = multiLineIfOk;
        this.state = State.STATUS;
        status.setLength(0);
    }

    /**
     * Takes the bytes of {@code in} that belong to the current response (all of them, or up to its end) and advances
     * {@code in} past them.
     *
     * @return those bytes, sharing {@code in}'s content
     * @throws IllegalStateException when no response is expected
     */
    public ByteBuffer take(ByteBuffer in) {
        if (state == State.IDLE || state == State.COMPLETE) {
            throw new IllegalStateException("no response expected");
        }
        int start = in.position();
        while (in.hasRemaining() && state != State.COMPLETE) {
            step(in.get());
        }
        ByteBuffer part = in.duplicate();
        part.position(start).limit(in.position());
        return part.slice();
    }

    private void step(byte b) {
        switch (state) {
            case STATUS -> {
                if (b == '\n') {
                    statusEnd();
                } else if (b == '\r') {
                    state = State.STATUS_CR;
                } else if (status.length() < KEPT) {
                    status.append((char) (b & 0xff));
                }
            }
            case STATUS_CR -> {
                if (b == '\n') {
                    statusEnd();
                } else {
                    if (status.length() < KEPT) {
                        status.append('\r');
                    }
                    state = State.STATUS;
                    step(b);
                }
            }
            case BODY_LINE_START -> state = b == '.' ? State.DOT : body(b);
            case BODY_MID -> state = body(b);
            case BODY_CR -> state = b == '\n' ? State.BODY_LINE_START : body(b);
            case DOT -> state = b == '\n' ? State.COMPLETE : b == '\r' ? State.DOT_CR : State.BODY_MID;
            case DOT_CR -> state = b == '\n' ? State.COMPLETE : body(b);
            default -> throw new IllegalStateException(state.toString());
        }
    }

    private static State body(byte b) {
        return b == '\n' ? State.BODY_LINE_START : b == '\r' ? State.BODY_CR : State.BODY_MID;
    }

    private void statusEnd() {
        state = multiLineIfOk && ok() ? State.BODY_LINE_START : State.COMPLETE;
    }

    /** Whether the response has ended. */
    public boolean complete() {
        return state == State.COMPLETE;
    }

    /** Whether the status line (as far as read) says {@code +OK}. */
    public boolean ok() {
        return status.length() >= 3 && status.substring(0, 3).equals("+OK");
    }

    /** The status line, as far as read and kept, without its line end. */
    public String statusLine() {
        return status.toString();
    }
}
