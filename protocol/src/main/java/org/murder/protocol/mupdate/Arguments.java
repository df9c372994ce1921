package org.murder.protocol.mupdate;

import org.murder.protocol.wire.WireReader;
import org.murder.protocol.wire.WireSyntaxException;

/**
 * The arguments after a command name, read the way Cyrus's {@code docmd} does: each one is preceded by
 * exactly one space, a missing one is "Missing arguments", anything after the last is "Extra arguments".
 */
final class Arguments {

    static final String MISSING = "Missing arguments";
    static final String EXTRA = "Extra arguments";
    static final String BADLY_FORMED = "Badly formed arguments";

    private final WireReader reader;

    Arguments(WireReader reader) {
        this.reader = reader;
    }

    /** True when another argument follows (a space is next). */
    boolean hasMore() {
        return reader.peek() == ' ';
    }

    String string() throws WireSyntaxException {
        if (!reader.skipSpace()) {
            throw new WireSyntaxException(MISSING);
        }
        if (reader.atEnd() || reader.peek() == ' ') {
            throw new WireSyntaxException(BADLY_FORMED);
        }
        return reader.string();
    }

    String mailbox() throws WireSyntaxException {
        return MupdateSyntax.mailbox(string());
    }

    Location location() throws WireSyntaxException {
        return MupdateSyntax.location(string());
    }

    String acl() throws WireSyntaxException {
        return MupdateSyntax.acl(string());
    }

    void end() throws WireSyntaxException {
        if (!reader.atEnd()) {
            throw new WireSyntaxException(EXTRA);
        }
    }
}
