package org.murder.store.model;

import java.util.Objects;
import java.util.Optional;

/**
 * A user id, optionally in a virtual domain: {@code alice} or {@code alice@example.com}. With virtual domains
 * the domain is everything after the last {@code @} (Cyrus's {@code mbname_from_userid}); without them Cyrus
 * canonicalises the domain away at login, so an id is taken whole.
 *
 * <p>Internally a user's mailboxes live under {@code [domain!]user.<localpart>}, with each {@code .} of the local
 * part stored as {@code ^} ({@code john.doe} → {@code user.john^doe}).
 */
public record UserId(String localPart, Optional<String> domain) {

    public UserId {
        Objects.requireNonNull(localPart);
        Objects.requireNonNull(domain);
    }

    /** Parses an id; with {@code virtDomains} false the whole string is the local part. */
    public static UserId parse(String id, boolean virtDomains) {
        if (virtDomains) {
            int at = id.lastIndexOf('@');
            if (at >= 0) {
                String d = id.substring(at + 1);
                return new UserId(id.substring(0, at), d.isEmpty() ? Optional.empty() : Optional.of(d));
            }
        }
        return new UserId(id, Optional.empty());
    }

    /** The id as a login name and ACL identifier: {@code alice} or {@code alice@example.com}. */
    public String id() {
        return domain.map(d -> localPart + "@" + d).orElse(localPart);
    }

    /** The internal name of this user's INBOX: {@code user.alice} or {@code example.com!user.alice}. */
    public String inbox() {
        return new MailboxName(domain, Optional.empty(), Optional.of(localPart), java.util.List.of()).internal();
    }

    @Override
    public String toString() {
        return id();
    }
}
