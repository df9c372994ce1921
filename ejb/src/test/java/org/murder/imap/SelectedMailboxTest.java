package org.murder.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.murder.store.MailboxIndex;
import org.murder.store.MessageFlags;
import org.murder.store.MessageStore.IndexRow;
import org.murder.store.model.Rights;

class SelectedMailboxTest {

    private static IndexRow row(long uid, MessageFlags flags) {
        return new IndexRow(uid, uid, uid, flags, 100, Instant.EPOCH);
    }

    private static SelectedMailbox mailbox(boolean sharedSeen, Runnable onClose, long... uids) {
        List<IndexRow> rows = new ArrayList<>();
        for (long u : uids) {
            rows.add(row(u, MessageFlags.NONE));
        }
        return new SelectedMailbox(1, "user.alice", "INBOX", false, 1, "default", MailboxIndex.of(rows, 10), sharedSeen,
                Rights.parse("lrswipkxtean"), onClose);
    }

    private static SelectedMailbox mailbox(long... uids) {
        return mailbox(false, () -> { }, uids);
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
        assertEquals(List.of("\\Seen"), sel.flagAtoms(sel.of(row(1, seen))));
        assertEquals(List.of("\\Seen", "\\Recent"), sel.flagAtoms(sel.of(row(2, seen))));
        assertEquals(List.of("\\Recent"), sel.flagAtoms(sel.of(row(2, MessageFlags.NONE))));
    }

    @Test
    void seenOnAMailboxNotOwnedIsTheSessionsOwn() {
        SelectedMailbox sel = mailbox(true, () -> { }, 4, 5, 6);
        sel.seen.add(4L);
        sel.seen.add(6L);
        assertTrue(sel.message(0).flags().seen());
        assertFalse(sel.message(1).flags().seen());
        assertEquals(2, sel.firstUnseen());
        assertEquals(3, sel.msnOf(6));
        assertEquals(0, sel.msnOf(7));
    }

    @Test
    void keywordsAreAnnouncedOnce() {
        SelectedMailbox sel = mailbox(1);
        assertTrue(sel.announceKeywords(List.of("$Work")).length > 0);
        assertEquals(0, sel.announceKeywords(List.of("$work")).length);
    }

    @Test
    void aSessionLeavingReleasesWhatItHeld() {
        AtomicInteger released = new AtomicInteger();
        ImapSession s = new ImapSession();
        s.loggedIn(new ImapSession.Identity("alice", false));
        s.select(mailbox(false, released::incrementAndGet, 1));
        s.select(mailbox(false, released::incrementAndGet, 1));
        assertEquals(1, released.get(), "selecting another mailbox leaves the first");
        AtomicInteger stopped = new AtomicInteger();
        s.await(new ImapSession.Idling("A1", stopped::incrementAndGet));
        s.end();
        assertEquals(2, released.get());
        assertEquals(1, stopped.get(), "a session dropped in IDLE stops listening");
        assertTrue(s.state() instanceof ImapSession.Logout);
    }
}
