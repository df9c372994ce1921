package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.murder.protocol.imap.command.ImapCommand;

/** Shorthands for the IMAP parser tests. */
public final class ImapTesting {

    private ImapTesting() {
    }

    /** The one message of a plain APPEND. */
    public static org.murder.protocol.imap.command.AppendMessage only(ImapCommand.Append append) {
        if (append.messages().size() != 1) {
            fail("expected one message, got " + append.messages().size());
        }
        return append.messages().get(0);
    }

    /** The literal of a plain APPEND's one message. */
    public static org.murder.protocol.imap.command.MessageLiteral message(ImapCommand.Append append) {
        return assertInstanceOf(org.murder.protocol.imap.command.MessageLiteral.class, only(append).data());
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Strings as UTF-8, byte arrays as they are, joined. */
    public static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            out.writeBytes(part instanceof byte[] b ? b : utf8(part.toString()));
        }
        return out.toByteArray();
    }

    /** A synchronizing literal holding {@code s} as UTF-8, with its CRLF. */
    public static String literal(String s) {
        return "{" + utf8(s).length + "}\r\n" + s;
    }

    /** A non-synchronizing literal (LITERAL+). */
    public static String literalPlus(String s) {
        return "{" + utf8(s).length + "+}\r\n" + s;
    }

    public static ImapCommand parsed(String frame) {
        return parsed(utf8(frame), ImapParserContext.DEFAULT);
    }

    public static ImapCommand parsed(String frame, ImapParserContext ctx) {
        return parsed(utf8(frame), ctx);
    }

    public static ImapCommand parsed(byte[] frame, ImapParserContext ctx) {
        ImapParseResult result = ImapCommandParser.parse(frame, ctx);
        if (result instanceof ImapParseResult.Parsed p) {
            return p.command();
        }
        return fail("expected a command from <" + new String(frame, StandardCharsets.UTF_8) + "> but got " + result);
    }

    public static ImapParseResult.Malformed malformed(String frame) {
        return malformed(utf8(frame));
    }

    public static ImapParseResult.Malformed malformed(byte[] frame) {
        return assertInstanceOf(ImapParseResult.Malformed.class, ImapCommandParser.parse(frame),
                () -> new String(frame, StandardCharsets.UTF_8));
    }

    /** A command from a frame whose large literals are in files. */
    public static ImapCommand parsed(org.murder.protocol.wire.SpilledFrame frame) {
        ImapParseResult r = ImapCommandParser.parse(frame, ImapParserContext.DEFAULT);
        return assertInstanceOf(ImapParseResult.Parsed.class, r, () -> r.toString()).command();
    }
}
