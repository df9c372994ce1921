package org.murder.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.murder.protocol.imap.command.SortCriterion;
import org.murder.protocol.imap.sort.MessageSorter;
import org.murder.protocol.imap.sort.SortFields;
import org.murder.protocol.imap.sort.SortMessage;
import org.murder.store.MessageStore.IndexRow;

/**
 * Not a test: a timing harness for {@link SortFieldsCache} on a mailbox shaped like SortBench's (100,000 messages in
 * threads of about five, 3,000 senders), the database replaced by a map of stored forms. It prints how long the first
 * look at the keys takes (the bulk read's strings parsed), a later SORT's look, a sort by DATE and by SUBJECT over
 * them, and the heap the kept keys take. Run it (after {@code mvn test-compile -pl ejb -am}) with
 * {@code java -cp ejb/target/test-classes:ejb/target/classes:protocol/target/classes:<mime4j> ...SortFieldsCacheTiming [n]}.
 */
public final class SortFieldsCacheTiming {

    private SortFieldsCacheTiming() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Map<Long, String> stored = new HashMap<>();
        List<IndexRow> rows = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            rows.add(new IndexRow(i + 1_000_000L, i, i, MessageFlags.of(false, false, false, false, false, List.of()),
                    1000, Instant.ofEpochSecond(1_700_000_000L + i)));
            stored.put((long) i, message(i).serialize());
        }
        MailboxIndex view = MailboxIndex.of(rows, n);
        Path root = Files.createTempDirectory("sort-timing");
        for (int round = 1; round <= 5; round++) {
            SortFieldsCache cache = new SortFieldsCache();
            cache.spool = new Spool(Map.of("default", root));
            cache.caches = new MessageCaches();
            cache.files = new SortKeyFiles(cache.spool);
            cache.store = new MessageStore() {
                @Override
                public Map<Long, String> sortFields(long mailboxId, long lowUid, long highUid, int wanted) {
                    Map<Long, String> copy = new HashMap<>(stored.size() * 2);
                    stored.forEach((uid, s) -> copy.put(uid, new String(s))); // as the database hands out new strings
                    return copy;
                }
            };
            long heapBefore = heap();
            long t0 = System.nanoTime();
            SortFields[] first = cache.fields(1, 1, "default", view, rows);
            long t1 = System.nanoTime();
            SortFields[] again = cache.fields(1, 1, "default", view, rows);
            long t2 = System.nanoTime();
            List<SortMessage> messages = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                messages.add(new SortMessage(i, rows.get(i).internalDate().getEpochSecond(), 1000, again[i]));
            }
            long t3 = System.nanoTime();
            MessageSorter.sort(messages, List.of(new SortCriterion(SortCriterion.Key.DATE, false)));
            long t4 = System.nanoTime();
            MessageSorter.sort(messages, List.of(new SortCriterion(SortCriterion.Key.SUBJECT, false)));
            long t5 = System.nanoTime();
            messages = null;
            first = null;
            again = null;
            long held = heap() - heapBefore;
            System.out.printf("round %d: first look %.0f ms, later look %.0f ms, sort DATE %.0f ms, SUBJECT %.0f ms;"
                            + " kept keys ~%.1f MB heap%n", round, ms(t1 - t0), ms(t2 - t1), ms(t4 - t3), ms(t5 - t4),
                    held / 1e6);
            try {
                System.out.printf("  the cache's own estimate: %.1f MB%n", cache.heldBytes() / 1e6); // keeps it reachable
            } catch (NoSuchMethodError before) {
                System.out.println("  (no estimate: " + cache.hashCode() + ")");
            }
        }
    }

    /** As SortBench's generator: threads of about five, Re:/Fwd: replies, 3,000 senders, dates in many zones. */
    private static SortFields message(int i) {
        Random r = new Random(0x5eed_0000L + i);
        int thread = i < 20 ? i : r.nextInt(Math.max(1, i / 5));
        Random t = new Random(0x7423_0000L + thread);
        String base = WORDS[t.nextInt(WORDS.length)] + " " + WORDS[t.nextInt(WORDS.length)] + " #" + thread;
        boolean root = thread == i || r.nextInt(8) == 0;
        String prefix = root ? "" : r.nextInt(10) == 0 ? "Fwd: " : r.nextInt(4) == 0 ? "RE: " : "Re: ";
        int sender = r.nextInt(3000);
        ZonedDateTime date = Instant.ofEpochSecond(1_420_070_400L + (long) (r.nextDouble() * 315_360_000L))
                .atZone(ZoneOffset.ofHours(r.nextInt(25) - 12));
        Map<String, String> f = new HashMap<>();
        f.put("from", "\"Name " + sender + "\" <user." + sender + "@example.org>");
        f.put("to", "list@sort.bench.example");
        f.put("subject", prefix + base);
        f.put("date", DateTimeFormatter.RFC_1123_DATE_TIME.format(date));
        f.put("message-id", "<" + i + "@sort.bench.example>");
        if (!root) {
            f.put("in-reply-to", "<" + thread + "@sort.bench.example>");
            f.put("references", "<" + thread + "@sort.bench.example>");
        }
        return SortFields.of(f);
    }

    private static final String[] WORDS = {"meeting", "report", "budget", "release", "question", "update", "plan",
        "review", "invoice", "travel"};

    private static long heap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
