package org.murder.protocol.lmtp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One reply, single- or multi-line: the three-digit code, the RFC 2034 / 3463 enhanced status code when there
 * is one ({@code 2.1.5}), and the text of each line without either code. {@link LmtpReplies#encode} writes it,
 * {@link LmtpReplyParser} reads it back.
 */
public record LmtpReply(int code, Optional<String> enhancedStatus, List<String> lines) {

    private static final Pattern ENHANCED = Pattern.compile("[245]\\.[0-9]{1,3}\\.[0-9]{1,3}");

    public LmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("not a reply code: " + code);
        }
        Objects.requireNonNull(enhancedStatus, "enhancedStatus");
        enhancedStatus.ifPresent(e -> {
            if (!isEnhancedStatus(e)) {
                throw new IllegalArgumentException("not an enhanced status code: " + e);
            }
        });
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
    }

    public static LmtpReply of(int code, String enhancedStatus, String text) {
        return new LmtpReply(code, Optional.of(enhancedStatus), List.of(text));
    }

    /** A reply without an enhanced status code (greetings, LHLO, and peers that do not offer them). */
    public static LmtpReply plain(int code, String... lines) {
        return new LmtpReply(code, Optional.empty(), List.of(lines));
    }

    /** {@code x.y.z} with x in 2, 4, 5 (RFC 3463 §2). */
    public static boolean isEnhancedStatus(String s) {
        return ENHANCED.matcher(s).matches();
    }

    /** The text of the last line, where the outcome is said (the earlier lines of Cyrus's replies explain). */
    public String text() {
        return lines.get(lines.size() - 1);
    }

    /** 2xx. */
    public boolean positive() {
        return code / 100 == 2;
    }

    /** 3xx: go on ({@code 354} after DATA, {@code 334} during AUTH). */
    public boolean intermediate() {
        return code / 100 == 3;
    }

    /** 4xx: try again later. */
    public boolean transientFailure() {
        return code / 100 == 4;
    }

    /** 5xx: do not try again. */
    public boolean permanentFailure() {
        return code / 100 == 5;
    }

    @Override
    public String toString() {
        return code + enhancedStatus.map(e -> " " + e).orElse("") + " " + String.join(" / ", lines);
    }
}
