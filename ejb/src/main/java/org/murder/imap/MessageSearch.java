package org.murder.imap;

import java.util.Arrays;
import org.murder.protocol.imap.search.SearchEvaluator;
import org.murder.protocol.imap.search.SearchKey;
import org.murder.store.Spool;

/** Which messages of the session's view a search key matches: what SEARCH, SORT and THREAD start from. */
final class MessageSearch {

    /** Matching positions in the view, ascending, and the highest MODSEQ among them (0 when none). */
    record Hits(int[] positions, long highestModSeq) {
    }

    private MessageSearch() {
    }

    static Hits run(SelectedMailbox sel, SearchKey key, Spool spool) {
        int count = sel.count();
        if (key instanceof SearchKey.All) {
            int[] all = new int[count];
            Arrays.setAll(all, i -> i);
            return new Hits(all, 0);
        }
        SearchEvaluator evaluator = new SearchEvaluator(key, count, sel.maxUid(), sel.lastResult());
        int[] hits = new int[count];
        int n = 0;
        long highestModSeq = 0;
        for (int i = 0; i < count; i++) {
            SelectedMailbox.Message m = sel.message(i);
            SpoolMessage view = new SpoolMessage(m, i + 1, sel.isRecent(m.uid()),
                    () -> spool.messagePath(sel.partition, sel.mailboxId, m.uid()));
            if (evaluator.matches(view)) {
                hits[n++] = i;
                highestModSeq = Math.max(highestModSeq, m.modSeq());
            }
        }
        return new Hits(Arrays.copyOf(hits, n), highestModSeq);
    }

    /**
     * Whether the answer depends only on the mailbox's index version, not on this session — no \Recent, no `$`, no
     * \Seen of a user who is not the owner, no MODSEQ (whose answer carries values) — so sessions may share it.
     */
    static boolean shareable(SearchKey key, SelectedMailbox sel) {
        return !key.anyKey(k -> k instanceof SearchKey.Recent || k instanceof SearchKey.New || k instanceof SearchKey.Old
                || k instanceof SearchKey.ModSeq
                || k instanceof SearchKey.Uid u && u.set().lastResult()
                || k instanceof SearchKey.SequenceNumbers s && s.set().lastResult()
                || sel.sharedSeen && k instanceof SearchKey.Flag f && f.flag().equalsIgnoreCase("\\Seen"));
    }
}
