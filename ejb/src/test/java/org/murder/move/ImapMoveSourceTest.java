package org.murder.move;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImapMoveSourceTest {

    @Test
    void theOwnerOfAUserMailbox() {
        assertEquals(Optional.of("bob"), ImapMoveSource.ownerOf("user.bob"));
        assertEquals(Optional.of("bob"), ImapMoveSource.ownerOf("user.bob.Sent.2024"));
        assertEquals(Optional.of("jo.doe"), ImapMoveSource.ownerOf("user.jo^doe.x"));
        assertEquals(Optional.empty(), ImapMoveSource.ownerOf("shared.x"));
    }

    @Test
    void theOwnerNamesItFromTheirInbox() {
        assertEquals("INBOX", ImapMoveSource.ownerView("user.bob", "bob"));
        assertEquals("INBOX.Sent.x", ImapMoveSource.ownerView("user.bob.Sent.x", "bob"));
        assertEquals("INBOX.y", ImapMoveSource.ownerView("user.jo^doe.y", "jo.doe"));
    }

    @Test
    void responseWords() {
        assertEquals(List.of("user.bob", "bob", "lrswipkxtecdan", "anyone", "p"),
                ImapMoveSource.words("user.bob bob lrswipkxtecdan anyone p"));
        assertEquals(List.of("a b", "x\"y", "z"), ImapMoveSource.words("\"a b\" \"x\\\"y\" z"));
    }

    @Test
    void aCyrusBackendIsKnownByItsMupdateCapability() {
        // Cyrus 3.6 murder backends announce MUPDATE= (they update the master themselves); ours do not
        assertEquals(true, ImapMoveSource.cyrusCapabilities(List.of("IMAP4rev1 LITERAL+ ID ENABLE ACL CONDSTORE QRESYNC "
                + "X-REPLICATION XMOVE MUPDATE=mupdate://127.0.0.13/ AUTH=PLAIN IDLE")));
        assertEquals(false, ImapMoveSource.cyrusCapabilities(List.of("IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID ENABLE IDLE "
                + "NAMESPACE UIDPLUS MOVE CONDSTORE QRESYNC ACL QUOTA")));
        assertEquals(false, ImapMoveSource.cyrusCapabilities(List.of()));
    }
}
