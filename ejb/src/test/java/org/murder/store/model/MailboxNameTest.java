package org.murder.store.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MailboxNameTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // internal                          | owner             | inbox | deleted | parent
        "user.alice                          | alice             | true  | false   | -",
        "user.alice.Sent                     | alice             | false | false   | user.alice",
        "user.alice.a.b                      | alice             | false | false   | user.alice.a",
        "user.john^doe                       | john.doe          | true  | false   | -",
        "user.john^doe.a^b                   | john.doe          | false | false   | user.john^doe",
        "user.bob.INBOX                      | bob               | false | false   | user.bob",
        "shared.folder                       | -                 | false | false   | shared",
        "shared                              | -                 | false | false   | -",
        "user                                | -                 | false | false   | -",
        "Shared Folder.a b                   | -                 | false | false   | Shared Folder",
        "example.com!user.alice              | alice@example.com | true  | false   | -",
        "example.com!user.alice.Sent         | alice@example.com | false | false   | example.com!user.alice",
        "example.com!shared.x                | -                 | false | false   | example.com!shared",
        "DELETED.user.alice.Live.6B03FCF2    | alice             | false | true    | DELETED.user.alice.6B03FCF2",
        "DELETED.user.alice.a.b.6B03FCF2     | alice             | false | true    | DELETED.user.alice.a.6B03FCF2",
        "DELETED.shared.folder.6B03FCF2      | -                 | false | true    | DELETED.shared.6B03FCF2",
        "DELETED.foo                         | -                 | false | false   | DELETED",
    })
    void takesInternalNamesApartLikeCyrus(String internal, String owner, boolean inbox, boolean deleted,
                                          String parent) {
        MailboxName n = MailboxName.parse(internal);
        assertEquals(internal, n.internal());
        assertEquals(Optional.ofNullable(owner), MailboxName.owner(internal));
        assertEquals(inbox, MailboxName.isUserInbox(internal));
        assertEquals(deleted, MailboxName.isDeleted(internal));
        assertEquals(Optional.ofNullable(parent), MailboxName.parent(internal));
    }

    @Test
    void partsAreDecoded() {
        MailboxName n = MailboxName.parse("example.com!user.john^doe.a^b.c");
        assertEquals(Optional.of("example.com"), n.domain());
        assertEquals(Optional.of("john.doe"), n.user());
        assertEquals(List.of("a.b", "c"), n.boxes());
        assertEquals(List.of("example.com!user.john^doe.a^b", "example.com!user.john^doe"),
                n.ancestors().stream().map(MailboxName::internal).toList());
        MailboxName d = MailboxName.parse("DELETED.user.alice.Live.6B03FCF2");
        assertEquals(Optional.of("6B03FCF2"), d.deletedStamp());
        assertEquals(List.of("Live"), d.boxes());
    }

    @Test
    void ownership() {
        assertTrue(MailboxName.ownedBy("user.alice.Sent", "alice"));
        assertFalse(MailboxName.ownedBy("user.alice.Sent", "bob"));
        assertFalse(MailboxName.ownedBy("user.alicex", "alice"));
        assertFalse(MailboxName.ownedBy("shared", "alice"));
        assertFalse(MailboxName.ownedBy("user.alice", null));
        assertTrue(MailboxName.ownedBy("example.com!user.alice", "alice@example.com"));
        assertFalse(MailboxName.ownedBy("example.com!user.alice", "alice"));
        assertEquals("user.john^doe", UserId.parse("john.doe", false).inbox());
        assertEquals("example.com!user.alice", UserId.parse("alice@example.com", true).inbox());
        assertEquals("user.alice@example^com", UserId.parse("alice@example.com", false).inbox());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "user.alice",
        "user.alice.Sent",
        "user.alice.Sent Items",
        "Shared Folder",
        "shared.folder",
        "user.john^doe",
        "user.alice.a^b",
        "user.alice.&AOk-t&AOk-",       // été
        "user.alice.&ZeVnLIqe-",        // 日本語
        "user.alice.&2D3eAA-",          // U+1F600 as a surrogate pair
        "a&-b",                         // a literal '&'
        "&-&-",
        "&AOk-&-",
        "Bob's (stuff) #1, [x] = y?",
        "a*b",
        "a$b",
        "x~y",
        "a@b:c+d",
        "INBOX",
        "user.bob.INBOX",
        "DELETEDfoo",
        "user.alice.DELETED",
        "user.anyoneelse",
    })
    void validNames(String internal) {
        assertEquals(Optional.empty(), MailboxName.validate(internal));
    }

    @Test
    void lengthLimitIs490() {
        String name = "shared." + "x".repeat(MailboxName.MAX_LENGTH - 7);
        assertEquals(490, name.length());
        assertEquals(Optional.empty(), MailboxName.validate(name));
        assertTrue(MailboxName.validate(name + "y").isPresent());
    }

    static Stream<Arguments> invalidNames() {
        return Stream.of(
                Arguments.of("", "empty name"),
                Arguments.of(".a", "leading hierarchy separator"),
                Arguments.of("a.", "trailing hierarchy separator"),
                Arguments.of("a..b", "empty hierarchy level"),
                Arguments.of("user..alice", "empty hierarchy level"),
                Arguments.of("~a", "names starting with '~' are not allowed"),
                Arguments.of("$RACL", "names starting with '$' are reserved"),
                Arguments.of("a\tb", "whitespace other than space"),
                Arguments.of("a\nb", "whitespace other than space"),
                Arguments.of("a\rb", "whitespace other than space"),
                Arguments.of("user", "'user' alone is not a mailbox"),
                Arguments.of("user.anyone", "'anyone' cannot own mailboxes"),
                Arguments.of("user.anonymous", "'anonymous' cannot own mailboxes"),
                Arguments.of("user.anyone.Sent", "'anyone' cannot own mailboxes"),
                Arguments.of("user.%x", "'%x' cannot own mailboxes"),
                Arguments.of("a/b", "character U+002F is not allowed"),
                Arguments.of("a\\b", "character U+005C is not allowed"),
                Arguments.of("a\"b", "character U+0022 is not allowed"),
                Arguments.of("a%b", "character U+0025 is not allowed"),
                Arguments.of("a;b", "character U+003B is not allowed"),
                Arguments.of("a<b", "character U+003C is not allowed"),
                Arguments.of("a{b", "character U+007B is not allowed"),
                Arguments.of("a|b", "character U+007C is not allowed"),
                Arguments.of("a`b", "character U+0060 is not allowed"),
                Arguments.of("caf\u00e9", "character U+00E9 is not allowed"),
                Arguments.of("a\u0001b", "character U+0001 is not allowed"),
                Arguments.of("a\u007fb", "character U+007F is not allowed"),
                Arguments.of("a!b", "'!' is not allowed without virtual domains"),
                Arguments.of("&AOk-&AOk-", "adjacent modified UTF-7 sequences"),
                Arguments.of("&AGE-", "modified UTF-7 encodes US-ASCII"),
                Arguments.of("&AOk", "unterminated modified UTF-7"),
                Arguments.of("&AO-", "bad modified UTF-7"),
                Arguments.of("&AOl-", "bad modified UTF-7"),
                Arguments.of("&AOkA-", "bad modified UTF-7"),
                Arguments.of("&A.k-", "bad modified UTF-7"),
                Arguments.of("DELETED", "the DELETED hierarchy is reserved"),
                Arguments.of("DELETED.foo", "the DELETED hierarchy is reserved"),
                Arguments.of("DELETED.user.alice.Live.6B03FCF2", "the DELETED hierarchy is reserved"));
    }

    @ParameterizedTest
    @MethodSource("invalidNames")
    void invalidNamesSayWhy(String internal, String reason) {
        assertEquals(Optional.of(reason), MailboxName.validate(internal));
    }

    @Test
    void delayedDeleteNamesPassWhenAllowedAsCyrusSkipsTheCheck() {
        assertEquals(Optional.empty(), MailboxName.validate("DELETED.user.alice.Live.6B03FCF2", false, true));
        assertEquals(Optional.empty(), MailboxName.validate("DELETED.shared.x%y.5F", false, true));
        // too short to be a delayed-delete name: checked as usual
        assertEquals(Optional.empty(), MailboxName.validate("DELETED.foo", false, true));
        assertTrue(MailboxName.validate("DELETED.a%b", false, true).isPresent());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "example.com!user.alice     | true  | ''",
        "example.com!shared.x       | true  | ''",
        "example.com!$x             | true  | ''",
        "example.com!user.alice     | false | '!' is not allowed without virtual domains",
        "!user.alice                | true  | empty domain",
        "example.com!               | true  | empty name",
        "example.com!user           | true  | 'user' alone is not a mailbox",
        "example.com!a!b            | true  | character U+0021 is not allowed",
        "example.com!.x             | true  | leading hierarchy separator",
    })
    void virtualDomains(String internal, boolean virtDomains, String reason) {
        assertEquals(reason.isEmpty() ? Optional.empty() : Optional.of(reason),
                MailboxName.validate(internal, virtDomains, false));
    }
}
