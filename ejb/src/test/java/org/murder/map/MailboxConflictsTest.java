package org.murder.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MailboxConflictsTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    private static MailboxRecord at(String name, String server) {
        return new MailboxRecord(name, server, "default", "", MailboxKind.ACTIVE, 7);
    }

    @Test
    void aRefusalIsRecordedOnceAndRepetitionsCounted() {
        MailboxConflicts c = new MailboxConflicts();
        MailboxConflicts.Recorded first = c.refused("user.x", "be1!default", "be2!default", T0);
        assertTrue(first.first());
        MailboxConflicts.Recorded again = c.refused("user.x", "be1!default", "be2!p2", T0.plusSeconds(60));
        assertFalse(again.first(), "the same backend again (another partition too) is the same conflict");
        assertEquals(List.of(new MailboxConflict("user.x", "be1!default", "be2!default", T0, T0.plusSeconds(60), 2)), c.all());
        assertEquals("be2", again.conflict().refusedServer());
        assertEquals("be1", again.conflict().keptServer());
    }

    @Test
    void aConflictEndsWhenTheKeptLocationGoes() {
        MailboxConflicts c = new MailboxConflicts();
        c.refused("user.x", "be1!default", "be2!default", T0);
        assertEquals(List.of(), c.entryNow("user.x", Optional.of(at("user.x", "be1"))), "still at be1: still a conflict");
        assertEquals(List.of(), c.entryNow("user.y", Optional.empty()), "another mailbox");
        List<MailboxConflicts.Change> gone = c.entryNow("user.x", Optional.empty());
        assertEquals(1, gone.size());
        assertTrue(gone.get(0) instanceof MailboxConflicts.Resolved r && r.why().contains("left the map"));
        assertTrue(c.isEmpty());

        c.refused("user.x", "be1!default", "be2!default", T0);
        List<MailboxConflicts.Change> moved = c.entryNow("user.x", Optional.of(at("user.x", "be2")));
        assertTrue(moved.get(0) instanceof MailboxConflicts.Resolved r && r.why().contains("be2!default"), moved::toString);
        assertFalse(c.concerns("user.x"));
    }

    @Test
    void aBackendsPushSettlesItsOwnConflictsOnly() {
        MailboxConflicts c = new MailboxConflicts();
        c.refused("user.x", "be1!default", "be2!default", T0);
        c.refused("user.y", "be1!default", "be2!default", T0);
        c.refused("user.z", "be2!default", "be3!default", T0);
        List<MailboxConflicts.Change> settled = c.settle("be2", Set.of("user.y"));
        assertEquals(List.of("user.x"), settled.stream().map(ch -> ch.conflict().mailbox()).toList(),
                "be2 no longer pushes user.x (its copy went); it still pushes user.y; be3's is not be2's to settle");
        assertEquals(List.of("user.y", "user.z"), c.all().stream().map(MailboxConflict::mailbox).toList());
    }

    @Test
    void anAdminClearsAMailboxsConflicts() {
        MailboxConflicts c = new MailboxConflicts();
        c.refused("user.x", "be1!default", "be2!default", T0);
        c.refused("user.x", "be1!default", "be3!default", T0);
        assertEquals(2, c.clear("user.x", "admin").size());
        assertEquals(List.of(), c.clear("user.x", "admin"));
        assertTrue(c.isEmpty());
    }

    @Test
    void theStoredRecordIsWhatComesBack() {
        MailboxConflicts c = new MailboxConflicts();
        MailboxConflict stored = new MailboxConflict("user.x", "be1!default", "be2!default", T0, T0, 3);
        c.load(List.of(stored));
        assertEquals(List.of(stored), c.all());
        assertEquals("be2!user.x", stored.key());
        assertEquals(4, c.refused("user.x", "be1!default", "be2!default", T0.plusSeconds(1)).conflict().refusals());
    }
}
