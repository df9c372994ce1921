package org.murder.imap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.murder.connector.api.Connection;
import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.SearchReturnOption;
import org.murder.protocol.imap.command.SortCriterion;
import org.murder.protocol.imap.command.ThreadAlgorithm;
import org.murder.protocol.imap.response.EsearchResult;
import org.murder.protocol.imap.response.ImapResponses;
import org.murder.protocol.imap.search.SearchKey;
import org.murder.protocol.imap.sort.MessageSorter;
import org.murder.protocol.imap.sort.SortFields;
import org.murder.protocol.imap.sort.SortMessage;
import org.murder.protocol.imap.sort.ThreadTree;
import org.murder.protocol.imap.sort.Threader;
import org.murder.store.MailboxIndex;
import org.murder.store.MessageStore.IndexRow;
import org.murder.store.SortFieldsCache;
import org.murder.store.Spool;

/**
 * SORT (RFC 5256, RFC 5957's display keys, RFC 5267's ESORT) and THREAD: the search as SEARCH's, then the
 * container-free sorter or threader over the keys {@link SortFieldsCache} keeps. An answer that depends only on the
 * mailbox is kept for the index version it was computed on and served again to any session on that version.
 * These write the untagged answer; the caller tells the session's news and completes the command.
 */
@ApplicationScoped
public class SortCommands {

    @Inject
    Spool spool;

    @Inject
    SortFieldsCache cache;

    /** What a kept SORT answer was computed for (the order of positions does not depend on UID or not). */
    private record SortRequest(List<SortCriterion> criteria, SearchKey key) {
    }

    /** What a kept THREAD answer was computed for; the answer is its text, numbers included. */
    private record ThreadRequest(ThreadAlgorithm algorithm, SearchKey key, boolean uid) {
    }

