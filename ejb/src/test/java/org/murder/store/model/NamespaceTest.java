package org.murder.store.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamespaceTest {

    private static final Namespace DOT = Namespace.standard();
    private static final Namespace SLASH = Namespace.of(true, false);
    private static final Namespace DOT_DOMAINS = Namespace.of(false, true);

    private static Optional<String> opt(String s) {
        return s == null ? Optional.empty() : Optional.of(s);
    }

    @ParameterizedTest(name = "{1} as {0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // user      | external               | internal
        "alice       | INBOX                  | user.alice",
        "alice       | inbox                  | user.alice",
        "alice       | Inbox                  | user.alice",
        "alice       | iNbOx                  | user.alice",
        "alice       | INBOX.Sent             | user.alice.Sent",
        "alice       | Inbox.Sent             | user.alice.Sent",
        "alice       | inbox.sent             | user.alice.sent",
        "alice       | INBOX.Sent.2024        | user.alice.Sent.2024",
        "alice       | INBOX.Sent Items       | user.alice.Sent Items",
        "alice       | INBOX.&AOk-t&AOk-      | user.alice.&AOk-t&AOk-",
        "alice       | INBOX.a^b              | user.alice.a^b",
        "alice       | INBOXfoo               | INBOXfoo",
        "alice       | user.bob               | user.bob",
        "alice       | user.bob.Sent          | user.bob.Sent",
        "alice       | user.bob.INBOX         | user.bob.INBOX",
        "alice       | user.alice             | user.alice",
        "alice       | user.alice.Sent        | user.alice.Sent",
        "alice       | user.john^doe          | user.john^doe",
        "alice       | User.bob               | User.bob",
        "alice       | shared.folder          | shared.folder",
        "alice       | Shared Folder          | Shared Folder",
        "alice       | DELETED.user.bob.x.5F  | DELETED.user.bob.x.5F",
        // empty levels vanish, as Cyrus's strtok split makes them
        "alice       | a..b                   | a.b",
        "alice       | a.                     | a",
        "alice       | .a                     | a",
        "alice       | INBOX.                 | user.alice",
        "alice       | INBOX..Sent            | user.alice.Sent",
        // names that name nothing
        "alice       | user                   | -",
        "alice       | user.                  | -",
        "alice       | .                      | -",
        "alice       | ''                     | -",
        "alice       | a/b                    | -",
        "-           | INBOX                  | -",
        "-           | INBOX.Sent             | -",
        "-           | shared                 | shared",
        "john.doe    | INBOX                  | user.john^doe",
        "john.doe    | INBOX.a                | user.john^doe.a",
        "a@b.c       | INBOX                  | user.a@b^c",
    })
    void toInternalWithDotSeparator(String user, String external, String internal) {
        assertEquals(opt(internal), DOT.toInternal(external, user));
    }

    @ParameterizedTest(name = "{1} as {0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "alice       | INBOX                  | user.alice",
        "alice       | inbox/Sent             | user.alice.Sent",
        "alice       | INBOX/a.b              | user.alice.a^b",
        "alice       | INBOX/a.b/c            | user.alice.a^b.c",
        "alice       | user/bob/x             | user.bob.x",
        "alice       | user/john.doe          | user.john^doe",
        "alice       | shared/folder          | shared.folder",
        "alice       | a.b                    | a^b",
        "alice       | a//b                   | a.b",
        "alice       | a^b                    | -",
        "alice       | INBOX/a^b              | -",
        "alice       | user                   | -",
        "john.doe    | INBOX                  | user.john^doe",
        "john.doe    | INBOX/x.y              | user.john^doe.x^y",
    })
    void toInternalWithSlashSeparator(String user, String external, String internal) {
        assertEquals(opt(internal), SLASH.toInternal(external, user));
    }

    @ParameterizedTest(name = "{1} for {0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // user      | internal                          | '.' external                       | '/' external
        "alice       | user.alice                        | INBOX                              | INBOX",
        "alice       | user.alice.Sent                   | INBOX.Sent                         | INBOX/Sent",
        "alice       | user.alice.a^b                    | INBOX.a^b                          | INBOX/a.b",
        "alice       | user.bob                          | user.bob                           | user/bob",
        "alice       | user.bob.Sent                     | user.bob.Sent                      | user/bob/Sent",
        "alice       | user.bob.INBOX                    | user.bob.INBOX                     | user/bob/INBOX",
        "alice       | user.john^doe                     | user.john^doe                      | user/john.doe",
        "john.doe    | user.john^doe.x                   | INBOX.x                            | INBOX/x",
        "alice       | shared.folder                     | shared.folder                      | shared/folder",
        "alice       | Shared Folder.a b                 | Shared Folder.a b                  | Shared Folder/a b",
        "alice       | user                              | user                               | user",
        "alice       | INBOX                             | -                                  | -",
        "alice       | inbox.x                           | -                                  | -",
        "alice       | INBOXfoo                          | INBOXfoo                           | INBOXfoo",
        "alice       | DELETED.user.alice.Live.6B03FCF2  | DELETED.user.alice.Live.6B03FCF2   | DELETED/user/alice/Live/6B03FCF2",
        "alice       | example.com!user.alice            | -                                  | -",
        "-           | user.alice                        | user.alice                         | user/alice",
        "-           | shared                            | shared                             | shared",
    })
    void toExternal(String user, String internal, String dotExternal, String slashExternal) {
        assertEquals(opt(dotExternal), DOT.toExternal(internal, user));
        assertEquals(opt(slashExternal), SLASH.toExternal(internal, user));
    }

    @ParameterizedTest(name = "{1} as {0} (admin {2})")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // user              | external                 | admin | internal
        "alice@example.com   | INBOX                    | false | example.com!user.alice",
        "alice@example.com   | INBOX.Sent               | false | example.com!user.alice.Sent",
        "alice@example.com   | user.bob                 | false | example.com!user.bob",
        "alice@example.com   | shared                   | false | example.com!shared",
        "carol               | user.bob                 | false | user.bob",
        "carol               | INBOX                    | false | user.carol",
        "admin               | user.bob@other.org       | true  | other.org!user.bob",
        "admin               | shared.x@other.org       | true  | other.org!shared.x",
        "admin               | user.bob                 | true  | user.bob",
        "admin@example.com   | user.bob                 | true  | example.com!user.bob",
        "admin@example.com   | user.bob@other.org       | true  | other.org!user.bob",
    })
    void virtualDomainsToInternal(String user, String external, boolean admin, String internal) {
        assertEquals(opt(internal), DOT_DOMAINS.toInternal(external, user, admin));
    }

    @ParameterizedTest(name = "{1} for {0} (admin {2})")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "alice@example.com   | example.com!user.alice       | false | INBOX",
        "alice@example.com   | example.com!user.bob.x       | false | user.bob.x",
        "alice@example.com   | example.com!shared           | false | shared",
        "alice@example.com   | other.org!user.bob           | false | -",
        "alice@example.com   | user.bob                     | false | -",
        "carol               | user.bob                     | false | user.bob",
        "carol               | example.com!user.bob         | false | -",
        "admin               | other.org!user.bob           | true  | user.bob@other.org",
        "admin               | user.bob                     | true  | user.bob",
        "admin@other.org     | other.org!user.admin         | true  | INBOX@other.org",
    })
    void virtualDomainsToExternal(String user, String internal, boolean admin, String external) {
        assertEquals(opt(external), DOT_DOMAINS.toExternal(internal, user, admin));
    }

    @Test
    void namespaceResponse() {
        // what Cyrus 3.6.1 answered in the frontend transcript (d_imap_via_frontend.txt)
        assertEquals("((\"INBOX.\" \".\")) ((\"user.\" \".\")) ((\"\" \".\"))", DOT.namespaceResponse().format());
        assertEquals("((\"INBOX/\" \"/\")) ((\"user/\" \"/\")) ((\"\" \"/\"))", SLASH.namespaceResponse().format());
        assertEquals("NIL ((\"user.\" \".\")) NIL", new Namespace.NamespaceResponse(List.of(),
                DOT.namespaceResponse().otherUsers(), List.of()).format());
    }

    @Test
    void onlyDotAndSlashAreSeparators() {
        assertThrows(IllegalArgumentException.class, () -> new Namespace(':', false));
        assertEquals('/', Namespace.of(true, true).separator());
    }

    @Test
    void inboxCaseVariantsComeBackAsINBOX() {
        for (String ext : List.of("inbox", "Inbox", "INBOX", "iNBOX")) {
            assertEquals(Optional.of("INBOX"), DOT.toInternal(ext, "alice").flatMap(i -> DOT.toExternal(i, "alice")));
            assertEquals(Optional.of("INBOX.Sent"),
                    DOT.toInternal(ext + ".Sent", "alice").flatMap(i -> DOT.toExternal(i, "alice")));
            assertEquals(Optional.of("INBOX/Sent"),
                    SLASH.toInternal(ext + "/Sent", "alice").flatMap(i -> SLASH.toExternal(i, "alice")));
        }
        // another user's INBOX is just their name
        assertEquals(Optional.of("user.bob"), DOT.toInternal("user.bob", "alice"));
        assertEquals(Optional.of("user.bob"), DOT.toExternal("user.bob", "alice"));
    }

    // ---- property-style round trips, fixed seeds, bounded loops ----

    private static final String[] USERS = {"alice", "bob", "carol", "john.doe", "x.y.z", "d-e_f"};
    private static final String[] WORDS = {
        "Sent", "Drafts", "Trash", "a", "Z", "2024", "Sent Items", "Bob's", "(x)", "#news", "a+b", "c=d",
        "q?", "[tag]", "x~y", "a$b", "at@host", "&AOk-t&AOk-", "&ZeVnLIqe-", "a&-b", "*", "-", "_",
        "INBOX", "inbox", "user", "DELETEDx",
    };

    private static String level(Random random, char separator) {
        StringBuilder b = new StringBuilder(WORDS[random.nextInt(WORDS.length)]);
        if (random.nextInt(4) == 0) {
            // a '.' inside a level: spelled '^' with '.' as separator, '.' with '/'
            b.append(separator == '.' ? '^' : '.').append(WORDS[random.nextInt(5)]);
        }
        return b.toString();
    }

    private static String userLevel(String user, char separator) {
        return separator == '.' ? user.replace('.', '^') : user;
    }

    /** A random canonical external name, as Cyrus would print it to {@code me}. */
    private static String randomExternal(Random random, String me, char separator) {
        List<String> levels = new ArrayList<>();
        switch (random.nextInt(3)) {
            case 0:
                levels.add("INBOX");
                break;
            case 1: {
                String other;
                do {
                    other = USERS[random.nextInt(USERS.length)];
                } while (other.equals(me));
                levels.add("user");
                levels.add(userLevel(other, separator));
                break;
            }
            default: {
                String top;
                do {
                    top = level(random, separator);
                } while (top.equalsIgnoreCase("INBOX") || top.equals("user") || top.startsWith("~")
                        || top.startsWith("$") || top.equals("DELETED"));
                levels.add(top);
            }
        }
        int depth = random.nextInt(4);
        for (int i = 0; i < depth; i++) {
            levels.add(level(random, separator));
        }
        return String.join(String.valueOf(separator), levels);
    }

    @Test
    void externalNamesRoundTripUnderBothSeparators() {
        for (Namespace ns : List.of(DOT, SLASH)) {
            Random random = new Random(3501 + ns.separator());
            for (int i = 0; i < 3000; i++) {
                String me = USERS[random.nextInt(USERS.length)];
                String ext = randomExternal(random, me, ns.separator());
                Optional<String> internal = ns.toInternal(ext, me);
                String where = ns.separator() + " " + me + " " + ext;
                assertEquals(true, internal.isPresent(), where);
                assertEquals(Optional.empty(), ns.validate(internal.get()), where + " -> " + internal.get());
                assertEquals(Optional.of(ext), ns.toExternal(internal.get(), me), where + " -> " + internal.get());
                assertEquals(internal, ns.toInternal(ns.toExternal(internal.get(), me).orElseThrow(), me), where);
                assertEquals(internal.get(), MailboxName.parse(internal.get()).internal(), where);
            }
        }
    }

    @Test
    void internalNamesLookTheSameToEveryoneButTheirOwner() {
        Random random = new Random(9208);
        for (int i = 0; i < 2000; i++) {
            String owner = USERS[random.nextInt(USERS.length)];
            String internal = DOT.toInternal(randomExternal(random, owner, '.'), owner).orElseThrow();
            String viewer = USERS[random.nextInt(USERS.length)];
            // the same internal name, seen through both separators, names the same mailbox
            String dotName = DOT.toExternal(internal, viewer).orElseThrow();
            String slashName = SLASH.toExternal(internal, viewer).orElseThrow();
            assertEquals(Optional.of(internal), DOT.toInternal(dotName, viewer), dotName);
            assertEquals(Optional.of(internal), SLASH.toInternal(slashName, viewer), slashName);
            boolean mine = MailboxName.ownedBy(internal, viewer);
            assertEquals(mine, dotName.equals("INBOX") || dotName.startsWith("INBOX."), internal + " " + viewer);
        }
    }

    @Test
    void virtualDomainNamesRoundTrip() {
        Random random = new Random(2342);
        String[] domains = {"example.com", "other.org"};
        for (int i = 0; i < 2000; i++) {
            String me = USERS[random.nextInt(USERS.length)] + "@" + domains[random.nextInt(2)];
            String ext = randomExternal(random, UserId.parse(me, true).localPart(), '.');
            String internal = DOT_DOMAINS.toInternal(ext, me).orElseThrow();
            assertEquals(Optional.empty(), DOT_DOMAINS.validate(internal), internal);
            assertEquals(Optional.of(ext), DOT_DOMAINS.toExternal(internal, me), internal);
            // an admin names it with its domain, and gets the same mailbox back
            String adminName = DOT_DOMAINS.toExternal(internal, "admin", true).orElseThrow();
            assertEquals(Optional.of(internal), DOT_DOMAINS.toInternal(adminName, "admin", true), adminName);
        }
    }
}
