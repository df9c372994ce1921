package org.murder.protocol.imap.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.murder.protocol.imap.MailboxNames;

/**
 * A backend's {@code * LIST} or {@code * LSUB} response read back into values (RFC 3501 §7.2.2-3): a frontend that
 * answers LSUB from its INBOX backend's subscriptions checks each name against its own view of the murder.
 *
 * @param attributes as sent ({@code \Noselect}, {@code \HasChildren}...)
 * @param delimiter  the hierarchy delimiter; empty for NIL
 * @param mailbox    the name decoded from modified UTF-7 (or as sent, under UTF8=ACCEPT)
 */
public record ListResponse(List<String> attributes, Optional<Character> delimiter, String mailbox) {

    public ListResponse {
        attributes = List.copyOf(attributes);
    }

    /** The mailbox of a LIST or LSUB response; empty when the response is another one or malformed. */
    public static Optional<ListResponse> parse(ImapResponse response) {
        return parse(response, false);
    }

    /**
     * As {@link #parse(ImapResponse)}, with the name read as UTF-8 when {@code utf8Names} says the session has UTF-8
     * mailbox names (IMAP4rev2 or UTF8=ACCEPT enabled).
     */
    public static Optional<ListResponse> parse(ImapResponse response, boolean utf8Names) {
        ImapResponseHead head = response.head();
        if (!head.untagged("LIST") && !head.untagged("LSUB")) {
            return Optional.empty();
        }
        byte[] raw = response.bytes();
        String text = new String(raw, StandardCharsets.UTF_8);
        int at = text.indexOf(head.keyword()) + head.keyword().length();
        try {
            Cursor c = new Cursor(text, at);
            c.expect(' ');
            c.expect('(');
            List<String> attributes = new ArrayList<>();
            while (c.peek() != ')') {
                c.skipSpaces();
                if (c.peek() == ')') {
                    break;
                }
                attributes.add(c.atom());
            }
            c.expect(')');
            c.expect(' ');
            Optional<Character> delimiter;
            if (c.peek() == '"') {
                String d = c.quoted();
                delimiter = d.length() == 1 ? Optional.of(d.charAt(0)) : Optional.empty();
            } else {
                String nil = c.atom();
                if (!nil.equalsIgnoreCase("NIL")) {
                    return Optional.empty();
                }
                delimiter = Optional.empty();
            }
            c.expect(' ');
            String name;
            if (c.peek() == '{') {
                if (response.literals().isEmpty()) {
                    return Optional.empty();
                }
                name = new String(response.literal(0), StandardCharsets.UTF_8);
            } else if (c.peek() == '"') {
                name = c.quoted();
            } else {
                name = c.atom();
            }
            return Optional.of(new ListResponse(attributes, delimiter, utf8Names ? name : MailboxNames.decodeUtf7(name)));
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Reads IMAP's small tokens out of one response line. */
    private static final class Cursor {
        private final String s;
        private int i;

        Cursor(String s, int i) {
            this.s = s;
            this.i = i;
        }

        char peek() {
            return s.charAt(i);
        }

        void expect(char ch) {
            if (s.charAt(i) != ch) {
                throw new IllegalArgumentException("expected " + ch + " at " + i);
            }
            i++;
        }

        void skipSpaces() {
            while (s.charAt(i) == ' ') {
                i++;
            }
        }

        String atom() {
            int start = i;
            while (i < s.length() && " ()\r\n\"{".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            if (i == start) {
                throw new IllegalArgumentException("expected an atom at " + i);
            }
            return s.substring(start, i);
        }

        String quoted() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (s.charAt(i) != '"') {
                char ch = s.charAt(i++);
                if (ch == '\\') {
                    ch = s.charAt(i++);
                }
                b.append(ch);
            }
            i++;
            return b.toString();
        }
    }
}
