package org.murder.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;

class MapPushTest {

    private static MailboxRecord active(String name, String partition, String acl) {
        return new MailboxRecord(name, "be1", partition, acl, MailboxKind.ACTIVE, 0);
    }

    @Test
    void missingDifferentAndReservedEntriesAreActivatedAndStrayOnesDeleted() {
        List<MailboxRecord> local = List.of(
                active("user.alice", "default", "alice\tlrs\t"),
                active("user.bob", "default", "bob\tlrs\t"),
                active("user.carol", "p2", "carol\tlrs\t"),
                active("user.dave", "default", "dave\tlrs\t"));
        List<MailboxRecord> master = List.of(
                active("user.alice", "default", "alice\tlrs\t"),           // same: nothing to do
                active("user.bob", "default", "bob\tlrswi\t"),             // ACL differs
                active("user.carol", "default", "carol\tlrs\t"),           // partition differs
                new MailboxRecord("user.dave", "be1", "default", "", MailboxKind.RESERVED, 0),
                active("user.zed", "default", ""));                         // gone from the backend
        assertEquals(List.of(
                new MapPush.Step(MapPush.Kind.ACTIVATE, "user.bob", "default", "bob\tlrs\t"),
                new MapPush.Step(MapPush.Kind.ACTIVATE, "user.carol", "p2", "carol\tlrs\t"),
                new MapPush.Step(MapPush.Kind.ACTIVATE, "user.dave", "default", "dave\tlrs\t"),
                new MapPush.Step(MapPush.Kind.DELETE, "user.zed", "", "")), MapPush.plan(local, master));
    }

    @Test
    void anInSyncBackendHasNothingToPush() {
        List<MailboxRecord> same = List.of(active("user.alice", "default", ""));
        assertEquals(List.of(), MapPush.plan(same, same));
    }

    @Test
    void mupdateServerMayCarryThePort() {
        assertEquals("master.example.org:3906",
                MupdateRegistry.of("master.example.org:3906", 3905, "murder", "", "pw", "be1").endpoint());
        assertEquals("master.example.org:3905",
                MupdateRegistry.of("master.example.org", 3905, "murder", "", "pw", "be1").endpoint());
    }

    @Test
    void eachStepSaysWhatItDoesToTheMastersEntry() {
        List<MailboxRecord> local = List.of(active("user.new", "default", ""), active("user.acl", "default", "a\tlrs\t"));
        List<MailboxRecord> master = List.of(active("user.acl", "default", ""), active("user.gone", "p2", ""));
        List<MapPush.Step> plan = MapPush.plan(local, master);
        assertEquals(List.of(MapPush.Change.ADDED, MapPush.Change.CHANGED, MapPush.Change.REMOVED),
                plan.stream().map(MapPush.Step::change).toList());
        assertEquals(List.of("added user.new be1!default", "changed user.acl be1!default (was be1!default)",
                "removed user.gone (was be1!p2)"), plan.stream().map(s -> s.describe("be1")).toList());
    }

    /** A master that refuses one mailbox (on another backend), or is unreachable at it, and records the rest. */
    private static final class Refusing implements MurderRegistry {
        final List<String> done = new java.util.ArrayList<>();
        final String refuse;
        final boolean unreachable;

        Refusing(String refuse, boolean unreachable) {
            this.refuse = refuse;
            this.unreachable = unreachable;
        }

        @Override
        public boolean joined() {
            return true;
        }

        @Override
        public void reserve(String mailbox, String partition) {
            throw new AssertionError("a push reserves nothing");
        }

        @Override
        public void activate(String mailbox, String partition, String acl) throws RegistryException {
            throwIf(mailbox);
            done.add("ACTIVATE " + mailbox);
        }

        @Override
        public void deactivate(String mailbox, String partition) {
            throw new AssertionError("a push deactivates nothing");
        }

        @Override
        public void delete(String mailbox) throws RegistryException {
            throwIf(mailbox);
            done.add("DELETE " + mailbox);
        }

        @Override
        public java.util.Optional<MailboxRecord> find(String mailbox) {
            return java.util.Optional.empty();
        }

        @Override
        public List<MailboxRecord> listOwn() {
            return List.of();
        }

        private void throwIf(String mailbox) throws RegistryException {
            if (mailbox.equals(refuse)) {
                throw new RegistryException(unreachable ? "MUPDATE master unreachable during ACTIVATE"
                        : "ACTIVATE " + mailbox + " refused by the MUPDATE master: Mailbox already exists at be2!default",
                        unreachable, null);
            }
        }
    }

    private static List<MapPush.Result> run(MurderRegistry r, List<MapPush.Step> plan) throws MurderRegistry.RegistryException {
        return MapPush.execute(r, plan);
    }

    @Test
    void aRefusedMailboxDoesNotStopThePush() throws Exception {
        List<MapPush.Step> plan = MapPush.plan(
                List.of(active("user.a", "default", ""), active("user.dup", "default", ""), active("user.z", "default", "")),
                List.of(active("user.old", "default", "")));
        Refusing master = new Refusing("user.dup", false);
        List<MapPush.Result> results = run(master, plan);
        assertEquals(List.of("ACTIVATE user.a", "ACTIVATE user.z", "DELETE user.old"), master.done);
        assertEquals(List.of(MapPush.Outcome.DONE, MapPush.Outcome.REFUSED, MapPush.Outcome.DONE, MapPush.Outcome.DONE),
                results.stream().map(MapPush.Result::outcome).toList());
        org.junit.jupiter.api.Assertions.assertTrue(results.get(1).why().contains("be2!default"), results.get(1)::why);
    }

    @Test
    void anUnreachableMasterEndsThePush() {
        List<MapPush.Step> plan = MapPush.plan(
                List.of(active("user.a", "default", ""), active("user.b", "default", ""), active("user.c", "default", "")),
                List.of());
        Refusing master = new Refusing("user.b", true);
        MurderRegistry.RegistryException e = org.junit.jupiter.api.Assertions.assertThrows(
                MurderRegistry.RegistryException.class, () -> run(master, plan));
        org.junit.jupiter.api.Assertions.assertTrue(e.unreachable());
        assertEquals(List.of("ACTIVATE user.a"), master.done, "nothing after the connection failed");
    }
}
