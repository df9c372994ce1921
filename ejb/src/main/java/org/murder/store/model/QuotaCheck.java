package org.murder.store.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which quota root governs a mailbox, and whether a change fits under it — Cyrus's {@code quota_findroot} and
 * {@code quota_check}.
 */
public final class QuotaCheck {

    private QuotaCheck() {
    }

    /**
     * The names Cyrus tries, nearest first: the mailbox itself, then each shorter {@code .}-prefix of its name
     * within its domain ({@code user.alice.Sent}, {@code user.alice}, {@code user}), then, for a mailbox in a
     * virtual domain, the domain root {@code example.com!}.
     */
    public static List<String> candidates(String internalMailbox) {
        List<String> out = new ArrayList<>();
        int bang = internalMailbox.indexOf('!');
        String domainPart = bang >= 0 ? internalMailbox.substring(0, bang + 1) : "";
        String name = bang >= 0 ? internalMailbox.substring(bang + 1) : internalMailbox;
        while (!name.isEmpty()) {
            out.add(domainPart + name);
            int dot = name.lastIndexOf('.');
            if (dot < 0) {
                break;
            }
            name = name.substring(0, dot);
        }
        if (!domainPart.isEmpty()) {
            out.add(domainPart);
        }
        return out;
    }

    /** The quota root governing a mailbox: the nearest candidate that is a root. */
    public static Optional<String> governingRoot(String internalMailbox, Predicate<String> isRoot) {
        for (String c : candidates(internalMailbox)) {
            if (isRoot.test(c)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** {@link #governingRoot(String, Predicate)} against a set of root names. */
    public static Optional<String> governingRoot(String internalMailbox, Collection<String> roots) {
        return governingRoot(internalMailbox, roots::contains);
    }

    /** The root Cyrus gives a user (what {@code autocreate_quota} and {@code cyradm setquota user.x} create). */
    public static String userRoot(UserId user) {
        return user.inbox();
    }

    /**
     * Whether adding {@code addBytes} and {@code addMessages} would go over a limit. A negative amount means
     * "freeing, or not concerned" and always passes, as in Cyrus — so callers pass -1 for a resource they do not
     * touch. Zero does not pass a root that is already over its limit.
     */
    public static boolean wouldExceed(QuotaRoot root, long addBytes, long addMessages) {
        return exceeded(root, addBytes, addMessages).isPresent();
    }

    /** The first resource that would go over its limit (STORAGE before MESSAGE), if any. */
    public static Optional<QuotaResource> exceeded(QuotaRoot root, long addBytes, long addMessages) {
        if (over(root, QuotaResource.STORAGE, addBytes)) {
            return Optional.of(QuotaResource.STORAGE);
        }
        if (over(root, QuotaResource.MESSAGE, addMessages)) {
            return Optional.of(QuotaResource.MESSAGE);
        }
        return Optional.empty();
    }

    private static boolean over(QuotaRoot root, QuotaResource resource, long delta) {
        if (!root.isLimited(resource) || delta < 0) {
            return false;
        }
        long limit = root.limit(resource);
        if (limit > Long.MAX_VALUE / resource.unit()) {
            return false; // a limit beyond what a long can count cannot be reached
        }
        long used = root.used(resource);
        long limitCounted = limit * resource.unit();
        return delta > limitCounted - used; // used + delta > limit, without overflow

    }
}
