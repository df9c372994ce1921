package org.murder.protocol.imap.client;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

import org.murder.protocol.imap.ImapCommandParser;
import org.murder.protocol.imap.ImapReader;
import org.murder.protocol.imap.client.ImapResponseHead.Kind;
import org.murder.protocol.imap.client.ImapResponseHead.ResponseCode;
import org.murder.protocol.imap.client.ImapResponseHead.Status;

/**
 * Reads the head of a response from its first line (RFC 3501 §7, §9 {@code response}). Strict where a relay
 * depends on it (tag, status, response name, number), lenient in human text: a response code without its
 * closing bracket is left in the text rather than refused.
 */
final class ResponseHeadParser {

    private ResponseHeadParser() {
    }

    /** The head of the line {@code line[0, end)}, CRLF excluded. */
    static ImapResponseHead parse(byte[] line, int end) {
        if (end == 0) {
            throw new ImapResponseException("Empty response line");
        }
        if (line[0] == '+') {
            if (end > 1 && line[1] != ' ') {
                throw new ImapResponseException("Malformed continuation");
            }
            return new ImapResponseHead(Kind.CONTINUATION, Optional.empty(), OptionalLong.empty(), "",
                    Optional.empty(), Optional.empty(), end > 1 ? text(line, 2, end) : "");
        }
        if (line[0] == '*') {
            return untagged(line, end);
        }
        return tagged(line, end);
    }

    private static ImapResponseHead untagged(byte[] line, int end) {
        if (end < 3 || line[1] != ' ') {
            throw new ImapResponseException("Malformed untagged response");
        }
        int i = 2;
        OptionalLong number = OptionalLong.empty();
        if (ImapReader.isDigit(line[i])) {
            int start = i;
            while (i < end && ImapReader.isDigit(line[i])) {
                i++;
            }
            if (i - start > 10 || i >= end || line[i] != ' ') {
                throw new ImapResponseException("Malformed numeric response");
            }
            long n = Long.parseLong(ascii(line, start, i));
            if (n > ImapReader.MAX_NUMBER) {
                throw new ImapResponseException("Malformed numeric response");
            }
            number = OptionalLong.of(n);
            i++;
        }
        int nameEnd = atomEnd(line, i, end);
        String keyword = ascii(line, i, nameEnd).toUpperCase(Locale.ROOT);
        Optional<Status> status = status(keyword, Status.values());
        if (status.isPresent()) {
            if (number.isPresent()) {
                throw new ImapResponseException("Malformed untagged response");
            }
            return statusResponse(Kind.UNTAGGED, Optional.empty(), keyword, status.get(), line, nameEnd, end);
        }
        String rest = nameEnd < end ? text(line, nameEnd + 1, end) : "";
        return new ImapResponseHead(Kind.UNTAGGED, Optional.empty(), number, keyword, Optional.empty(),
                Optional.empty(), rest);
    }

    private static ImapResponseHead tagged(byte[] line, int end) {
        int space = 0;
        while (space < end && line[space] != ' ') {
            space++;
        }
        String tag = ascii(line, 0, space);
        if (!ImapCommandParser.isTag(tag) || space >= end) {
            throw new ImapResponseException("Malformed tagged response");
        }
        int nameEnd = atomEnd(line, space + 1, end);
        String keyword = ascii(line, space + 1, nameEnd).toUpperCase(Locale.ROOT);
        Status status = status(keyword, new Status[] {Status.OK, Status.NO, Status.BAD})
                .orElseThrow(() -> new ImapResponseException("Tagged response is not OK, NO or BAD"));
        return statusResponse(Kind.TAGGED, Optional.of(tag), keyword, status, line, nameEnd, end);
    }

    /** The end of a non-empty response name starting at {@code from}, which must be followed by SP or the end. */
    private static int atomEnd(byte[] line, int from, int end) {
        int i = from;
        while (i < end && ImapReader.isAtomChar(line[i] & 0xff)) {
            i++;
        }
        if (i == from || (i < end && line[i] != ' ')) {
            throw new ImapResponseException("Malformed response name");
        }
        return i;
    }

    /** {@code [SP ["[" resp-text-code "]" [SP]] text]} after a status keyword. */
    private static ImapResponseHead statusResponse(Kind kind, Optional<String> tag, String keyword, Status status,
                                                   byte[] line, int i, int end) {
        Optional<ResponseCode> code = Optional.empty();
        if (i < end) {
            i++; // the space atomEnd checked
        }
        if (i < end && line[i] == '[') {
            int close = closingBracket(line, i + 1, end);
            if (close >= 0) {
                code = Optional.of(code(line, i + 1, close));
                i = close + 1;
                if (i < end && line[i] == ' ') {
                    i++;
                }
            }
        }
        return new ImapResponseHead(kind, tag, OptionalLong.empty(), keyword, Optional.of(status), code,
                text(line, i, end));
    }

    /** The {@code ]} that closes a response code, skipping quoted strings (a REFERRAL URL may hold one). */
    private static int closingBracket(byte[] line, int from, int end) {
        boolean quoted = false;
        for (int i = from; i < end; i++) {
            byte c = line[i];
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ']' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static ResponseCode code(byte[] line, int from, int to) {
        int space = from;
        while (space < to && line[space] != ' ') {
            space++;
        }
        String name = ascii(line, from, space).toUpperCase(Locale.ROOT);
        return new ResponseCode(name, space < to ? text(line, space + 1, to) : "");
    }

    private static Optional<Status> status(String keyword, Status[] candidates) {
        for (Status s : candidates) {
            if (s.name().equals(keyword)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** Human text: UTF-8 where it is, a replacement character where it is not; it is never re-sent from here. */
    private static String text(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }
}
