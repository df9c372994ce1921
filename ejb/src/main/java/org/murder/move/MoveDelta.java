package org.murder.move;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one pass must do to bring a mailbox's copy up to its source (docs/moves.md), from what the copy holds (UID →
 * MODSEQ), the UIDs the source has ({@code UID SEARCH ALL}) and what changed there since the last pass ({@code UID
 * FETCH 1:* (FLAGS MODSEQ) (CHANGEDSINCE n)}, which names new messages too).
 *
 * @param fetch   UIDs to copy with their bodies, ascending
 * @param flags   UIDs the copy has whose flags or MODSEQ changed, with the source's
 * @param expunge UIDs the copy has and the source no longer does, ascending
 */
public record MoveDelta(List<Long> fetch, Map<Long, Change> flags, List<Long> expunge) {

    /** One message's flags and MODSEQ at the source. */
    public record Change(List<String> flags, long modSeq) {
    }

    public MoveDelta {
        fetch = List.copyOf(fetch);
        flags = Map.copyOf(flags);
        expunge = List.copyOf(expunge);
    }

    public static MoveDelta plan(Map<Long, Long> copy, Set<Long> sourceUids, Map<Long, Change> changed) {
        TreeSet<Long> atSource = new TreeSet<>(sourceUids);
        // a message added after the SEARCH shows in the FETCH: it is at the source too
        atSource.addAll(changed.keySet());
        List<Long> fetch = new ArrayList<>();
        for (long uid : atSource) {
            if (!copy.containsKey(uid)) {
                fetch.add(uid);
            }
        }
        Map<Long, Change> flags = new TreeMap<>();
        changed.forEach((uid, change) -> {
            Long have = copy.get(uid);
            if (have != null && have != change.modSeq()) {
                flags.put(uid, change);
            }
        });
        List<Long> expunge = new ArrayList<>();
        new TreeSet<>(copy.keySet()).forEach(uid -> {
            if (!atSource.contains(uid)) {
                expunge.add(uid);
            }
        });
        return new MoveDelta(fetch, flags, expunge);
    }

    /** How much this pass does: a pass over a quiet source does (almost) nothing, and then the move freezes it. */
    public int size() {
        return fetch.size() + flags.size() + expunge.size();
    }
}
