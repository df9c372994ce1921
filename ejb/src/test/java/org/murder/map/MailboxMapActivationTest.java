package org.murder.map;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.murder.map.MailboxMap.Activation;
import org.murder.protocol.mupdate.Location;

/** The master's ACTIVATE rule: authoritative for the server that has the mailbox, refused for a second server. */
class MailboxMapActivationTest {

    private static MailboxRecord entry(String server, String partition, String acl, MailboxKind kind) {
        return new MailboxRecord("user.x", server, partition, acl, kind, 5);
    }

    @Test
    void aNewNameOrAReservedOneIsWritten() {
        assertEquals(Activation.WRITE, MailboxMap.activation(null, new Location("be2", "default"), ""));
        assertEquals(Activation.WRITE, MailboxMap.activation(entry("be2", "default", "", MailboxKind.RESERVED),
                new Location("be2", "default"), ""), "a CREATE's reservation made active");
        assertEquals(Activation.WRITE, MailboxMap.activation(entry("be1", "default", "a\tlrs\t", MailboxKind.RESERVED),
                new Location("be2", "default"), "a\tlrs\t"), "a move: DEACTIVATEd at be1, then ACTIVATEd at be2");
    }

    @Test
    void theOwningServerMayChangeItsEntryAndRepeatsCostNothing() {
        MailboxRecord active = entry("be1", "default", "a\tlrs\t", MailboxKind.ACTIVE);
        assertEquals(Activation.UNCHANGED, MailboxMap.activation(active, new Location("be1", "default"), "a\tlrs\t"));
        assertEquals(Activation.WRITE, MailboxMap.activation(active, new Location("be1", "default"), "a\tlrswi\t"));
        assertEquals(Activation.WRITE, MailboxMap.activation(active, new Location("be1", "p2"), "a\tlrs\t"));
    }

    @Test
    void anotherServersActivateOfAnActiveEntryIsAConflictNotAFlap() {
        MailboxRecord active = entry("be1", "default", "", MailboxKind.ACTIVE);
        assertEquals(Activation.CONFLICT, MailboxMap.activation(active, new Location("be2", "default"), ""));
        assertEquals(Activation.CONFLICT, MailboxMap.activation(active, new Location("be2", "p2"), "other acl"));
    }
}
