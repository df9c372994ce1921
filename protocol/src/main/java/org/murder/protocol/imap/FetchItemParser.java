package org.murder.protocol.imap;

import static org.murder.protocol.imap.ImapSyntaxException.INVALID_STRING;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.murder.protocol.imap.command.FetchItem;
import org.murder.protocol.imap.command.FetchItem.Attribute;
import org.murder.protocol.imap.command.FetchItem.Partial;
import org.murder.protocol.imap.command.FetchItem.Section;
import org.murder.protocol.imap.command.FetchItem.Specifier;

/**
 * FETCH's items: {@code "ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")"} with
 * {@code fetch-att} from RFC 3501 §9, RFC 7162 (MODSEQ) and RFC 3516 (BINARY[.PEEK], BINARY.SIZE).
 */
final class FetchItemParser {

    static final String INVALID_FETCH_ITEM = "Invalid fetch item";
    static final String INVALID_SECTION = "Invalid section";
    static final String INVALID_PARTIAL = "Invalid partial range";
    static final String INVALID_FIELD_NAME = "Invalid header field name";

    private FetchItemParser() {
    }

    static List<FetchItem> items(ImapReader args) throws ImapSyntaxException {
        if (args.peek() == '(') {
            return args.parenthesized(() -> item(args), false, INVALID_FETCH_ITEM);
        }
        switch (args.peekKeyword()) {
            case "ALL":
                args.atom(INVALID_FETCH_ITEM);
                return FetchItem.ALL;
            case "FAST":
                args.atom(INVALID_FETCH_ITEM);
                return FetchItem.FAST;
            case "FULL":
                args.atom(INVALID_FETCH_ITEM);
                return FetchItem.FULL;
            default:
                return List.of(item(args));
        }
    }

    private static FetchItem item(ImapReader args) throws ImapSyntaxException {
        String name = args.takeWhile(b -> (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || ImapReader.isDigit(b)
                || b == '.').toUpperCase(Locale.ROOT);
        if (name.isEmpty()) {
            throw new ImapSyntaxException(args.atEnd() ? ImapSyntaxException.MISSING_ARGUMENT : INVALID_FETCH_ITEM);
        }
        boolean bracket = args.peek() == '[';
        switch (name) {
            case "BODY":
            case "BODY.PEEK":
                if (!bracket) {
                    if (name.equals("BODY")) {
                        return Attribute.BODY;
                    }
                    throw new ImapSyntaxException(INVALID_FETCH_ITEM);
                }
                Section section = section(args);
                return new FetchItem.BodySection(name.equals("BODY.PEEK"), section, partial(args));
            case "BINARY":
            case "BINARY.PEEK":
                if (!bracket) {
                    throw new ImapSyntaxException(INVALID_FETCH_ITEM);
                }
                List<Integer> part = binarySection(args);
                return new FetchItem.Binary(name.equals("BINARY.PEEK"), part, partial(args));
            case "BINARY.SIZE":
                if (!bracket) {
                    throw new ImapSyntaxException(INVALID_FETCH_ITEM);
                }
                return new FetchItem.BinarySize(binarySection(args));
            default:
                if (bracket) {
                    throw new ImapSyntaxException(INVALID_FETCH_ITEM);
                }
                return attribute(name);
        }
    }

    private static FetchItem attribute(String name) throws ImapSyntaxException {
        for (Attribute a : Attribute.values()) {
            if (a.responseName().equals(name)) {
                return a;
            }
        }
        throw new ImapSyntaxException(INVALID_FETCH_ITEM);
    }

    /** A {@code section-spec} on its own (an IMAP URL's {@code ;SECTION=}, RFC 5092), e.g. {@code 1.2.MIME}. */
    static Section sectionSpec(String spec) throws ImapSyntaxException {
        ImapReader args = new ImapReader(("[" + spec + "]").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Section section = section(args);
        args.end();
        return section;
    }

    /**
     * {@code "[" [section-spec] "]"} where {@code section-spec = section-msgtext / (section-part ["."
     * section-text])}.
     */
    private static Section section(ImapReader args) throws ImapSyntaxException {
        args.expect('[', INVALID_SECTION);
        List<Integer> part = partNumbers(args);
        Optional<Specifier> specifier = Optional.empty();
        if (!part.isEmpty() ? args.tryChar('.') : args.peek() != ']') {
            specifier = Optional.of(specifier(args));
        }
        List<String> fields = List.of();
        if (specifier.isPresent() && specifier.get().hasFields()) {
            args.sp();
            fields = args.parenthesized(() -> fieldName(args), false, INVALID_FIELD_NAME);
        }
        args.expect(']', INVALID_SECTION);
        if (specifier.isPresent() && specifier.get() == Specifier.MIME && part.isEmpty()) {
            throw new ImapSyntaxException(INVALID_SECTION);
        }
        return new Section(part, specifier, fields);
    }

    /** BINARY's {@code "[" [section-part] "]"}. */
    private static List<Integer> binarySection(ImapReader args) throws ImapSyntaxException {
        args.expect('[', INVALID_SECTION);
        List<Integer> part = partNumbers(args);
        args.expect(']', INVALID_SECTION);
        return part;
    }

    /** {@code nz-number *("." nz-number)}, possibly absent; a dot before a specifier is left for the caller. */
    private static List<Integer> partNumbers(ImapReader args) throws ImapSyntaxException {
        List<Integer> part = new ArrayList<>();
        while (ImapReader.isDigit(args.peek())) {
            long n = args.nzNumber();
            if (n > Integer.MAX_VALUE) {
                throw new ImapSyntaxException(INVALID_SECTION);
            }
            part.add((int) n);
            if (args.peek() == '.' && ImapReader.isDigit(args.peek(1))) {
                args.tryChar('.');
            } else {
                break;
            }
        }
        return part;
    }

    private static Specifier specifier(ImapReader args) throws ImapSyntaxException {
        String name = args.takeWhile(b -> (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b == '.')
                .toUpperCase(Locale.ROOT);
        for (Specifier s : Specifier.values()) {
            if (s.wireName().equals(name)) {
                return s;
            }
        }
        throw new ImapSyntaxException(INVALID_SECTION);
    }

    private static String fieldName(ImapReader args) throws ImapSyntaxException {
        String name = args.astring(INVALID_STRING);
        if (!ImapReader.isHeaderFieldName(name)) {
            throw new ImapSyntaxException(INVALID_FIELD_NAME);
        }
        return name;
    }

    /** {@code ["<" number "." nz-number ">"]}. */
    private static Optional<Partial> partial(ImapReader args) throws ImapSyntaxException {
        if (!args.tryChar('<')) {
            return Optional.empty();
        }
        long origin = args.number();
        args.expect('.', INVALID_PARTIAL);
        long length = args.nzNumber();
        args.expect('>', INVALID_PARTIAL);
        return Optional.of(new Partial(origin, length));
    }
}
