package org.murder.protocol.imap.message;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One MIME entity of a message, as byte offsets into the raw message: its header {@code [headerStart, bodyStart)}
 * (the blank line that ends it included) and its body {@code [bodyStart, bodyEnd)}. A multipart has its
 * {@code children}; a message/rfc822 part has the encapsulated {@code message} (whose header starts at this part's
 * body). Media type, subtype and encoding are lower case; {@code charset} is the Content-Type's charset parameter as
 * written.
 *
 * @param bodyLines the number of LF bytes in the body (IMAP's body line count)
 */
public record MessagePart(long headerStart, long bodyStart, long bodyEnd, long bodyLines, String mediaType,
                          String subtype, Optional<String> charset, String encoding, List<MessagePart> children,
                          Optional<MessagePart> message) {

    public MessagePart {
        if (headerStart < 0 || bodyStart < headerStart || bodyEnd < bodyStart || bodyLines < 0
                || bodyLines > bodyEnd - bodyStart) {
            throw new IllegalArgumentException("invalid part offsets " + headerStart + "/" + bodyStart + "/" + bodyEnd);
        }
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(subtype, "subtype");
        Objects.requireNonNull(charset, "charset");
        Objects.requireNonNull(encoding, "encoding");
        children = List.copyOf(children);
        Objects.requireNonNull(message, "message");
        for (MessagePart child : children) {
            if (child.headerStart < bodyStart || child.bodyEnd > bodyEnd) {
                throw new IllegalArgumentException("child part outside its parent");
            }
        }
        message.ifPresent(m -> {
            if (m.headerStart != bodyStart || m.bodyEnd != bodyEnd) {
                throw new IllegalArgumentException("encapsulated message must be the part's body");
            }
        });
    }

    /** The header, blank line included: BODY[n.MIME], or BODY[HEADER] of a message. */
    public ByteRange header() {
        return ByteRange.between(headerStart, bodyStart);
    }

    /** The body: BODY[n], or BODY[TEXT] of a message. */
    public ByteRange body() {
        return ByteRange.between(bodyStart, bodyEnd);
    }

    public boolean isMultipart() {
        return !children.isEmpty();
    }

    public boolean isMessage() {
        return message.isPresent();
    }
}