    void sort(Connection c, ImapSession s, SelectedMailbox sel, ImapCommand.Sort so) {
        boolean update = so.returnOptions().contains(SearchReturnOption.UPDATE);
        if (update && sel.live.has(so.tag())) {
            ImapEndpoint.tagged(c, so.tag(), org.murder.protocol.imap.response.ImapStatus.BAD,
                    "A live result has this tag already");
            return;
        }
        MailboxIndex view = sel.view();
        boolean shareable = MessageSearch.shareable(so.key(), sel);
        SortRequest request = new SortRequest(so.criteria(), so.key());
        int[] order = shareable ? (int[]) cache.answer(sel.mailboxId, view, request).orElse(null) : null;
        long highestModSeq = 0;
        if (order == null) {
            MailboxIndex.Matches hits = MessageSearch.run(sel, so.key(), spool);
            order = MessageSorter.sort(messages(sel, view, hits.positions(), so.criteria()), so.criteria());
            highestModSeq = hits.highestModSeq();
            if (shareable) {
                cache.remember(sel.mailboxId, view, request, order, 4L * order.length);
            }
        }
        long[] numbers = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            numbers[i] = so.uid() ? view.uid(order[i]) : order[i] + 1L;
        }
        boolean modSeqs = so.key().usesModSeq();
        if (modSeqs) {
            s.enabled.add("CONDSTORE");
        }
        OptionalLong modSeq = modSeqs && numbers.length > 0 ? OptionalLong.of(highestModSeq) : OptionalLong.empty();
        Set<SearchReturnOption> options = so.returnOptions();
        if (options.contains(SearchReturnOption.SAVE)) {
            sel.saveResult(MessageCommands.saved(options, view, order));
        }
        if (update) {
            // CONTEXT=SORT (RFC 5267 §4): kept in sort order, told as ADDTO/REMOVEFROM at their places in it
            MessageCommands.keepLive(c, sel, so.tag(), so.uid(), so.key(), Optional.of(so.criteria()),
                    java.util.Arrays.stream(order).mapToLong(view::uid).toArray());
        }
        if (so.esearch()) {
            c.write(ImapResponses.esearch(esort(so, numbers, modSeq)));
        } else if (options.isEmpty()) {
            c.write(ImapResponses.sort(numbers, modSeq));
        }
    }

    /** ESORT (RFC 5267 §3.2): MIN and MAX are the first and last in sort order, ALL lists them in that order. */
    private static EsearchResult esort(ImapCommand.Sort so, long[] numbers, OptionalLong modSeq) {
        Set<SearchReturnOption> o = so.returnOptions();
        boolean any = numbers.length > 0;
        return new EsearchResult(Optional.of(so.tag()), so.uid(),
                o.contains(SearchReturnOption.MIN) && any ? OptionalLong.of(numbers[0]) : OptionalLong.empty(),
                o.contains(SearchReturnOption.MAX) && any ? OptionalLong.of(numbers[numbers.length - 1]) : OptionalLong.empty(),
                o.contains(SearchReturnOption.COUNT) ? OptionalLong.of(numbers.length) : OptionalLong.empty(),
                o.contains(SearchReturnOption.ALL) && any ? Optional.of(SequenceSet.of(numbers)) : Optional.empty(),
                modSeq, MessageCommands.partial(so.partial(), numbers), List.of());
    }

    /** The positions of the view (ascending) in the order the criteria give: a live sorted result sorted again. */
    int[] order(SelectedMailbox sel, MailboxIndex view, int[] positions, List<SortCriterion> criteria) {
        return MessageSorter.sort(messages(sel, view, positions, criteria), criteria);
    }

    void thread(Connection c, ImapSession s, SelectedMailbox sel, ImapCommand.ThreadCommand th) {
        MailboxIndex view = sel.view();
        boolean shareable = MessageSearch.shareable(th.key(), sel);
        ThreadRequest request = new ThreadRequest(th.algorithm(), th.key(), th.uid());
        String text = shareable ? (String) cache.answer(sel.mailboxId, view, request).orElse(null) : null;
        long highestModSeq = 0;
        if (text == null) {
            MailboxIndex.Matches hits = MessageSearch.run(sel, th.key(), spool);
            List<SortMessage> messages = messages(sel, view, hits.positions(), true, true);
            ThreadTree tree = th.algorithm() == ThreadAlgorithm.REFERENCES ? Threader.references(messages)
                    : Threader.orderedSubject(messages);
            StringBuilder out = new StringBuilder(messages.size() * 8);
            tree.write(out, p -> th.uid() ? view.uid(p) : p + 1L);
            text = out.toString();
            highestModSeq = hits.highestModSeq();
            if (shareable) {
                cache.remember(sel.mailboxId, view, request, text, text.length());
            }
        }
        boolean modSeqs = th.key().usesModSeq();
        if (modSeqs) {
            s.enabled.add("CONDSTORE");
        }
        c.write(ImapResponses.thread(text, modSeqs ? OptionalLong.of(highestModSeq) : OptionalLong.empty()));
    }

    /**
     * The messages at some positions of the view, with their header keys when the criteria need them. DATE takes the
     * sent date from the index (as Cyrus takes it from cyrus.index); only messages stored before it was kept there
     * have their keys read for it.
     */
    private List<SortMessage> messages(SelectedMailbox sel, MailboxIndex view, int[] positions, boolean headers,
                                       boolean dates) {
        long[] internal = new long[positions.length];
        long[] sent = new long[positions.length];
        long[] sizes = new long[positions.length];
        view.dates(positions, internal, sent, sizes);
        SortFields[] fields = null;
        if (headers) {
            List<IndexRow> rows = new ArrayList<>(positions.length);
            for (int p : positions) {
                rows.add(view.row(p));
            }
            fields = cache.fields(sel.mailboxId, sel.uidValidity, sel.partition, view, rows);
        } else if (dates) {
            List<Integer> undated = new ArrayList<>();
            for (int i = 0; i < positions.length; i++) {
                if (sent[i] == IndexRow.NO_SENT_DATE) {
                    undated.add(i);
                }
            }
            if (!undated.isEmpty()) {
                SortFields[] some = cache.fields(sel.mailboxId, sel.uidValidity, sel.partition, view,
                        undated.stream().map(i -> view.row(positions[i])).toList());
                fields = new SortFields[positions.length];
                for (int k = 0; k < some.length; k++) {
                    fields[undated.get(k)] = some[k];
                }
            }
        }
        List<SortMessage> out = new ArrayList<>(positions.length);
        for (int i = 0; i < positions.length; i++) {
            SortFields f = fields == null || fields[i] == null ? SortFields.EMPTY : fields[i];
            out.add(new SortMessage(positions[i], internal[i],
                    sent[i] != IndexRow.NO_SENT_DATE ? sent[i] : f.sentDateOr(internal[i]), sizes[i], f));
        }
        return out;
    }

    /** The messages SORT orders by these criteria: header keys only for those that compare header text. */
    private List<SortMessage> messages(SelectedMailbox sel, MailboxIndex view, int[] positions,
                                       List<SortCriterion> criteria) {
        boolean headers = criteria.stream().anyMatch(k -> k.key() != SortCriterion.Key.ARRIVAL
                && k.key() != SortCriterion.Key.SIZE && k.key() != SortCriterion.Key.DATE);
        boolean dates = criteria.stream().anyMatch(k -> k.key() == SortCriterion.Key.DATE);
        return messages(sel, view, positions, headers, dates);
    }
}
