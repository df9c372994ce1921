package org.murder.store.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cyrus's standard (non-alt) IMAP namespace: how a client's mailbox names map to internal names.
 *
 * <p>The external separator is {@code .} by default, {@code /} with {@code unixhierarchysep: yes}. With {@code /},
 * a {@code .} inside a level is stored internally as {@code ^} and a {@code ^} cannot be typed; with {@code .},
 * {@code ^} passes through unchanged and {@code /} cannot be typed ({@code _array_from_extname}).
 * <ul>
 *   <li>{@code INBOX} (any case) and {@code INBOX.x} are the caller's own {@code user.<me>} and
 *       {@code user.<me>.x};</li>
 *   <li>{@code user.bob.x} is another user's mailbox, named as it is;</li>
 *   <li>everything else is a shared mailbox, named as it is.</li>
 * </ul>
 * With virtual domains a non-admin only sees and names mailboxes of their own domain; an admin names another
 * domain's mailbox with a trailing {@code @domain} ({@code user.alice@example.com}).
 *
 * <p>Like Cyrus, empty levels in an external name vanish ({@code a..b} and {@code a.b.} both name {@code a.b}):
 * Cyrus splits with {@code strtok}. CREATE's "trailing separator is a declaration" rule therefore needs no
 * extra step.
 *
 * @param separator   {@code .} or {@code /}
 * @param virtDomains Cyrus {@code virtdomains}
 */
public record Namespace(char separator, boolean virtDomains) {

    /** Cyrus's internal separator. */
    public static final char INTERNAL_SEPARATOR = '.';
    public static final String INBOX = "INBOX";

    public Namespace {
        if (separator != '.' && separator != '/') {
            throw new IllegalArgumentException("separator must be '.' or '/'");
        }
    }

    /** The namespace of our default deployment (and of the Cyrus transcripts): {@code .}, no domains. */
    public static Namespace standard() {
        return new Namespace('.', false);
    }

    /** From the imapd.conf switches. */
    public static Namespace of(boolean unixHierarchySep, boolean virtDomains) {
        return new Namespace(unixHierarchySep ? '/' : '.', virtDomains);
    }

    private boolean unixSep() {
        return separator == '/';
    }

    /** The caller's id in this namespace, or empty for anonymous. */
    public Optional<UserId> user(String authUser) {
        return authUser == null || authUser.isEmpty() ? Optional.empty()
                : Optional.of(UserId.parse(authUser, virtDomains));
    }

    /** {@link #toInternal(String, String, boolean)} for a non-admin caller. */
    public Optional<String> toInternal(String external, String authUser) {
        return toInternal(external, authUser, false);
    }

    /**
     * The internal name a client's mailbox name stands for (Cyrus {@code mbname_from_extname} + {@code intname}),
     * or empty when the name cannot name a mailbox: {@code INBOX} without a user, {@code user} alone, a {@code ^}
     * with {@code /} as separator, a {@code /} with {@code .}, or no level at all. The result still needs
     * {@link #validate(String)}.
     */
    public Optional<String> toInternal(String external, String authUser, boolean isAdmin) {
        Optional<UserId> me = user(authUser);
        String ext = external;
        Optional<String> domain = Optional.empty();
        if (virtDomains) {
            domain = me.flatMap(UserId::domain);
            if (isAdmin) {
                int at = ext.lastIndexOf('@');
                if (at >= 0) {
                    String d = ext.substring(at + 1);
                    domain = d.isEmpty() ? Optional.empty() : Optional.of(d);
                    ext = ext.substring(0, at);
                }
            }
        }
        List<String> levels = new ArrayList<>();
        for (String level : ext.split(java.util.regex.Pattern.quote(String.valueOf(separator)), -1)) {
            if (level.isEmpty()) {
                continue;
            }
            if (unixSep() ? level.indexOf('^') >= 0 : level.indexOf('/') >= 0) {
                return Optional.empty();
            }
            // internal form of a level: '.' is stored as '^'
            levels.add(unixSep() ? level.replace('.', '^') : level);
        }
        if (levels.isEmpty()) {
            return Optional.empty();
        }
        if (levels.get(0).equalsIgnoreCase(INBOX)) {
            if (me.isEmpty()) {
                return Optional.empty();
            }
            levels.set(0, me.get().localPart().replace('.', '^'));
            levels.add(0, MailboxName.USER_PREFIX);
        } else if (levels.size() == 1 && levels.get(0).equals(MailboxName.USER_PREFIX)) {
            return Optional.empty();
        }
        return Optional.of(domain.map(d -> d + "!").orElse("") + String.join(".", levels));
    }

