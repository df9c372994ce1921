package org.murder.protocol.lmtp;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code imapd.conf} options that decide how Cyrus's lmtpd reads a recipient address (see {@link Recipient}).
 *
 * @param postUser      {@code postuser}: the user part that addresses shared folders ({@code bb+shared.folder}
 *                      with {@code postuser: bb}); Cyrus's default is empty, which leaves {@code +shared.folder}
 * @param downcase      {@code lmtp_downcase_rcpt} (default on since Cyrus 2.5): user and domain lower-case, the
 *                      folder part as sent
 * @param virtDomains   {@code virtdomains}: whether the domain names a virtual domain or is ignored
 * @param defaultDomain {@code defaultdomain}: with virtual domains, the domain that counts as none
 */
public record RecipientRules(String postUser, boolean downcase, boolean virtDomains, Optional<String> defaultDomain) {

    /** Cyrus 3.6's defaults: no postuser, lower-casing on, no virtual domains. */
    public static final RecipientRules CYRUS_DEFAULTS = new RecipientRules("", true, false, Optional.empty());

    public RecipientRules {
        Objects.requireNonNull(postUser, "postUser");
        Objects.requireNonNull(defaultDomain, "defaultDomain");
    }
}
