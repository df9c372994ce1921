package org.murder.protocol.imap.search;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * The text SEARCH BODY and TEXT look in (RFC 3501 §6.4.4, RFC 9051 §6.4.4): each text part of a message with its
 * content transfer encoding undone (base64, quoted-printable) and its charset decoded, as Cyrus searches — a word
 * in a base64 body is found, base64 letters that happen to spell it are not. Parts that are not text (images,
 * archives) hold nothing to find. What is not MIME at all is taken as it is (text/plain, RFC 2045 §5.2).
 */
public final class BodyText {

    /** Beyond this many characters of text a message's body is not searched further (a bound on memory). */
    public static final int MAX_CHARS = 16 << 20;

    private BodyText() {
    }

    /** The searchable body text of the whole message in {@code message} (header and body, as stored). */
    public static String of(InputStream message) throws IOException {
        StringBuilder text = new StringBuilder();
        MimeConfig config = new MimeConfig.Builder().setMaxLineLen(-1).setMaxHeaderLen(-1).setMaxHeaderCount(-1)
                .setMaxContentLen(-1).build();
        MimeStreamParser parser = new MimeStreamParser(config);
        parser.setContentDecoding(true);
        parser.setContentHandler(new AbstractContentHandler() {
            @Override
            public void body(BodyDescriptor bd, InputStream is) throws IOException {
                if (text.length() >= MAX_CHARS || !"text".equals(bd.getMediaType().toLowerCase(Locale.ROOT))) {
                    return;
                }
                byte[] bytes = is.readNBytes(MAX_CHARS - text.length());
                if (text.length() > 0) {
                    text.append('\n');
                }
                text.append(decode(bytes, bd.getCharset()));
            }
        });
        try {
            parser.parse(message);
        } catch (MimeException e) {
            // mime4j is lenient by default; whatever it still refuses is searched as far as it got
        }
        return text.toString();
    }

    /**
     * Bytes in the declared charset; an unknown or missing one (or us-ascii with 8-bit bytes, as mail often is)
     * as UTF-8 when they are that, else Latin-1.
     */
    static String decode(byte[] bytes, String charset) {
        Charset declared = null;
        if (charset != null) {
            try {
                declared = Charset.forName(charset.trim());
            } catch (RuntimeException unknown) {
                declared = null;
            }
        }
        if (declared != null && !declared.equals(StandardCharsets.US_ASCII)) {
            return new String(bytes, declared);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }
}
