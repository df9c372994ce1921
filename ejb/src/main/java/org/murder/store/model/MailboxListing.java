package org.murder.store.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What LIST and LSUB answer for a set of external names, with Cyrus 3.x's attributes.
 *
 * <p>Every name is matched against the patterns with {@link ListPattern#matchLength} (the best over all
 * patterns, as Cyrus's {@code find_p} does). A full match answers the name itself; a partial match answers the
 * ancestor level the pattern stopped at. An answered level that is not itself a listed mailbox is an
 * intermediate: {@code \Noselect \HasChildren} for LIST, {@code \NonExistent \HasChildren} for LIST-EXTENDED
 * ({@code \NonExistent} implies {@code \Noselect}, so Cyrus drops the latter). A listed mailbox gets
 * {@code \HasChildren} when some listed name lies below it, {@code \HasNoChildren} otherwise.
 *
 * <p>Answers come in Cyrus's order: the personal namespace (INBOX and below), other users ({@code user...}),
 * then shared mailboxes; within each, hierarchy order (a parent before its children, the separator sorting
 * before every other character, as mailboxes.db keys do).
 */
public final class MailboxListing {

    private MailboxListing() {
    }

    /**
     * LIST (and LIST-EXTENDED without selection options).
     *
     * @param visible  the external names of the mailboxes the caller may see: those they hold {@code l} on, or
     *                 all for an admin; never a delayed-delete ({@code DELETED...}) name for a non-admin, which
     *                 Cyrus's {@code find_p} always hides
     * @param extended whether this is LIST-EXTENDED (RFC 5258) rather than plain LIST
     */
    public static List<ListEntry> list(Collection<ListPattern> patterns, Collection<String> visible, char separator,
                                       boolean extended) {
        NavigableSet<String> names = new TreeSet<>(hierarchyOrder(separator));
        names.addAll(visible);
        Map<String, EnumSet<ListAttribute>> out = new TreeMap<>(namespaceOrder(separator));
        for (String name : names) {
            int m = bestMatch(patterns, name);
            if (m <= 0) {
                continue;
            }
            out.putIfAbsent(name.substring(0, m), EnumSet.noneOf(ListAttribute.class));
        }
        List<ListEntry> result = new ArrayList<>(out.size());
        for (Map.Entry<String, EnumSet<ListAttribute>> e : out.entrySet()) {
            EnumSet<ListAttribute> attrs = e.getValue();
            if (names.contains(e.getKey())) {
                attrs.add(hasChildren(e.getKey(), names, separator)
                        ? ListAttribute.HAS_CHILDREN : ListAttribute.HAS_NO_CHILDREN);
            } else {
                attrs.add(extended ? ListAttribute.NONEXISTENT : ListAttribute.NOSELECT);
                attrs.add(ListAttribute.HAS_CHILDREN);
            }
            result.add(new ListEntry(e.getKey(), attrs));
        }
        return result;
    }

    /**
     * LSUB, as Cyrus's {@code subscribed_cb} and {@code list_response} answer it in a murder.
     *
     * <ul>
     *   <li>A subscribed name that matches is answered, with {@code \HasChildren} when a subscribed name lies
     *       below it (LSUB never says {@code \HasNoChildren}).</li>
     *   <li>A subscribed name whose mailbox does not exist — deleted since, or never made where
     *       {@code allowallsubscribe} let it be subscribed — is still answered, {@code \Noselect}: RFC 3501 §6.3.6
     *       keeps it on the list and §6.3.9 lists the list. Cyrus does so whenever {@code mupdate_server} is set
     *       (a murder backend cannot tell a mailbox on another backend from a missing one); standalone, it drops
     *       such names, which hides a subscription the client can neither see nor remove by LSUB.</li>
     *   <li>A level the pattern stops at above subscribed children, itself not subscribed, is answered
     *       {@code \Noselect \HasChildren} (RFC 3501 §6.3.9), whether or not that mailbox exists.</li>
     * </ul>
     *
     * @param subscribed the caller's subscriptions, as external names
     * @param exists     whether the mailbox of an external name exists (regardless of rights, as Cyrus checks)
     */
    public static List<ListEntry> lsub(Collection<ListPattern> patterns, Collection<String> subscribed,
                                       Predicate<String> exists, char separator) {
        NavigableSet<String> subs = new TreeSet<>(hierarchyOrder(separator));
        subs.addAll(subscribed);
        Map<String, Boolean> seen = new TreeMap<>(namespaceOrder(separator)); // name -> subscribed itself
        for (String name : subs) {
            int m = bestMatch(patterns, name);
            if (m > 0) {
                seen.merge(name.substring(0, m), m == name.length(), Boolean::logicalOr);
            }
        }
        List<ListEntry> result = new ArrayList<>(seen.size());
        for (Map.Entry<String, Boolean> e : seen.entrySet()) {
            String name = e.getKey();
            EnumSet<ListAttribute> attrs = EnumSet.noneOf(ListAttribute.class);
            if (e.getValue()) {
                if (!exists.test(name)) {
                    attrs.add(ListAttribute.NOSELECT);
                }
                if (hasChildren(name, subs, separator)) {
                    attrs.add(ListAttribute.HAS_CHILDREN);
                }
            } else {
                attrs.add(ListAttribute.NOSELECT);
                attrs.add(ListAttribute.HAS_CHILDREN);
            }
            result.add(new ListEntry(name, attrs));
        }
        return result;
    }

    /**
     * LIST (SUBSCRIBED) of RFC 5258 §3.1: every subscribed name that matches, {@code \Subscribed}, and
     * {@code \NonExistent} (which implies {@code \Noselect}) when its mailbox does not exist — after a DELETE, the
     * subscription stays (RFC 3501 §6.3.6), and the client learns it names nothing. {@code \HasChildren} when a
     * subscribed name lies below, as Cyrus's {@code subscribed_cb} says. Unlike LSUB, a level the pattern stops at
     * that is not itself subscribed is not answered (RFC 5258 gives such levels only to RECURSIVEMATCH, as
     * CHILDINFO).
     *
     * @param subscribed the caller's subscriptions, as external names
     * @param exists     whether the mailbox of an external name exists
     */
    public static List<ListEntry> listSubscribed(Collection<ListPattern> patterns, Collection<String> subscribed,
                                                 Predicate<String> exists, char separator) {
        NavigableSet<String> subs = new TreeSet<>(hierarchyOrder(separator));
        subs.addAll(subscribed);
        NavigableSet<String> matched = new TreeSet<>(namespaceOrder(separator));
        for (String name : subs) {
            if (bestMatch(patterns, name) == name.length() && !name.isEmpty()) {
                matched.add(name);
            }
        }
        List<ListEntry> result = new ArrayList<>(matched.size());
        for (String name : matched) {
            EnumSet<ListAttribute> attrs = EnumSet.of(ListAttribute.SUBSCRIBED);
            if (!exists.test(name)) {
                attrs.add(ListAttribute.NONEXISTENT);
            }
            if (hasChildren(name, subs, separator)) {
                attrs.add(ListAttribute.HAS_CHILDREN);
            }
            result.add(new ListEntry(name, attrs));
        }
        return result;
    }

    /** LIST (SUBSCRIBED RECURSIVEMATCH): the entries, and which of them get {@code ("CHILDINFO" ("SUBSCRIBED"))}. */
    public record RecursiveListing(List<ListEntry> entries, java.util.Set<String> childInfo) {
        public RecursiveListing {
            entries = List.copyOf(entries);
            childInfo = java.util.Set.copyOf(childInfo);
        }
    }

    /**
     * LIST (SUBSCRIBED RECURSIVEMATCH) of RFC 5258 §3.5 (also RFC 9051 §6.3.9): what {@link #listSubscribed} answers,
     * plus every name that matches a pattern and has a subscribed name below it — whether subscribed itself or not, and
     * whether it exists ({@code \NonExistent} when not) — marked for CHILDINFO. A subscribed name below a pattern's
     * level ({@code %}) is then not lost: its ancestor at that level says it is there.
     */
    public static RecursiveListing listSubscribedRecursive(Collection<ListPattern> patterns, Collection<String> subscribed,
                                                           Predicate<String> exists, char separator) {
        Map<String, ListEntry> byName = new TreeMap<>(namespaceOrder(separator));
        for (ListEntry e : listSubscribed(patterns, subscribed, exists, separator)) {
            byName.put(e.name(), e);
        }
        java.util.Set<String> childInfo = new java.util.HashSet<>();
        for (String name : subscribed) {
            for (int cut = name.indexOf(separator); cut > 0; cut = name.indexOf(separator, cut + 1)) {
                String parent = name.substring(0, cut);
                if (bestMatch(patterns, parent) == parent.length()) {
                    childInfo.add(parent);
                    byName.computeIfAbsent(parent, n -> new ListEntry(n, exists.test(n)
                            ? EnumSet.noneOf(ListAttribute.class) : EnumSet.of(ListAttribute.NONEXISTENT)));
                }
            }
        }
        return new RecursiveListing(new ArrayList<>(byName.values()), childInfo);
    }

    /**
     * Whether any name in {@code names} lies below {@code name} ({@code \HasChildren}). The set may use natural
     * or {@link #hierarchyOrder} ordering — any lexicographic order keeps a subtree contiguous.
     */
    public static boolean hasChildren(String name, NavigableSet<String> names, char separator) {
        String prefix = name + separator;
        String next = names.ceiling(prefix);
        return next != null && next.startsWith(prefix);
    }

    /** Lexicographic order in which the separator sorts before every other character (parents, then children). */
    public static Comparator<String> hierarchyOrder(char separator) {
        return (a, b) -> {
            int n = Math.min(a.length(), b.length());
            for (int i = 0; i < n; i++) {
                char x = a.charAt(i);
                char y = b.charAt(i);
                if (x != y) {
                    if (x == separator) {
                        return -1;
                    }
                    if (y == separator) {
                        return 1;
                    }
                    return Character.compare(x, y);
                }
            }
            return Integer.compare(a.length(), b.length());
        };
    }

    /** Personal namespace first, then other users, then shared; hierarchy order within each. */
    public static Comparator<String> namespaceOrder(char separator) {
        Comparator<String> byCategory = Comparator.comparingInt(n -> category(n, separator));
        return byCategory.thenComparing(hierarchyOrder(separator));
    }

    private static int category(String name, char separator) {
        if (underOrAt(name, Namespace.INBOX, separator, true)) {
            return 0;
        }
        if (underOrAt(name, MailboxName.USER_PREFIX, separator, false)) {
            return 1;
        }
        return 2;
    }

    private static boolean underOrAt(String name, String top, char separator, boolean ignoreCase) {
        return name.regionMatches(ignoreCase, 0, top, 0, top.length())
                && (name.length() == top.length() || name.charAt(top.length()) == separator);
    }

    private static int bestMatch(Collection<ListPattern> patterns, String name) {
        int best = -1;
        for (ListPattern p : patterns) {
            best = Math.max(best, p.matchLength(name));
        }
        return best;
    }
}
