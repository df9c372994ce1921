package org.murder.store.model;

import java.util.Optional;

/**
 * A set of RFC 4314 rights as Cyrus 3.x holds them (a bit mask, {@code lib/acl.h}).
 *
 * <p>Letters: {@code l r s w i p k x t e a n} and the user rights {@code 0}–{@code 9}. The legacy RFC 2086
 * letters are macros, as in Cyrus's {@code cyrus_acl_strtomask} with the default {@code deleteright: c}:
 * {@code c} stands for {@code k}+{@code x} and {@code d} for {@code t}+{@code e} (not {@code x}); a macro only
 * counts when none of its member rights is spelled out in the same string ({@code "xc"} is just {@code x}).
 * Formatting follows {@code cyrus_acl_masktostr}: canonical order {@code lrswipkxte}, then {@code c} if {@code k}
 * or {@code x} is held, {@code d} if {@code t} or {@code e} is held, then {@code a n 0-9}. So the full set
 * prints as {@code lrswipkxtecdan} and {@code x} alone prints as {@code xc}, exactly what MUPDATE carries.
 */
public final class Rights {

    static final int LOOKUP = 1;
    static final int READ = 1 << 1;
    static final int SEEN = 1 << 2;
    static final int WRITE = 1 << 3;
    static final int INSERT = 1 << 4;
    static final int POST = 1 << 5;
    static final int CREATE = 1 << 6;
    static final int DELETE_MAILBOX = 1 << 7;
    static final int DELETE_MESSAGE = 1 << 8;
    static final int EXPUNGE = 1 << 9;
    static final int ADMIN = 1 << 10;
    static final int ANNOTATE = 1 << 11;
    private static final int USER_SHIFT = 12; // user rights 0..9

    private static final int ALL_MASK = (1 << USER_SHIFT) - 1;
    private static final int FULL_MASK = (1 << (USER_SHIFT + 10)) - 1;
    private static final int LEGACY_CREATE = CREATE | DELETE_MAILBOX; // 'c' with deleteright 'c'
    private static final int LEGACY_DELETE = DELETE_MESSAGE | EXPUNGE; // 'd'

    /** No rights. */
    public static final Rights NONE = new Rights(0);
    /** Cyrus {@code ACL_ALL}: every standard right, {@code lrswipkxtecdan}; what a new user INBOX's owner gets. */
    public static final Rights ALL = new Rights(ALL_MASK);
    /** Cyrus {@code ACL_FULL}: {@link #ALL} plus the user rights {@code 0}–{@code 9}. */
    public static final Rights FULL = new Rights(FULL_MASK);
    /** What a global admin holds implicitly on every mailbox in Cyrus ({@code printmyrights}): {@code l a}. */
    public static final Rights ADMIN_IMPLICIT = new Rights(LOOKUP | ADMIN);
    /** Cyrus {@code implicit_owner_rights} default: {@code lkxan}. */
    public static final Rights OWNER_IMPLICIT_DEFAULT = new Rights(LOOKUP | CREATE | DELETE_MAILBOX | ADMIN | ANNOTATE);
    /** What {@code acl_admin_implies_write} adds to an {@code a} holder: {@code s w i t e n}. */
    static final Rights ADMIN_IMPLIES_WRITE = new Rights(SEEN | WRITE | INSERT | DELETE_MESSAGE | EXPUNGE | ANNOTATE);
    /** Rights any one of which lets a caller learn that a mailbox exists (Cyrus MYRIGHTS): {@code l r i k x a}. */
    static final Rights REVEALING = new Rights(LOOKUP | READ | INSERT | CREATE | DELETE_MAILBOX | ADMIN);

    private static final String VALID_LETTERS = "lrswipckxtedan0123456789";

    private final int mask;

    private Rights(int mask) {
        this.mask = mask & FULL_MASK;
    }

    /**
     * Parses a rights string strictly: every letter must be a known right (one leading {@code +} or {@code -}
     * is not allowed here; see {@link AclChange}).
     *
     * @throws IllegalArgumentException naming the first unsupported letter
     */
    public static Rights parse(String letters) {
        Optional<Character> bad = firstUnsupported(letters, false);
        if (bad.isPresent()) {
            throw new IllegalArgumentException("The " + bad.get() + " right is not supported");
        }
        return parseLenient(letters);
    }

