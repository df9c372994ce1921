package org.murder.protocol.lmtp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One LMTP command (RFC 2033 on RFC 5321), as parsed by {@link LmtpCommandParser} and encoded by
 * {@link LmtpCommandEncoder}. Every value checks its own syntax, so an encoded command is always one line.
 */
public sealed interface LmtpCommand {

    /** {@code LHLO domain}: the only greeting LMTP knows. The argument is kept as sent (Cyrus does the same). */
    record Lhlo(String domain) implements LmtpCommand {
        public Lhlo {
            requireText(domain, "domain");
        }
    }

    /** SMTP's {@code HELO}: parsed only so that the server can answer "use LHLO". */
    record Helo(String domain) implements LmtpCommand {
        public Helo {
            requirePrintable(domain, "domain");
        }
    }

    /** SMTP's {@code EHLO}: parsed only so that the server can answer "use LHLO". */
    record Ehlo(String domain) implements LmtpCommand {
        public Ehlo {
            requirePrintable(domain, "domain");
        }
    }

    /**
     * {@code MAIL FROM:<path> [parameters]}. Parameter keywords are upper-case; a keyword without a value maps
     * to the empty string. The parser accepts {@code SIZE}, {@code BODY} (7BIT, 8BITMIME), {@code AUTH}
     * (RFC 4954, xtext or {@code <>}), and {@code RET} / {@code ENVID} (RFC 3461, kept but without effect: we do
     * not offer DSN). Iteration follows the order on the wire.
     */
    record Mail(ReversePath from, Map<String, String> params) implements LmtpCommand {
        public Mail {
            Objects.requireNonNull(from, "from");
            params = checkParameters(params);
        }

        public static Mail of(ReversePath from) {
            return new Mail(from, Map.of());
        }

        /** RFC 1870 declared size; a value past {@code long} reads as {@link Long#MAX_VALUE} (surely too large). */
        public OptionalLong size() {
            String size = params.get("SIZE");
            if (size == null) {
                return OptionalLong.empty();
            }
            try {
                return OptionalLong.of(Long.parseLong(size));
            } catch (NumberFormatException tooManyDigits) {
                return OptionalLong.of(Long.MAX_VALUE);
            }
        }

        /** {@code 7BIT} or {@code 8BITMIME}, when declared. */
        public Optional<String> body() {
            return Optional.ofNullable(params.get("BODY")).map(b -> b.toUpperCase(Locale.ROOT));
        }

        /**
         * RFC 4954 §5 {@code AUTH=}: empty when absent or {@code <>} (the sender's identity is not vouched
         * for), else the decoded identity the client vouches for.
         */
        public Optional<String> authorization() {
            String auth = params.get("AUTH");
            if (auth == null || auth.equals("<>")) {
                return Optional.empty();
            }
            return Xtext.decode(auth);
        }
    }

    /**
     * {@code RCPT TO:<path> [parameters]}. The only parameter taken is Cyrus's {@code IGNOREQUOTA} (offered in
     * the LHLO reply; a frontend passes it on to the backend).
     */
    record Rcpt(ForwardPath to, Map<String, String> params) implements LmtpCommand {
        public Rcpt {
            Objects.requireNonNull(to, "to");
            params = checkParameters(params);
        }

        public static Rcpt of(ForwardPath to) {
            return new Rcpt(to, Map.of());
        }

        public boolean ignoreQuota() {
            return params.containsKey("IGNOREQUOTA");
        }
    }

    record Data() implements LmtpCommand {
    }

    record Rset() implements LmtpCommand {
    }

    /** {@code NOOP}; RFC 5321 allows an argument and gives it no meaning, so it is not kept. */
    record Noop() implements LmtpCommand {
    }

    record Quit() implements LmtpCommand {
    }

    /** {@code VRFY string}; Cyrus answers every VRFY with 252, and so may we. */
    record Vrfy(String argument) implements LmtpCommand {
        public Vrfy {
            requireText(argument, "argument");
        }
    }

    record StartTls() implements LmtpCommand {
    }

    /**
     * {@code AUTH mechanism [initial-response]} (RFC 4954). The mechanism is upper-case; the initial response is
     * the base64 text as sent, {@code =} standing for an empty response, decoded by the SASL layer.
     */
    record Auth(String mechanism, Optional<String> initialResponse) implements LmtpCommand {
        public Auth {
            Objects.requireNonNull(mechanism, "mechanism");
            Objects.requireNonNull(initialResponse, "initialResponse");
            if (!LmtpSyntax.isMechanism(mechanism)) {
                throw new IllegalArgumentException("not a SASL mechanism name: " + mechanism);
            }
            initialResponse.ifPresent(r -> {
                if (!LmtpSyntax.isInitialResponse(r)) {
                    throw new IllegalArgumentException("not base64: " + r);
                }
            });
        }
    }

    private static void requireText(String s, String what) {
        requirePrintable(s, what);
        if (s.isBlank() || s.startsWith(" ") || s.endsWith(" ")) {
            throw new IllegalArgumentException(what + " must be non-blank and trimmed: '" + s + "'");
        }
    }

    private static void requirePrintable(String s, String what) {
        Objects.requireNonNull(s, what);
        if (!LmtpSyntax.isPrintable(s)) {
            throw new IllegalArgumentException(what + " must be printable US-ASCII");
        }
    }

    /** Upper-case keywords in wire order; values are esmtp-values or empty (keyword only). */
    private static Map<String, String> checkParameters(Map<String, String> params) {
        Objects.requireNonNull(params, "params");
        Map<String, String> checked = new LinkedHashMap<>();
        params.forEach((keyword, value) -> {
            Objects.requireNonNull(keyword, "parameter keyword");
            Objects.requireNonNull(value, "parameter value");
            String upper = keyword.toUpperCase(Locale.ROOT);
            if (!LmtpSyntax.isKeyword(upper) || !upper.equals(keyword)) {
                throw new IllegalArgumentException("not an upper-case esmtp-keyword: " + keyword);
            }
            if (!value.isEmpty() && !LmtpSyntax.isParameterValue(value)) {
                throw new IllegalArgumentException("not an esmtp-value: " + value);
            }
            checked.put(keyword, value);
        });
        return Collections.unmodifiableMap(checked);
    }
}
