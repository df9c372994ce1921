package org.murder.map;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The master's record of mailboxes found on two backends, container-free: what a refused ACTIVATE adds, and what
 * resolves a conflict — the kept location gone (the mailbox deleted, or now on another server: the refused one's
 * ACTIVATE may then succeed), the refused backend no longer holding its copy (its push says so), or an admin.
 * Every method returns the changes it made, for the caller to persist and log.
 */
public final class MailboxConflicts {

    /** What a method changed. */
    public sealed interface Change permits Recorded, Resolved {
        MailboxConflict conflict();
    }

    /** A refusal recorded; {@code first} when the conflict is new (worth a warning), else a repetition. */
    public record Recorded(MailboxConflict conflict, boolean first) implements Change {
    }

    /** A conflict no longer there, and why. */
    public record Resolved(MailboxConflict conflict, String why) implements Change {
    }

    private final Map<String, MailboxConflict> byKey = new HashMap<>();

    /** The conflicts as stored (at start). */
    public synchronized void load(List<MailboxConflict> stored) {
        byKey.clear();
        stored.forEach(c -> byKey.put(c.key(), c));
    }

    /** An ACTIVATE at {@code refusedLocation} was refused: the map keeps {@code keptLocation}. */
    public synchronized Recorded refused(String mailbox, String keptLocation, String refusedLocation, Instant when) {
        String key = MailboxConflict.key(mailbox, MailboxConflict.server(refusedLocation));
        MailboxConflict before = byKey.get(key);
        MailboxConflict now = before == null
                ? new MailboxConflict(mailbox, keptLocation, refusedLocation, when, when, 1)
                : before.refusedAgain(when);
        byKey.put(key, now);
        return new Recorded(now, before == null);
    }

    /** The map's entry for {@code mailbox} now: a conflict whose kept server no longer has it is over. */
    public synchronized List<Change> entryNow(String mailbox, Optional<MailboxRecord> entry) {
        List<Change> out = new ArrayList<>();
        for (MailboxConflict c : List.copyOf(byKey.values())) {
            if (!c.mailbox().equals(mailbox)) {
                continue;
            }
            if (entry.isEmpty()) {
                out.add(resolve(c, "the mailbox left the map"));
            } else if (!entry.get().server().equals(c.keptServer())) {
                out.add(resolve(c, "the map now places it at " + entry.get().location().wire()));
            }
        }
        return out;
    }

    /**
     * A backend's full push said which of its mailboxes the master still refuses: its other conflicts are over
     * (its copy was deleted, or it was pushed and accepted).
     */
    public synchronized List<Change> settle(String server, Set<String> stillRefused) {
        List<Change> out = new ArrayList<>();
        for (MailboxConflict c : List.copyOf(byKey.values())) {
            if (c.refusedServer().equals(server) && !stillRefused.contains(c.mailbox())) {
                out.add(resolve(c, server + " no longer pushes it"));
            }
        }
        return out;
    }

    /** An admin says the conflicts on {@code mailbox} are dealt with. */
    public synchronized List<Change> clear(String mailbox, String who) {
        List<Change> out = new ArrayList<>();
        for (MailboxConflict c : List.copyOf(byKey.values())) {
            if (c.mailbox().equals(mailbox)) {
                out.add(resolve(c, "cleared by " + who));
            }
        }
        return out;
    }

    private Resolved resolve(MailboxConflict c, String why) {
        byKey.remove(c.key());
        return new Resolved(c, why);
    }

    public synchronized boolean concerns(String mailbox) {
        return byKey.values().stream().anyMatch(c -> c.mailbox().equals(mailbox));
    }

    /** Every conflict, by mailbox, then refused location. */
    public synchronized List<MailboxConflict> all() {
        List<MailboxConflict> out = new ArrayList<>(byKey.values());
        out.sort(Comparator.comparing(MailboxConflict::mailbox).thenComparing(MailboxConflict::refused));
        return out;
    }

    public synchronized boolean isEmpty() {
        return byKey.isEmpty();
    }

    /** The names of every mailbox in conflict (to check against the map after a change). */
    public synchronized Set<String> mailboxes() {
        Set<String> out = new java.util.TreeSet<>();
        byKey.values().forEach(c -> out.add(c.mailbox()));
        return out;
    }
}
