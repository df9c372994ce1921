package org.murder.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;
import org.murder.protocol.mupdate.Location;
import org.murder.protocol.mupdate.MupdateResponse;

/** What each streamed UPDATE response does to the copy. */
class MupdateFollowerTest {

    @Test
    void mailboxReserveAndDeleteBecomeChangesOfTheCopy() {
        assertEquals(new MailboxRecord("user.alice", "127.0.0.32", "default", "alice\tlrswipkxtecda\t", MailboxKind.ACTIVE, 0),
                MupdateFollower.record(new MupdateResponse.MailboxData("U01", "user.alice",
                        Location.parse("127.0.0.32!default"), "alice\tlrswipkxtecda\t")).orElseThrow());
        assertEquals(new MailboxRecord("user.bob", "be2", "p2", "", MailboxKind.RESERVED, 0),
                MupdateFollower.record(new MupdateResponse.ReserveData("U01", "user.bob", Location.parse("be2!p2")))
                        .orElseThrow());
        assertEquals(MailboxKind.DELETED, MupdateFollower.record(new MupdateResponse.DeleteData("U01", "user.carol"))
                .orElseThrow().kind());
        assertTrue(MupdateFollower.record(new MupdateResponse.Completion("N01", MupdateResponse.Status.OK, "done")).isEmpty());
    }
}
