package org.murder.protocol.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The Cyrus recipient forms, read as lmtpd reads them (see {@link Recipient}). */
class RecipientTest {

    private static final RecipientRules DEFAULTS = RecipientRules.CYRUS_DEFAULTS;
    private static final RecipientRules POSTUSER_BB = new RecipientRules("bb", true, false, Optional.empty());
    private static final RecipientRules VIRTUAL = new RecipientRules("", true, true, Optional.of("example.net"));
    private static final RecipientRules KEEP_CASE = new RecipientRules("", false, false, Optional.empty());

    private static Recipient read(String rcptLine, RecipientRules rules) {
        var rcpt = (LmtpCommand.Rcpt) ((LmtpParseResult.Parsed) LmtpCommandParser.parse(rcptLine)).command();
        return Recipient.of(rcpt.to().address(), rules).orElseThrow();
    }

    private static Recipient user(String user, String detail, String domain) {
        return new Recipient(Optional.of(user), Optional.ofNullable(detail), Optional.ofNullable(domain));
    }

    private static Recipient shared(String detail, String domain) {
        return new Recipient(Optional.empty(), Optional.of(detail), Optional.ofNullable(domain));
    }

    @Test
    void plainUserAsInTheCaptures() {
        assertEquals(user("alice", null, null), read("RCPT TO:<alice>", DEFAULTS));
        // without virtdomains the domain is ignored, as the frontend's <carol@internal> shows
        assertEquals(user("carol", null, null), read("RCPT TO:<carol@internal>", DEFAULTS));
        assertEquals(Optional.of("carol"), read("RCPT TO:<carol@internal>", DEFAULTS).userId());
    }

    @Test
    void plusDetailNamesAFolderAndKeepsItsCase() {
        Recipient r = read("RCPT TO:<Alice+Lists.Cyrus@Example.ORG>", DEFAULTS);
        assertEquals(user("alice", "Lists.Cyrus", null), r);
        assertEquals(List.of("Lists", "Cyrus"), r.folders('.'));
        assertEquals(List.of("Lists.Cyrus"), r.folders('/'));
        assertEquals(List.of("a", "b"), read("RCPT TO:<alice+a/b>", DEFAULTS).folders('/'));
        assertEquals(List.of("a", "b"), read("RCPT TO:<alice+.a..b.>", DEFAULTS).folders('.'));
        assertEquals(List.of(), read("RCPT TO:<alice>", DEFAULTS).folders('.'));
        // only the first + splits
        assertEquals(user("bob", "x+y", null), read("RCPT TO:<bob+x+y>", DEFAULTS));
    }

    @Test
    void anEmptyDetailIsTheInbox() {
        assertEquals(user("alice", null, null), read("RCPT TO:<alice+@example.org>", DEFAULTS));
    }

    @Test
    void caseIsKeptWhenLmtpDowncaseRcptIsOff() {
        assertEquals(user("Alice", "Lists", null), read("RCPT TO:<Alice+Lists@Example.ORG>", KEEP_CASE));
    }

    @Test
    void sharedFolderWithTheDefaultEmptyPostuser() {
        Recipient r = read("RCPT TO:<+shared.folder>", DEFAULTS);
        assertEquals(shared("shared.folder", null), r);
        assertTrue(r.isShared());
        assertEquals(Optional.empty(), r.userId());
        assertEquals(List.of("shared", "folder"), r.folders('.'));
        assertEquals(shared("Shared", null), read("RCPT TO:<+Shared@example.org>", DEFAULTS));
    }

    @Test
    void sharedFolderThroughThePostuser() {
        assertEquals(shared("shared.folder", null), read("RCPT TO:<bb+shared.folder>", POSTUSER_BB));
        assertEquals(shared("shared.folder", null), read("RCPT TO:<BB+shared.folder>", POSTUSER_BB));
        assertEquals(shared("shared.folder", null), read("RCPT TO:<+shared.folder>", POSTUSER_BB));
        // without the postuser option bb is just a user
        assertEquals(user("bb", "shared.folder", null), read("RCPT TO:<bb+shared.folder>", DEFAULTS));
        // lower-casing comes first, as in Cyrus: with it off, BB is not bb
        RecipientRules bbKeepCase = new RecipientRules("bb", false, false, Optional.empty());
        assertEquals(user("BB", "x", null), read("RCPT TO:<BB+x>", bbKeepCase));
    }

    @Test
    void recipientsThatNameNoMailbox() {
        assertEquals(Optional.empty(), Recipient.of(Address.local("+"), DEFAULTS));
        assertEquals(Optional.empty(), Recipient.of(Address.local("bb"), POSTUSER_BB));
        assertEquals(Optional.empty(), Recipient.of(Address.of("+", "example.org"), VIRTUAL));
    }

    @Test
    void virtualDomains() {
        assertEquals(user("alice", null, "example.org"), read("RCPT TO:<Alice@Example.ORG>", VIRTUAL));
        assertEquals(Optional.of("alice@example.org"), read("RCPT TO:<alice@example.org>", VIRTUAL).userId());
        // the default domain counts as none
        assertEquals(user("alice", null, null), read("RCPT TO:<alice@EXAMPLE.net>", VIRTUAL));
        assertEquals(user("alice", null, null), read("RCPT TO:<alice>", VIRTUAL));
        // an address literal is kept as the domain, brackets and all; lookup will not find it
        assertEquals(user("alice", null, "[192.0.2.1]"), read("RCPT TO:<alice@[192.0.2.1]>", VIRTUAL));
        // a shared folder keeps its virtual domain (Cyrus would lose it)
        assertEquals(shared("folder", "example.org"), read("RCPT TO:<+folder@example.org>", VIRTUAL));
        RecipientRules postuserWithDomain = new RecipientRules("bb@example.org", true, true, Optional.empty());
        assertEquals(shared("folder", "example.org"), read("RCPT TO:<bb+folder@example.org>", postuserWithDomain));
        assertFalse(read("RCPT TO:<bb+folder@example.com>", postuserWithDomain).isShared());
    }

    @Test
    void quotedLocalPartsAreReadUnquoted() {
        assertEquals(user("john doe", "in box", null), read("RCPT TO:<\"John Doe+in box\"@example.org>", DEFAULTS));
    }

    @Test
    void valuesCheckThemselves() {
        assertThrows(IllegalArgumentException.class, () -> new Recipient(Optional.empty(), Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new Recipient(Optional.of(""), Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new Recipient(Optional.of("a"), Optional.of(""), Optional.empty()));
    }
}
