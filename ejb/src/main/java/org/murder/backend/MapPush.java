package org.murder.backend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;

/**
 * Cyrus's {@code ctl_mboxlist -m}: make the master's entries for this backend equal to the backend's
 * own mailboxes — activate what is missing or different, delete what the backend no longer has. The
 * plan is computed first, so a dry run ({@code -mw}) shows exactly what a real push would do.
 *
 * <p>Unlike Cyrus's, a local mailbox the master places on another backend is neither wiped here (Cyrus deletes the
 * local copy) nor forced (Cyrus's {@code -a}): it is pushed, the master refuses it and records the conflict, and the
 * push goes on with the others ({@link Outcome#REFUSED}).</p>
 */
public final class MapPush {

    public enum Kind { ACTIVATE, DELETE }

    /** What a step does to the master's entry: adds one it lacks, changes one it has, or removes one. */
    public enum Change { ADDED, CHANGED, REMOVED }

    /**
     * One step of the plan.
     *
     * @param before what the master had for the mailbox under this server, if anything
     */
    public record Step(Kind kind, String mailbox, String partition, String acl, Optional<MailboxRecord> before) {
        public Step(Kind kind, String mailbox, String partition, String acl) {
            this(kind, mailbox, partition, acl, Optional.empty());
        }

        public Change change() {
            return kind == Kind.DELETE ? Change.REMOVED : before.isPresent() ? Change.CHANGED : Change.ADDED;
        }

        @Override
        public String toString() {
            return kind == Kind.ACTIVATE ? "ACTIVATE " + mailbox + " " + partition : "DELETE " + mailbox;
        }

        /** The step for a log: what the entry becomes and what it was. */
        public String describe(String servername) {
            return switch (change()) {
                case ADDED -> "added " + mailbox + " " + servername + "!" + partition;
                case CHANGED -> "changed " + mailbox + " " + servername + "!" + partition + " (was "
                        + before.map(MapPush::entry).orElse("?") + ")";
                case REMOVED -> "removed " + mailbox + " (was " + before.map(MapPush::entry).orElse("?") + ")";
            };
        }

        @Override
        public boolean equals(Object o) {
            // the plan's identity is what it sends; what the master had is for the log
            return o instanceof Step s && kind == s.kind && mailbox.equals(s.mailbox) && partition.equals(s.partition)
                    && acl.equals(s.acl);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(kind, mailbox, partition, acl);
        }
    }

    public enum Outcome { DONE, REFUSED }

    /** A step as executed: done, or refused by the master with its reason. */
    public record Result(Step step, Outcome outcome, String why) {
    }

    private MapPush() {
    }

    private static String entry(MailboxRecord r) {
        return r.location().wire() + (r.kind() == MailboxKind.ACTIVE ? "" : " " + r.kind().name().toLowerCase(java.util.Locale.ROOT));
    }

    /** @param local this backend's mailboxes (name, partition, ACL); @param master what the master has for it */
    public static List<Step> plan(List<MailboxRecord> local, List<MailboxRecord> master) {
        Map<String, MailboxRecord> remote = new HashMap<>();
        master.forEach(r -> remote.put(r.name(), r));
        List<Step> steps = new ArrayList<>();
        for (MailboxRecord l : local) {
            MailboxRecord r = remote.remove(l.name());
            if (r == null || r.kind() != MailboxKind.ACTIVE || !r.partition().equals(l.partition()) || !r.acl().equals(l.acl())) {
                steps.add(new Step(Kind.ACTIVATE, l.name(), l.partition(), l.acl(), Optional.ofNullable(r)));
            }
        }
        remote.values().stream().sorted(java.util.Comparator.comparing(MailboxRecord::name))
                .forEach(r -> steps.add(new Step(Kind.DELETE, r.name(), "", "", Optional.of(r))));
        return steps;
    }

    /**
     * Runs the steps in order; a step the master refuses is reported and the others still run. An unreachable master
     * ends the push (the exception).
     */
    public static List<Result> execute(MurderRegistry registry, List<Step> steps) throws MurderRegistry.RegistryException {
        List<Result> results = new ArrayList<>(steps.size());
        for (Step s : steps) {
            try {
                if (s.kind() == Kind.ACTIVATE) {
                    registry.activate(s.mailbox(), s.partition(), s.acl());
                } else {
                    registry.delete(s.mailbox());
                }
                results.add(new Result(s, Outcome.DONE, ""));
            } catch (MurderRegistry.RegistryException e) {
                if (e.unreachable()) {
                    throw e;
                }
                results.add(new Result(s, Outcome.REFUSED, e.getMessage()));
            }
        }
        return results;
    }
}
