package org.murder.protocol.mupdate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.murder.protocol.testing.RecordingSink;
import org.murder.protocol.wire.FrameDecoder;

/**
 * Text that reaches a response from elsewhere (an exception message, a peer's reply, a mailbox name) must
 * never start a new response line that a client would believe.
 */
class ResponseLineInjectionTest {

    private static final String EVIL = "oops\r\nA2 OK \"forged\"\n* BYE\0";

    private static List<byte[]> frames(byte[] wire) {
        RecordingSink sink = new RecordingSink();
        new FrameDecoder(8192, 1 << 20, 1 << 22).decode(ByteBuffer.wrap(wire), sink);
        return sink.frames();
    }

    @Test
    void completionTextStaysOnOneLine() {
        for (byte[] wire : List.of(MupdateResponses.ok("A1", EVIL), MupdateResponses.no("A1", EVIL),
                MupdateResponses.bad("A1", EVIL), MupdateResponses.bye(EVIL))) {
            assertEquals(1, frames(wire).size(), new String(wire, StandardCharsets.UTF_8));
        }
        assertEquals("A1 NO \"oops  A2 OK \\\"forged\\\" * BYE \"\r\n",
                new String(MupdateResponses.no("A1", EVIL), StandardCharsets.UTF_8));
    }

    @Test
    void bannerFieldsStayOnTheirLines() {
        byte[] banner = MupdateResponses.banner(List.of("PLAIN\r\n* OK"), false, false, EVIL, EVIL, EVIL, false, EVIL);
        assertEquals(3, frames(banner).size());
    }

    @Test
    void namesTravelAsLiteralsSoLineBreaksInsideThemAreHarmless() {
        List<byte[]> frames = frames(MupdateResponses.mailbox("U01", EVIL, new Location("h", EVIL), EVIL));
        assertEquals(1, frames.size());
        var parsed = (MupdateResponse.MailboxData) MupdateResponseParser.parse(frames.get(0));
        assertEquals(EVIL, parsed.name());
        assertEquals(EVIL, parsed.acl());
    }

    @Test
    void aTagThatCouldBreakTheLineIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> MupdateResponses.ok("A1\r\nA2", "x"));
        assertThrows(IllegalArgumentException.class, () -> MupdateResponses.mailbox("A 1", "m", new Location("h", ""), ""));
        assertThrows(IllegalArgumentException.class, () -> MupdateResponses.delete("", "m"));
    }

    @Test
    void unquotedContinuationAndChallengeTextIsDefusedToo() {
        assertEquals(1, frames(MupdateResponses.encode(new MupdateResponse.Continuation(EVIL))).size());
        assertEquals(1, frames(MupdateResponses.encode(new MupdateResponse.SaslChallengeLine(EVIL))).size());
    }
}
