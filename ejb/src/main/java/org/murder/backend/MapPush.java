package org.murder.backend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;

/**
 * Cyrus's {@code ctl_mboxlist -m}: make the master's entries for this backend equal to the backend's
 * own mailboxes — activate what is missing or different, delete what the backend no longer has. The
 * plan is computed first, so a dry run ({@code -mw}) shows exactly what a real push would do.
 */
public final class MapPush {

    public enum Kind { ACTIVATE, DELETE }

    public record Step(Kind kind, String mailbox, String partition, String acl) {
        @Override
        public String toString() {
            return kind == Kind.ACTIVATE ? "ACTIVATE " + mailbox + " " + partition : "DELETE " + mailbox;
        }
    }

    private MapPush() {
    }

    /** @param local this backend's mailboxes (name, partition, ACL); @param master what the master has for it */
    public static List<Step> plan(List<MailboxRecord> local, List<MailboxRecord> master) {
        Map<String, MailboxRecord> remote = new HashMap<>();
        master.forEach(r -> remote.put(r.name(), r));
        List<Step> steps = new ArrayList<>();
        for (MailboxRecord l : local) {
            MailboxRecord r = remote.remove(l.name());
            if (r == null || r.kind() != MailboxKind.ACTIVE || !r.partition().equals(l.partition()) || !r.acl().equals(l.acl())) {
                steps.add(new Step(Kind.ACTIVATE, l.name(), l.partition(), l.acl()));
            }
        }
        remote.values().stream().map(MailboxRecord::name).sorted()
                .forEach(n -> steps.add(new Step(Kind.DELETE, n, "", "")));
        return steps;
    }

    public static void execute(MurderRegistry registry, List<Step> steps) throws MurderRegistry.RegistryException {
        for (Step s : steps) {
            if (s.kind() == Kind.ACTIVATE) {
                registry.activate(s.mailbox(), s.partition(), s.acl());
            } else {
                registry.delete(s.mailbox());
            }
        }
    }
}
