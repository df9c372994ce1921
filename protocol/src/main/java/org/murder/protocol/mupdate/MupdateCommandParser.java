package org.murder.protocol.mupdate;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.murder.protocol.wire.WireReader;
import org.murder.protocol.wire.WireSyntaxException;

/**
 * Turns one frame from {@link org.murder.protocol.wire.FrameDecoder} into a {@link MupdateCommand}, or into the
 * reason for a {@code BAD}. Never throws on input. Command names are case-insensitive (Cyrus normalises case
 * before comparing). The "Need command", "Null command", "Unrecognized command", "Missing arguments",
 * "Extra arguments" and "Badly formed arguments" messages are Cyrus's own.
 */
public final class MupdateCommandParser {

    private static final Map<String, CommandArgumentsParser> PARSERS = new HashMap<>();

    static {
        SessionCommandParsers.register(PARSERS);
        SetCommandParsers.register(PARSERS);
        QueryCommandParsers.register(PARSERS);
    }

    private MupdateCommandParser() {
    }

    public static ParseResult parse(byte[] frame) {
        WireReader reader = new WireReader(frame);
        String tag = reader.word();
        if (!reader.skipSpace()) {
            return new ParseResult.Malformed(Optional.empty(), "Need command");
        }
        if (!MupdateSyntax.isTag(tag)) {
            return new ParseResult.Malformed(Optional.empty(), "Invalid tag");
        }
        String name = reader.word();
        if (name.isEmpty()) {
            return new ParseResult.Malformed(Optional.of(tag), "Null command");
        }
        CommandArgumentsParser parser = PARSERS.get(name.toUpperCase(Locale.ROOT));
        if (parser == null) {
            return new ParseResult.Malformed(Optional.of(tag), "Unrecognized command");
        }
        try {
            return new ParseResult.Parsed(parser.parse(tag, new Arguments(reader)));
        } catch (WireSyntaxException e) {
            return new ParseResult.Malformed(Optional.of(tag), e.getMessage());
        }
    }
}
