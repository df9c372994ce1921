package org.murder.protocol.imap.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;

/**
 * What BODYSTRUCTURE says about one entity, in Cyrus's spelling: type, subtype, parameter names, encoding,
 * disposition and languages upper case; values as written (quotes and escapes removed, RFC 2231 continuations folded,
 * encoded words and {@code charset''} values left encoded). Content-Type and Content-Disposition are parsed by
 * mime4j's {@link RawFieldParser}. A missing or malformed Content-Type means {@code TEXT/PLAIN; CHARSET=us-ascii}, or
 * {@code MESSAGE/RFC822} inside a multipart/digest (RFC 2046 §5.1.5).
 */
record ContentInfo(String type, String subtype, List<Param> params, String id, String description, String encoding,
                   String md5, Disposition disposition, List<String> language, String location) {

    record Param(String name, String value) {
    }

    record Disposition(String type, List<Param> params) {
    }

    static final String DEFAULT_ENCODING = "7BIT";
    /** RFC 2046 allows 70 characters; longer ones are accepted up to this, beyond it the multipart is read as text. */
    static final int MAX_BOUNDARY = 1000;
    static final List<Param> DEFAULT_TEXT_PARAMS = List.of(new Param("CHARSET", "us-ascii"));

    /** RFC 2045 tspecials: never in a token. */
    private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";

    static ContentInfo of(Header h, boolean digestChild) {
        String type;
        String subtype;
        List<Param> params;
        String[] parsed = parseType(h.field("content-type"));
        if (parsed != null) {
            type = parsed[0];
            subtype = parsed[1];
            params = MimeParams.fold(params(h.field("content-type")));
        } else if (digestChild) {
            type = "MESSAGE";
            subtype = "RFC822";
            params = List.of();
        } else {
            type = "TEXT";
            subtype = "PLAIN";
            params = DEFAULT_TEXT_PARAMS;
        }
        return new ContentInfo(type, subtype, params, h.unfolded("content-id"), h.unfolded("content-description"),
                encoding(h.field("content-transfer-encoding")), h.unfolded("content-md5"),
                disposition(h.field("content-disposition")), MimeParams.languages(h.unfolded("content-language")),
                h.unfolded("content-location"));
    }

    /** The same entity shown as text/plain (a multipart whose boundary is missing is read as text, as mime4j does). */
    ContentInfo asPlainText() {
        return new ContentInfo("TEXT", "PLAIN", DEFAULT_TEXT_PARAMS, id, description, encoding, md5, disposition,
                language, location);
    }

    /** The same entity as opaque data (nesting beyond the depth bound is not parsed). */
    ContentInfo asOpaque() {
        return new ContentInfo("APPLICATION", "OCTET-STREAM", List.of(), id, description, encoding, md5, disposition,
                language, location);
    }

    /** A zero-part multipart shows one empty text part, as Cyrus and Dovecot do; BODYSTRUCTURE needs at least one. */
    static ContentInfo emptyText() {
        return new ContentInfo("TEXT", "PLAIN", DEFAULT_TEXT_PARAMS, null, null, DEFAULT_ENCODING, null, null,
                List.of(), null);
    }

    boolean isMultipart() {
        return type.equals("MULTIPART");
    }

    boolean isMessage() {
        return type.equals("MESSAGE") && subtype.equals("RFC822");
    }

    boolean isText() {
        return type.equals("TEXT");
    }

    /** The multipart boundary, or null when there is none usable (missing, empty, or longer than RFC 2046's 70 by far). */
    String boundary() {
        for (Param p : params) {
            String value = p.name().equals("BOUNDARY") ? p.value()
                    : p.name().equals("BOUNDARY*") ? MimeParams.decodeExtended(p.value()) : null;
            if (value != null) {
                return value.isEmpty() || value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_BOUNDARY ? null : value;
            }
        }
        return null;
    }

    String charset() {
        for (Param p : params) {
            if (p.name().equals("CHARSET")) {
                return p.value();
            }
        }
        return null;
    }

    private static String[] parseType(RawField field) {
        if (field == null) {
            return null;
        }
        String value = RawFieldParser.DEFAULT.parseRawBody(field).getValue();
        int slash = value.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String type = value.substring(0, slash).trim();
        String subtype = value.substring(slash + 1).trim();
        if (!isToken(type) || !isToken(subtype)) {
            return null;
        }
        return new String[] {type.toUpperCase(Locale.ROOT), subtype.toUpperCase(Locale.ROOT)};
    }

    private static List<Param> params(RawField field) {
        RawBody body = RawFieldParser.DEFAULT.parseRawBody(field);
        List<Param> out = new ArrayList<>();
        for (NameValuePair p : body.getParams()) {
            String name = p.getName() == null ? "" : p.getName().trim();
            if (p.getValue() != null && isToken(name)) {
                out.add(new Param(name.toUpperCase(Locale.ROOT), p.getValue()));
            }
        }
        return out;
    }

    private static String encoding(RawField field) {
        if (field == null) {
            return DEFAULT_ENCODING;
        }
        RawBody body = RawFieldParser.DEFAULT.parseRawBody(field);
        String value = body.getValue().trim();
        return isToken(value) && body.getParams().isEmpty() ? value.toUpperCase(Locale.ROOT) : DEFAULT_ENCODING;
    }

    private static Disposition disposition(RawField field) {
        if (field == null) {
            return null;
        }
        RawBody body = RawFieldParser.DEFAULT.parseRawBody(field);
        String value = body.getValue().trim();
        if (!isToken(value)) {
            return null;
        }
        return new Disposition(value.toUpperCase(Locale.ROOT), MimeParams.fold(params(field)));
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7f || TSPECIALS.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
