package org.murder.imap;

import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.murder.protocol.imap.search.SearchEvaluator;
import org.murder.protocol.imap.search.SearchKey;
import org.murder.protocol.imap.search.SearchableMessage;
import org.murder.store.MailboxIndex;
import org.murder.store.MessageFlags;
import org.murder.store.Spool;

/** Which messages of the session's view a search key matches: what SEARCH, SORT and THREAD start from. */
final class MessageSearch {

    private MessageSearch() {
    }

    static MailboxIndex.Matches run(SelectedMailbox sel, SearchKey key, Spool spool) {
        int count = sel.count();
        if (key instanceof SearchKey.All) {
            int[] all = new int[count];
            Arrays.setAll(all, i -> i);
            return new MailboxIndex.Matches(all, 0);
        }
        SearchEvaluator evaluator = new SearchEvaluator(key, count, sel.maxUid(), sel.lastResult());
        if (!sel.sharedSeen && flagsOnly(key)) {
            return byFlags(sel.view(), evaluator);
        }
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
        return new MailboxIndex.Matches(Arrays.copyOf(hits, n), highestModSeq);
    }

    /** A key that looks at nothing but the flags in the index (UNSEEN, FLAGGED, NOT DELETED, KEYWORD ...). */
    static boolean flagsOnly(SearchKey key) {
        return !key.anyKey(k -> !(k instanceof SearchKey.Flag || k instanceof SearchKey.All || k instanceof SearchKey.Not
                || k instanceof SearchKey.Or || k instanceof SearchKey.And));
    }

    /** A flags-only key straight over the index's flags, decided once per distinct set of flags. */
    private static MailboxIndex.Matches byFlags(MailboxIndex view, SearchEvaluator evaluator) {
        return view.matching(f -> evaluator.matches(new FlagsOnly(f)));
    }

    /** What a flags-only key may ask of a message; anything else is a mistake in {@link #flagsOnly}. */
    private record FlagsOnly(MessageFlags set) implements SearchableMessage {
        @Override
        public Collection<String> flags() {
            return set.atoms();
        }

        @Override
        public long uid() {
            throw new IllegalStateException("not a flags-only key");
        }

        @Override
        public long sequenceNumber() {
            throw new IllegalStateException("not a flags-only key");
        }

        @Override
        public boolean recent() {
            throw new IllegalStateException("not a flags-only key");
        }

        @Override
        public ZonedDateTime internalDate() {
            throw new IllegalStateException("not a flags-only key");
        }

        @Override
        public long size() {
            throw new IllegalStateException("not a flags-only key");
        }

        @Override
        public long modSeq() {
            throw new IllegalStateException("not a flags-only key");
        }

        @Override
        public List<String> header(String name) {
            throw new IllegalStateException("not a flags-only key");
        }

        @Override
        public Optional<ZonedDateTime> sentDate() {
            throw new IllegalStateException("not a flags-only key");
        }

        @Override
        public String headerText() {
            throw new IllegalStateException("not a flags-only key");
        }

        @Override
        public String bodyText() {
            throw new IllegalStateException("not a flags-only key");
        }
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
