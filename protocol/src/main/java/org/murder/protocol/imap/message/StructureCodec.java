package org.murder.protocol.imap.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one-column form of a {@link MessageStructure}:
 * <pre>
 * IMS1 size lines str(envelope) str(bodystructure) str(body) part
 * part = "(" headerStart SP bodyStart SP bodyEnd SP bodyLines SP str(type) str(subtype) (str(charset) / "-")
 *        str(encoding) ["M" part] ["C" count SP part...] ")"
 * str  = length ":" characters
 * </pre>
 * Strings are length-prefixed (in UTF-16 units), so wire text with literals and CRLF travels unchanged. Reading is
 * strict and checks every offset against the message size: a damaged column fails here, not on the wire.
 */
final class StructureCodec {

    private static final String MAGIC = "IMS1 ";

    private StructureCodec() {
    }

    static String write(MessageStructure m) {
        StringBuilder out = new StringBuilder(m.bodyStructure().length() * 2 + 64);
        out.append(MAGIC).append(m.size()).append(' ').append(m.lines()).append(' ');
        str(out, m.envelope());
        str(out, m.bodyStructure());
        str(out, m.body());
        part(out, m.root());
        return out.toString();
    }

    static MessageStructure read(String text) {
        try {
            Reader r = new Reader(text);
            r.expect(MAGIC);
            long size = r.number(' ');
            long lines = r.number(' ');
            String envelope = r.str();
            String bodyStructure = r.str();
            String body = r.str();
            MessagePart root = r.part(0);
            if (!r.atEnd()) {
                throw r.invalid();
            }
            return new MessageStructure(size, lines, envelope, bodyStructure, body, root);
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("invalid serialized message structure", e);
        }
    }

    private static void part(StringBuilder out, MessagePart p) {
        out.append('(').append(p.headerStart()).append(' ').append(p.bodyStart()).append(' ').append(p.bodyEnd())
                .append(' ').append(p.bodyLines()).append(' ');
        str(out, p.mediaType());
        str(out, p.subtype());
        if (p.charset().isPresent()) {
            str(out, p.charset().get());
        } else {
            out.append('-');
        }
        str(out, p.encoding());
        p.message().ifPresent(m -> part(out.append('M'), m));
        if (!p.children().isEmpty()) {
            out.append('C').append(p.children().size()).append(' ');
            p.children().forEach(c -> part(out, c));
        }
        out.append(')');
    }

    private static void str(StringBuilder out, String s) {
        out.append(s.length()).append(':').append(s);
    }

    private static final class Reader {
        private final String s;
        private int pos;

        Reader(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos == s.length();
        }

        void expect(String literal) {
            if (!s.startsWith(literal, pos)) {
                throw invalid();
            }
            pos += literal.length();
        }

        long number(char terminator) {
            int start = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            if (pos == start || pos - start > 18 || pos >= s.length() || s.charAt(pos) != terminator) {
                throw invalid();
            }
            long n = Long.parseLong(s, start, pos, 10);
            pos++;
            return n;
        }

        String str() {
            long length = number(':');
            if (length > s.length() - pos) {
                throw invalid();
            }
            String value = s.substring(pos, pos + (int) length);
            pos += (int) length;
            return value;
        }

        MessagePart part(int depth) {
            if (depth > StructureParser.MAX_DEPTH + 2) {
                throw invalid();
            }
            expect("(");
            long headerStart = number(' ');
            long bodyStart = number(' ');
            long bodyEnd = number(' ');
            long lines = number(' ');
            String type = str();
            String subtype = str();
            Optional<String> charset;
            if (peek() == '-') {
                pos++;
                charset = Optional.empty();
            } else {
                charset = Optional.of(str());
            }
            String encoding = str();
            Optional<MessagePart> message = Optional.empty();
            if (peek() == 'M') {
                pos++;
                message = Optional.of(part(depth + 1));
            }
            List<MessagePart> children = new ArrayList<>();
            if (peek() == 'C') {
                pos++;
                long count = number(' ');
                if (count < 1 || count > StructureParser.MAX_PARTS + 1) {
                    throw invalid();
                }
                for (long i = 0; i < count; i++) {
                    children.add(part(depth + 1));
                }
            }
            expect(")");
            return new MessagePart(headerStart, bodyStart, bodyEnd, lines, type, subtype, charset, encoding, children,
                    message);
        }

        private char peek() {
            if (pos >= s.length()) {
                throw invalid();
            }
            return s.charAt(pos);
        }

        IllegalArgumentException invalid() {
            return new IllegalArgumentException("invalid serialized message structure at " + pos);
        }
    }
}
