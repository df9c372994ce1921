package org.murder.protocol.imap.client;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a relay needs to know of a response without parsing its data: whether it completes a command (and which
 * tag), asks for more, or is untagged data, and for status responses the status and response code. Read from the
 * response's first line only; the rest (FETCH data, literals) is left as bytes.
 *
 * @param tag     the tag of a tagged response; empty otherwise
 * @param number  the number of a numeric untagged response ({@code * 3 EXISTS}, {@code * 5 FETCH ...})
 * @param keyword upper-cased response name ({@code OK}, {@code FETCH}, {@code CAPABILITY}); for a tagged
 *                response its status; empty for a continuation
 * @param status  OK/NO/BAD/BYE/PREAUTH for a status response (tagged, or untagged ones like the greeting)
 * @param code    the bracketed response code of a status response
 * @param text    a status response's human text after the code; a continuation's text (a SASL challenge);
 *                for untagged data, the rest of the first line after the keyword, as received
 */
public record ImapResponseHead(Kind kind, Optional<String> tag, OptionalLong number, String keyword,
                               Optional<Status> status, Optional<ResponseCode> code, String text) {

    public enum Kind {
        /** {@code * ...}: data or an untagged status (greeting, BYE, alerts). */
        UNTAGGED,
        /** {@code + ...}: the server waits for a literal, an AUTHENTICATE answer or IDLE's DONE. */
        CONTINUATION,
        /** {@code tag OK|NO|BAD ...}: the command with that tag is finished. */
        TAGGED
    }

    public enum Status { OK, NO, BAD, BYE, PREAUTH }

    /**
     * {@code [name arguments]}: the code's atom upper-cased, and what followed it inside the brackets as sent
     * ({@code (\Seen \*)} of PERMANENTFLAGS, empty for READ-WRITE).
     */
    public record ResponseCode(String name, String arguments) {
        public ResponseCode {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(arguments, "arguments");
        }
    }

    public ImapResponseHead {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(number, "number");
        Objects.requireNonNull(keyword, "keyword");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(text, "text");
        if (tag.isPresent() != (kind == Kind.TAGGED)) {
            throw new IllegalArgumentException("a tag goes with a tagged response, and only there");
        }
    }

    public boolean tagged() {
        return kind == Kind.TAGGED;
    }

    public boolean continuation() {
        return kind == Kind.CONTINUATION;
    }

    /** True for {@code * keyword ...}, e.g. {@code untagged("BYE")}; the keyword in upper case. */
    public boolean untagged(String keyword) {
        return kind == Kind.UNTAGGED && this.keyword.equals(keyword);
    }

    /**
     * True when the line may announce literals: untagged data only. Status responses and continuations carry
     * human text, where a trailing {@code {5}} is text (RFC 3501 §9 {@code resp-text}); taking it for a literal
     * would let a server's echo of a client's words swallow the next response.
     */
    public boolean mayHaveLiterals() {
        return kind == Kind.UNTAGGED && status.isEmpty();
    }
}
