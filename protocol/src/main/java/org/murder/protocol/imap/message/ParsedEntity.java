package org.murder.protocol.imap.message;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** One entity as the parser saw it, before it is reduced to offsets ({@link MessagePart}) and wire text. */
record ParsedEntity(long headerStart, long bodyStart, long bodyEnd, long bodyLines, ContentInfo info, Header header,
                    List<ParsedEntity> children, ParsedEntity message) {

    MessagePart toPart() {
        return new MessagePart(headerStart, bodyStart, bodyEnd, bodyLines, info.type().toLowerCase(Locale.ROOT),
                info.subtype().toLowerCase(Locale.ROOT), Optional.ofNullable(info.charset()),
                info.encoding().toLowerCase(Locale.ROOT), children.stream().map(ParsedEntity::toPart).toList(),
                Optional.ofNullable(message).map(ParsedEntity::toPart));
    }
}
