package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.murder.protocol.imap.ImapTesting.literal;
import static org.murder.protocol.imap.ImapTesting.literalPlus;
import static org.murder.protocol.imap.ImapTesting.malformed;
import static org.murder.protocol.imap.ImapTesting.parsed;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.command.AppendMessage;
import org.murder.protocol.imap.command.Catenate;
import org.murder.protocol.imap.command.ImapCommand.Append;
import org.murder.protocol.imap.command.MessageLiteral;

/** MULTIAPPEND (RFC 3502) and CATENATE (RFC 4469): APPEND with several messages, and messages made of parts. */
class AppendExtensionsParserTest {

    private static MessageLiteral text(String s) {
        return MessageLiteral.of(s.getBytes(StandardCharsets.UTF_8), false);
    }

    @Test
    void multiAppendAsInRfc3502() {
        ZonedDateTime date = ZonedDateTime.of(1996, 7, 17, 2, 44, 25, 0, ZoneOffset.ofHours(-7));
        String first = "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n\r\nHello Joe\r\n";
        String second = "Date: Mon, 7 Feb 1994 22:43:04 -0800\r\n\r\nHello Fred\r\n";
        Append expected = new Append("A003", "saved-messages", List.of(
                new AppendMessage(List.of("\\Seen"), Optional.empty(), text(first)),
                new AppendMessage(List.of("\\Seen"), Optional.of(date), text(second))));
        assertEquals(expected, parsed("A003 APPEND saved-messages (\\Seen) " + literal(first)
                + " (\\Seen) \"17-Jul-1996 02:44:25 -0700\" " + literal(second)));
        assertEquals(expected, parsed("A003 APPEND saved-messages (\\Seen) " + literalPlus(first)
                + " (\\Seen) \"17-Jul-1996 02:44:25 -0700\" " + literalPlus(second)));
        Append three = (Append) parsed("a APPEND x {1}\r\na {1}\r\nb ~{1}\r\nc");
        assertEquals(List.of(text("a"), text("b"), MessageLiteral.of(new byte[] {'c'}, true)),
                three.messages().stream().map(AppendMessage::data).toList());
    }

    @Test
    void catenateAsInRfc4469() {
        String text = "\r\n--------------030308070208000400050907\r\n";
        Append append = (Append) parsed("A003 APPEND Drafts (\\Seen \\Draft $MDNSent) CATENATE (URL "
                + "\"/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER\" TEXT " + literal(text)
                + " URL /Drafts;UIDVALIDITY=385759045/;UID=20/;section=1.MIME URL {55}\r\n"
                + "/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1.HEADER)");
        assertEquals(new Append("A003", "Drafts", List.of(new AppendMessage(List.of("\\Seen", "\\Draft", "$MDNSent"),
                Optional.empty(), new Catenate(List.of(
                        new Catenate.Url("/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER"),
                        new Catenate.Text(text(text)),
                        new Catenate.Url("/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1.MIME"),
                        new Catenate.Url("/Drafts;UIDVALIDITY=385759045/;UID=20/;section=1.HEADER")))))), append);
    }

    @Test
    void catenateInsideAMultiAppendAndInAnyCase() {
        Append append = (Append) parsed("a append INBOX catenate (text {2+}\r\nhi url \";UID=1\") (\\Seen) {1+}\r\nx");
        assertEquals(2, append.messages().size());
        assertEquals(new Catenate(List.of(new Catenate.Text(text("hi")), new Catenate.Url(";UID=1"))),
                append.messages().get(0).data());
        assertEquals(text("x"), append.messages().get(1).data());
        Append binary = (Append) parsed("a APPEND x CATENATE (TEXT ~{1}\r\nz)");
        assertTrue(((Catenate.Text) ((Catenate) binary.messages().get(0).data()).parts().get(0)).text().binary());
    }

    @Test
    void malformedMultiAppendAndCatenateAreBad() {
        assertEquals(ImapSyntaxException.MISSING_ARGUMENT, malformed("a APPEND x {1}\r\na ").message());
        assertEquals(ImapSyntaxException.MISSING_SPACE, malformed("a APPEND x {1}\r\na{1}\r\nb").message());
        assertEquals("Message must be a literal", malformed("a APPEND x {1}\r\na (\\Seen) hello").message());
        assertEquals(MessageCommandParsers.INVALID_CATENATE_PART, malformed("a APPEND x CATENATE ()").message());
        assertEquals(MessageCommandParsers.INVALID_CATENATE_PART, malformed("a APPEND x CATENATE (FOO bar)").message());
        assertEquals(MessageCommandParsers.INVALID_CATENATE_PART, malformed("a APPEND x CATENATE (TEXT \"q\")").message());
        assertEquals(ImapSyntaxException.UNBALANCED_PARENTHESES, malformed("a APPEND x CATENATE (URL /a;UID=1").message());
        assertEquals(ImapSyntaxException.MISSING_ARGUMENT, malformed("a APPEND x CATENATE (URL").message());
        assertEquals(MessageCommandParsers.INVALID_CATENATE_PART, malformed("a APPEND x CATENATE URL /a").message());
        assertEquals(ImapSyntaxException.INVALID_FLAG, malformed("a APPEND x {1}\r\na (\\Recent) {1}\r\nb").message());
    }

    @Test
    void moreMessagesThanTheBoundAreRefusedWithLimit() {
        StringBuilder frame = new StringBuilder("a APPEND x");
        for (int i = 0; i < Append.MAX_MESSAGES; i++) {
            frame.append(" {1+}\r\nm");
        }
        assertEquals(Append.MAX_MESSAGES, ((Append) parsed(frame.toString())).messages().size());
        frame.append(" {1+}\r\nm");
        ImapParseResult.Refused refused = assertInstanceOf(ImapParseResult.Refused.class,
                ImapCommandParser.parse(frame.toString().getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.of("LIMIT"), refused.responseCode());

        StringBuilder parts = new StringBuilder("b APPEND x CATENATE (URL ;UID=1");
        for (int i = 1; i <= Catenate.MAX_PARTS; i++) {
            parts.append(" URL ;UID=1");
        }
        refused = assertInstanceOf(ImapParseResult.Refused.class,
                ImapCommandParser.parse(parts.append(")").toString().getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.of("LIMIT"), refused.responseCode());
    }
}
