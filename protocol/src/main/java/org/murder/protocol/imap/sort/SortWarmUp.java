package org.murder.protocol.imap.sort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.murder.protocol.imap.command.SortCriterion;

/**
 * Runs SORT's and THREAD's code over made-up messages once, so that the JVM has compiled it before a client's first
 * SORT of a big mailbox — which otherwise runs it interpreted, for a few hundred milliseconds more than later ones.
 * Touches nothing but its own objects (the sort key file's form is written to and read from memory).
 */
public final class SortWarmUp {

    private SortWarmUp() {
    }

    /** Keys stored, read back, sorted by every key both ways and threaded both ways; returns how many were ordered. */
    public static long run(int messages) {
        Map<String, String> pool = new HashMap<>();
        UnaryOperator<String> shared = v -> {
            String kept = pool.putIfAbsent(v, v);
            return kept == null ? v : kept;
        };
        List<SortMessage> list = new ArrayList<>(messages);
        for (int i = 0; i < messages; i++) {
            int thread = i / 5;
            Map<String, String> h = new HashMap<>();
            h.put("subject", (i % 5 == 0 ? "" : "Re: ") + "warm-up " + (thread * 7919 % 1000));
            h.put("from", "\"Sender " + (i % 97) + "\" <s" + (i % 97) + "@warm-up.invalid>");
            h.put("to", "list@warm-up.invalid");
            h.put("date", "Thu, 1 Jan 2015 10:" + String.format("%02d", i % 60) + ":00 +0000");
            h.put("message-id", "<" + i + "@warm-up.invalid>");
            if (i % 5 != 0) {
                h.put("references", "<" + thread * 5 + "@warm-up.invalid>");
            }
            SortFields f = SortFields.deserialize(SortFields.of(h).serialize(), shared);
            list.add(new SortMessage(i, 1_420_000_000L + (i * 31L % messages), i % 4096, f));
        }
        // the sort key file's form, written and read back as the first SORT of a mailbox does
        List<SortKeyFileFormat.Keys> keys = new ArrayList<>(messages);
        for (SortMessage m : list) {
            keys.add(new SortKeyFileFormat.Keys(m.position() + 1L, m.fields()));
        }
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        file.writeBytes(SortKeyFileFormat.header(1));
        file.writeBytes(SortKeyFileFormat.segment(keys));
        long ordered = SortKeyFileFormat.read(java.nio.ByteBuffer.wrap(file.toByteArray()), 1, shared, (uid, f) -> { })
                .records() == messages ? 0 : -1;
        for (SortCriterion.Key key : SortCriterion.Key.values()) {
            ordered += MessageSorter.sort(list, List.of(new SortCriterion(key, false))).length;
            ordered += MessageSorter.sort(list, List.of(new SortCriterion(key, true), new SortCriterion(SortCriterion.Key.ARRIVAL, false))).length;
        }
        StringBuilder out = new StringBuilder();
        Threader.references(list).write(out, p -> p + 1L);
        Threader.orderedSubject(list).write(out, p -> p + 1L);
        return ordered + (out.length() > 0 ? 0 : -1);
    }
}
