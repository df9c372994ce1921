package org.murder.protocol.mupdate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.murder.protocol.mupdate.MupdateResponse.Status;

class MupdateResponseParserTest {

    static MupdateResponse parse(String frame) {
        return MupdateResponseParser.parse(frame.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bannerLines() {
        assertEquals(new MupdateResponse.Capability("AUTH", List.of("PLAIN", "LOGIN")), parse("* AUTH \"PLAIN\" \"LOGIN\""));
        assertEquals(new MupdateResponse.Capability("AUTH", List.of()), parse("* AUTH"));
        assertEquals(new MupdateResponse.Capability("STARTTLS", List.of()), parse("* STARTTLS"));
        assertEquals(new MupdateResponse.Capability("COMPRESS", List.of("DEFLATE")), parse("* COMPRESS \"DEFLATE\""));
        assertEquals(new MupdateResponse.Capability("PARTIAL-UPDATE", List.of()), parse("* PARTIAL-UPDATE"));
        MupdateResponse.Greeting greeting = (MupdateResponse.Greeting) parse(
                "* OK MUPDATE \"127.0.0.13\" \"Cyrus IMAP\" \"3.6.1-Debian-3.6.1-4+deb12u5\" \"(master)\"");
        assertEquals(new MupdateResponse.Greeting("127.0.0.13", "Cyrus IMAP", "3.6.1-Debian-3.6.1-4+deb12u5", "(master)"),
                greeting);
        assertTrue(greeting.master());
        assertEquals("mupdate://m.example",
                ((MupdateResponse.Greeting) parse("* OK MUPDATE \"s\" \"p\" \"v\" \"mupdate://m.example\"")).mode());
    }

    @Test
    void completionsQuotedOrBare() {
        assertEquals(new MupdateResponse.Completion("A01", Status.OK, "Authenticated"), parse("A01 OK \"Authenticated\""));
        assertEquals(new MupdateResponse.Completion("A01", Status.NO, "undefined error!"), parse("A01 NO \"undefined error!\""));
        assertEquals(new MupdateResponse.Completion("X01", Status.BAD, "Please login first"), parse("X01 BAD \"Please login first\""));
        assertEquals(new MupdateResponse.Completion("S01", Status.OK, "Begin TLS negotiation now"),
                parse("S01 OK Begin TLS negotiation now"));
        assertEquals(new MupdateResponse.Completion("A01", Status.NO, "Client canceled authentication"),
                parse("A01 NO Client canceled authentication"));
        assertEquals(new MupdateResponse.Completion("T", Status.OK, ""), parse("T OK"));
        assertEquals(new MupdateResponse.Completion("T", Status.OK, "\"a\" b"), parse("T ok \"a\" b"));
        assertEquals(new MupdateResponse.Completion("T", Status.NO, "say \"hi\""), parse("T NO \"say \\\"hi\\\"\""));
        assertEquals(new MupdateResponse.Completion("*", Status.BAD, "Need command"), parse("* BAD \"Need command\""));
        assertEquals(new MupdateResponse.Completion("*", Status.OK, "fine"), parse("* OK fine"));
    }

    @Test
    void byeAndContinuation() {
        assertEquals(new MupdateResponse.Bye("Server Unable"), parse("* BYE \"Server Unable\""));
        assertEquals(new MupdateResponse.Continuation("go ahead"), parse("+ go ahead"));
        assertEquals(new MupdateResponse.Continuation(""), parse("+"));
    }

    @Test
    void dataResponses() {
        assertEquals(new MupdateResponse.MailboxData("A01", "user.alice", new Location("127.0.0.11", "default"),
                        "alice\tlrswipkxtecdan\tmurder\tlrswipkxtecda\t"),
                parse("A01 MAILBOX {10+}\r\nuser.alice {18+}\r\n127.0.0.11!default {42+}\r\n"
                        + "alice\tlrswipkxtecdan\tmurder\tlrswipkxtecda\t"));
        assertEquals(new MupdateResponse.ReserveData("U01", "user.x", new Location("h", "")),
                parse("U01 RESERVE \"user.x\" \"h!\""));
        assertEquals(new MupdateResponse.DeleteData("U01", "user.alice.Live2"), parse("U01 DELETE {16+}\r\nuser.alice.Live2"));
    }

    @Test
    void bareLinesAreSaslChallenges() {
        assertEquals(new MupdateResponse.SaslChallengeLine("VXNlcm5hbWU6"), parse("VXNlcm5hbWU6"));
        assertEquals(new MupdateResponse.SaslChallengeLine(""), parse(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "A01 FROB x", "A01 MAILBOX", "A01 MAILBOX a b", "A01 MAILBOX a b c d", "A01 RESERVE a", "A01 DELETE",
            "A01 DELETE a b", "* OK MUPDATE \"a\" \"b\"", "* OK MUPDATE a b c d e", " OK x", "A01 MAILBOX {5+}\r\nab",
            "A01 DELETE \"abc", "* ", "A01 ", "abc\"def", "* AUTH \"unterminated"})
    void malformedResponsesThrowTheProtocolException(String frame) {
        assertThrows(MupdateProtocolException.class, () -> parse(frame));
    }
}
