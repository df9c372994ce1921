package org.murder.store.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MailboxListingTest {

    private static List<String> render(List<ListEntry> entries) {
        List<String> out = new ArrayList<>();
        for (ListEntry e : entries) {
            out.add(e.attributeList() + " " + e.name());
        }
        return out;
    }

    private static List<String> list(String pattern, Set<String> visible, boolean extended) {
        return render(MailboxListing.list(List.of(ListPattern.of(pattern, '.')), visible, '.', extended));
    }

    @Test
    void listStarAsInTheFrontendTranscript() {
        // d_imap_via_frontend.txt: alice sees her INBOX, INBOX.Sent, and carol's INBOX (shared with her)
        assertEquals(List.of("(\\HasChildren) INBOX", "(\\HasNoChildren) INBOX.Sent", "(\\HasNoChildren) user.carol"),
                list("*", Set.of("user.carol", "INBOX.Sent", "INBOX"), false));
    }

    private static final Set<String> TREE = Set.of(
            "INBOX", "INBOX.Sent", "INBOX.Sent.2024", "user.carol", "user.bob.Sent", "shared.a", "shared.b", "top",
            "a-b", "a.c");

    @Test
    void percentStopsAtIntermediateLevels() {
        assertEquals(List.of(
                "(\\HasChildren) INBOX",
                "(\\Noselect \\HasChildren) user",
                "(\\Noselect \\HasChildren) a",
                "(\\HasNoChildren) a-b",
                "(\\Noselect \\HasChildren) shared",
                "(\\HasNoChildren) top"),
                list("%", TREE, false));
    }

    @Test
    void listExtendedSaysNonExistent() {
        assertEquals(List.of(
                "(\\HasChildren) INBOX",
                "(\\NonExistent \\HasChildren) user",
                "(\\NonExistent \\HasChildren) a",
                "(\\HasNoChildren) a-b",
                "(\\NonExistent \\HasChildren) shared",
                "(\\HasNoChildren) top"),
                list("%", TREE, true));
    }

    @Test
    void otherUsersWithoutAVisibleInbox() {
        assertEquals(List.of("(\\Noselect \\HasChildren) user.bob", "(\\HasNoChildren) user.carol"),
                list("user.%", TREE, false));
        assertEquals(List.of("(\\HasNoChildren) user.bob.Sent", "(\\HasNoChildren) user.carol"),
                list("user.*", TREE, false));
    }

    @Test
    void subMailboxesWithoutTheirInbox() {
        assertEquals(List.of("(\\Noselect \\HasChildren) INBOX"), list("%", Set.of("INBOX.Sent"), false));
        assertEquals(List.of("(\\Noselect \\HasChildren) INBOX"), list("INBOX", Set.of("INBOX.Sent"), false));
        assertEquals(List.of("(\\HasNoChildren) INBOX.Sent"), list("INBOX.*", Set.of("INBOX.Sent"), false));
    }

    @Test
    void exactPatternsAndCase() {
        assertEquals(List.of("(\\HasChildren) INBOX"), list("INBOX", TREE, false));
        assertEquals(List.of("(\\HasChildren) INBOX"), list("inbox", TREE, false));
        assertEquals(List.of("(\\HasChildren) INBOX.Sent"), list("Inbox.Sent", TREE, false));
        assertEquals(List.of("(\\HasNoChildren) INBOX.Sent.2024"), list("INBOX.Sent.*", TREE, false));
        assertEquals(List.of(), list("nothing", TREE, false));
        assertEquals(List.of(), list("%", Set.of(), false));
    }

    @Test
    void hierarchyOrderPutsChildrenRightAfterTheirParent() {
        assertEquals(List.of(
                "(\\HasChildren) INBOX", "(\\HasChildren) INBOX.Sent", "(\\HasNoChildren) INBOX.Sent.2024",
                "(\\HasNoChildren) user.bob.Sent", "(\\HasNoChildren) user.carol",
                "(\\HasNoChildren) a.c", "(\\HasNoChildren) a-b",
                "(\\HasNoChildren) shared.a", "(\\HasNoChildren) shared.b", "(\\HasNoChildren) top"),
                list("*", TREE, false));
    }

    @Test
    void severalPatternsAsInListExtended() {
        List<ListPattern> patterns = List.of(ListPattern.of("INBOX", '.'), ListPattern.of("user.%", '.'));
        assertEquals(List.of("(\\HasChildren) INBOX", "(\\NonExistent \\HasChildren) user.bob",
                "(\\HasNoChildren) user.carol"), render(MailboxListing.list(patterns, TREE, '.', true)));
    }

    @Test
    void slashSeparator() {
        Set<String> names = Set.of("INBOX", "INBOX/a.b", "user/john.doe/Sent", "x.y");
        assertEquals(List.of("(\\HasChildren) INBOX", "(\\Noselect \\HasChildren) user", "(\\HasNoChildren) x.y"),
                render(MailboxListing.list(List.of(ListPattern.of("%", '/')), names, '/', false)));
        assertEquals(List.of("(\\Noselect \\HasChildren) user/john.doe"),
                render(MailboxListing.list(List.of(ListPattern.of("user/%", '/')), names, '/', false)));
    }

    @Test
    void lsubAsInTheFrontendTranscript() {
        // LSUB "" "*" answered (\HasChildren) INBOX and () INBOX.Sent: LSUB never says \HasNoChildren
        assertEquals(List.of("(\\HasChildren) INBOX", "() INBOX.Sent"), lsub("*", Set.of("INBOX", "INBOX.Sent"),
                Set.of("INBOX", "INBOX.Sent")));
    }

    private static List<String> lsub(String pattern, Set<String> subscribed, Set<String> existing) {
        return render(MailboxListing.lsub(List.of(ListPattern.of(pattern, '.')), subscribed, existing::contains, '.'));
    }

    private static List<String> listSubscribed(String pattern, Set<String> subscribed, Set<String> existing) {
        return render(MailboxListing.listSubscribed(List.of(ListPattern.of(pattern, '.')), subscribed,
                existing::contains, '.'));
    }

    @Test
    void lsubMarksUnsubscribedLevelsAboveSubscriptions() {
        Set<String> all = Set.of("INBOX", "INBOX.Sent", "shared.x");
        assertEquals(List.of("(\\Noselect \\HasChildren) INBOX", "(\\Noselect \\HasChildren) shared"),
                lsub("%", Set.of("INBOX.Sent", "shared.x"), all));
        assertEquals(List.of("(\\HasChildren) INBOX"), lsub("%", Set.of("INBOX", "INBOX.Sent"), all));
        assertEquals(List.of("() INBOX.Sent"), lsub("INBOX.%", Set.of("INBOX.Sent"), all));
    }

    @Test
    void lsubKeepsSubscriptionsToMissingMailboxes() {
        Set<String> existing = Set.of("INBOX", "a.b");
        Set<String> subs = Set.of("INBOX", "gone", "a", "a.b");
        // RFC 3501 6.3.6: the subscription outlives its mailbox, and LSUB lists it \Noselect (as Cyrus in a murder)
        assertEquals(List.of("() INBOX", "(\\Noselect \\HasChildren) a", "() a.b", "(\\Noselect) gone"),
                lsub("*", subs, existing));
        assertEquals(List.of("() INBOX", "(\\Noselect \\HasChildren) a", "(\\Noselect) gone"),
                lsub("%", subs, existing));
    }

    @Test
    void listSubscribedSaysNonExistentForASubscriptionWhoseMailboxIsGone() {
        Set<String> existing = Set.of("INBOX", "INBOX.kept", "a.b");
        Set<String> subs = Set.of("INBOX", "INBOX.kept", "INBOX.deleted", "a.b", "gone");
        assertEquals(List.of("(\\Subscribed \\HasChildren) INBOX", "(\\NonExistent \\Subscribed) INBOX.deleted",
                        "(\\Subscribed) INBOX.kept", "(\\Subscribed) a.b", "(\\NonExistent \\Subscribed) gone"),
                listSubscribed("*", subs, existing));
        // RFC 5258 3.1: without RECURSIVEMATCH a level that is not subscribed itself is not answered ("a")
        assertEquals(List.of("(\\Subscribed \\HasChildren) INBOX", "(\\NonExistent \\Subscribed) gone"),
                listSubscribed("%", subs, existing));
        assertEquals(List.of("(\\NonExistent \\Subscribed) INBOX.deleted"), listSubscribed("INBOX.d*", subs, existing));
        assertEquals(List.of(), listSubscribed("nothing", subs, existing));
    }

    @Test
    void recursiveMatchGivesTheLevelsAboveSubscribedOnesChildInfo() {
        // RFC 5258 §3.5 (RFC 9051 §6.3.9): "a" is not subscribed but holds the subscribed "a.b"; "x" does not even exist
        Set<String> existing = Set.of("INBOX", "INBOX.kept", "a", "a.b");
        Set<String> subs = Set.of("INBOX", "INBOX.kept", "a.b", "x.y.z");
        MailboxListing.RecursiveListing r = MailboxListing.listSubscribedRecursive(List.of(ListPattern.of("%", '.')),
                subs, existing::contains, '.');
        assertEquals(List.of("(\\Subscribed \\HasChildren) INBOX", "() a", "(\\NonExistent) x"), render(r.entries()));
        assertEquals(Set.of("INBOX", "a", "x"), r.childInfo());
        MailboxListing.RecursiveListing star = MailboxListing.listSubscribedRecursive(List.of(ListPattern.of("*", '.')),
                subs, existing::contains, '.');
        assertEquals(Set.of("INBOX", "a", "x", "x.y"), star.childInfo());
        assertEquals(List.of("(\\Subscribed \\HasChildren) INBOX", "(\\Subscribed) INBOX.kept", "() a", "(\\Subscribed) a.b",
                "(\\NonExistent) x", "(\\NonExistent) x.y", "(\\NonExistent \\Subscribed) x.y.z"), render(star.entries()));
    }

    @Test
    void hasChildrenOnSortedSets() {
        NavigableSet<String> natural = new TreeSet<>(List.of("a", "a-b", "a.c", "b"));
        assertTrue(MailboxListing.hasChildren("a", natural, '.'));
        assertFalse(MailboxListing.hasChildren("a-b", natural, '.'));
        assertFalse(MailboxListing.hasChildren("a.c", natural, '.'));
        assertFalse(MailboxListing.hasChildren("zz", natural, '.'));
        NavigableSet<String> hierarchical = new TreeSet<>(MailboxListing.hierarchyOrder('.'));
        hierarchical.addAll(natural);
        assertEquals(List.of("a", "a.c", "a-b", "b"), new ArrayList<>(hierarchical));
        assertTrue(MailboxListing.hasChildren("a", hierarchical, '.'));
        assertFalse(MailboxListing.hasChildren("a-b", hierarchical, '.'));
    }

    @Test
    void listingAgreesWithABruteForceModel() {
        Random r = new Random(6386);
        String[] levels = {"a", "b", "ab"};
        String[] patterns = {"*", "%", "a", "a.%", "%.b", "a*", "*.b", "%.%", "a.*", "b%"};
        for (int i = 0; i < 500; i++) {
            Set<String> names = new java.util.HashSet<>();
            int n = r.nextInt(8);
            for (int k = 0; k < n; k++) {
                int depth = 1 + r.nextInt(3);
                List<String> parts = new ArrayList<>();
                for (int d = 0; d < depth; d++) {
                    parts.add(levels[r.nextInt(levels.length)]);
                }
                names.add(String.join(".", parts));
            }
            ListPattern p = ListPattern.of(patterns[r.nextInt(patterns.length)], '.');
            List<ListEntry> got = MailboxListing.list(List.of(p), names, '.', false);
            // model: every ancestor-or-self level of a visible name that the pattern matches
            Set<String> expected = new TreeSet<>();
            for (String name : names) {
                String[] parts = name.split("\\.");
                for (int k = 1; k <= parts.length; k++) {
                    String level = String.join(".", java.util.Arrays.copyOf(parts, k));
                    if (p.matches(level)) {
                        expected.add(level);
                    }
                }
            }
            Set<String> answered = new TreeSet<>();
            for (ListEntry e : got) {
                answered.add(e.name());
                boolean exists = names.contains(e.name());
                boolean children = names.stream().anyMatch(x -> x.startsWith(e.name() + "."));
                assertEquals(!exists, e.has(ListAttribute.NOSELECT), e.toString());
                assertEquals(children, e.has(ListAttribute.HAS_CHILDREN), e.toString());
                assertEquals(exists && !children, e.has(ListAttribute.HAS_NO_CHILDREN), e.toString());
            }
            // Cyrus answers the longest matching level of each name, so a matching level between two
            // answered ones may be skipped only when a longer one below it was answered
            for (String a : answered) {
                assertTrue(expected.contains(a), p + " answered " + a + " for " + names);
            }
            for (String e : expected) {
                boolean covered = answered.contains(e)
                        || answered.stream().anyMatch(a -> a.startsWith(e + "."));
                assertTrue(covered, p + " lost " + e + " for " + names);
            }
        }
    }
}