    /** {@link #toExternal(String, String, boolean)} for a non-admin caller. */
    public Optional<String> toExternal(String internal, String authUser) {
        return toExternal(internal, authUser, false);
    }

    /**
     * The name a client sees for an internal name (Cyrus {@code mbname_extname}), or empty when the caller
     * cannot name it: another domain's mailbox for a non-admin, or a shared mailbox whose first level is some
     * spelling of INBOX.
     */
    public Optional<String> toExternal(String internal, String authUser, boolean isAdmin) {
        MailboxName name = MailboxName.parse(internal);
        Optional<UserId> me = user(authUser);
        boolean adminDomains = virtDomains && isAdmin;
        if (!adminDomains && !name.domain().equals(me.flatMap(UserId::domain))) {
            return Optional.empty();
        }
        List<String> levels = new ArrayList<>();
        if (name.isDeleted()) {
            levels.add(MailboxName.DELETED_PREFIX);
            name.user().ifPresent(u -> {
                levels.add(MailboxName.USER_PREFIX);
                levels.add(u);
            });
            levels.addAll(name.boxes());
            levels.add(name.deletedStamp().get());
        } else if (name.user().isPresent()) {
            boolean mine = me.isPresent() && name.owner().equals(Optional.of(me.get().id()));
            if (mine) {
                levels.add(INBOX);
            } else {
                levels.add(MailboxName.USER_PREFIX);
                levels.add(name.user().get());
            }
            levels.addAll(name.boxes());
        } else {
            if (name.boxes().isEmpty() || name.boxes().get(0).equalsIgnoreCase(INBOX)) {
                return Optional.empty();
            }
            levels.addAll(name.boxes());
        }
        StringBuilder b = new StringBuilder();
        for (String level : levels) {
            // a level holding the separator itself could not be read back
            if (level.indexOf(separator) >= 0 && unixSep()) {
                return Optional.empty();
            }
            if (b.length() > 0) {
                b.append(separator);
            }
            b.append(unixSep() ? level : level.replace('.', '^'));
        }
        if (adminDomains && name.domain().isPresent()) {
            b.append('@').append(name.domain().get());
        }
        return Optional.of(b.toString());
    }

    /** Validates an internal name under this namespace's domain setting; see {@link MailboxName#validate}. */
    public Optional<String> validate(String internal) {
        return MailboxName.validate(internal, virtDomains, false);
    }

    /** The NAMESPACE response data (RFC 2342): personal {@code INBOX.}, other users {@code user.}, shared {@code ""}. */
    public NamespaceResponse namespaceResponse() {
        return new NamespaceResponse(
                List.of(new NamespaceResponse.Prefix(INBOX + separator, separator)),
                List.of(new NamespaceResponse.Prefix(MailboxName.USER_PREFIX + separator, separator)),
                List.of(new NamespaceResponse.Prefix("", separator)));
    }

    /** The three namespace groups of a NAMESPACE response. */
    public record NamespaceResponse(List<Prefix> personal, List<Prefix> otherUsers, List<Prefix> shared) {

        public NamespaceResponse {
            personal = List.copyOf(personal);
            otherUsers = List.copyOf(otherUsers);
            shared = List.copyOf(shared);
        }

        /** One namespace: its prefix and hierarchy delimiter. */
        public record Prefix(String prefix, char delimiter) {
        }

        /** The response data as sent: {@code (("INBOX." ".")) (("user." ".")) (("" "."))}. */
        public String format() {
            return group(personal) + " " + group(otherUsers) + " " + group(shared);
        }

        private static String group(List<Prefix> prefixes) {
            if (prefixes.isEmpty()) {
                return "NIL";
            }
            StringBuilder b = new StringBuilder("(");
            for (Prefix p : prefixes) {
                b.append("(\"").append(p.prefix()).append("\" \"").append(p.delimiter()).append("\")");
            }
            return b.append(')').toString();
        }
    }
}
