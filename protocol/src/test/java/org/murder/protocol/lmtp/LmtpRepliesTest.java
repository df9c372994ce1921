package org.murder.protocol.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.protocol.lmtp.LmtpCaptures.ascii;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.murder.protocol.testing.Transcripts;
import org.murder.protocol.testing.Transcripts.Connection;
import org.murder.protocol.testing.Transcripts.Direction;

/** The server's replies: byte-exact with Cyrus where we say so, and read back by the client's parser. */
class LmtpRepliesTest {

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** The server stream through the client's decoder and reply parser, cut at {@code offset}. */
    static List<LmtpReply> readReplies(byte[] stream, int offset) {
        List<LmtpReply> replies = new ArrayList<>();
        LmtpReplyParser parser = new LmtpReplyParser();
        LmtpDecoder decoder = new LmtpDecoder(64 * 1024, 0);
        LmtpRecorder lines = new LmtpRecorder(new LmtpDecoder(1));
        decoder.decode(ByteBuffer.wrap(stream, 0, offset), lines);
        decoder.decode(ByteBuffer.wrap(stream, offset, stream.length - offset), lines);
        for (LmtpRecorder.Event e : lines.events) {
            parser.line(((LmtpRecorder.Line) e).text()).ifPresent(replies::add);
        }
        assertTrue(parser.idle());
        return replies;
    }

