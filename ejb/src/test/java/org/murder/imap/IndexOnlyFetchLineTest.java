package org.murder.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.command.FetchItem;
import org.murder.protocol.imap.response.FetchResponseBuilder;
import org.murder.protocol.imap.response.Segments;

/**
 * FETCH of UID, FLAGS and MODSEQ only is written line by line without FetchResponseBuilder (a big mailbox's
 * {@code UID FETCH 1:* (FLAGS)}); both must write the same text, MODSEQ included once CONDSTORE adds it.
 */
class IndexOnlyFetchLineTest {

    private static final FetchItem UID = FetchItem.Attribute.UID;
    private static final FetchItem FLAGS = FetchItem.Attribute.FLAGS;
    private static final FetchItem MODSEQ = FetchItem.Attribute.MODSEQ;

    private static String fast(long msn, long uid, boolean withUid, List<FetchItem> items, List<String> flags,
                               boolean recent, long modSeq) {
        StringBuilder b = new StringBuilder();
        MessageCommands.indexOnlyLine(b, msn, uid, withUid, items, flags, recent, modSeq);
        return b.toString();
    }

    /** What fetchOne would build for the same message. */
    private static String built(long msn, long uid, boolean withUid, List<FetchItem> items, List<String> flags,
                                boolean recent, long modSeq) throws IOException {
        FetchResponseBuilder b = new FetchResponseBuilder(msn);
        if (withUid) {
            b.uid(uid);
        }
        for (FetchItem item : items) {
            if (item == FLAGS) {
                List<String> atoms = new ArrayList<>(flags);
                if (recent) {
                    atoms.add("\\Recent");
                }
                b.flags(atoms);
            } else if (item == MODSEQ) {
                b.modseq(modSeq);
            }
        }
        return new String(Segments.toByteArray(b.build()), StandardCharsets.US_ASCII);
    }

    @Test
    void theFastLineIsTheBuildersLine() throws IOException {
        List<List<FetchItem>> itemLists = List.of(List.of(FLAGS), List.of(UID, FLAGS), List.of(FLAGS, MODSEQ),
                List.of(MODSEQ), List.of(UID, MODSEQ, FLAGS), List.of(UID), List.of(FLAGS, UID, MODSEQ));
        List<List<String>> flagLists = List.of(List.of(), List.of("\\Seen"), List.of("\\Answered", "\\Flagged", "\\Seen",
                "$Forwarded", "NonJunk"));
        for (List<FetchItem> items : itemLists) {
            for (List<String> flags : flagLists) {
                for (boolean withUid : new boolean[] {false, true}) {
                    for (boolean recent : new boolean[] {false, true}) {
                        assertEquals(built(12, 4711, withUid, items, flags, recent, 987654321012L),
                                fast(12, 4711, withUid, items, flags, recent, 987654321012L),
                                items + " " + flags + " uid=" + withUid + " recent=" + recent);
                    }
                }
            }
        }
        assertEquals("* 3 FETCH (UID 9 FLAGS (\\Seen \\Recent) MODSEQ (44))\r\n",
                fast(3, 9, true, List.of(FLAGS, MODSEQ), List.of("\\Seen"), true, 44));
    }

    @Test
    void anythingElseIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class,
                () -> fast(1, 1, false, List.of(FetchItem.Attribute.RFC822_SIZE), List.of(), false, 1));
        assertThrows(IllegalArgumentException.class, () -> fast(1, 1, false, List.of(FLAGS), List.of("bad flag"), false, 1));
    }
}
