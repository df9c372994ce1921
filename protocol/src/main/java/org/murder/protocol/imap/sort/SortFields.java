package org.murder.protocol.imap.sort;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.murder.protocol.imap.message.AddressParser;

/**
 * What SORT and THREAD need of one message's header, computed once (at delivery) and kept as one short string
 * ({@link #serialize}): the sent date, the base subject, the first From/To/Cc mailbox (RFC 5256 §3: the
 * {@code addr-mailbox}, ASCII upper-cased), the display keys of RFC 5957 (the decoded display name, else the address,
 * upper-cased), the Message-ID and the parent IDs (References, else the first of In-Reply-To). Bounded: long fields
 * are cut, and like Cyrus at most {@link #MAX_REFERENCES} references are kept — the first and the last ones.
 */
public record SortFields(OptionalLong sentDate, BaseSubject subject, String from, String to, String cc,
                         String displayFrom, String displayTo, String messageId, List<String> references) {

    /** Cyrus's REFERENCES_ID_LIMIT: the thread's root and the parent's nearest ancestors are what matter. */
    public static final int MAX_REFERENCES = 20;
    /** The longest {@link #serialize} output (a database column holds it). */
    public static final int MAX_SERIALIZED = 16_000;

    static final int MAX_HEADER = 256 * 1024;
    private static final int MAX_TEXT = 1000;
    private static final int MAX_ADDRESS = 256;
    private static final String VERSION = "1";

    public static final SortFields EMPTY = new SortFields(OptionalLong.empty(), BaseSubject.EMPTY, "", "", "", "", "",
            "", List.of());

    private static final Set<String> WANTED = Set.of("date", "subject", "from", "to", "cc", "message-id", "references",
            "in-reply-to");

    public SortFields {
        Objects.requireNonNull(sentDate, "sentDate");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(cc, "cc");
        Objects.requireNonNull(displayFrom, "displayFrom");
        Objects.requireNonNull(displayTo, "displayTo");
        Objects.requireNonNull(messageId, "messageId");
        references = List.copyOf(references);
    }

    /** Reads a message's header (up to its blank line, or {@link #MAX_HEADER} bytes) from the start of the stream. */
    public static SortFields parse(InputStream message) throws IOException {
        Map<String, String> fields = new HashMap<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream(256);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int read = 0;
        while (read < MAX_HEADER) {
            line.reset();
            int firstByte = -1;
            int b = 0;
            while (read < MAX_HEADER && (b = message.read()) >= 0 && b != '\n') {
                read++;
                if (firstByte < 0) {
                    firstByte = b;
                }
                if (b != '\r' && line.size() < MAX_HEADER) {
                    line.write(b);
                }
            }
            read++;
            if (line.size() == 0) {
                break; // the blank line that ends the header, or the end of the message
            }
            if (firstByte != ' ' && firstByte != '\t') {
                keep(fields, field);
                field.reset();
            }
            if (field.size() < MAX_HEADER / 4) {
                line.writeTo(field); // unfolded: the line break goes, the continuation's whitespace stays
            }
            if (b < 0) {
                break;
            }
        }
        keep(fields, field);
        return of(fields);
    }

    /** From field values (names lower-case, unfolded, raw: encoded words not decoded). */
    public static SortFields of(Map<String, String> fields) {
        String date = fields.get("date");
        String subject = fields.get("subject");
        AddressParser.Address from = firstAddress(fields.get("from"));
        AddressParser.Address to = firstAddress(fields.get("to"));
        AddressParser.Address cc = firstAddress(fields.get("cc"));
        List<String> refs = messageIds(fields.get("references"));
        if (refs.isEmpty()) {
            refs = messageIds(fields.get("in-reply-to")).stream().limit(1).toList();
        }
        List<String> ids = messageIds(fields.get("message-id"));
        return bounded(new SortFields(date == null ? OptionalLong.empty() : SentDate.parse(date),
                subject == null ? BaseSubject.EMPTY : BaseSubject.of(cut(decode(subject), MAX_TEXT)),
                mailbox(from), mailbox(to), mailbox(cc), display(from), display(to),
                ids.isEmpty() ? "" : ids.get(0), refs));
    }

    /** The sent date, or the INTERNALDATE (epoch seconds) when there is none (RFC 5256 §2.2). */
    public long sentDateOr(long internalDate) {
        return sentDate.orElse(internalDate);
    }

    // ------------------------------------------------------------------ the stored form

    /** One line of text: {@code 1} then each field as {@code length:value}; {@link #deserialize} reads it back. */
    public String serialize() {
        StringBuilder out = new StringBuilder(128).append(VERSION);
        put(out, sentDate.isPresent() ? Long.toString(sentDate.getAsLong()) : "");
        put(out, subject.base());
        put(out, subject.replyOrForward() ? "1" : "0");
        put(out, from);
        put(out, to);
        put(out, cc);
        put(out, displayFrom);
        put(out, displayTo);
        put(out, messageId);
        put(out, String.join(" ", references));
        return out.toString();
    }

    /** {@link #serialize}'s output back; {@link IllegalArgumentException} for anything else. */
    public static SortFields deserialize(String text) {
        return deserialize(text, UnaryOperator.identity());
    }

    /**
     * {@link #serialize}'s output back, the values that repeat across a mailbox (addresses, display names, base
     * subjects, referenced IDs) passed through {@code shared} so that a cache of many messages can keep one copy each.
     */
    public static SortFields deserialize(String text, UnaryOperator<String> shared) {
        if (!text.startsWith(VERSION)) {
            throw new IllegalArgumentException("not serialised sort fields");
        }
        String[] v = new String[10];
        int p = VERSION.length();
        try {
            for (int i = 0; i < v.length; i++) {
                int colon = text.indexOf(':', p);
                int len = Integer.parseInt(text, p, colon, 10);
                v[i] = text.substring(colon + 1, colon + 1 + len);
                p = colon + 1 + len;
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not serialised sort fields", e);
        }
        if (p != text.length()) {
            throw new IllegalArgumentException("not serialised sort fields");
        }
        List<String> refs = List.of();
        if (!v[9].isEmpty()) {
            String[] ids = v[9].split(" ");
            for (int i = 0; i < ids.length; i++) {
                ids[i] = shared.apply(ids[i]);
            }
            refs = List.of(ids);
        }
        return new SortFields(v[0].isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(v[0])),
                v[1].isEmpty() && v[2].equals("0") ? BaseSubject.EMPTY : new BaseSubject(shared.apply(v[1]), v[2].equals("1")),
                shared.apply(v[3]), shared.apply(v[4]), shared.apply(v[5]), shared.apply(v[6]), shared.apply(v[7]), v[8],
                refs);
    }

    private static void put(StringBuilder out, String value) {
        out.append(value.length()).append(':').append(value);
    }

    /** Drops references from the middle (keeping the root and the parent) until the stored form fits. */
    private static SortFields bounded(SortFields f) {
        List<String> refs = new ArrayList<>(f.references);
        while (refs.size() > MAX_REFERENCES) {
            refs.remove(1);
        }
        SortFields out = refs.size() == f.references.size() ? f : f.withReferences(refs);
        while (out.serialize().length() > MAX_SERIALIZED && !refs.isEmpty()) {
            refs.remove(refs.size() > 1 ? 1 : 0);
            out = out.withReferences(refs);
        }
        return out;
    }

    private SortFields withReferences(List<String> refs) {
        return new SortFields(sentDate, subject, from, to, cc, displayFrom, displayTo, messageId, refs);
    }

    // ------------------------------------------------------------------ fields

    private static AddressParser.Address firstAddress(String value) {
        List<AddressParser.Address> all = AddressParser.parse(value);
        return all.isEmpty() ? null : all.get(0);
    }

    /** RFC 5256: the {@code addr-mailbox} of the first address, compared as {@code i;ascii-casemap}. */
    private static String mailbox(AddressParser.Address a) {
        return a == null || a.mailbox() == null ? "" : BaseSubject.asciiUpper(cut(a.mailbox(), MAX_ADDRESS));
    }

    /**
     * RFC 5957: the display name, RFC 2047 decoded, else the address ({@code mailbox@host}); compared as RFC 5051's
     * {@code i;unicode-casemap} does, case mapped then fully decomposed, so {@code É} sorts as {@code E} and an accent.
     */
    private static String display(AddressParser.Address a) {
        if (a == null) {
            return "";
        }
        String name = a.name() == null ? "" : decode(a.name()).strip();
        String key;
        if (!name.isEmpty()) {
            key = name;
        } else if (a.mailbox() == null) {
            key = "";
        } else {
            key = a.host() == null ? a.mailbox() : a.mailbox() + "@" + a.host();
        }
        return cut(Normalizer.normalize(key.toUpperCase(Locale.ROOT), Normalizer.Form.NFKD), MAX_ADDRESS);
    }

    /** Every {@code <...>} of a field, inner whitespace removed (as Cyrus reads them). */
    static List<String> messageIds(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        int p = 0;
        while (true) {
            int open = value.indexOf('<', p);
            if (open < 0) {
                return out;
            }
            int close = value.indexOf('>', open + 1);
            if (close < 0) {
                return out;
            }
            int nested = value.lastIndexOf('<', close);
            String id = value.substring(nested, close + 1).replaceAll("\\s+", "");
            if (id.length() > 2 && id.length() <= 998) {
                out.add(id);
            }
            p = close + 1;
        }
    }

    private static String decode(String raw) {
        try {
            return DecoderUtil.decodeEncodedWords(raw, DecodeMonitor.SILENT);
        } catch (RuntimeException e) {
            return raw; // a malformed encoded word stays as written
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static void keep(Map<String, String> fields, ByteArrayOutputStream field) {
        if (field.size() == 0) {
            return;
        }
        String text = utf8(field.toByteArray());
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return;
        }
        String name = text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        if (WANTED.contains(name)) {
            fields.put(name, text.substring(colon + 1).strip()); // the last one counts, as in ENVELOPE
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(e); // REPLACE never throws
        }
    }
}
