package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.protocol.imap.ImapTesting.parsed;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.ImapCommand.MoveStep;
import org.murder.protocol.imap.command.ImapCommand.Rename;
import org.murder.protocol.imap.command.ImapCommand.XMoveStep;
import org.murder.protocol.imap.command.ImapCommand.XPull;

/** RENAME with a location and the move's admin commands (docs/moves.md). */
class MoveCommandParsersTest {

    @Test
    void renameTakesCyrusLocation() {
        assertEquals(new Rename("a", "user.bob", "user.bob", Optional.of("be2!default")),
                parsed("a RENAME user.bob user.bob be2!default"));
        assertEquals(new Rename("a", "user.bob.x", "user.bob.x", Optional.of("p2")),
                parsed("a RENAME \"user.bob.x\" \"user.bob.x\" \"p2\""));
        assertEquals(new Rename("a", "x", "y"), parsed("a RENAME x y"));
    }

    @Test
    void pullAndSteps() {
        assertEquals(new XPull("t1", "user.bob", "be1", "default"), parsed("t1 XPULL user.bob be1 default"));
        assertEquals(new XPull("t1", "a b", "be1", "p"), parsed("t1 xpull \"a b\" be1 p"));
        assertEquals(new XMoveStep("t2", MoveStep.FREEZE, "user.bob", "12", Optional.empty()),
                parsed("t2 XFREEZE user.bob 12"));
        assertEquals(new XMoveStep("t2", MoveStep.UNFREEZE, "user.bob", "12", Optional.empty()),
                parsed("t2 XUNFREEZE user.bob 12"));
        assertEquals(new XMoveStep("t2", MoveStep.RELEASE, "user.bob", "12", Optional.of("be2!default")),
                parsed("t2 XRELEASE user.bob 12 be2!default"));
    }

    @Test
    void badArgumentsAreBad() {
        for (String line : new String[] {"t XPULL user.bob be1", "t XPULL user.bob be1 p extra", "t XFREEZE user.bob",
                "t XRELEASE user.bob 12", "t XUNFREEZE user.bob 12 x", "t RENAME a b c d"}) {
            ImapParseResult r = ImapCommandParser.parse(line.getBytes(StandardCharsets.US_ASCII));
            assertTrue(r instanceof ImapParseResult.Malformed, line + " -> " + r);
        }
    }

    @Test
    void aMailboxNameMayBeALiteral() {
        ImapCommand whole = parsed("t XRELEASE {8}\r\nuser.bob 12 be2!default");
        assertEquals(new XMoveStep("t", MoveStep.RELEASE, "user.bob", "12", Optional.of("be2!default")), whole);
    }
}
