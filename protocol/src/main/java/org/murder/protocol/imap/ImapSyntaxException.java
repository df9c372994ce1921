package org.murder.protocol.imap;

import java.util.Objects;
import java.util.Optional;

/**
 * A command that does not follow the IMAP grammar, or one the server must refuse before running it. Checked on
 * purpose: {@link ImapCommandParser} turns it into an {@link ImapParseResult} value, it never reaches a socket
 * loop. The message is short human text fit for a tagged {@code BAD} (or {@code NO} for a {@link #refusal}).
 */
public final class ImapSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    public static final String MISSING_ARGUMENT = "Missing argument";
    public static final String EXTRA_ARGUMENTS = "Extra arguments";
    public static final String MISSING_SPACE = "Missing space";
    public static final String UNBALANCED_PARENTHESES = "Unbalanced parentheses";
    public static final String INVALID_ARGUMENT = "Invalid argument";
    public static final String INVALID_SEQUENCE_SET = "Invalid sequence set";
    public static final String SEQUENCE_SET_TOO_LARGE = "Sequence set too large";
    public static final String INVALID_MAILBOX_NAME = "Invalid mailbox name";
    public static final String INVALID_DATE = "Invalid date";
    public static final String INVALID_NUMBER = "Invalid number";
    public static final String INVALID_FLAG = "Invalid flag";
    public static final String INVALID_STRING = "Invalid string";
    public static final String INVALID_UTF8 = "Invalid UTF-8";
    public static final String NUL_NOT_ALLOWED = "NUL not allowed";
    public static final String UNTERMINATED_QUOTED = "Unterminated quoted string";
    public static final String INVALID_ESCAPE = "Invalid escape in quoted string";
    public static final String INVALID_LITERAL = "Invalid literal";
    public static final String TRUNCATED_LITERAL = "Truncated literal";
    /** RFC 3516: a {@code literal8} ({@code ~{n}}) is only APPEND's message, never a string. */
    public static final String LITERAL8_NOT_ALLOWED = "Literal8 not allowed here";
    /** A string argument sent as a literal so large that it went to a file (only APPEND's message may). */
    public static final String STRING_TOO_LONG = "String too long";

    private final transient Optional<String> responseCode;
    private final boolean refusal;
    private final boolean emptiesSavedResult;

    /** @param message short human text, fit for a {@code BAD} response */
    public ImapSyntaxException(String message) {
        this(message, Optional.empty(), false);
    }

    private ImapSyntaxException(String message, Optional<String> responseCode, boolean refusal) {
        this(message, responseCode, refusal, false);
    }

    private ImapSyntaxException(String message, Optional<String> responseCode, boolean refusal, boolean emptiesSavedResult) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.responseCode = Objects.requireNonNull(responseCode, "responseCode");
        this.refusal = refusal;
        this.emptiesSavedResult = emptiesSavedResult;
    }

    /** This refusal, of a command that asked to SAVE its result: the NO empties {@code $} (RFC 5182 §2.1). */
    public ImapSyntaxException emptyingSavedResult() {
        return refusal ? new ImapSyntaxException(getMessage(), responseCode, true, true) : this;
    }

    public boolean emptiesSavedResult() {
        return emptiesSavedResult;
    }

    /**
     * A well-formed command the server must answer with a tagged {@code NO} rather than {@code BAD}, such as
     * SEARCH with an unsupported charset (RFC 3501 §6.4.4).
     *
     * @param responseCode the bracketed code's content, e.g. {@code BADCHARSET (US-ASCII UTF-8)}
     */
    public static ImapSyntaxException refusal(String message, String responseCode) {
        return new ImapSyntaxException(message, Optional.of(responseCode), true);
    }

    /** The response code's content (without brackets), when the answer carries one. */
    public Optional<String> responseCode() {
        return responseCode;
    }

    /** True when the answer is {@code NO} (the command is valid but refused), false for {@code BAD}. */
    public boolean refusal() {
        return refusal;
    }
}
