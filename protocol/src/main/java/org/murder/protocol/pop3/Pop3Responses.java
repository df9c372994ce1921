package org.murder.protocol.pop3;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The server's side of POP3 on the wire: status lines ({@code +OK}, {@code -ERR} with RFC 2449/3206 response codes),
 * SASL challenges ({@code + base64}, RFC 5034) and multi-line responses, dot-stuffed and ended by {@code .CRLF}.
 * Text that came from outside (a user name in a refusal) cannot break a line: CR and LF become spaces.
 */
public final class Pop3Responses {

    /** The line that ends a multi-line response. */
    public static final byte[] END = {'.', '\r', '\n'};

    private Pop3Responses() {
    }

    public static byte[] ok(String text) {
        return line(text.isEmpty() ? "+OK" : "+OK " + text);
    }

    public static byte[] err(String text) {
        return err(Optional.empty(), text);
    }

    /** {@code -ERR [CODE] text}; codes such as {@code AUTH}, {@code IN-USE}, {@code LOGIN-DELAY}, {@code SYS/TEMP}. */
    public static byte[] err(String code, String text) {
        return err(Optional.of(code), text);
    }

    public static byte[] err(Optional<String> code, String text) {
        StringBuilder b = new StringBuilder("-ERR");
        code.ifPresent(c -> b.append(" [").append(c).append(']'));
        if (!text.isEmpty()) {
            b.append(' ').append(text);
        }
        return line(b.toString());
    }

    /** A SASL challenge: {@code +}, a space, the base64 (RFC 5034 section 4). */
    public static byte[] continuation(String base64) {
        return line("+ " + base64);
    }

    /** {@code +OK text}, then each line (dot-stuffed), then {@code .CRLF}. */
    public static byte[] multiLine(String text, List<String> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ok(text));
        for (String l : lines) {
            out.writeBytes(line(l.startsWith(".") ? "." + l : l));
        }
        out.writeBytes(END);
        return out.toByteArray();
    }

    private static byte[] line(String text) {
        return (text.replace('\r', ' ').replace('\n', ' ') + "\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
