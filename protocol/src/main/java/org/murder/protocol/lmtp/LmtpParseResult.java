package org.murder.protocol.lmtp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What {@link LmtpCommandParser} made of a command line: a command, or the reply that refuses it. */
public sealed interface LmtpParseResult {

    record Parsed(LmtpCommand command) implements LmtpParseResult {
        public Parsed {
            Objects.requireNonNull(command, "command");
        }
    }

    /**
     * Not a valid command: answer {@code code enhancedStatus text} ({@link #reply()}), e.g.
     * {@code 501 5.5.4 Syntax error in parameters}. The session state does not change.
     */
    record Malformed(int code, String enhancedStatus, String text) implements LmtpParseResult {
        public Malformed {
            Objects.requireNonNull(enhancedStatus, "enhancedStatus");
            Objects.requireNonNull(text, "text");
            if (code < 500 || code > 599) {
                throw new IllegalArgumentException("a refused command gets a 5xx reply, not " + code);
            }
        }

        public LmtpReply reply() {
            return new LmtpReply(code, Optional.of(enhancedStatus), List.of(text));
        }
    }
}
