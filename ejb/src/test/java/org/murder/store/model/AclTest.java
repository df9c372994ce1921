package org.murder.store.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AclTest {

    // Strings captured from Cyrus 3.6.1's MUPDATE traffic (reference/cyrus-3.6-transcripts a_ and b_).
    static final String ALICE_INBOX = "alice\tlrswipkxtecdan\tmurder\tlrswipkxtecda\t";
    static final String AFTER_SETACL_BOB = ALICE_INBOX + "bob\tlrs\t";
    static final String AFTER_SETACL_CYRUS = AFTER_SETACL_BOB + "cyrus\txc\t";

    @ParameterizedTest
    @ValueSource(strings = {
        ALICE_INBOX,
        AFTER_SETACL_BOB,
        AFTER_SETACL_CYRUS,
        "alice\tlrswipkxtecdan\t",
        "carol\tlrswipkxtecdan\t",
        "",
        "anyone\tlrs\t",
        "anyone\tlrs\t-bob\tl\tgroup:staff\tlrsw\t",
        "alice@example.com\tlrswipkxtecdan\tanonymous\tp\t",
        "zeta\tl\talpha\tr\t",
    })
    void cyrusStringsRoundTripInOrder(String text) {
        assertEquals(text, Acl.parse(text).format());
    }

    @Test
    void entriesKeepTheirOrderAndNegativeMarker() {
        Acl acl = Acl.parse("zeta\tl\t-alpha\tr\t");
        assertEquals(List.of(new Acl.Entry("zeta", Rights.parse("l")), new Acl.Entry("-alpha", Rights.parse("r"))),
                acl.entries());
        assertTrue(acl.entries().get(1).isNegative());
        assertEquals("alpha", acl.entries().get(1).subject());
    }

    @Test
    void nonCanonicalRightsComeBackTheWayCyrusWouldRewriteThem() {
        assertEquals("u\tlrswipkxtecda\t", Acl.parse("u\tlrswipcda\t").format());
        assertEquals("u\tlrs\t", Acl.parse("u\tsrl\t").format());
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "alice\t", "alice\tlrs", "\t"})
    void anUnterminatedTailIsIgnoredAsCyrusDoes(String text) {
        assertEquals(Acl.EMPTY, Acl.parse(text));
        assertEquals("bob\tl\t", Acl.parse("bob\tl\t" + text).format());
    }

    @Test
    void setaclAsCapturedFromCyrus() {
        Acl inbox = Acl.parse(ALICE_INBOX);
        Acl withBob = inbox.modify("bob", AclChange.parse("lrs").orElseThrow());
        assertEquals(AFTER_SETACL_BOB, withBob.format());
        Acl withCyrus = withBob.modify("cyrus", AclChange.parse("x").orElseThrow());
        assertEquals(AFTER_SETACL_CYRUS, withCyrus.format());
    }

    static Stream<Arguments> modifications() {
        String base = "anyone\tlr\tbob\tlrs\tcarol\tl\t";
        return Stream.of(
                Arguments.of(base, "bob", "lrsw", "anyone\tlr\tbob\tlrsw\tcarol\tl\t"),
                Arguments.of(base, "bob", "+wi", "anyone\tlr\tbob\tlrswi\tcarol\tl\t"),
                Arguments.of(base, "bob", "-s", "anyone\tlr\tbob\tlr\tcarol\tl\t"),
                Arguments.of(base, "bob", "-lrs", "anyone\tlr\tcarol\tl\t"),
                Arguments.of(base, "bob", "", "anyone\tlr\tcarol\tl\t"),
                Arguments.of(base, "dave", "lr", base + "dave\tlr\t"),
                Arguments.of(base, "dave", "+lr", base + "dave\tlr\t"),
                Arguments.of(base, "dave", "-lr", base),
                Arguments.of(base, "dave", "", base),
                Arguments.of(base, "dave", "+", base),
                Arguments.of(base, "bob", "+", base),
                Arguments.of(base, "bob", "-", base),
                Arguments.of(base, "-bob", "w", base + "-bob\tw\t"),
                Arguments.of(base, "anyone", "c", "anyone\tkxc\tbob\tlrs\tcarol\tl\t"),
                Arguments.of(base, "anyone", "+d", "anyone\tlrted\tbob\tlrs\tcarol\tl\t"),
                Arguments.of(base, "anyone", "-c", "anyone\tlr\tbob\tlrs\tcarol\tl\t"),
                Arguments.of("", "x", "0", "x\t0\t"));
    }

    @ParameterizedTest
    @MethodSource("modifications")
    void modifyReplacesInPlaceAppendsNewAndRemovesEmpty(String acl, String id, String change, String expected) {
        assertEquals(expected, Acl.parse(acl).modify(id, AclChange.parse(change).orElseThrow()).format());
    }

    @Test
    void emptyIdentifiersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Acl.EMPTY.modify("", AclChange.parse("l").orElseThrow()));
        assertThrows(IllegalArgumentException.class, () -> Acl.EMPTY.modify("-", AclChange.parse("l").orElseThrow()));
    }

    @Test
    void defaultAclConfigSyntax() {
        assertEquals("anyone\tlrs\t", Acl.fromConfig("anyone lrs").format());
        assertEquals("anyone\tlrs\tgroup:staff\tlrswi\t", Acl.fromConfig("  anyone lrs\tgroup:staff  lrswi ").format());
        assertEquals("", Acl.fromConfig("").format());
        assertEquals("a\tl\t", Acl.fromConfig("a l dangling").format());
    }

    static Stream<Arguments> rights() {
        String acl = "anyone\tlr\tbob\tlrswi\t-bob\tw\tgroup:staff\tk\t-group:interns\tr\tanonymous\tp\t";
        Set<String> none = Set.of();
        return Stream.of(
                Arguments.of(acl, "bob", none, false, "lrsi"),
                Arguments.of(acl, "carol", none, false, "lr"),
                Arguments.of(acl, "carol", Set.of("group:staff"), false, "lrkc"),
                Arguments.of(acl, "carol", Set.of("staff"), false, "lrkc"),
                Arguments.of(acl, "carol", Set.of("staff", "interns"), false, "lkc"),
                Arguments.of(acl, "carol", Set.of("group:other"), false, "lr"),
                Arguments.of(acl, null, none, false, "lrp"),
                Arguments.of(acl, "", none, false, "lrp"),
                Arguments.of(acl, "anonymous", Set.of("staff"), false, "lrp"),
                // admins get l and a on top, after negative rights
                Arguments.of(acl, "root", none, true, "lra"),
                Arguments.of("-root\tl\tanyone\tlrs\t", "root", none, true, "lrsa"),
                Arguments.of("-anyone\tlrswipkxtecdan\tbob\tlrs\t", "bob", none, false, ""),
                Arguments.of("", "bob", none, false, ""),
                // identifiers compare exactly, as Cyrus's strcmp
                Arguments.of("Bob\tlrs\t", "bob", none, false, ""),
                Arguments.of("alice@example.com\tlrs\t", "alice", none, false, ""),
                Arguments.of("alice@example.com\tlrs\t", "alice@example.com", none, false, "lrs"));
    }

    @ParameterizedTest
    @MethodSource("rights")
    void rightsOfIsPositiveUnionMinusNegativeUnion(String acl, String user, Set<String> groups, boolean admin,
                                                    String expected) {
        assertEquals(expected, Acl.parse(acl).rightsOf(user, groups, admin).toString());
    }

    @Test
    void adminImpliesWriteWhenConfigured() {
        AclPolicy policy = new AclPolicy(Rights.OWNER_IMPLICIT_DEFAULT, "anyone lrs", true, true);
        Acl acl = Acl.parse("bob\tla\tcarol\tl\t");
        assertEquals("lswitedan", acl.rightsOf("bob", Set.of(), false, policy).toString());
        assertEquals("l", acl.rightsOf("carol", Set.of(), false, policy).toString());
        assertEquals("la", acl.rightsOf("bob", Set.of(), false).toString());
    }

    @Test
    void getFindsExactIdentifier() {
        Acl acl = Acl.parse("bob\tlrs\t-bob\tw\t");
        assertEquals(Optional.of(Rights.parse("lrs")), acl.get("bob"));
        assertEquals(Optional.of(Rights.parse("w")), acl.get("-bob"));
        assertEquals(Optional.empty(), acl.get("carol"));
    }

    @Test
    void randomAclsRoundTrip() {
        Random random = new Random(20260823);
        String[] ids = {"anyone", "anonymous", "alice", "bob", "-bob", "group:staff", "-group:x", "a@b.c", "cyrus"};
        String letters = "lrswipkxtecdan0123456789";
        for (int i = 0; i < 1000; i++) {
            Acl acl = Acl.EMPTY;
            int n = random.nextInt(6);
            for (int k = 0; k < n; k++) {
                StringBuilder r = new StringBuilder();
                int m = 1 + random.nextInt(8);
                for (int j = 0; j < m; j++) {
                    r.append(letters.charAt(random.nextInt(letters.length())));
                }
                String mode = new String[] {"", "+", "-"}[random.nextInt(3)];
                acl = acl.modify(ids[random.nextInt(ids.length)], AclChange.parse(mode + r).orElseThrow());
            }
            assertEquals(acl, Acl.parse(acl.format()));
            assertEquals(acl.format(), Acl.parse(acl.format()).format());
        }
    }
}
