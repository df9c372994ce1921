package org.murder.protocol.lmtp;

import java.util.Objects;
import java.util.Optional;

/**
 * An RFC 5321 Mailbox as it travels in {@code MAIL FROM:} and {@code RCPT TO:}: the local part (unquoted: the
 * text a quoted-string stands for) and the domain or address literal ({@code [192.0.2.1]}, brackets kept),
 * absent in the domain-less form {@code <alice>} that LMTP clients use for local users. The domain is kept as
 * sent: it is Cyrus's virtual-domain part ({@code user@domain}), see {@link Recipient}.
 *
 * <p>Only printable US-ASCII is accepted (no SMTPUTF8), so that {@link #wire()} can never break a line.
 */
public record Address(String localPart, Optional<String> domain) {

    public Address {
        Objects.requireNonNull(localPart, "localPart");
        Objects.requireNonNull(domain, "domain");
        if (localPart.isEmpty() || !LmtpSyntax.isPrintable(localPart)) {
            throw new IllegalArgumentException("not a local part: " + localPart);
        }
        domain.ifPresent(d -> {
            if (!LmtpSyntax.isDomain(d) && !LmtpSyntax.isAddressLiteral(d)) {
                throw new IllegalArgumentException("not a domain or address literal: " + d);
            }
        });
    }

    public static Address of(String localPart, String domain) {
        return new Address(localPart, Optional.of(domain));
    }

    /** The domain-less form, {@code <alice>}. */
    public static Address local(String localPart) {
        return new Address(localPart, Optional.empty());
    }

    /**
     * RFC 5321 text without angle brackets: the local part bare when it is atext and dots, quoted otherwise
     * ({@code "john doe"@example.org}).
     */
    public String wire() {
        String local = LmtpSyntax.isLenientDotString(localPart) ? localPart : quote(localPart);
        return domain.map(d -> local + "@" + d).orElse(local);
    }

    @Override
    public String toString() {
        return wire();
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }
}
