package org.murder.protocol.imap.client;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.murder.protocol.imap.ImapDates;

/**
 * What a frontend needs of a backend's {@code * n FETCH (...)} to copy a message to another backend: its UID, flags,
 * internal date and whole body ({@code BODY[]} or {@code RFC822}), and its MODSEQ (a mailbox move keeps it), each
 * only when the response carries it. Other
 * items are skipped, literals included.
 */
public record FetchedMessage(long number, OptionalLong uid, Optional<List<String>> flags,
                             Optional<ZonedDateTime> internalDate, Optional<byte[]> body, OptionalLong modSeq) {

    /** The message of a FETCH response; empty when the response is another one or cannot be read. */
    public static Optional<FetchedMessage> parse(ImapResponse response) {
        ImapResponseHead head = response.head();
        if (!head.untagged("FETCH") || head.number().isEmpty()) {
            return Optional.empty();
        }
        byte[] raw = response.bytes();
        int literalIndex = 0;
        // a literal's payload is skipped by its length, found in response.literals() in order
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int i = text.indexOf('(', text.indexOf("FETCH"));
        if (i < 0) {
            return Optional.empty();
        }
        i++;
        OptionalLong uid = OptionalLong.empty();
        Optional<List<String>> flags = Optional.empty();
        Optional<ZonedDateTime> date = Optional.empty();
        Optional<byte[]> body = Optional.empty();
        OptionalLong modSeq = OptionalLong.empty();
        try {
            while (true) {
                while (text.charAt(i) == ' ') {
                    i++;
                }
                if (text.charAt(i) == ')') {
                    break;
                }
                int nameStart = i;
                // an item name runs to a space, or includes a [section]<partial>
                while (" ()".indexOf(text.charAt(i)) < 0) {
                    if (text.charAt(i) == '[') {
                        i = text.indexOf(']', i);
                    }
                    i++;
                }
                String name = text.substring(nameStart, i).toUpperCase(java.util.Locale.ROOT);
                i++; // the space before the value
                char c = text.charAt(i);
                if (c == '(') {
                    int end = closing(text, i);
                    if (name.equals("MODSEQ")) {
                        modSeq = OptionalLong.of(Long.parseLong(text.substring(i + 1, end).trim()));
                    } else if (name.equals("FLAGS")) {
                        List<String> f = new ArrayList<>();
                        for (String w : text.substring(i + 1, end).trim().split(" +")) {
                            if (!w.isEmpty()) {
                                f.add(w);
                            }
                        }
                        flags = Optional.of(f);
                    }
                    i = end + 1;
                } else if (c == '"') {
                    int end = i + 1;
                    while (text.charAt(end) != '"') {
                        end += text.charAt(end) == '\\' ? 2 : 1;
                    }
                    if (name.equals("INTERNALDATE")) {
                        date = Optional.of(ImapDates.parseDateTime(text.substring(i + 1, end)));
                    }
                    i = end + 1;
                } else if (c == '{' || c == '~') {
                    ImapResponse.Literal l = response.literals().get(literalIndex);
                    byte[] payload = response.literal(literalIndex++);
                    if (name.equals("BODY[]") || name.equals("RFC822") || name.equals("BINARY[]")) {
                        body = Optional.of(payload);
                    }
                    i = l.offset() + l.length();
                } else {
                    int end = i;
                    while (" )".indexOf(text.charAt(end)) < 0) {
                        end++;
                    }
                    if (name.equals("UID")) {
                        uid = OptionalLong.of(Long.parseLong(text.substring(i, end)));
                    }
                    i = end;
                }
            }
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return Optional.of(new FetchedMessage(head.number().getAsLong(), uid, flags, date, body, modSeq));
    }

    /** The index of the parenthesis closing the one at {@code open}, skipping quoted strings. */
    private static int closing(String text, int open) {
        int depth = 0;
        for (int i = open; ; i++) {
            char c = text.charAt(i);
            if (c == '"') {
                i++;
                while (text.charAt(i) != '"') {
                    i += text.charAt(i) == '\\' ? 2 : 1;
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
    }
}
