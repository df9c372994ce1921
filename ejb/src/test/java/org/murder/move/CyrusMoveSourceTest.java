package org.murder.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The parts of a Cyrus source's freeze and release that are plain logic (docs/migration.md). */
class CyrusMoveSourceTest {

    @Test
    void theFreezeLeavesOnlyLookupAndRead() {
        assertEquals("lr", CyrusMoveSource.readOnly("lrswipkxtecdan"));
        assertEquals("lr", CyrusMoveSource.readOnly("lr"));
        assertEquals("l", CyrusMoveSource.readOnly("lp"));
        assertEquals("", CyrusMoveSource.readOnly("p")); // anyone p (user+folder delivery): removed altogether
        assertEquals("r", CyrusMoveSource.readOnly("rsw"));
    }

    @Test
    void aclsInTheMastersFormRoundTrip() {
        Map<String, String> acl = new LinkedHashMap<>();
        acl.put("bob", "lrswipkxtecdan");
        acl.put("anyone", "p");
        acl.put("group:staff", "lr");
        String text = ImapMoveSource.aclText(acl);
        assertEquals("bob\tlrswipkxtecdan\tanyone\tp\tgroup:staff\tlr\t", text);
        assertEquals(acl, ImapMoveSource.aclMap(text));
        assertEquals(Map.of(), ImapMoveSource.aclMap(""));
    }

    @Test
    void frozenEntriesRoundTripWithSpacesAndTabsInside() {
        List<CyrusMoveSource.Entry> entries = List.of(
                new CyrusMoveSource.Entry("user.bob", "default", "bob\tlrswipkxtecdan\t"),
                new CyrusMoveSource.Entry("user.bob.My Folder", "p2", "bob\tlrswipkxtecdan\talice\tlr\t"),
                new CyrusMoveSource.Entry("user.bob.empty", "default", ""));
        assertEquals(entries, CyrusMoveSource.decode(CyrusMoveSource.encode(entries)));
        assertEquals(List.of(), CyrusMoveSource.decode(""));
    }

    @Test
    void childrenAreDeletedBeforeTheirParents() {
        List<String> names = new ArrayList<>(List.of("user.bob", "user.bob-x", "user.bob.a", "user.bob.a.deep",
                "user.bob.Sent"));
        names.sort(CyrusMoveSource.CHILDREN_FIRST);
        assertEquals(List.of("user.bob.a.deep", "user.bob.Sent", "user.bob.a", "user.bob", "user.bob-x"), names);
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                String later = names.get(j);
                String earlier = names.get(i);
                assertFalse(later.startsWith(earlier + "."), later + " is a child of " + earlier + " but comes after it");
            }
        }
    }

    @Test
    void lateMessagesAreThoseFromTheLastPassesUidNextOn() {
        assertEquals(List.of(41L, 42L), CyrusMoveSource.late(Set.of(1L, 5L, 40L, 41L, 42L), 41));
        assertEquals(List.of(), CyrusMoveSource.late(Set.of(1L, 5L, 40L), 41));
    }
}
