package org.murder.protocol.imap.command;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import org.murder.protocol.imap.ImapReader;

/**
 * One FETCH data item (RFC 3501 §6.4.5, MODSEQ from RFC 7162, BINARY from RFC 3516). The macros ALL, FAST and
 * FULL are expanded by the parser into their {@link Attribute}s.
 */
public sealed interface FetchItem {

    /** The name this item's data has in a FETCH response, e.g. {@code BODY[HEADER]<0>} for {@code BODY.PEEK[HEADER]<0.100>}. */
    String responseName();

    /** True when fetching the item sets {@code \Seen} (RFC822, RFC822.TEXT, BODY[...] and BINARY[...] without PEEK). */
    boolean setsSeen();

    /** The items without arguments. */
    enum Attribute implements FetchItem {
        FLAGS("FLAGS"), INTERNALDATE("INTERNALDATE"), RFC822_SIZE("RFC822.SIZE"), ENVELOPE("ENVELOPE"),
        /** Non-extensible BODYSTRUCTURE. */
        BODY("BODY"), BODYSTRUCTURE("BODYSTRUCTURE"), UID("UID"), MODSEQ("MODSEQ"),
        /** Same as BODY[], sets \Seen. */
        RFC822("RFC822"),
        /** Same as BODY.PEEK[HEADER]. */
        RFC822_HEADER("RFC822.HEADER"),
        /** Same as BODY[TEXT], sets \Seen. */
        RFC822_TEXT("RFC822.TEXT");

        private final String wireName;

        Attribute(String wireName) {
            this.wireName = wireName;
        }

        @Override
        public String responseName() {
            return wireName;
        }

        @Override
        public boolean setsSeen() {
            return this == RFC822 || this == RFC822_TEXT;
        }
    }

    /** The part specifier after a section's part numbers. */
    enum Specifier {
        HEADER("HEADER"), HEADER_FIELDS("HEADER.FIELDS"), HEADER_FIELDS_NOT("HEADER.FIELDS.NOT"), TEXT("TEXT"),
        MIME("MIME");

        private final String wireName;

        Specifier(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public boolean hasFields() {
            return this == HEADER_FIELDS || this == HEADER_FIELDS_NOT;
        }
    }

    /**
     * A {@code section-spec}: the MIME part path ({@code 1.2} is {@code [1, 2]}, empty for the whole message),
     * an optional specifier, and the header field names of HEADER.FIELDS[.NOT] (empty otherwise).
     */
    record Section(List<Integer> part, Optional<Specifier> specifier, List<String> fields) {
        public Section {
            part = checkedPart(part);
            Objects.requireNonNull(specifier, "specifier");
            fields = List.copyOf(fields);
            if (specifier.map(Specifier::hasFields).orElse(false) == fields.isEmpty()) {
                throw new IllegalArgumentException("header fields go with HEADER.FIELDS[.NOT] only, and are needed there");
            }
            if (specifier.filter(s -> s == Specifier.MIME).isPresent() && part.isEmpty()) {
                throw new IllegalArgumentException("MIME needs a part number");
            }
        }

        /** {@code []}: the whole message. */
        public static Section whole() {
            return new Section(List.of(), Optional.empty(), List.of());
        }

        public static Section of(Specifier specifier, List<Integer> part, List<String> fields) {
            return new Section(part, Optional.of(specifier), fields);
        }

        /** The wire form between the brackets, e.g. {@code 1.2.HEADER.FIELDS (From "X-Odd Name")}. */
        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            out.append(part.stream().map(String::valueOf).collect(Collectors.joining(".")));
            specifier.ifPresent(s -> {
                if (!part.isEmpty()) {
                    out.append('.');
                }
                out.append(s.wireName());
            });
            if (!fields.isEmpty()) {
                out.append(" (").append(fields.stream().map(Section::astring).collect(Collectors.joining(" ")))
                        .append(')');
            }
            return out.toString();
        }

        private static String astring(String s) {
            if (!s.isEmpty() && s.chars().allMatch(ImapReader::isAtomChar)) {
                return s;
            }
            return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
    }

    /** {@code <origin.length>}: bytes from {@code origin} (0-based), at most {@code length} of them. */
    record Partial(long origin, long length) {
        public Partial {
            if (origin < 0 || length < 1 || origin > ImapReader.MAX_NUMBER || length > ImapReader.MAX_NUMBER) {
                throw new IllegalArgumentException("invalid partial range");
            }
        }
    }

    /** {@code BODY[section]<partial>} or {@code BODY.PEEK[...]}. */
    record BodySection(boolean peek, Section section, Optional<Partial> partial) implements FetchItem {
        public BodySection {
            Objects.requireNonNull(section, "section");
            Objects.requireNonNull(partial, "partial");
        }

        @Override
        public String responseName() {
            return "BODY[" + section + "]" + partial.map(p -> "<" + p.origin() + ">").orElse("");
        }

        @Override
        public boolean setsSeen() {
            return !peek;
        }
    }

    /** {@code BINARY[part]<partial>} or {@code BINARY.PEEK[...]} (RFC 3516): the part with its transfer encoding undone. */
    record Binary(boolean peek, List<Integer> part, Optional<Partial> partial) implements FetchItem {
        public Binary {
            part = checkedPart(part);
            Objects.requireNonNull(partial, "partial");
        }

        @Override
        public String responseName() {
            return "BINARY[" + path(part) + "]" + partial.map(p -> "<" + p.origin() + ">").orElse("");
        }

        @Override
        public boolean setsSeen() {
            return !peek;
        }
    }

    /** {@code BINARY.SIZE[part]} (RFC 3516). */
    record BinarySize(List<Integer> part) implements FetchItem {
        public BinarySize {
            part = checkedPart(part);
        }

        @Override
        public String responseName() {
            return "BINARY.SIZE[" + path(part) + "]";
        }

        @Override
        public boolean setsSeen() {
            return false;
        }
    }

    /** {@code ALL}: FLAGS INTERNALDATE RFC822.SIZE ENVELOPE. */
    List<FetchItem> ALL = List.of(Attribute.FLAGS, Attribute.INTERNALDATE, Attribute.RFC822_SIZE, Attribute.ENVELOPE);

    /** {@code FAST}: FLAGS INTERNALDATE RFC822.SIZE. */
    List<FetchItem> FAST = List.of(Attribute.FLAGS, Attribute.INTERNALDATE, Attribute.RFC822_SIZE);

    /** {@code FULL}: FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY. */
    List<FetchItem> FULL = List.of(Attribute.FLAGS, Attribute.INTERNALDATE, Attribute.RFC822_SIZE, Attribute.ENVELOPE,
            Attribute.BODY);

    private static List<Integer> checkedPart(List<Integer> part) {
        List<Integer> copy = List.copyOf(part);
        if (copy.stream().anyMatch(p -> p < 1)) {
            throw new IllegalArgumentException("part numbers start at 1");
        }
        return copy;
    }

    private static String path(List<Integer> part) {
        return part.stream().map(String::valueOf).collect(Collectors.joining("."));
    }
}
