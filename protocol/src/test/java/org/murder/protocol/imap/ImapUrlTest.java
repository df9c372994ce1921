package org.murder.protocol.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.command.FetchItem.Section;
import org.murder.protocol.imap.command.FetchItem.Specifier;

/** IMAP URLs (RFC 5092) as CATENATE (RFC 4469) takes them: relative to this server, naming a message or a part. */
class ImapUrlTest {

    private static ImapUrl url(String s) throws ImapUrl.InvalidUrlException {
        return ImapUrl.parse(s);
    }

    private static String refused(String s) {
        return assertThrows(ImapUrl.InvalidUrlException.class, () -> ImapUrl.parse(s), s).getMessage();
    }

    @Test
    void anAbsolutePathNamesAMailboxAndAMessage() throws Exception {
        assertEquals(new ImapUrl(Optional.of("Drafts"), OptionalLong.of(385759045), 20,
                Optional.of(Section.of(Specifier.HEADER, List.of(), List.of())), Optional.empty()),
                url("/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER"));
        assertEquals(new ImapUrl(Optional.of("INBOX"), OptionalLong.empty(), 3, Optional.empty(), Optional.empty()),
                url("/inbox/;uid=3"));
        assertEquals(new ImapUrl(Optional.of("INBOX.Sent"), OptionalLong.empty(), 7,
                Optional.of(new Section(List.of(1, 2), Optional.empty(), List.of())),
                Optional.of(new ImapUrl.Partial(10, OptionalLong.of(100)))),
                url("/INBOX.Sent/;UID=7/;SECTION=1.2/;PARTIAL=10.100"));
        assertEquals(Optional.of(new ImapUrl.Partial(0, OptionalLong.empty())), url("/a/;UID=1/;PARTIAL=0").partial());
    }

    @Test
    void theMailboxAndTheSectionArePercentDecoded() throws Exception {
        assertEquals(Optional.of("Entw\u00fcrfe 2"), url("/Entw%C3%BCrfe%202/;UID=1").mailbox());
        assertEquals(Optional.of(Section.of(Specifier.HEADER_FIELDS, List.of(1), List.of("SUBJECT", "FROM"))),
                url("/a/;UID=1/;SECTION=1.HEADER.FIELDS%20(SUBJECT%20FROM)").section());
        assertEquals(Optional.of(Section.of(Specifier.MIME, List.of(1), List.of())), url("/a/;UID=1/;SECTION=1.mime").section());
    }

    @Test
    void aPathWithoutAMailboxNamesTheSelectedOne() throws Exception {
        assertEquals(new ImapUrl(Optional.empty(), OptionalLong.empty(), 20,
                Optional.of(new Section(List.of(1), Optional.empty(), List.of())), Optional.empty()),
                url(";UID=20/;SECTION=1"));
    }

    @Test
    void whatIsNotARelativeMessageUrlIsRefused() {
        assertEquals("Only relative URLs are supported", refused("imap://joe@example.com/INBOX/;UID=1"));
        assertEquals("Only relative URLs are supported", refused("IMAP://example.com/INBOX/;UID=1"));
        assertEquals("Only relative URLs are supported", refused("//example.com/INBOX/;UID=1"));
        assertEquals("URLAUTH is not supported",
                refused("/INBOX;UIDVALIDITY=1/;UID=1;EXPIRE=2026-12-31T00:00:00Z;URLAUTH=anonymous:internal:abc"));
        assertEquals("A search is not a message", refused("/INBOX?SUBJECT%20x"));
        assertEquals("No message named in the URL", refused("/INBOX"));
        assertEquals("No message named in the URL", refused("/INBOX;UIDVALIDITY=5"));
        assertEquals(ImapUrl.IMPROPER, refused("INBOX/;UID=1"));
        assertEquals(ImapUrl.IMPROPER, refused("/INBOX;UID=1"));
        assertEquals(ImapUrl.IMPROPER, refused("/INBOX/;UID=0"));
        assertEquals(ImapUrl.IMPROPER, refused("/INBOX/;UID=01"));
        assertEquals(ImapUrl.IMPROPER, refused("/INBOX/;UID=4294967296"));
        assertEquals(ImapUrl.IMPROPER, refused("/INBOX/;UID=x"));
        assertEquals(ImapUrl.IMPROPER, refused("/INBOX/;UID=1/;PARTIAL=0.0"));
        assertEquals(ImapUrl.IMPROPER, refused("/INBOX/;UID=1/;PARTIAL=1.2/;SECTION=1"));
        assertEquals(ImapUrl.IMPROPER, refused("/INBOX/;UID=1/;FOO=1"));
        assertEquals(ImapUrl.IMPROPER, refused("/IN BOX/;UID=1"));
        assertEquals(ImapUrl.IMPROPER, refused("/IN%2/;UID=1"));
        assertEquals(ImapUrl.IMPROPER, refused("/IN%FF/;UID=1"));
        assertEquals(ImapUrl.IMPROPER, refused("/;UID=1"));
        assertEquals(ImapUrl.IMPROPER, refused(""));
        assertEquals("Invalid section in the URL", refused("/a/;UID=1/;SECTION=BODY"));
        assertEquals("Invalid section in the URL", refused("/a/;UID=1/;SECTION=MIME"));
        assertEquals("Invalid mailbox name in the URL", refused("/a%01b/;UID=1"));
    }

    @Test
    void aBadUrlCannotEndItsResponseCodeOrTheLine() {
        assertEquals("/INBOX;UIDVALIDITY=1/;UID=2", ImapUrl.forResponse("/INBOX;UIDVALIDITY=1/;UID=2"));
        assertEquals("a%5Db%0D%0A%C3%BC", ImapUrl.forResponse("a]b\r\n\u00fc"));
        assertEquals("%20", ImapUrl.forResponse(""));
        assertEquals(1024, ImapUrl.forResponse("x".repeat(5000)).length());
    }
}
