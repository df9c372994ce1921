package org.murder.protocol.pop3;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A POP3 command (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH), parsed and immutable. The interface a command
 * implements says in which state it may be given: {@link Authorization} before login, {@link Transaction} after it,
 * {@link AnyState} in both. Message numbers are as the client wrote them (1-based); whether they name a message is the
 * session's to say. A number too large for an {@code int} is {@link Integer#MAX_VALUE}, which names no message.
 */
public sealed interface Pop3Command {

    /** The command's keyword, upper case. */
    String keyword();

    /** Given before the client has logged in (AUTHORIZATION state). */
    sealed interface Authorization extends Pop3Command permits User, Pass, Auth, Stls {
    }

    /** Given once logged in (TRANSACTION state). */
    sealed interface Transaction extends Pop3Command permits Stat, ListCommand, Retr, Dele, Noop, Rset, Top, Uidl {
    }

    /** Given in either state. */
    sealed interface AnyState extends Pop3Command permits Capa, Quit {
    }

    record User(String name) implements Authorization {
        @Override
        public String keyword() {
            return "USER";
        }
    }

    /** The password is the whole rest of the line, spaces included (RFC 1939 section 7). */
    record Pass(String password) implements Authorization {
        @Override
        public String keyword() {
            return "PASS";
        }

        @Override
        public String toString() {
            return "Pass[password=***]"; // a command may end up in a log line
        }
    }

    /**
     * {@code AUTH mechanism [initial-response]} (RFC 5034); without a mechanism, the list of mechanisms (the older
     * draft's discovery, which clients still use). An initial response of {@code =} is an empty one.
     */
    record Auth(Optional<String> mechanism, Optional<String> initialResponse) implements Authorization {
        @Override
        public String keyword() {
            return "AUTH";
        }

        @Override
        public String toString() {
            return "Auth[mechanism=" + mechanism.orElse("") + (initialResponse.isPresent() ? ", initialResponse=***]" : "]");
        }
    }

    record Stls() implements Authorization {
        @Override
        public String keyword() {
            return "STLS";
        }
    }

    record Capa() implements AnyState {
        @Override
        public String keyword() {
            return "CAPA";
        }
    }

    record Quit() implements AnyState {
        @Override
        public String keyword() {
            return "QUIT";
        }
    }

    record Stat() implements Transaction {
        @Override
        public String keyword() {
            return "STAT";
        }
    }

    /** {@code LIST [msg]}. */
    record ListCommand(OptionalInt message) implements Transaction {
        @Override
        public String keyword() {
            return "LIST";
        }
    }

    record Retr(int message) implements Transaction {
        @Override
        public String keyword() {
            return "RETR";
        }
    }

    record Dele(int message) implements Transaction {
        @Override
        public String keyword() {
            return "DELE";
        }
    }

    record Noop() implements Transaction {
        @Override
        public String keyword() {
            return "NOOP";
        }
    }

    record Rset() implements Transaction {
        @Override
        public String keyword() {
            return "RSET";
        }
    }

    /** {@code TOP msg n}: the headers, the blank line, and the first {@code n} lines of the body. */
    record Top(int message, int lines) implements Transaction {
        @Override
        public String keyword() {
            return "TOP";
        }
    }

    /** {@code UIDL [msg]}. */
    record Uidl(OptionalInt message) implements Transaction {
        @Override
        public String keyword() {
            return "UIDL";
        }
    }

    /** Whether a positive answer to this command is a multi-line response (RFC 1939, RFC 2449). */
    static boolean multiLine(Pop3Command command) {
        if (command instanceof ListCommand l) {
            return l.message().isEmpty();
        }
        if (command instanceof Uidl u) {
            return u.message().isEmpty();
        }
        if (command instanceof Auth a) {
            return a.mechanism().isEmpty();
        }
        return command instanceof Retr || command instanceof Top || command instanceof Capa;
    }
}
