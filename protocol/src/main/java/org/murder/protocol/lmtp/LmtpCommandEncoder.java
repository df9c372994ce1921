package org.murder.protocol.lmtp;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Client side: commands as one line each, in the canonical form (upper-case verbs and keywords,
 * {@code MAIL FROM:<...>} without a space, one space between parameters) that Cyrus's own LMTP client sends.
 * The inverse of {@link LmtpCommandParser}; the values' own checks keep every line one line.
 */
public final class LmtpCommandEncoder {

    private LmtpCommandEncoder() {
    }

    /** The line with its CRLF, as bytes. */
    public static byte[] encode(LmtpCommand command) {
        return (line(command) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The line without CRLF. */
    public static String line(LmtpCommand command) {
        if (command instanceof LmtpCommand.Lhlo c) {
            return "LHLO " + c.domain();
        } else if (command instanceof LmtpCommand.Helo c) {
            return c.domain().isEmpty() ? "HELO" : "HELO " + c.domain();
        } else if (command instanceof LmtpCommand.Ehlo c) {
            return c.domain().isEmpty() ? "EHLO" : "EHLO " + c.domain();
        } else if (command instanceof LmtpCommand.Mail c) {
            return "MAIL FROM:" + c.from().wire() + parameters(c.params());
        } else if (command instanceof LmtpCommand.Rcpt c) {
            return "RCPT TO:" + c.to().wire() + parameters(c.params());
        } else if (command instanceof LmtpCommand.Data) {
            return "DATA";
        } else if (command instanceof LmtpCommand.Rset) {
            return "RSET";
        } else if (command instanceof LmtpCommand.Noop) {
            return "NOOP";
        } else if (command instanceof LmtpCommand.Quit) {
            return "QUIT";
        } else if (command instanceof LmtpCommand.Vrfy c) {
            return "VRFY " + c.argument();
        } else if (command instanceof LmtpCommand.StartTls) {
            return "STARTTLS";
        } else if (command instanceof LmtpCommand.Auth c) {
            return "AUTH " + c.mechanism() + c.initialResponse().map(r -> " " + r).orElse("");
        }
        throw new IllegalStateException("unknown command type " + command.getClass());
    }

    private static String parameters(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((keyword, value) -> sb.append(' ').append(keyword).append(value.isEmpty() ? "" : "=" + value));
        return sb.toString();
    }
}
