package org.murder.store.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class AccessRulesTest {

    private static final AccessRules RULES = AccessRules.cyrusDefaults();
    private static final String INBOX_ACL = AclTest.ALICE_INBOX; // alice lrswipkxtecdan, murder lrswipkxtecda

    static Stream<Arguments> myRights() {
        return Stream.of(
                // owner of user.alice and below: ACL rights plus implicit lkxan
                Arguments.of(INBOX_ACL, "user.alice", "alice", false, "lrswipkxtecdan"),
                Arguments.of("", "user.alice", "alice", false, "lkxcan"),
                Arguments.of("bob\tlr\t", "user.alice.Sent", "alice", false, "lkxcan"),
                Arguments.of("-alice\tlrswipkxtecdan\t", "user.alice", "alice", false, "lkxcan"),
                Arguments.of("", "example.com!user.alice", "alice@example.com", false, "lkxcan"),
                Arguments.of("", "user.john^doe.x", "john.doe", false, "lkxcan"),
                // a deleted copy still belongs to its user
                Arguments.of("", "DELETED.user.alice.x.6B03FCF2", "alice", false, "lkxcan"),
                // not the owner: ACL only
                Arguments.of(INBOX_ACL, "user.alice", "murder", false, "lrswipkxtecda"),
                Arguments.of(INBOX_ACL, "user.alice", "bob", false, ""),
                Arguments.of("anyone\tlrs\t-carol\tr\t", "shared", "carol", false, "ls"),
                Arguments.of("", "user.alicex", "alice", false, ""),
                // admins: ACL plus l a, never the owner's implicit rights
                Arguments.of(INBOX_ACL, "user.alice", "cyrus", true, "la"),
                Arguments.of("anyone\tlrs\t", "shared", "cyrus", true, "lrsa"),
                Arguments.of("-cyrus\tlrswipkxtecdan\t", "shared", "cyrus", true, "la"),
                Arguments.of("", "user.cyrus", "cyrus", true, "la"));
    }

    @ParameterizedTest
    @MethodSource("myRights")
    void myRightsAsCyrusPrintsThem(String acl, String mailbox, String user, boolean admin, String expected) {
        assertEquals(expected, RULES.myRights(Acl.parse(acl), mailbox, user, Set.of(), admin).toString());
    }

    @Test
    void myRightsSaysNonexistentWithoutARevealingRight() {
        assertEquals(Optional.empty(), RULES.myRightsResponse(Acl.parse("anyone\tp\t"), "shared", "bob", Set.of(), false));
        assertEquals(Optional.empty(), RULES.myRightsResponse(Acl.parse("anyone\tsw\t"), "shared", "bob", Set.of(), false));
        assertEquals(Optional.of(Rights.parse("lp")),
                RULES.myRightsResponse(Acl.parse("anyone\tlp\t"), "shared", "bob", Set.of(), false));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "user.alice      | alice             | lkxcan r s w i p t e d 0 1 2 3 4 5 6 7 8 9",
        "user.alice.Sent | alice             | lkxcan r s w i p t e d 0 1 2 3 4 5 6 7 8 9",
        "user.alice      | bob               | p l r s w i k x t e c d a n 0 1 2 3 4 5 6 7 8 9",
        "user.alice      | anyone            | p l r s w i k x t e c d a n 0 1 2 3 4 5 6 7 8 9",
        "user.alice.Sent | bob               | \"\" l r s w i p k x t e c d a n 0 1 2 3 4 5 6 7 8 9",
        "shared.folder   | anyone            | \"\" l r s w i p k x t e c d a n 0 1 2 3 4 5 6 7 8 9",
        "example.com!user.alice | alice@example.com | lkxcan r s w i p t e d 0 1 2 3 4 5 6 7 8 9",
        "example.com!user.alice | alice       | p l r s w i k x t e c d a n 0 1 2 3 4 5 6 7 8 9",
    })
    void listRightsAsCyrusAnswers(String mailbox, String identifier, String expected) {
        assertEquals(expected, RULES.listRights(mailbox, identifier).format());
    }

    @Test
    void whoMayAskListRights() {
        Acl acl = Acl.parse("bob\tp\t");
        assertTrue(RULES.mayListRights(acl, "user.alice", "bob", Set.of(), false));
        assertTrue(RULES.mayListRights(acl, "user.alice", "alice", Set.of(), false));
        assertTrue(RULES.mayListRights(acl, "user.alice", "cyrus", Set.of(), true));
        assertFalse(RULES.mayListRights(acl, "user.alice", "carol", Set.of(), false));
    }

    static Stream<Arguments> setAcl() {
        String bobLrs = INBOX_ACL + "bob\tlrs\t";
        return Stream.of(
                // admin (the transcripts' SETACLs)
                Arguments.of(INBOX_ACL, "user.alice", "cyrus", true, "bob", "lrs", AclTest.AFTER_SETACL_BOB),
                Arguments.of(AclTest.AFTER_SETACL_BOB, "user.alice", "cyrus", true, "cyrus", "x", AclTest.AFTER_SETACL_CYRUS),
                // the owner manages others freely
                Arguments.of(bobLrs, "user.alice", "alice", false, "bob", "+w", INBOX_ACL + "bob\tlrsw\t"),
                Arguments.of(bobLrs, "user.alice", "alice", false, "bob", "-s", INBOX_ACL + "bob\tlr\t"),
                Arguments.of(bobLrs, "user.alice", "alice", false, "bob", "", INBOX_ACL),
                Arguments.of(bobLrs, "user.alice", "alice", false, "-bob", "r", bobLrs + "-bob\tr\t"),
                // ... and their own entry, which always keeps lkxan
                Arguments.of(INBOX_ACL, "user.alice", "alice", false, "alice", "-w",
                        "alice\tlrsipkxtecdan\tmurder\tlrswipkxtecda\t"),
                Arguments.of(INBOX_ACL, "user.alice", "alice", false, "alice", "-lkx", INBOX_ACL),
                Arguments.of(INBOX_ACL, "user.alice", "alice", false, "alice", "lra",
                        "alice\tlrkxcan\tmurder\tlrswipkxtecda\t"),
                Arguments.of(INBOX_ACL, "user.alice", "alice", false, "-alice", "lrswipkxtecdan",
                        INBOX_ACL + "-alice\trswipted\t"),
                // an admin may strip the owner, but the implicit rights stay in the entry
                Arguments.of(INBOX_ACL, "user.alice", "cyrus", true, "alice", "lr",
                        "alice\tlrkxcan\tmurder\tlrswipkxtecda\t"),
                Arguments.of(INBOX_ACL, "user.alice", "cyrus", true, "alice", "",
                        "alice\tlkxcan\tmurder\tlrswipkxtecda\t"),
                Arguments.of(INBOX_ACL, "user.alice", "cyrus", true, "murder", "", "alice\tlrswipkxtecdan\t"),
                // shared mailboxes have no owner to protect
                Arguments.of("anyone\tlrs\tbob\tlrswipkxtecda\t", "shared", "bob", false, "bob", "lr",
                        "anyone\tlrs\tbob\tlr\t"),
                Arguments.of("anyone\tlrs\t", "shared", "cyrus", true, "-bob", "w", "anyone\tlrs\t-bob\tw\t"),
                Arguments.of("anyone\tlrs\t", "shared", "cyrus", true, "bob", "+", "anyone\tlrs\t"),
                Arguments.of("anyone\tlrs\t", "shared", "cyrus", true, "anyone", "", ""),
                // a group's admin right is enough
                Arguments.of("group:staff\tlrswipkxtecdan\t", "shared", "bob", false, "carol", "lr",
                        "group:staff\tlrswipkxtecdan\tcarol\tlr\t"));
    }

    @ParameterizedTest
    @MethodSource("setAcl")
    void setAclAsCyrusDecides(String acl, String mailbox, String caller, boolean admin, String identifier,
                              String rights, String expected) {
        AccessRules.AclResult r = RULES.setAcl(Acl.parse(acl), mailbox, identifier, rights, caller,
                Set.of("staff"), admin);
        assertTrue(r.isOk(), () -> r.refusal() + " " + r.detail());
        assertEquals(expected, r.acl().orElseThrow().format());
    }

    static Stream<Arguments> setAclRefused() {
        return Stream.of(
                Arguments.of(INBOX_ACL, "user.alice", "alice", false, "bob", "lrz",
                        AccessRules.Refusal.INVALID_RIGHTS, "The z right is not supported"),
                Arguments.of(INBOX_ACL, "user.alice", "cyrus", true, "bob", "+-l",
                        AccessRules.Refusal.INVALID_RIGHTS, "The - right is not supported"),
                // the owner may not lose admin through a non-admin
                Arguments.of(INBOX_ACL, "user.alice", "alice", false, "alice", "lr",
                        AccessRules.Refusal.PERMISSION_DENIED, "Permission denied"),
                Arguments.of(INBOX_ACL, "user.alice", "alice", false, "alice", "-a",
                        AccessRules.Refusal.PERMISSION_DENIED, "Permission denied"),
                Arguments.of(INBOX_ACL, "user.alice", "alice", false, "alice", "",
                        AccessRules.Refusal.PERMISSION_DENIED, "Permission denied"),
                Arguments.of(INBOX_ACL, "user.alice", "murder", false, "alice", "lrs",
                        AccessRules.Refusal.PERMISSION_DENIED, "Permission denied"),
                // a caller without 'a' learns only what 'l' lets them know
                Arguments.of(INBOX_ACL + "bob\tlrs\t", "user.alice", "bob", false, "bob", "+a",
                        AccessRules.Refusal.PERMISSION_DENIED, "Permission denied"),
                Arguments.of(INBOX_ACL, "user.alice", "carol", false, "carol", "lrs",
                        AccessRules.Refusal.MAILBOX_NONEXISTENT, "Mailbox does not exist"),
                // owning the mailbox is not enough: the 'a' must be in the ACL
                Arguments.of("bob\tlrswipkxtecdan\t", "user.alice", "alice", false, "bob", "lr",
                        AccessRules.Refusal.MAILBOX_NONEXISTENT, "Mailbox does not exist"),
                Arguments.of("anyone\tlrs\t", "shared", "cyrus", true, "", "lrs",
                        AccessRules.Refusal.INVALID_IDENTIFIER, "Invalid identifier"));
    }

    @ParameterizedTest
    @MethodSource("setAclRefused")
    void setAclRefusals(String acl, String mailbox, String caller, boolean admin, String identifier, String rights,
                        AccessRules.Refusal refusal, String detail) {
        AccessRules.AclResult r = RULES.setAcl(Acl.parse(acl), mailbox, identifier, rights, caller, Set.of(), admin);
        assertEquals(Optional.of(refusal), r.refusal());
        assertEquals(detail, r.detail());
        assertFalse(r.isOk());
    }

    @Test
    void anyoneUserAclOffKeepsAnyoneForAdmins() {
        AccessRules strict = new AccessRules(new AclPolicy(Rights.OWNER_IMPLICIT_DEFAULT, "anyone lrs", false, false));
        Acl acl = Acl.parse(INBOX_ACL);
        assertEquals(Optional.of(AccessRules.Refusal.PERMISSION_DENIED),
                strict.setAcl(acl, "user.alice", "anyone", "lr", "alice", Set.of(), false).refusal());
        assertTrue(strict.setAcl(acl, "user.alice", "anyone", "lr", "cyrus", Set.of(), true).isOk());
        assertTrue(RULES.setAcl(acl, "user.alice", "anyone", "lr", "alice", Set.of(), false).isOk());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "user.alice               | alice\\tlrswipkxtecdan\\t",
        "user.john^doe            | john.doe\\tlrswipkxtecdan\\t",
        "example.com!user.alice   | alice@example.com\\tlrswipkxtecdan\\t",
        "DELETED.user.alice.x.5F  | alice\\tlrswipkxtecdan\\t",
        "shared.folder            | anyone\\tlrs\\t",
        "shared                   | anyone\\tlrs\\t",
        "user                     | anyone\\tlrs\\t",
    })
    void initialAclWithoutAParent(String mailbox, String expected) {
        assertEquals(expected.replace("\\t", "\t"), RULES.initialAcl(mailbox, Optional.empty()).format());
    }

    @Test
    void initialAclCopiesTheNearestParent() {
        // CREATE user.alice.Live2 in the transcript: the new mailbox carries INBOX's ACL, murder included
        assertEquals(INBOX_ACL, RULES.initialAcl("user.alice.Live2", Optional.of(Acl.parse(INBOX_ACL))).format());
        AccessRules custom = new AccessRules(new AclPolicy(Rights.OWNER_IMPLICIT_DEFAULT, "anyone lr group:staff lrswi", false, true));
        assertEquals("anyone\tlr\tgroup:staff\tlrswi\t", custom.initialAcl("top", Optional.empty()).format());
    }

    static Stream<Arguments> create() {
        Optional<Acl> none = Optional.empty();
        Optional<Acl> inbox = Optional.of(Acl.parse(INBOX_ACL));
        Optional<Acl> bobOnly = Optional.of(Acl.parse("bob\tlrs\t"));
        Optional<Acl> anyoneK = Optional.of(Acl.parse("anyone\tlrsk\t"));
        Optional<Acl> secret = Optional.of(Acl.parse("alice\tlrs\t"));
        Optional<Acl> open = Optional.of(Acl.parse("anyone\tlrs\t"));
        Optional<AccessRules.Refusal> ok = Optional.empty();
        return Stream.of(
                Arguments.of("user.alice.Sent", none, inbox, "alice", false, ok),
                // the owner counts as an admin of their own tree (implicit 'a')
                Arguments.of("user.alice.Sent", none, bobOnly, "alice", false, ok),
                Arguments.of("user.alice", none, none, "alice", false, ok),
                Arguments.of("user.alice.x", none, inbox, "bob", false, Optional.of(AccessRules.Refusal.PERMISSION_DENIED)),
                Arguments.of("user.alice.x", none, anyoneK, "bob", false, ok),
                Arguments.of("shared", none, none, "bob", false, Optional.of(AccessRules.Refusal.PERMISSION_DENIED)),
                Arguments.of("shared", none, none, "cyrus", true, ok),
                Arguments.of("user.bob", none, none, "cyrus", true, ok),
                Arguments.of("user.bob.x", none, none, "cyrus", true, Optional.of(AccessRules.Refusal.PERMISSION_DENIED)),
                Arguments.of("shared.a.b", none, open, "cyrus", true, ok),
                Arguments.of("shared", open, none, "bob", false, Optional.of(AccessRules.Refusal.MAILBOX_EXISTS)),
                Arguments.of("shared", secret, none, "bob", false, Optional.of(AccessRules.Refusal.PERMISSION_DENIED)),
                Arguments.of("shared", secret, none, "cyrus", true, Optional.of(AccessRules.Refusal.MAILBOX_EXISTS)),
                Arguments.of("user", none, none, "cyrus", true, Optional.of(AccessRules.Refusal.BAD_NAME)),
                Arguments.of("a..b", none, none, "cyrus", true, Optional.of(AccessRules.Refusal.BAD_NAME)),
                Arguments.of("DELETED.shared.5F", none, none, "bob", false, Optional.of(AccessRules.Refusal.PERMISSION_DENIED)));
    }

    @ParameterizedTest
    @MethodSource("create")
    void createChecks(String mailbox, Optional<Acl> existing, Optional<Acl> parent, String user, boolean admin,
                      Optional<AccessRules.Refusal> expected) {
        assertEquals(expected, RULES.checkCreate(mailbox, false, existing, parent, user, Set.of(), admin));
    }

    // ------------------------------------------------------------------ every path that makes a name (issue 11)

    /** A little murder: alice and bob have INBOXes, {@code shared} is open to read, {@code drop} grants anyone k. */
    private static final java.util.Map<String, Acl> BOXES = java.util.Map.of(
            "user.alice", Acl.parse(INBOX_ACL),
            "user.alice.x", Acl.parse(INBOX_ACL),
            "user.bob", Acl.parse("bob\tlrswipkxtecdan\t"),
            "user.carol", Acl.parse("carol\tlrswipkxtecdan\talice\tlrsk\t"),
            "shared", Acl.parse("anyone\tlrs\t"),
            "drop", Acl.parse("anyone\tlrs\talice\tlrsk\t"),
            "drop.deep", Acl.parse("anyone\tlrs\t"),
            "hidden", Acl.parse("bob\tlrs\t"));

    private static Optional<Acl> aclOf(String name) {
        return Optional.ofNullable(BOXES.get(name));
    }

    @ParameterizedTest(name = "{0} creates {1} (admin {2}) -> {3}")
    @CsvSource(delimiter = '|', value = {
        // another user's INBOX, before or after their first login: never, whatever the spelling
        "alice | user.victim         | false | PERMISSION_DENIED",
        "alice | user.victim.x       | false | PERMISSION_DENIED",
        "alice | user.victim.x.y     | false | PERMISSION_DENIED",
        "alice | user.bob.x          | false | PERMISSION_DENIED",
        "alice | user.bob            | false | MAILBOX_NONEXISTENT_OR_HIDDEN",
        "alice | user.alicex         | false | PERMISSION_DENIED",
        // ... unless its owner granted k on the parent (RFC 4314; Cyrus's mboxlist_create_namecheck)
        "alice | user.carol.x        | false | ''",
        "bob   | user.carol.x        | false | PERMISSION_DENIED",
        // one's own tree: INBOX (autocreate) and below it, at any depth under an existing ancestor
        "alice | user.alice          | false | MAILBOX_EXISTS",
        "dave  | user.dave           | false | ''",
        "dave  | user.dave.x         | false | PERMISSION_DENIED",
        "alice | user.alice.new      | false | ''",
        "alice | user.alice.x.y.z    | false | ''",
        // top level: admins only
        "alice | newtop              | false | PERMISSION_DENIED",
        "alice | newtop.sub          | false | PERMISSION_DENIED",
        "murder| newtop              | true  | ''",
        "murder| user.victim         | true  | ''",
        "murder| user.victim.x       | true  | PERMISSION_DENIED",
        // under a shared parent: its k (the nearest existing ancestor's)
        "alice | shared.x            | false | PERMISSION_DENIED",
        "alice | drop.x              | false | ''",
        "alice | drop.x.y            | false | ''",
        "alice | drop.deep.x         | false | PERMISSION_DENIED",
        "bob   | drop.x              | false | PERMISSION_DENIED",
        "murder| shared.x            | true  | ''",
        // existing names: exists, or denied when the caller may not see them
        "alice | shared              | false | MAILBOX_EXISTS",
        "alice | hidden              | false | PERMISSION_DENIED",
        "murder| hidden              | true  | MAILBOX_EXISTS",
        // names nobody may make
        "murder| user                | true  | BAD_NAME",
        "alice | a..b                | false | BAD_NAME",
    })
    void checkCreateLooksUpTheNameAndItsNearestAncestor(String user, String mailbox, boolean admin, String expected) {
        Optional<AccessRules.Refusal> got = RULES.checkCreate(mailbox, false, AccessRulesTest::aclOf, user, Set.of(), admin);
        if (expected.equals("MAILBOX_NONEXISTENT_OR_HIDDEN")) {
            // bob's INBOX exists and alice holds no l on it: Cyrus lies, "Permission denied"
            assertEquals(Optional.of(AccessRules.Refusal.PERMISSION_DENIED), got);
        } else {
            assertEquals(expected.isEmpty() ? Optional.empty() : Optional.of(AccessRules.Refusal.valueOf(expected)), got);
        }
    }

    @Test
    void nearestAncestorAclClimbsToTheFirstExistingMailboxButNeverToUser() {
        assertEquals(aclOf("drop"), AccessRules.nearestAncestorAcl("drop.a.b.c", AccessRulesTest::aclOf));
        assertEquals(aclOf("drop.deep"), AccessRules.nearestAncestorAcl("drop.deep.x", AccessRulesTest::aclOf));
        assertEquals(aclOf("user.alice.x"), AccessRules.nearestAncestorAcl("user.alice.x.y", AccessRulesTest::aclOf));
        assertEquals(Optional.empty(), AccessRules.nearestAncestorAcl("user.victim", AccessRulesTest::aclOf));
        assertEquals(Optional.empty(), AccessRules.nearestAncestorAcl("newtop", AccessRulesTest::aclOf));
    }

    @ParameterizedTest(name = "{0} renames {1} to {2} (admin {3}, allowusermoves {4}) -> {5}")
    @CsvSource(delimiter = '|', value = {
        // the takeover of issue 11: a folder of one's own renamed to be another user's (future) INBOX
        "alice | user.alice.x | user.victim         | false | false | PERMISSION_DENIED",
        "alice | user.alice.x | user.victim.x       | false | false | PERMISSION_DENIED",
        "alice | user.alice.x | user.bob.x          | false | false | PERMISSION_DENIED",
        "alice | drop         | user.victim         | false | false | PERMISSION_DENIED",
        "alice | user.alice.x | newtop              | false | false | PERMISSION_DENIED",
        "alice | user.alice.x | shared.x            | false | false | PERMISSION_DENIED",
        // destinations CREATE would allow
        "alice | user.alice.x | user.alice.y        | false | false | ''",
        "alice | user.alice.x | user.alice.x.inside | false | false | ''",
        "alice | user.alice.x | drop.x              | false | false | ''",
        "alice | user.alice.x | user.carol.x        | false | false | ''",
        "alice | user.alice.x | shared              | false | false | MAILBOX_EXISTS",
        "murder| user.alice.x | newtop              | true  | false | ''",
        "murder| shared       | user.victim         | true  | false | ''",
        // a user's INBOX spelled as user.<name>: only to a deleted name, or (admin, allowusermoves) another INBOX
        "alice | user.alice   | user.alice.sub      | false | false | NOT_SUPPORTED",
        "alice | user.alice   | newtop              | false | false | NOT_SUPPORTED",
        "alice | user.alice   | user.victim         | false | true  | NOT_SUPPORTED",
        "murder| user.bob     | shared.bob          | true  | true  | NOT_SUPPORTED",
        "murder| user.bob     | user.robert         | true  | false | NOT_SUPPORTED",
        "murder| user.bob     | user.robert         | true  | true  | ''",
        "murder| user.bob     | user.alice          | true  | true  | MAILBOX_EXISTS",
        "murder| user.bob     | DELETED.user.bob.5F | true  | false | ''",
    })
    void checkRenameAppliesCreateRulesToTheDestination(String user, String source, String target, boolean admin,
                                                       boolean allowUserMoves, String expected) {
        assertEquals(expected.isEmpty() ? Optional.empty() : Optional.of(AccessRules.Refusal.valueOf(expected)),
                RULES.checkRename(source, target, false, AccessRulesTest::aclOf, user, Set.of(), admin, allowUserMoves));
    }

    @Test
    void everyRefusalHasCyrusText() {
        assertEquals("Permission denied", AccessRules.Refusal.PERMISSION_DENIED.text());
        assertEquals("Mailbox already exists", AccessRules.Refusal.MAILBOX_EXISTS.text());
        assertEquals("Operation is not supported on mailbox", AccessRules.Refusal.NOT_SUPPORTED.text());
        for (AccessRules.Refusal r : AccessRules.Refusal.values()) {
            assertFalse(r.text().isEmpty(), r.name());
        }
    }
}
