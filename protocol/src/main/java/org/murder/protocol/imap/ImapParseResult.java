package org.murder.protocol.imap;

import java.util.Objects;
import java.util.Optional;

import org.murder.protocol.imap.command.ImapCommand;

/** What {@link ImapCommandParser} made of a frame: a command, the reason for {@code BAD}, or for {@code NO}. */
public sealed interface ImapParseResult {

    record Parsed(ImapCommand command) implements ImapParseResult {
        public Parsed {
            Objects.requireNonNull(command, "command");
        }
    }

    /**
     * Not a valid command. Answer {@code tag BAD [code] message} when the tag is known, {@code * BAD message}
     * otherwise.
     *
     * @param responseCode the response code's content without brackets, when there is one
     */
    record Malformed(Optional<String> tag, String message, Optional<String> responseCode) implements ImapParseResult {
        public Malformed {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(responseCode, "responseCode");
        }

        public Malformed(Optional<String> tag, String message) {
            this(tag, message, Optional.empty());
        }
    }

    /**
     * A valid command the server must refuse with {@code tag NO [code] message} without running it, e.g. SEARCH
     * in an unsupported charset ({@code BADCHARSET (US-ASCII UTF-8)}, RFC 3501 §6.4.4). {@code emptiesSavedResult}
     * when it asked to SAVE its result: a NO empties SEARCHRES's {@code $} (RFC 5182 §2.1).
     */
    record Refused(String tag, String message, Optional<String> responseCode, boolean emptiesSavedResult)
            implements ImapParseResult {
        public Refused {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(responseCode, "responseCode");
        }

        public Refused(String tag, String message, Optional<String> responseCode) {
            this(tag, message, responseCode, false);
        }
    }
}