    /**
     * Parses like Cyrus reads a stored ACL: unknown letters are ignored, legacy macros expanded.
     */
    public static Rights parseLenient(String letters) {
        int result = 0;
        int legacyCreate = 0;
        int legacyDelete = 0;
        for (int i = 0; i < letters.length(); i++) {
            char c = letters.charAt(i);
            switch (c) {
                case 'l': result |= LOOKUP; break;
                case 'r': result |= READ; break;
                case 's': result |= SEEN; break;
                case 'w': result |= WRITE; break;
                case 'i': result |= INSERT; break;
                case 'p': result |= POST; break;
                case 'k': result |= CREATE; break;
                case 'x': result |= DELETE_MAILBOX; break;
                case 't': result |= DELETE_MESSAGE; break;
                case 'e': result |= EXPUNGE; break;
                case 'a': result |= ADMIN; break;
                case 'n': result |= ANNOTATE; break;
                case 'c': legacyCreate = LEGACY_CREATE; break;
                case 'd': legacyDelete = LEGACY_DELETE; break;
                default:
                    if (c >= '0' && c <= '9') {
                        result |= 1 << (USER_SHIFT + (c - '0'));
                    }
                    break;
            }
        }
        // A macro only contributes when none of its members was spelled out.
        if ((result & legacyCreate) == 0) {
            result |= legacyCreate;
        }
        if ((result & legacyDelete) == 0) {
            result |= legacyDelete;
        }
        return new Rights(result);
    }

    /**
     * The first letter Cyrus's {@code cyrus_acl_checkstr} would refuse ("The %c right is not supported", a
     * tagged BAD on SETACL).
     *
     * @param skipSign whether one leading {@code +}/{@code -} is allowed, as on SETACL
     */
    public static Optional<Character> firstUnsupported(String letters, boolean skipSign) {
        int start = skipSign && !letters.isEmpty() && (letters.charAt(0) == '+' || letters.charAt(0) == '-') ? 1 : 0;
        for (int i = start; i < letters.length(); i++) {
            if (VALID_LETTERS.indexOf(letters.charAt(i)) < 0) {
                return Optional.of(letters.charAt(i));
            }
        }
        return Optional.empty();
    }

    /** Whether this set holds the right named by one letter ({@code c}/{@code d} mean "any member"). */
    public boolean has(char right) {
        if (right == 'c') {
            return (mask & LEGACY_CREATE) != 0;
        }
        if (right == 'd') {
            return (mask & LEGACY_DELETE) != 0;
        }
        Rights one = parseLenient(String.valueOf(right));
        return one.mask != 0 && (mask & one.mask) == one.mask;
    }

    public boolean containsAll(Rights other) {
        return (mask & other.mask) == other.mask;
    }

    public boolean intersects(Rights other) {
        return (mask & other.mask) != 0;
    }

    public boolean isEmpty() {
        return mask == 0;
    }

    public Rights plus(Rights other) {
        return new Rights(mask | other.mask);
    }

    public Rights minus(Rights other) {
        return new Rights(mask & ~other.mask);
    }

    public Rights and(Rights other) {
        return new Rights(mask & other.mask);
    }

    /** The rights of {@link #FULL} this set lacks. */
    public Rights complement() {
        return new Rights(~mask);
    }

    /** Whether MYRIGHTS may answer at all (Cyrus says "Mailbox does not exist" otherwise). */
    public boolean revealsExistence() {
        return intersects(REVEALING);
    }

    /** Cyrus's {@code cyrus_acl_masktostr}: canonical order with the legacy {@code c}/{@code d} macros. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(24);
        appendIf(b, LOOKUP, 'l');
        appendIf(b, READ, 'r');
        appendIf(b, SEEN, 's');
        appendIf(b, WRITE, 'w');
        appendIf(b, INSERT, 'i');
        appendIf(b, POST, 'p');
        appendIf(b, CREATE, 'k');
        appendIf(b, DELETE_MAILBOX, 'x');
        appendIf(b, DELETE_MESSAGE, 't');
        appendIf(b, EXPUNGE, 'e');
        if ((mask & LEGACY_CREATE) != 0) {
            b.append('c');
        }
        if ((mask & LEGACY_DELETE) != 0) {
            b.append('d');
        }
        appendIf(b, ADMIN, 'a');
        appendIf(b, ANNOTATE, 'n');
        for (int u = 0; u < 10; u++) {
            appendIf(b, 1 << (USER_SHIFT + u), (char) ('0' + u));
        }
        return b.toString();
    }

    private void appendIf(StringBuilder b, int bit, char letter) {
        if ((mask & bit) != 0) {
            b.append(letter);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rights && ((Rights) o).mask == mask;
    }

    @Override
    public int hashCode() {
        return mask;
    }
}
