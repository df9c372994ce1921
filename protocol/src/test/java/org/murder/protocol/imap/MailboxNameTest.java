package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class MailboxNameTest {

    @Test
    void aCarriedNameReadsBackAsItsValue() {
        for (MailboxName n : new MailboxName[] {new MailboxName.Usable("INBOX.Entwürfe"), new MailboxName.Usable(""),
                new MailboxName.Unusable("&Jjo"), new MailboxName.Unusable("")}) {
            assertEquals(n, MailboxName.of(n.carried()));
        }
        assertEquals(new MailboxName.Unusable("&AGE-"), MailboxName.of(MailboxNames.fromWire("&AGE-", false)));
        assertEquals(new MailboxName.Usable("INBOX"), MailboxName.of(MailboxNames.fromWire("inbox", false)));
    }

    @Test
    void anUnusableNameEqualsNoUsableOneAndHasNoInternalForm() {
        MailboxName.Unusable u = new MailboxName.Unusable("Drafts");
        assertNotEquals("Drafts", u.carried(), "its text is no mailbox's name");
        assertEquals(Optional.empty(), u.utf7());
        assertEquals("Drafts", u.wire(false), "passed on as it came");
        assertThrows(IllegalArgumentException.class, () -> new MailboxName.Usable(u.carried()));
    }

    @Test
    void aUsableNameHasItsEncodings() {
        MailboxName.Usable n = new MailboxName.Usable("Entwürfe");
        assertEquals(Optional.of("Entw&APw-rfe"), n.utf7());
        assertEquals("Entw&APw-rfe", n.wire(false));
        assertEquals("Entwürfe", n.wire(true));
    }
}
