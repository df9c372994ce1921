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
}