    @TestFactory
    Stream<DynamicTest> everyCapturedServerStreamReadsBackSplitAtEveryOffset() {
        return LmtpCaptures.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            byte[] stream = c.bytes(Direction.SERVER);
            List<LmtpReply> whole = readReplies(stream, stream.length);
            List<List<String>> groups = LmtpCaptures.serverReplies(c);
            assertEquals(groups.size(), whole.size());
            for (int i = 0; i < groups.size(); i++) {
                assertEquals(whole.get(i), LmtpReplyParser.parse(groups.get(i)));
                assertEquals(groups.get(i).size(), text(LmtpReplies.encode(whole.get(i))).split("\r\n").length);
            }
            for (int offset = 0; offset <= stream.length; offset++) {
                assertEquals(whole, readReplies(stream, offset), "split at " + offset);
            }
        }));
    }

    @Test
    void capturedRepliesReadAsValues() {
        Connection c = Transcripts.connection("e_lmtp_via_frontend.txt", "42496");
        List<LmtpReply> replies = readReplies(c.bytes(Direction.SERVER), 0);
        assertEquals(LmtpReply.plain(220, "127.0.0.10 Cyrus LMTP 3.6.1-Debian-3.6.1-4+deb12u5 server ready"), replies.get(0));
        LmtpReply lhlo = replies.get(1);
        assertEquals(List.of("127.0.0.10", "8BITMIME", "ENHANCEDSTATUSCODES", "PIPELINING", "SIZE", "AUTH PLAIN LOGIN",
                "IGNOREQUOTA", "Ok SESSIONID=<cyrus-fe-1795423572-16258-3-16731857848782495462>"), lhlo.lines());
        assertEquals(Optional.empty(), lhlo.enhancedStatus());
        assertEquals(LmtpReply.plain(235, "Authenticated!"), replies.get(2));
        assertEquals(LmtpReply.of(250, "2.1.0", "ok"), replies.get(3));
        LmtpReply unknown = replies.get(6);
        assertEquals(new LmtpReply(550, Optional.of("5.1.1"), List.of(
                "Mailbox unknown.  Either there is no mailbox associated with this",
                "name or you do not have authorization to see it.", "User unknown")), unknown);
        assertTrue(unknown.permanentFailure());
        assertEquals("User unknown", unknown.text());
        assertTrue(replies.get(7).intermediate());
        assertEquals(LmtpReply.of(250, "2.1.5", "Success SESSIONID=<cyrus-fe-1795423579-16258-1-17240097077995348429>"),
                replies.get(8));
        assertEquals(LmtpReply.of(221, "2.0.0", "bye"), replies.get(10));
    }

    @Test
    void rfc2033RepliesHaveNoEnhancedCodes() {
        List<LmtpReply> replies = readReplies(LmtpCaptures.RFC_2033.bytes(Direction.SERVER), 0);
        assertEquals(LmtpReply.plain(250, "foo.edu", "PIPELINING", "SIZE"), replies.get(1));
        assertEquals(LmtpReply.plain(452, "<green@foo.edu> is temporarily over quota"), replies.get(8));
        assertTrue(replies.get(8).transientFailure());
    }

    // --- byte-exact with Cyrus 3.6

    @Test
    void wordedAsCyrus() {
        assertEquals("220 127.0.0.10 Cyrus LMTP 3.6.1-Debian-3.6.1-4+deb12u5 server ready\r\n",
                text(LmtpReplies.greeting("127.0.0.10", "Cyrus LMTP 3.6.1-Debian-3.6.1-4+deb12u5")));
        assertEquals("220 foo.edu server ready\r\n", text(LmtpReplies.greeting("foo.edu", "")));
        assertEquals("220 foo.edu LMTP server ready\r\n", text(LmtpReplies.greeting("foo.edu", "LMTP")));
        List<String> caps = new ArrayList<>(LmtpReplies.capabilities(0, false, List.of("PLAIN", "LOGIN")));
        caps.add("Ok SESSIONID=<cyrus-fe-1795423572-16258-3-16731857848782495462>");
        assertEquals("250-127.0.0.10\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n250-SIZE\r\n"
                + "250-AUTH PLAIN LOGIN\r\n250-IGNOREQUOTA\r\n"
                + "250 Ok SESSIONID=<cyrus-fe-1795423572-16258-3-16731857848782495462>\r\n",
                text(LmtpReplies.lhlo("127.0.0.10", caps)));
        assertEquals("250 2.1.0 ok\r\n", text(LmtpReplies.senderOk()));
        assertEquals("250 2.1.5 ok\r\n", text(LmtpReplies.recipientOk()));
        assertEquals("354 go ahead\r\n", text(LmtpReplies.goAhead()));
        assertEquals("250 2.1.5 Success SESSIONID=<cyrus-be2-1795423579-16368-3-12975233387219147143>\r\n",
                text(LmtpReplies.delivered(Optional.of("cyrus-be2-1795423579-16368-3-12975233387219147143"))));
        assertEquals("250 2.0.0 Ok SESSIONID=<cyrus-be1-1795423579-16259-2-16088831530270946062>\r\n",
                text(LmtpReplies.reset(Optional.of("cyrus-be1-1795423579-16259-2-16088831530270946062"))));
        assertEquals("550-Mailbox unknown.  Either there is no mailbox associated with this\r\n"
                + "550-name or you do not have authorization to see it.\r\n550 5.1.1 User unknown\r\n",
                text(LmtpReplies.userUnknown(true)));
        assertEquals("221 2.0.0 bye\r\n", text(LmtpReplies.bye()));
        assertEquals("430 4.7.0 Authentication required\r\n", text(LmtpReplies.authenticationRequired(true)));
    }

    @Test
    void theOtherReplies() {
        assertEquals("250-foo.edu\r\n250-PIPELINING\r\n250 SIZE\r\n", text(LmtpReplies.lhlo("foo.edu", List.of("PIPELINING", "SIZE"))));
        assertEquals("250 h\r\n", text(LmtpReplies.lhlo("h", List.of())));
        assertEquals(List.of("8BITMIME", "ENHANCEDSTATUSCODES", "PIPELINING", "SIZE 10485760", "STARTTLS", "IGNOREQUOTA"),
                LmtpReplies.capabilities(10_485_760, true, List.of()));
        assertEquals("250 2.1.5 Ok\r\n", text(LmtpReplies.delivered(Optional.empty())));
        assertEquals("550 5.1.1 User unknown\r\n", text(LmtpReplies.userUnknown(false)));
        assertEquals("452 4.2.2 Over quota\r\n", text(LmtpReplies.overQuota(false, Optional.empty())));
        assertEquals("552 5.2.2 Over quota SESSIONID=<s1>\r\n", text(LmtpReplies.overQuota(true, Optional.of("s1"))));
        assertEquals("451 4.3.0 System I/O error\r\n", text(LmtpReplies.temporaryFailure("System I/O error")));
        assertEquals("451 4.4.3 Remote server unavailable\r\n", text(LmtpReplies.remoteServerUnavailable()));
        assertEquals("451 4.2.1 Mailbox Moved\r\n", text(LmtpReplies.mailboxMoved()));
        assertEquals("550 5.7.1 Permission denied\r\n", text(LmtpReplies.permissionDenied()));
        assertEquals("552 5.3.4 Message size exceeds fixed maximum message size (1000)\r\n",
                text(LmtpReplies.messageTooLarge(1000)));
        assertEquals("552 5.3.4 Message SIZE exceeds fixed maximum message size (1000)\r\n",
                text(LmtpReplies.declaredSizeTooLarge(1000)));
        assertEquals("500 5.5.2 Line too long\r\n", text(LmtpReplies.lineTooLong()));
        assertEquals("503 5.5.1 Need MAIL command\r\n", text(LmtpReplies.badSequence("Need MAIL command")));
        assertEquals("250 2.0.0 ok\r\n", text(LmtpReplies.noop()));
        assertEquals("252 2.3.3 try RCPT to attempt delivery\r\n", text(LmtpReplies.vrfy()));
        assertEquals("421 4.3.2 shutting down\r\n", text(LmtpReplies.closing("4.3.2", "shutting down")));
        assertEquals("220 2.0.0 Begin TLS negotiation now\r\n", text(LmtpReplies.startTls()));
        assertEquals("454 4.7.0 TLS not available\r\n", text(LmtpReplies.tlsNotAvailable("TLS not available")));
        assertEquals("530 5.7.0 Authentication required\r\n", text(LmtpReplies.authenticationRequired(false)));
        assertEquals("334 VXNlcm5hbWU6\r\n", text(LmtpReplies.saslChallenge(ascii("Username:"))));
        assertEquals("334 \r\n", text(LmtpReplies.saslChallenge(new byte[0])));
        assertEquals("235 2.7.0 Authenticated!\r\n", text(LmtpReplies.authenticated()));
        assertEquals("535 5.7.8 Authentication credentials invalid\r\n", text(LmtpReplies.authenticationFailed()));
        assertEquals("535 5.7.8 Not authorized to act as that user\r\n", text(LmtpReplies.authorizationFailed()));
        assertEquals("501 5.5.4 client canceled authentication\r\n", text(LmtpReplies.authenticationCancelled()));
        assertEquals("504 5.5.4 Unrecognized authentication type\r\n", text(LmtpReplies.unrecognizedMechanism()));
        assertEquals("503 5.5.0 already authenticated\r\n", text(LmtpReplies.alreadyAuthenticated()));
    }

    @Test
    void multiLineRepliesCarryTheEnhancedCodeOnEveryLine() {
        LmtpReply reply = new LmtpReply(550, Optional.of("5.7.1"), List.of("Message refused:", "", "spam"));
        assertEquals("550-5.7.1 Message refused:\r\n550-5.7.1\r\n550 5.7.1 spam\r\n", text(LmtpReplies.encode(reply)));
        assertEquals("250\r\n", text(LmtpReplies.encode(LmtpReply.plain(250, ""))));
        assertEquals("250 2.0.0\r\n", text(LmtpReplies.encode(LmtpReply.of(250, "2.0.0", ""))));
    }

    // --- the reply parser

    @Test
    void replyParserEdgeCases() {
        assertEquals(LmtpReply.plain(250, ""), LmtpReplyParser.parse(List.of("250")));
        assertEquals(LmtpReply.plain(250, "", ""), LmtpReplyParser.parse(List.of("250-", "250 ")));
        assertEquals(LmtpReply.plain(334, ""), LmtpReplyParser.parse(List.of("334 ")));
        // a code of another class is text, not an enhanced status code
        assertEquals(LmtpReply.plain(250, "5.1.1 odd"), LmtpReplyParser.parse(List.of("250 5.1.1 odd")));
        assertEquals(LmtpReply.plain(250, "2.1.5x"), LmtpReplyParser.parse(List.of("250 2.1.5x")));
        // only the last line's code counts; others equal to it are stripped, different ones stay text
        assertEquals(new LmtpReply(451, Optional.of("4.3.0"), List.of("4.4.3 first", "second")),
                LmtpReplyParser.parse(List.of("451-4.4.3 first", "451 4.3.0 second")));
        assertEquals(new LmtpReply(451, Optional.empty(), List.of("4.3.0 first", "second")),
                LmtpReplyParser.parse(List.of("451-4.3.0 first", "451 second")));
    }

    @Test
    void garbageIsAProtocolException() {
        for (List<String> bad : List.of(List.of("25"), List.of("2500 x"), List.of("abc ok"), List.of("250x"),
                List.of("199 too low"), List.of("600 too high"), List.of("250-a", "251 b"), List.of("250-a"),
                List.of("250 a", "250 b"), List.of(""))) {
            assertThrows(LmtpProtocolException.class, () -> LmtpReplyParser.parse(bad), bad.toString());
        }
        LmtpReplyParser parser = new LmtpReplyParser();
        parser.line("250-a");
        assertFalse(parser.idle());
        assertThrows(LmtpProtocolException.class, () -> parser.line("550 b"));
        assertTrue(parser.idle());
        assertEquals(Optional.of(LmtpReply.plain(250, "again")), parser.line("250 again"));
    }

    @Test
    void replyValuesCheckThemselves() {
        assertThrows(IllegalArgumentException.class, () -> LmtpReply.plain(99, "x"));
        assertThrows(IllegalArgumentException.class, () -> LmtpReply.of(250, "2.1", "x"));
        assertThrows(IllegalArgumentException.class, () -> LmtpReply.of(250, "3.1.1", "x"));
        assertThrows(IllegalArgumentException.class, () -> new LmtpReply(250, Optional.empty(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new LmtpParseResult.Malformed(250, "2.0.0", "not a refusal"));
    }
}
