package org.murder.protocol.imap.client;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Incremental, bounded reader of a server's responses, for a frontend's connection to a backend: feed it bytes in
 * whatever chunks the socket gives, and it reports each response to its {@link ImapResponseListener} as it
 * arrives. Only first lines are parsed ({@link ImapResponseHead}); data and literals pass as bytes, literals in
 * the chunks they came in, so memory per connection is one line, however large a literal.
 *
 * <p>Strict about line ends: a line ends in CRLF, and a lone CR or LF, or a NUL, outside a literal is an error.
 * Cyrus sends CRLF; a relay that took a bare LF for a line end where its client does not (or the reverse) could
 * be made to see two different response streams.
 *
 * <p>Every malformed input or exceeded bound throws {@link ImapResponseException} from {@code feed}; listener
 * events already delivered stand, but the response in progress never ends. The reader is then failed: every later
 * {@code feed} throws {@link IllegalStateException}. Close the connection: IMAP cannot be resynchronised.
 *
 * <p>Not thread-safe: one reader per backend connection.
 */
public final class ImapResponseReader {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final int INITIAL_CAPACITY = 256;

    private enum State { LINE, LITERAL, FAILED }

    private final ImapResponseLimits limits;
    private final ImapResponseListener listener;

    private State state = State.LINE;
    private byte[] line = new byte[INITIAL_CAPACITY];
    private int lineLength;
    /** Null between responses; the response's head once its first line is complete. */
    private ImapResponseHead head;
    private long responseSize;
    private int literals;
    private long literalRemaining;

    public ImapResponseReader(ImapResponseLimits limits, ImapResponseListener listener) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Consumes every remaining byte of {@code in}. */
    public void feed(ByteBuffer in) {
        if (state == State.FAILED) {
            throw new IllegalStateException("the response stream failed earlier");
        }
        try {
            while (in.hasRemaining()) {
                if (state == State.LITERAL) {
                    literalBytes(in);
                } else {
                    lineBytes(in);
                }
            }
        } catch (ImapResponseException e) {
            state = State.FAILED;
            throw e;
        }
    }

    public void feed(byte[] bytes, int offset, int length) {
        feed(ByteBuffer.wrap(bytes, offset, length));
    }

    /** True between responses: nothing of a next one has arrived yet. */
    public boolean idle() {
        return state == State.LINE && head == null && lineLength == 0;
    }

    private void literalBytes(ByteBuffer in) {
        int n = (int) Math.min(literalRemaining, in.remaining());
        ByteBuffer chunk = in.slice();
        chunk.limit(n);
        in.position(in.position() + n);
        literalRemaining -= n;
        if (literalRemaining == 0) {
            state = State.LINE;
        }
        listener.literalChunk(chunk.asReadOnlyBuffer());
    }

    /** Copies up to and including the next LF into the line buffer, checking bounds before growing it. */
    private void lineBytes(ByteBuffer in) {
        int start = in.position();
        int limit = in.limit();
        int lf = -1;
        for (int i = start; i < limit; i++) {
            if (in.get(i) == LF) {
                lf = i;
                break;
            }
        }
        int take = (lf >= 0 ? lf + 1 : limit) - start;
        long length = (long) lineLength + take;
        // The bound excludes CRLF: until the LF is seen one more byte (the CR) is allowed.
        long allowed = (long) limits.maxLineLength() + (lf >= 0 ? 2 : 1);
        if (length > allowed) {
            throw new ImapResponseException("Response line too long");
        }
        if (responseSize + length > limits.maxResponseSize()) {
            throw new ImapResponseException("Response too large");
        }
        ensureCapacity((int) length);
        in.get(line, lineLength, take);
        lineLength = (int) length;
        if (lf >= 0) {
            endOfLine();
        }
    }

    private void endOfLine() {
        int end = lineLength - 2;
        if (end < 0 || line[end] != CR) {
            throw new ImapResponseException("Line not ended by CRLF");
        }
        for (int i = 0; i < end; i++) {
            if (line[i] == CR || line[i] == 0) {
                throw new ImapResponseException(line[i] == 0 ? "NUL in a response line" : "Stray CR in a response line");
            }
        }
        boolean first = head == null;
        if (first) {
            head = ResponseHeadParser.parse(line, end);
        }
        LiteralHeader literal = head.mayHaveLiterals() ? LiteralHeader.find(line, end) : null;
        responseSize += lineLength;
        if (literal != null) {
            checkLiteral(literal);
        }
        ByteBuffer bytes = ByteBuffer.wrap(line, 0, lineLength).asReadOnlyBuffer();
        lineLength = 0;
        if (first) {
            listener.responseStart(head);
        }
        listener.lineBytes(bytes);
        if (literal == null) {
            head = null;
            responseSize = 0;
            literals = 0;
            shrink();
            listener.responseEnd();
            return;
        }
        listener.literalStart(literal.size(), literal.binary());
        if (literal.size() > 0) {
            literalRemaining = literal.size();
            state = State.LITERAL;
        }
    }

    /** Refuses a literal over a bound before its announcement is passed on, so a relay never forwards half. */
    private void checkLiteral(LiteralHeader literal) {
        if (++literals > limits.maxLiterals()) {
            throw new ImapResponseException("Too many literals in one response");
        }
        if (literal.size() > limits.maxLiteralSize()) {
            throw new ImapResponseException("Literal too large");
        }
        if (literal.size() > limits.maxResponseSize() - responseSize) {
            throw new ImapResponseException("Response too large");
        }
        responseSize += literal.size();
    }

    private void ensureCapacity(int needed) {
        if (needed > line.length) {
            line = Arrays.copyOf(line, Math.max(needed, Math.min(line.length * 2, limits.maxLineLength() + 2)));
        }
    }

    /** One long CAPABILITY line must not pin a large buffer to an idle connection. */
    private void shrink() {
        if (line.length > 64 * 1024) {
            line = new byte[INITIAL_CAPACITY];
        }
    }
}
