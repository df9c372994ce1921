package org.murder.store.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A mailbox ACL in Cyrus's string form, {@code id<TAB>rights<TAB>} repeated — exactly what MUPDATE carries and
 * mailboxes.db stores. Entry order is kept; a new identifier is appended at the end, a changed one keeps its
 * place, as in {@code cyrus_acl_set}.
 *
 * <p>An identifier starting with {@code -} is a negative entry. {@code anyone} matches every caller (anonymous
 * included); {@code anonymous} is the unauthenticated caller; any other identifier matches the caller with that
 * user id, or a group the caller belongs to (Cyrus's {@code auth_unix} spells groups {@code group:<name>}).
 *
 * <p>Formatting always uses Cyrus's canonical rights strings, so an ACL Cyrus wrote round-trips byte for byte;
 * a non-canonical rights string (say an old {@code lrswipcda}) comes back the way Cyrus would rewrite it on its
 * next change ({@code lrswipkxtecda}).
 */
public final class Acl {

    /** One {@code identifier rights} pair. */
    public record Entry(String identifier, Rights rights) {

        public boolean isNegative() {
            return identifier.startsWith("-");
        }

        /** The identifier without the negative marker. */
        public String subject() {
            return isNegative() ? identifier.substring(1) : identifier;
        }
    }

    public static final String ANYONE = "anyone";
    public static final String ANONYMOUS = "anonymous";
    public static final String GROUP_PREFIX = "group:";

    public static final Acl EMPTY = new Acl(List.of());

    private final List<Entry> entries;

    private Acl(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Acl of(List<Entry> entries) {
        return new Acl(entries);
    }

    /**
     * Parses Cyrus's tab-separated form. Like {@code cyrus_acl_myrights}, an unterminated tail (an identifier
     * without its rights, or rights without the closing tab) is ignored.
     */
    public static Acl parse(String text) {
        List<Entry> out = new ArrayList<>();
        int pos = 0;
        while (pos < text.length()) {
            int tab1 = text.indexOf('\t', pos);
            if (tab1 < 0) {
                break;
            }
            int tab2 = text.indexOf('\t', tab1 + 1);
            if (tab2 < 0) {
                break;
            }
            out.add(new Entry(text.substring(pos, tab1), Rights.parseLenient(text.substring(tab1 + 1, tab2))));
            pos = tab2 + 1;
        }
        return new Acl(out);
    }

    /**
     * Parses the imapd.conf {@code defaultacl} syntax: whitespace-separated {@code identifier rights} pairs
     * (Cyrus's default is {@code anyone lrs}).
     */
    public static Acl fromConfig(String config) {
        String[] words = config.trim().isEmpty() ? new String[0] : config.trim().split("\\s+");
        Acl acl = EMPTY;
        for (int i = 0; i + 1 < words.length; i += 2) {
            acl = acl.modify(words[i], new AclChange(AclChange.Mode.REPLACE, Rights.parseLenient(words[i + 1])));
        }
        return acl;
    }

    public List<Entry> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Cyrus's string form. */
    public String format() {
        StringBuilder b = new StringBuilder();
        for (Entry e : entries) {
            b.append(e.identifier()).append('\t').append(e.rights()).append('\t');
        }
        return b.toString();
    }

    /** The rights of the first entry with exactly this identifier ({@code -bob} names bob's negative entry). */
    public Optional<Rights> get(String identifier) {
        for (Entry e : entries) {
            if (e.identifier().equals(identifier)) {
                return Optional.of(e.rights());
            }
        }
        return Optional.empty();
    }

    /** Applies a change without any owner protection. */
    public Acl modify(String identifier, AclChange change) {
        return modify(identifier, change, null);
    }

    /**
     * Applies a change the way {@code cyrus_acl_set} does: the identifier's current rights are combined with
     * the change, then {@code canon} (if any) adjusts the result for {@code (subject, rights)}; for a negative
     * identifier {@code canon} sees the complement, so it can only shrink what the entry takes away. An empty
     * result removes the entry.
     *
     * @throws IllegalArgumentException for an empty identifier (Cyrus refuses: "Invalid identifier")
     */
    public Acl modify(String identifier, AclChange change, BiFunction<String, Rights, Rights> canon) {
        if (identifier.isEmpty() || identifier.equals("-")) {
            throw new IllegalArgumentException("empty identifier");
        }
        int index = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).identifier().equals(identifier)) {
                index = i;
                break;
            }
        }
        Rights old = index >= 0 ? entries.get(index).rights() : Rights.NONE;
        Rights access = change.applyTo(old);
        if (canon != null) {
            if (identifier.startsWith("-")) {
                access = canon.apply(identifier.substring(1), access.complement()).complement();
            } else {
                access = canon.apply(identifier, access);
            }
        }
        List<Entry> out = new ArrayList<>(entries);
        if (access.isEmpty()) {
            if (index >= 0) {
                out.remove(index);
            }
        } else if (index >= 0) {
            out.set(index, new Entry(identifier, access));
        } else {
            out.add(new Entry(identifier, access));
        }
        return new Acl(out);
    }

    /** Removes the identifier's entry (DELETEACL without owner protection). */
    public Acl remove(String identifier) {
        return modify(identifier, AclChange.DELETE);
    }

    /** {@link #rightsOf(String, Collection, boolean, AclPolicy)} with Cyrus's default options. */
    public Rights rightsOf(String user, Collection<String> groups, boolean isAdmin) {
        return rightsOf(user, groups, isAdmin, AclPolicy.CYRUS_DEFAULTS);
    }

    /**
     * The caller's rights from this ACL: the union of every matching positive entry minus the union of every
     * matching negative entry ({@code cyrus_acl_myrights}). A global admin then gets {@code l} and {@code a}
     * on top — Cyrus grants admins those two implicitly and nothing more ({@code printmyrights}); the other
     * things admins may do come from Cyrus skipping the ACL check for them, not from rights.
     *
     * @param user   the caller's user id ({@code null} or empty means anonymous)
     * @param groups the caller's groups, as ACL identifiers ({@code group:staff}); a bare name gets the prefix
     */
    public Rights rightsOf(String user, Collection<String> groups, boolean isAdmin, AclPolicy policy) {
        String me = user == null || user.isEmpty() ? ANONYMOUS : user;
        Set<String> myGroups = new HashSet<>();
        if (!me.equals(ANONYMOUS)) {
            for (String g : groups) {
                myGroups.add(g.startsWith(GROUP_PREFIX) ? g : GROUP_PREFIX + g);
            }
        }
        Rights positive = Rights.NONE;
        Rights negative = Rights.NONE;
        for (Entry e : entries) {
            String subject = e.subject();
            boolean matches = subject.equals(ANYONE) || subject.equals(me) || myGroups.contains(subject);
            if (!matches) {
                continue;
            }
            if (e.isNegative()) {
                negative = negative.plus(e.rights());
            } else {
                positive = positive.plus(e.rights());
            }
        }
        if (policy.adminImpliesWrite() && positive.has('a')) {
            positive = positive.plus(Rights.ADMIN_IMPLIES_WRITE);
        }
        Rights result = positive.minus(negative);
        return isAdmin ? result.plus(Rights.ADMIN_IMPLICIT) : result;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Acl && ((Acl) o).entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return format();
    }
}
