package org.murder.protocol.pop3;

import java.nio.charset.StandardCharsets;

/**
 * Writes a {@link Pop3Command} as a client sends it (the inverse of {@link Pop3CommandParser}): how a frontend passes
 * a command it parsed on to a backend. Arguments are UTF-8; none can carry a line end (the parser never makes one).
 */
public final class Pop3CommandEncoder {

    private Pop3CommandEncoder() {
    }

    public static byte[] encode(Pop3Command command) {
        return (line(command) + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static String line(Pop3Command command) {
        String k = command.keyword();
        if (command instanceof Pop3Command.User u) {
            return k + " " + clean(u.name());
        } else if (command instanceof Pop3Command.Pass p) {
            return k + " " + clean(p.password());
        } else if (command instanceof Pop3Command.Auth a) {
            return a.mechanism().isEmpty() ? k
                    : k + " " + a.mechanism().get() + a.initialResponse().map(r -> " " + clean(r)).orElse("");
        } else if (command instanceof Pop3Command.ListCommand l) {
            return l.message().isPresent() ? k + " " + l.message().getAsInt() : k;
        } else if (command instanceof Pop3Command.Uidl u) {
            return u.message().isPresent() ? k + " " + u.message().getAsInt() : k;
        } else if (command instanceof Pop3Command.Retr r) {
            return k + " " + r.message();
        } else if (command instanceof Pop3Command.Dele d) {
            return k + " " + d.message();
        } else if (command instanceof Pop3Command.Top t) {
            return k + " " + t.message() + " " + t.lines();
        }
        return k;
    }

    /** A value built by hand (not parsed) must not end the line early. */
    private static String clean(String s) {
        if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a POP3 argument cannot hold a line end");
        }
        return s;
    }
}
