package org.murder.protocol.imap.message;

import java.util.regex.Pattern;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * RFC 2047 encoded words ({@code =?UTF-8?B?...?=}, {@code =?ISO-8859-1?Q?...?=}) in a header value, decoded by
 * mime4j's {@link DecoderUtil}; whitespace between two encoded words goes, as RFC 2047 §6.2 says. Two of mime4j's
 * habits are headed off first: an encoded word with empty text made it return an empty string for the whole value
 * (the word is dropped instead), and an RFC 2231 language suffix ({@code =?UTF-8*en?Q?...?=}) left the word encoded.
 * A word whose charset Java does not know stays as written.
 */
public final class EncodedWords {

    private static final Pattern EMPTY_WORD = Pattern.compile("=\\?[^?\\s]+\\?[QqBb]\\?\\?=");
    private static final Pattern LANGUAGE = Pattern.compile("=\\?([^?*\\s]+)\\*[^?\\s]*\\?([QqBb])\\?");

    private EncodedWords() {
    }

    public static String decode(String value) {
        if (value.indexOf("=?") < 0) {
            return value;
        }
        String v = EMPTY_WORD.matcher(value).replaceAll("");
        v = LANGUAGE.matcher(v).replaceAll("=?$1?$2?");
        return DecoderUtil.decodeEncodedWords(v, DecodeMonitor.SILENT);
    }
}
