package org.murder.protocol.imap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import org.murder.protocol.imap.command.FetchItem;

/**
 * An IMAP URL (RFC 5092) naming a message, or a part of one, on this server — what CATENATE's {@code URL} parts
 * (RFC 4469) refer to. Two forms are taken: an absolute path {@code /mailbox[;UIDVALIDITY=n]/;UID=n[/;SECTION=s]
 * [/;PARTIAL=o[.l]]}, and a path relative to the selected mailbox, {@code ;UID=n[/;SECTION=s][/;PARTIAL=o[.l]]}. As
 * in Cyrus 3.6, a URL that names a server ({@code imap://host/...}) and a URLAUTH one are refused: the caller answers
 * {@code NO [BADURL url]}. The mailbox and the section are percent-decoded (the mailbox as UTF-8, RFC 5092 §3.2).
 *
 * @param mailbox     the mailbox's name as a client would write it in a command (decoded), empty for the selected one
 * @param uidValidity the UIDVALIDITY the URL was made under; when present it must still be the mailbox's
 * @param section     the part (as in {@code BODY[section]}); empty for the whole message
 */
public record ImapUrl(Optional<String> mailbox, OptionalLong uidValidity, long uid, Optional<FetchItem.Section> section,
                      Optional<Partial> partial) {

    /** {@code ;PARTIAL=offset[.length]}: bytes of the message or part from {@code offset}, all of them without a length. */
    public record Partial(long offset, OptionalLong length) {
        public Partial {
            Objects.requireNonNull(length, "length");
        }
    }

    /** Why a URL is refused; the message is short text for the tagged {@code NO}. */
    public static final class InvalidUrlException extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidUrlException(String message) {
            super(message);
        }
    }

    public ImapUrl {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(uidValidity, "uidValidity");
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(partial, "partial");
        if (uid < 1 || uid > ImapReader.MAX_NUMBER) {
            throw new IllegalArgumentException("uid out of range");
        }
    }

    static final String IMPROPER = "Improperly specified URL";

    /** Parses {@code url}, or says why it does not name a message here. */
    public static ImapUrl parse(String url) throws InvalidUrlException {
        if (url.regionMatches(true, 0, "imap:", 0, 5) || url.startsWith("//")) {
            throw new InvalidUrlException("Only relative URLs are supported");
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '#' || c == '"' || c == '\\') {
                throw new InvalidUrlException(IMPROPER);
            }
        }
        if (url.indexOf('?') >= 0) {
            throw new InvalidUrlException("A search is not a message");
        }
        if (url.regionMatches(true, 0, ";UID=", 0, 5)) {
            return message(Optional.empty(), OptionalLong.empty(), url.substring(1));
        }
        if (!url.startsWith("/")) {
            throw new InvalidUrlException(IMPROPER);
        }
        int semicolon = url.indexOf(';');
        if (semicolon < 0) {
            throw new InvalidUrlException("No message named in the URL");
        }
        String rawMailbox = url.substring(1, semicolon);
        String rest = url.substring(semicolon);
        OptionalLong uidValidity = OptionalLong.empty();
        if (rest.regionMatches(true, 0, ";UIDVALIDITY=", 0, 13)) {
            int slash = rest.indexOf('/');
            if (slash < 0) {
                throw new InvalidUrlException("No message named in the URL");
            }
            uidValidity = OptionalLong.of(nzNumber(rest.substring(13, slash)));
            rest = rest.substring(slash);
            rawMailbox = rawMailbox + "/";
        }
        // the mailbox ends with the "/" before ";UID=" ("/INBOX/;UID=3"), or before ";UIDVALIDITY="
        if (!rawMailbox.endsWith("/") || rawMailbox.length() < 2 || !rest.startsWith(";") && !rest.startsWith("/;")) {
            throw new InvalidUrlException(IMPROPER);
        }
        String name;
        try {
            name = MailboxNames.fromWire(utf8(percentDecode(rawMailbox.substring(0, rawMailbox.length() - 1))), true);
            if (MailboxName.of(name) instanceof MailboxName.Unusable) {
                // a name no mailbox can have (a command would answer NO): a URL naming it names nothing
                throw new InvalidUrlException("Invalid mailbox name in the URL");
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidUrlException("Invalid mailbox name in the URL");
        }
        return message(Optional.of(name), uidValidity, rest.startsWith("/") ? rest.substring(2) : rest.substring(1));
    }

    /** {@code UID=n[/;SECTION=s][/;PARTIAL=o[.l]]}, the leading {@code ;} already taken. */
    private static ImapUrl message(Optional<String> mailbox, OptionalLong uidValidity, String path)
            throws InvalidUrlException {
        String upper = path.toUpperCase(java.util.Locale.ROOT);
        if (upper.contains(";URLAUTH=") || upper.contains(";EXPIRE=")) {
            throw new InvalidUrlException("URLAUTH is not supported");
        }
        String[] pieces = path.split("/;", -1);
        if (!pieces[0].regionMatches(true, 0, "UID=", 0, 4)) {
            throw new InvalidUrlException("No message named in the URL");
        }
        long uid = nzNumber(pieces[0].substring(4));
        Optional<FetchItem.Section> section = Optional.empty();
        Optional<Partial> partial = Optional.empty();
        for (int i = 1; i < pieces.length; i++) {
            String piece = pieces[i];
            if (piece.regionMatches(true, 0, "SECTION=", 0, 8) && section.isEmpty() && partial.isEmpty()) {
                section = Optional.of(section(piece.substring(8)));
            } else if (piece.regionMatches(true, 0, "PARTIAL=", 0, 8) && partial.isEmpty()) {
                partial = Optional.of(partial(piece.substring(8)));
            } else {
                throw new InvalidUrlException(IMPROPER);
            }
        }
        return new ImapUrl(mailbox, uidValidity, uid, section, partial);
    }

    private static FetchItem.Section section(String encoded) throws InvalidUrlException {
        String spec = utf8(percentDecode(encoded));
        try {
            return FetchItemParser.sectionSpec(spec);
        } catch (ImapSyntaxException e) {
            throw new InvalidUrlException("Invalid section in the URL");
        }
    }

    private static Partial partial(String text) throws InvalidUrlException {
        int dot = text.indexOf('.');
        if (dot < 0) {
            return new Partial(number(text), OptionalLong.empty());
        }
        return new Partial(number(text.substring(0, dot)), OptionalLong.of(nzNumber(text.substring(dot + 1))));
    }

    private static long nzNumber(String digits) throws InvalidUrlException {
        if (digits.startsWith("0")) {
            throw new InvalidUrlException(IMPROPER);
        }
        return number(digits);
    }

    private static long number(String digits) throws InvalidUrlException {
        if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(ImapReader::isDigit)) {
            throw new InvalidUrlException(IMPROPER);
        }
        long n = Long.parseLong(digits);
        if (n > ImapReader.MAX_NUMBER) {
            throw new InvalidUrlException(IMPROPER);
        }
        return n;
    }

    private static byte[] percentDecode(String s) throws InvalidUrlException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (i + 2 >= s.length()) {
                throw new InvalidUrlException(IMPROPER);
            }
            int hi = Character.digit(s.charAt(i + 1), 16);
            int lo = Character.digit(s.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                throw new InvalidUrlException(IMPROPER);
            }
            out.write(hi << 4 | lo);
            i += 2;
        }
        return out.toByteArray();
    }

    private static String utf8(byte[] bytes) throws InvalidUrlException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidUrlException(IMPROPER);
        }
    }

    /**
     * The URL as it may stand in {@code [BADURL url]}: RFC 4469's {@code url-resp-text} is any TEXT-CHAR but {@code ]},
     * so a client's bad URL cannot close the code early or end the line.
     */
    public static String forResponse(String url) {
        StringBuilder out = new StringBuilder(Math.min(url.length(), 1024));
        for (byte b : url.getBytes(StandardCharsets.UTF_8)) {
            if (out.length() >= 1024) {
                break;
            }
            if (b == ']' || b < 0x20 || b == 0x7f) { // 8-bit bytes are negative: encoded too
                out.append(String.format(java.util.Locale.ROOT, "%%%02X", b & 0xff));
            } else {
                out.append((char) b);
            }
        }
        return out.length() == 0 ? "%20" : out.toString();
    }
}
