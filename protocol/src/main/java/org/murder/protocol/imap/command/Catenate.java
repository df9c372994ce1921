package org.murder.protocol.imap.command;

import java.util.List;
import java.util.Objects;

/**
 * {@code CATENATE (part ...)} (RFC 4469): a message made on the server from text the client sends and parts of messages
 * the server already holds, named by IMAP URLs (RFC 5092), in order.
 */
public record Catenate(List<Part> parts) implements AppendData {

    /** A bound on one message's parts, so that a command cannot make the server open URLs without end. */
    public static final int MAX_PARTS = 256;

    public Catenate {
        parts = List.copyOf(parts);
        if (parts.isEmpty() || parts.size() > MAX_PARTS) {
            throw new IllegalArgumentException("CATENATE takes 1 to " + MAX_PARTS + " parts");
        }
    }

    /** {@code TEXT literal} or {@code URL url}. */
    public sealed interface Part permits Text, Url {
    }

    /** Bytes the client sent: a literal, or a {@code literal8} that makes the message binary (RFC 3516). */
    public record Text(MessageLiteral text) implements Part {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /** A message or a part of one on this server, as the client wrote the URL (it is parsed when resolved). */
    public record Url(String url) implements Part {
        public Url {
            Objects.requireNonNull(url, "url");
        }
    }
}
