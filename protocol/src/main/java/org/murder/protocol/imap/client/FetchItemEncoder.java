package org.murder.protocol.imap.client;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.murder.protocol.imap.command.FetchItem;

/**
 * FETCH items in the form {@link org.murder.protocol.imap.FetchItemParser} reads: always a parenthesised list
 * (the macros ALL/FAST/FULL were expanded by the parser, so their items are listed), header field names through
 * the writer so that an odd one is quoted or sent as a literal rather than breaking the line.
 */
final class FetchItemEncoder {

    private FetchItemEncoder() {
    }

    static void items(CommandWriter w, List<FetchItem> items) {
        w.list(items, item -> item(w, item));
    }

    private static void item(CommandWriter w, FetchItem item) {
        if (item instanceof FetchItem.Attribute a) {
            w.raw(a.responseName());
        } else if (item instanceof FetchItem.BodySection b) {
            w.raw(b.peek() ? "BODY.PEEK[" : "BODY[");
            section(w, b.section());
            w.raw("]");
            partial(w, b.partial());
        } else if (item instanceof FetchItem.Binary b) {
            w.raw((b.peek() ? "BINARY.PEEK[" : "BINARY[") + path(b.part()) + "]");
            partial(w, b.partial());
        } else if (item instanceof FetchItem.BinarySize b) {
            w.raw("BINARY.SIZE[" + path(b.part()) + "]");
        } else {
            throw new IllegalStateException("unknown fetch item " + item.getClass());
        }
    }

    private static void section(CommandWriter w, FetchItem.Section section) {
        w.raw(path(section.part()));
        section.specifier().ifPresent(s -> w.raw((section.part().isEmpty() ? "" : ".") + s.wireName()));
        if (!section.fields().isEmpty()) {
            w.sp().list(section.fields(), w::astring);
        }
    }

    private static void partial(CommandWriter w, Optional<FetchItem.Partial> partial) {
        partial.ifPresent(p -> w.raw("<" + p.origin() + "." + p.length() + ">"));
    }

    private static String path(List<Integer> part) {
        return part.stream().map(String::valueOf).collect(Collectors.joining("."));
    }
}
