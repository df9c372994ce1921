package org.murder.protocol.lmtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Which mailbox an LMTP recipient names, read the way Cyrus 3.6's lmtpd reads it ({@code process_recipient()}
 * in {@code imap/lmtpengine.c} and {@code mbname_from_recipient()} in {@code lib/mboxname.c}):
 *
 * <ol>
 *   <li>The domain (after the last {@code @}) counts only with {@code virtdomains}, and not when it is the
 *       default domain; otherwise it is ignored. ({@link Address} keeps it either way.)</li>
 *   <li>The local part splits at its first {@code +}: {@code user+detail}. The detail names a folder below the
 *       user's INBOX ({@code alice+lists.cyrus} is {@code user.alice.lists.cyrus}); {@link #folders(char)} splits
 *       it at the namespace's hierarchy separator ({@code .}, or {@code /} with {@code unixhierarchysep}).</li>
 *   <li>With {@code lmtp_downcase_rcpt} (on by default) the user and the domain are lower-cased; the detail
 *       keeps its case, as mailbox names do.</li>
 *   <li>A user part equal to {@code postuser} — or empty, as in {@code +shared.folder} — makes the detail a
 *       shared folder: {@code bb+shared.folder} (with {@code postuser: bb}) and {@code +shared.folder} name the
 *       shared mailbox {@code shared.folder}.</li>
 * </ol>
 *
 * <p>Deliberate differences from Cyrus: domains are compared with the default domain without regard to case; a
 * shared-folder recipient keeps its virtual domain, so {@code +folder@example.org} is example.org's shared
 * folder (Cyrus looks for a user with an empty name in example.org, and where {@code postuser} matches a user id
 * with a domain it drops the domain, so shared folders of a virtual domain cannot be reached); and a quoted local
 * part is read unquoted ({@code "john doe"} is user {@code john doe}; Cyrus keeps the quotes in the name, which
 * then matches no mailbox).
 *
 * @param user   the user, empty for a shared folder
 * @param detail the text after the first {@code +}: a folder path, as sent; present for every shared folder
 * @param domain the virtual domain, when one counts
 */
public record Recipient(Optional<String> user, Optional<String> detail, Optional<String> domain) {

    public Recipient {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(domain, "domain");
        if (user.isEmpty() && detail.isEmpty()) {
            throw new IllegalArgumentException("a shared-folder recipient names a folder");
        }
        if (user.map(String::isEmpty).orElse(false) || detail.map(String::isEmpty).orElse(false)) {
            throw new IllegalArgumentException("user and detail are absent rather than empty");
        }
    }

    /**
     * The recipient that {@code address} names under {@code rules}, or empty when it names none: a bare
     * {@code +}, or the postuser without a folder.
     */
    public static Optional<Recipient> of(Address address, RecipientRules rules) {
        Optional<String> domain = address.domain()
                .filter(d -> rules.virtDomains())
                .filter(d -> rules.defaultDomain().map(dd -> !dd.equalsIgnoreCase(d)).orElse(true));
        String local = address.localPart();
        int plus = local.indexOf('+');
        String user = plus < 0 ? local : local.substring(0, plus);
        Optional<String> detail = plus < 0 || plus == local.length() - 1
                ? Optional.empty() : Optional.of(local.substring(plus + 1));
        if (rules.downcase()) {
            user = user.toLowerCase(Locale.ROOT);
            domain = domain.map(d -> d.toLowerCase(Locale.ROOT));
        }
        String userId = domain.isPresent() ? user + "@" + domain.get() : user;
        boolean shared = user.isEmpty() || userId.equals(rules.postUser());
        if (shared) {
            // the virtual domain stays: +folder@example.org is example.org's shared folder
            Optional<String> sharedDomain = domain;
            return detail.map(d -> new Recipient(Optional.empty(), Optional.of(d), sharedDomain));
        }
        return Optional.of(new Recipient(Optional.of(user), detail, domain));
    }

    public boolean isShared() {
        return user.isEmpty();
    }

    /** The user id Cyrus would use ({@code alice} or {@code alice@example.org}); empty for a shared folder. */
    public Optional<String> userId() {
        return user.map(u -> domain.map(d -> u + "@" + d).orElse(u));
    }

    /**
     * The detail's folder names, split at {@code hierarchySeparator}; empty segments ({@code a..b}) are
     * dropped. Names are as sent: turning them into stored mailbox names (modified UTF-7 or not) is the mailbox
     * layer's business.
     */
    public List<String> folders(char hierarchySeparator) {
        List<String> names = new ArrayList<>();
        detail.ifPresent(d -> {
            int start = 0;
            for (int i = 0; i <= d.length(); i++) {
                if (i == d.length() || d.charAt(i) == hierarchySeparator) {
                    if (i > start) {
                        names.add(d.substring(start, i));
                    }
                    start = i + 1;
                }
            }
        });
        return names;
    }
}
