package org.murder.protocol.mupdate;

import java.util.Objects;
import java.util.Optional;

/** What {@link MupdateCommandParser} made of a frame: a command, or the reason to answer {@code BAD}. */
public sealed interface ParseResult {

    record Parsed(MupdateCommand command) implements ParseResult {
        public Parsed {
            Objects.requireNonNull(command, "command");
        }
    }

    /**
     * Not a valid command. Answer {@code tag BAD "message"} when the tag is known, {@code * BAD "message"}
     * otherwise.
     */
    record Malformed(Optional<String> tag, String message) implements ParseResult {
        public Malformed {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(message, "message");
        }
    }
}
