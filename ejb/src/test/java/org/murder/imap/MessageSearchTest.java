package org.murder.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.search.SearchKey;
import org.murder.store.MailboxIndex;
import org.murder.store.MessageFlags;
import org.murder.store.MessageStore.IndexRow;
import org.murder.store.model.Rights;

class MessageSearchTest {

    private static final List<String> KEYWORDS = List.of("$Forwarded", "$Junk", "work");

    /** 3,000 messages with random system flags and keywords (keyword sets are separate objects per message). */
    private static SelectedMailbox mailbox(boolean sharedSeen) {
        Random random = new Random(12);
        List<IndexRow> rows = new ArrayList<>();
        for (long uid = 1; uid <= 3000; uid++) {
            List<String> kw = new ArrayList<>();
            for (String k : KEYWORDS) {
                if (random.nextInt(4) == 0) {
                    kw.add(k);
                }
            }
            MessageFlags f = MessageFlags.of(random.nextBoolean(), random.nextBoolean(), random.nextInt(5) == 0,
                    random.nextInt(7) == 0, random.nextInt(9) == 0, kw);
            rows.add(new IndexRow(uid, uid * 2, uid * 3 + random.nextInt(3), f, 100 + uid, Instant.EPOCH));
        }
        return new SelectedMailbox(1, "user.alice", "INBOX", false, 1, "default", MailboxIndex.of(rows, 9000), sharedSeen,
                Rights.parse("lrswipkxtean"), () -> { });
    }

    private static SearchKey flag(String f, boolean present) {
        return new SearchKey.Flag(f, present);
    }

    private static final List<SearchKey> FLAG_KEYS = List.of(
            flag("\\Seen", false),
            flag("\\Flagged", true),
            new SearchKey.Not(flag("\\Deleted", true)),
            flag("$junk", true), // keywords compare without case
            new SearchKey.Or(flag("\\Answered", true), flag("work", true)),
            new SearchKey.And(List.of(flag("\\Seen", false), new SearchKey.Not(flag("\\Draft", true)), flag("$Forwarded", false))),
            flag("nosuchkeyword", true));

    @Test
    void flagsOnlyKeysAreTheOnesAnsweredFromTheIndexAlone() {
        FLAG_KEYS.forEach(k -> assertTrue(MessageSearch.flagsOnly(k), k.toString()));
        assertFalse(MessageSearch.flagsOnly(new SearchKey.Recent()));
        assertFalse(MessageSearch.flagsOnly(new SearchKey.And(List.of(flag("\\Seen", false), new SearchKey.Larger(10)))));
        assertFalse(MessageSearch.flagsOnly(new SearchKey.Or(new SearchKey.New(), flag("\\Seen", true))));
    }

    @Test
    void aFlagsOnlySearchFindsWhatTheSearchOfEachMessageFinds() {
        SelectedMailbox sel = mailbox(false);
        for (SearchKey key : FLAG_KEYS) {
            // the same key ANDed with a key that reads the message takes the message-by-message way
            SearchKey slow = new SearchKey.And(List.of(key, new SearchKey.Larger(0)));
            MailboxIndex.Matches fast = MessageSearch.run(sel, key, null);
            MailboxIndex.Matches each = MessageSearch.run(sel, slow, null);
            assertArrayEquals(each.positions(), fast.positions(), key.toString());
            assertEquals(each.highestModSeq(), fast.highestModSeq(), key.toString());
        }
        assertEquals(0, MessageSearch.run(sel, flag("nosuchkeyword", true), null).positions().length);
        assertTrue(MessageSearch.run(sel, flag("\\Seen", false), null).positions().length > 1000);
    }

    @Test
    void aUserWithSeenOfTheirOwnIsSearchedMessageByMessage() {
        SelectedMailbox sel = mailbox(true);
        // the owner's \Seen in the index is not this user's: nothing of theirs is seen
        assertEquals(3000, MessageSearch.run(sel, flag("\\Seen", false), null).positions().length);
    }
}
