package org.murder.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.murder.store.MessageFlags;

class SelectedMailboxTest {

    private static SelectedMailbox.Message message(long uid, MessageFlags flags) {
        return new SelectedMailbox.Message(uid, uid, flags, uid, 100, Instant.EPOCH);
    }

    private static SelectedMailbox mailbox(long... uids) {
        List<SelectedMailbox.Message> messages = new ArrayList<>();
        for (long u : uids) {
            messages.add(message(u, MessageFlags.NONE));
        }
        return new SelectedMailbox(1, "user.alice", "INBOX", false, 1, "default", messages, false);
    }

    @Test
    void recentRunsAreHalfOpenAndMayBeSeveral() {
        SelectedMailbox sel = mailbox(1, 2, 3, 5, 8, 9);
        assertEquals(0, sel.recentCount());
        sel.addRecent(2, 5);   // 3 and 5
        sel.addRecent(8, 9);   // 9; another session took 6..8
        sel.addRecent(9, 9);   // empty: ignored
        assertFalse(sel.isRecent(2));
        assertTrue(sel.isRecent(3));
        assertTrue(sel.isRecent(5));
        assertFalse(sel.isRecent(8));
        assertTrue(sel.isRecent(9));
        assertEquals(3, sel.recentCount());
    }

    @Test
    void flagAtomsAddRecentAfterTheStoredFlags() {
        SelectedMailbox sel = mailbox(1, 2);
        sel.addRecent(1, 2);
        MessageFlags seen = MessageFlags.NONE.withSeen(true);
        assertEquals(List.of("\\Seen"), sel.flagAtoms(message(1, seen)));
        assertEquals(List.of("\\Seen", "\\Recent"), sel.flagAtoms(message(2, seen)));
        assertEquals(List.of("\\Recent"), sel.flagAtoms(message(2, MessageFlags.NONE)));
    }
}
