package org.murder.protocol.pop3;

/** What {@link Pop3CommandParser} made of a line: a command, or why not (answered {@code -ERR}, the session goes on). */
public sealed interface Pop3ParseResult {

    record Parsed(Pop3Command command) implements Pop3ParseResult {
    }

    record Malformed(String reason) implements Pop3ParseResult {
    }
}
