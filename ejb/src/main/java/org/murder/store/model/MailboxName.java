package org.murder.store.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A mailbox's internal (Cyrus mailboxes.db, MUPDATE) name, taken apart the way Cyrus's {@code mbname_t} does.
 *
 * <p>Internal names always use {@code .} as the hierarchy separator; a {@code .} inside one level (possible
 * externally with {@code unixhierarchysep}, and in user ids like {@code john.doe}) is stored as {@code ^}. The
 * parts here are decoded: {@code user.john^doe.a^b} has user {@code john.doe} and boxes {@code [a.b]}.
 * <ul>
 *   <li>{@code [domain!]} — a virtual domain prefix ({@code example.com!user.alice});</li>
 *   <li>{@code DELETED.<name>.<hex>} — a delayed-delete copy, recognised only with at least three levels;</li>
 *   <li>{@code user.<localpart>[.box...]} — a user's INBOX and its sub-mailboxes ({@code user} alone is not a
 *       user mailbox);</li>
 *   <li>anything else — a shared mailbox.</li>
 * </ul>
 */
public record MailboxName(Optional<String> domain, Optional<String> deletedStamp, Optional<String> user,
                          List<String> boxes) {

    /** Cyrus {@code deletedprefix}. */
    public static final String DELETED_PREFIX = "DELETED";
    /** Cyrus {@code MAX_MAILBOX_NAME}. */
    public static final int MAX_LENGTH = 490;
    static final String USER_PREFIX = "user";

    // Printable characters Cyrus allows in a mailbox name besides the modified UTF-7 '&' (mboxname_policycheck).
    private static final String GOOD_CHARS =
            " #$'()*+,-.0123456789:=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz~";

    public MailboxName {
        Objects.requireNonNull(domain);
        Objects.requireNonNull(deletedStamp);
        Objects.requireNonNull(user);
        boxes = List.copyOf(boxes);
    }

    /** Takes an internal name apart (never fails; use {@link #validate} to judge it). */
    public static MailboxName parse(String internal) {
        Optional<String> domain = Optional.empty();
        String rest = internal;
        int bang = internal.indexOf('!');
        if (bang >= 0) {
            domain = Optional.of(internal.substring(0, bang));
            rest = internal.substring(bang + 1);
        }
        List<String> parts = new ArrayList<>();
        for (String p : rest.split("\\.", -1)) {
            if (!p.isEmpty()) {
                parts.add(p.replace('^', '.'));
            }
        }
        Optional<String> stamp = Optional.empty();
        if (parts.size() > 2 && parts.get(0).equals(DELETED_PREFIX)) {
            parts.remove(0);
            stamp = Optional.of(parts.remove(parts.size() - 1));
        }
        Optional<String> user = Optional.empty();
        if (parts.size() > 1 && parts.get(0).equals(USER_PREFIX)) {
            parts.remove(0);
            user = Optional.of(parts.remove(0));
        }
        return new MailboxName(domain, stamp, user, parts);
    }

    /** The internal name. */
    public String internal() {
        StringBuilder b = new StringBuilder();
        domain.ifPresent(d -> b.append(d).append('!'));
        List<String> levels = new ArrayList<>();
        if (deletedStamp.isPresent()) {
            levels.add(DELETED_PREFIX);
        }
        user.ifPresent(u -> {
            levels.add(USER_PREFIX);
            levels.add(encode(u));
        });
        for (String box : boxes) {
            levels.add(encode(box));
        }
        deletedStamp.ifPresent(levels::add);
        b.append(String.join(".", levels));
        return b.toString();
    }

    private static String encode(String level) {
        return level.replace('.', '^');
    }

    /** The owning user id ({@code alice}, {@code alice@example.com}), for user mailboxes including deleted ones. */
    public Optional<String> owner() {
        return user.map(u -> domain.map(d -> u + "@" + d).orElse(u));
    }

    public boolean isDeleted() {
        return deletedStamp.isPresent();
    }

    /** Whether this is a user's INBOX ({@code user.alice}), not a deleted copy nor a sub-mailbox. */
    public boolean isUserInbox() {
        return user.isPresent() && boxes.isEmpty() && deletedStamp.isEmpty();
    }

    /**
     * The mailbox one level up, as Cyrus's {@code _findparent} climbs: a sub-mailbox's parent is the next level
     * up, a user's INBOX and a top-level shared mailbox have none (Cyrus never climbs to {@code user}).
     */
    public Optional<MailboxName> parent() {
        if (boxes.isEmpty() || (user.isEmpty() && boxes.size() == 1)) {
            return Optional.empty();
        }
        return Optional.of(new MailboxName(domain, deletedStamp, user, boxes.subList(0, boxes.size() - 1)));
    }

    /** Every ancestor {@link #parent()} reaches, nearest first. */
    public List<MailboxName> ancestors() {
        List<MailboxName> out = new ArrayList<>();
        for (Optional<MailboxName> p = parent(); p.isPresent(); p = p.get().parent()) {
            out.add(p.get());
        }
        return out;
    }

    /** The owner of an internal name. */
    public static Optional<String> owner(String internal) {
        return parse(internal).owner();
    }

    public static boolean isUserInbox(String internal) {
        return parse(internal).isUserInbox();
    }

    public static boolean isDeleted(String internal) {
        return parse(internal).isDeleted();
    }

    /** Whether {@code user} owns the internal mailbox (Cyrus {@code mboxname_userownsmailbox}). */
    public static boolean ownedBy(String internal, String user) {
        return user != null && owner(internal).map(user::equals).orElse(false);
    }

    /** The internal name of the parent, see {@link #parent()}. */
    public static Optional<String> parent(String internal) {
        return parse(internal).parent().map(MailboxName::internal);
    }

    /** {@link #validate(String, boolean, boolean)} without virtual domains, refusing the DELETED hierarchy. */
    public static Optional<String> validate(String internal) {
        return validate(internal, false, false);
    }

    /**
     * Checks an internal name against Cyrus's {@code mboxname_policycheck}, returning why it is refused (the IMAP
     * answer is Cyrus's "Invalid mailbox name").
     *
     * <p>Refused: an empty name or level, a leading or trailing {@code .}, {@code ..}, a leading {@code $} or
     * {@code ~}, more than 490 characters, CR/LF/TAB or any character outside Cyrus's set (space and
     * {@code #$'()*+,-.0-9:=?@A-Z[]^_a-z~}) except well-formed modified UTF-7 ({@code &...-}, no two sequences
     * back to back, no encoded ASCII), {@code !} without virtual domains, {@code user} alone, and mailboxes of the
     * reserved users {@code anyone}, {@code anonymous} and ids starting with {@code %}.
     *
     * @param virtDomains  whether a {@code domain!} prefix is allowed
     * @param allowDeleted whether the {@code DELETED} hierarchy is allowed. Cyrus skips the whole check for a
     *                     delayed-delete name (so MUPDATE and XFER may carry them); a client must never create
     *                     one, so with {@code false} any name whose first level is {@code DELETED} is refused
     */
    public static Optional<String> validate(String internal, boolean virtDomains, boolean allowDeleted) {
        if (internal.isEmpty()) {
            return Optional.of("empty name");
        }
        if (internal.charAt(0) == '$') {
            return Optional.of("names starting with '$' are reserved");
        }
        MailboxName parsed = parse(internal);
        if (parsed.isDeleted() && allowDeleted) {
            return Optional.empty();
        }
        if (internal.length() > MAX_LENGTH) {
            return Optional.of("longer than " + MAX_LENGTH + " characters");
        }
        String name = internal;
        int bang = internal.indexOf('!');
        if (bang >= 0) {
            if (!virtDomains) {
                return Optional.of("'!' is not allowed without virtual domains");
            }
            if (bang == 0) {
                return Optional.of("empty domain");
            }
            name = internal.substring(bang + 1);
        }
        if (name.isEmpty()) {
            return Optional.of("empty name");
        }
        if (name.charAt(0) == '.') {
            return Optional.of("leading hierarchy separator");
        }
        if (name.charAt(0) == '~') {
            return Optional.of("names starting with '~' are not allowed");
        }
        if (name.charAt(name.length() - 1) == '.') {
            return Optional.of("trailing hierarchy separator");
        }
        if (name.contains("..")) {
            return Optional.of("empty hierarchy level");
        }
        if (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0 || name.indexOf('\t') >= 0) {
            return Optional.of("whitespace other than space");
        }
        if (name.equals(USER_PREFIX)) {
            return Optional.of("'user' alone is not a mailbox");
        }
        if (!allowDeleted && (name.equals(DELETED_PREFIX) || name.startsWith(DELETED_PREFIX + "."))) {
            return Optional.of("the DELETED hierarchy is reserved");
        }
        if (parsed.user().isPresent() && !parsed.isDeleted()) {
            String u = parsed.user().get();
            if (u.equals(Acl.ANYONE) || u.equals(Acl.ANONYMOUS) || u.startsWith("%")) {
                return Optional.of("'" + u + "' cannot own mailboxes");
            }
        }
        return checkCharacters(name);
    }

    private static Optional<String> checkCharacters(String name) {
        boolean previousWasSequence = false;
        int i = 0;
        while (i < name.length()) {
            char c = name.charAt(i);
            if (c != '&') {
                if (GOOD_CHARS.indexOf(c) < 0) {
                    return Optional.of(String.format("character U+%04X is not allowed", (int) c));
                }
                previousWasSequence = false;
                i++;
                continue;
            }
            int end = name.indexOf('-', i + 1);
            if (end < 0) {
                return Optional.of("unterminated modified UTF-7");
            }
            if (end == i + 1) { // "&-" is a literal '&'
                previousWasSequence = false;
                i = end + 1;
                continue;
            }
            if (previousWasSequence) {
                return Optional.of("adjacent modified UTF-7 sequences");
            }
            Optional<String> bad = checkModifiedBase64(name.substring(i + 1, end));
            if (bad.isPresent()) {
                return bad;
            }
            previousWasSequence = true;
            i = end + 1;
        }
        return Optional.empty();
    }

    // RFC 3501 §5.1.3: modified base64 of UTF-16, no padding, and never an encoding of printable ASCII.
    private static Optional<String> checkModifiedBase64(String b64) {
        long bits = 0;
        int nbits = 0;
        int units = 0;
        for (int k = 0; k < b64.length(); k++) {
            int v = base64Value(b64.charAt(k));
            if (v < 0) {
                return Optional.of("bad modified UTF-7");
            }
            bits = (bits << 6) | v;
            nbits += 6;
            if (nbits >= 16) {
                nbits -= 16;
                int unit = (int) ((bits >> nbits) & 0xFFFF);
                if ((unit & 0xFF80) == 0) {
                    return Optional.of("modified UTF-7 encodes US-ASCII");
                }
                units++;
            }
        }
        if (units == 0 || nbits >= 6 || (bits & ((1L << nbits) - 1)) != 0) {
            return Optional.of("bad modified UTF-7");
        }
        return Optional.empty();
    }

    private static int base64Value(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        if (c == '+') {
            return 62;
        }
        if (c == ',') {
            return 63;
        }
        return -1;
    }

    @Override
    public String toString() {
        return internal();
    }
}
