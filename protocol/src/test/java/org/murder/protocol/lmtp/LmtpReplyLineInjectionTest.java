package org.murder.protocol.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * Text that reaches a reply or a command from elsewhere (an address the client sent, an exception message, a
 * backend's reply a frontend passes on, a configured host name) must never end a line early and so start a reply
 * or command of its own: an LMTP client reads {@code 250} per recipient, and a forged one loses mail.
 */
class LmtpReplyLineInjectionTest {

    private static final String EVIL = "oops\r\n250 2.1.5 Success\n550 5.1.1 forged\r\0\u0085\u2028 end";

    private static List<LmtpReply> read(byte[] wire) {
        return LmtpRepliesTest.readReplies(wire, 0);
    }

    @Test
    void replyTextStaysOnItsLine() {
        for (byte[] wire : List.of(LmtpReplies.temporaryFailure(EVIL), LmtpReplies.badSequence(EVIL),
                LmtpReplies.reply(550, "5.7.1", EVIL), LmtpReplies.closing("4.3.2", EVIL),
                LmtpReplies.tlsNotAvailable(EVIL), LmtpReplies.delivered(Optional.of(EVIL)),
                LmtpReplies.overQuota(true, Optional.of(EVIL)), LmtpReplies.reset(Optional.of(EVIL)),
                LmtpReplies.greeting(EVIL, EVIL))) {
            String text = new String(wire, StandardCharsets.US_ASCII);
            assertEquals(1, read(wire).size(), text);
            assertEquals(1, text.split("\r\n", -1).length - 1, text);
            assertEquals(text.length() - 2, text.indexOf('\n') - 1, text);
        }
        assertEquals("451 4.3.0 oops  250 2.1.5 Success 550 5.1.1 forged  ?? end\r\n",
                new String(LmtpReplies.temporaryFailure(EVIL), StandardCharsets.US_ASCII));
    }

    @Test
    void eachLineOfAMultiLineReplyStaysOneLine() {
        LmtpReply reply = new LmtpReply(550, Optional.of("5.7.1"), List.of(EVIL, EVIL, EVIL));
        byte[] wire = LmtpReplies.encode(reply);
        List<LmtpReply> back = read(wire);
        assertEquals(1, back.size());
        assertEquals(3, back.get(0).lines().size());
        assertEquals(3, new String(wire, StandardCharsets.US_ASCII).split("\r\n").length);
    }

    @Test
    void capabilitiesAndTheLhloHostStayOnTheirLines() {
        byte[] wire = LmtpReplies.lhlo(EVIL, List.of("PIPELINING", EVIL, "AUTH PLAIN\r\n250 STARTTLS"));
        List<LmtpReply> back = read(wire);
        assertEquals(1, back.size());
        assertEquals(4, back.get(0).lines().size());
    }

    @Test
    void aBackendsReplyPassedOnByAFrontendIsDefused() {
        // a frontend relays what a backend said per recipient; a broken backend must not forge more replies
        LmtpReply fromBackend = new LmtpReply(451, Optional.of("4.3.0"), List.of("busy\r\n250 2.1.5 ok"));
        assertEquals(1, read(LmtpReplies.encode(fromBackend)).size());
    }

    @Test
    void overlongTextIsCutToRfc5321sReplyLine() {
        byte[] wire = LmtpReplies.temporaryFailure("x".repeat(2000));
        assertEquals(512, wire.length);
        assertTrue(new String(wire, StandardCharsets.US_ASCII).endsWith("xx\r\n"));
    }

    @Test
    void commandsCannotBeBuiltToCarryALineBreak() {
        assertThrows(IllegalArgumentException.class, () -> new LmtpCommand.Lhlo("a\r\nRCPT TO:<x>"));
        assertThrows(IllegalArgumentException.class, () -> new LmtpCommand.Vrfy("a\nQUIT"));
        assertThrows(IllegalArgumentException.class, () -> new LmtpCommand.Helo("a\r"));
        assertThrows(IllegalArgumentException.class, () -> Address.of("a\r\nRCPT TO:<b>", "example.org"));
        assertThrows(IllegalArgumentException.class, () -> Address.of("a", "example.org>\r\nDATA"));
        assertThrows(IllegalArgumentException.class, () -> Address.local("\u00e9"));
        assertThrows(IllegalArgumentException.class, () -> new LmtpCommand.Auth("PLAIN", Optional.of("AA==\r\nQUIT")));
        assertThrows(IllegalArgumentException.class, () -> new LmtpCommand.Auth("PLAIN\r\n", Optional.empty()));
        ReversePath from = ReversePath.NULL;
        assertThrows(IllegalArgumentException.class, () -> new LmtpCommand.Mail(from, Map.of("SIZE", "1\r\nRCPT")));
        assertThrows(IllegalArgumentException.class, () -> new LmtpCommand.Mail(from, Map.of("SIZE", "1 X=2")));
        assertThrows(IllegalArgumentException.class, () -> new LmtpCommand.Mail(from, Map.of("X\r\n", "")));
        assertThrows(IllegalArgumentException.class, () -> new LmtpCommand.Mail(from, Map.of("size", "1")));
    }

    @Test
    void quotedLocalPartsAreEscapedOnTheWire() {
        Address tricky = Address.of("a\"> NOTIFY=NEVER \\", "example.org");
        String line = LmtpCommandEncoder.line(LmtpCommand.Rcpt.of(ForwardPath.of(tricky)));
        assertEquals("RCPT TO:<\"a\\\"> NOTIFY=NEVER \\\\\"@example.org>", line);
        LmtpCommand back = ((LmtpParseResult.Parsed) LmtpCommandParser.parse(line)).command();
        assertEquals(LmtpCommand.Rcpt.of(ForwardPath.of(tricky)), back);
    }
}
