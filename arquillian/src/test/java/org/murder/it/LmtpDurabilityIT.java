package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.murder.protocol.lmtp.Address;
import org.murder.protocol.lmtp.ForwardPath;
import org.murder.protocol.lmtp.LmtpClient;
import org.murder.protocol.lmtp.LmtpCommand;
import org.murder.protocol.lmtp.LmtpReply;
import org.murder.protocol.lmtp.ReversePath;

/**
 * A 250 survives {@code kill -9}. Arquillian's managed container cannot bring back a server killed under it,
 * so this test runs a WildFly of its own ({@link StandaloneNode}, started as {@code ./murder} starts one), every
 * port shifted (offset 5000, LMTP 7003, MUPDATE 8905) so it runs beside the Arquillian node and the benchmarks.
 * It uses the embedded H2 database, the default, hence {@code h2-only}: it runs once per build.
 *
 * <p>Several clients deliver a stream of messages to {@code alice} and {@code murder}, recording every
 * recipient that got 250; the server's JVM is killed with SIGKILL in the middle; after a restart every recorded
 * message must be in its mailbox's directory, byte for byte. Then more mail goes in: were a committed UID lost,
 * a new message would take its number and replace an acknowledged file. Last, the newest acknowledged message
 * is sent again: the duplicate record committed with it must still suppress it.</p>
 */
@Tag("h2-only")
@Timeout(900)
class LmtpDurabilityIT {

    /**
     * Clear of the Arquillian node (10000) and of bench/run.sh and bench/run-backend.sh (2xxxx); below the
     * kernel's ephemeral range (32768-60999 here): a port in it may already be some outgoing connection's local
     * port, and the server's bind would fail at random.
     */
    private static final int OFFSET = 5000;
    private static final int LMTP_PORT = 7003;
    private static final int MUPDATE_PORT = 8905;
    private static final Duration IO = Duration.ofSeconds(20);
    private static final int CLIENTS = 3;
    private static final int MAX_MESSAGES_PER_CLIENT = 3000;
    private static final int ACKS_BEFORE_KILL = 150;
    private static final ReversePath SENDER = ReversePath.of(Address.of("sender", "example.org"));
    private static final List<String> RECIPIENTS = List.of(MurderNode.USER, MurderNode.ADMIN);

    /** One recipient's 250 for one message. */
    private record Ack(String subject, String recipient, long seq) {
    }

    private final Path base = StandaloneNode.baseDir("durability");
    private final Map<String, byte[]> sent = new ConcurrentHashMap<>();

    @Test
    void everyAcknowledgedDeliverySurvivesKillMinusNine() throws Exception {
        // imapd.conf syntax, read with standalone.sh -P as ./murder does
        StandaloneNode server = StandaloneNode.in(base, OFFSET)
                .user(MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD)
                .user(MurderNode.USER, MurderNode.USER_PASSWORD)
                .setting("servername", "durability-node")
                .setting("admins", "murder")
                .setting("lmtp_port", Integer.toString(LMTP_PORT))
                .setting("mupdate_port", Integer.toString(MUPDATE_PORT))
                .setting("imap_port", Integer.toString(OFFSET + 1143))
                .setting("pop3_port", Integer.toString(OFFSET + 1110))
                .setting("autocreate_post", "yes")
                .setting("allowplaintext", "yes")
                .setting("http_port", "8080")
                .listener(MurderNode.HOST, LMTP_PORT)
                .prepare();
        try {
            server.start();
            String aliceBox = markerBox(MurderNode.USER, "before");
            String murderBox = markerBox(MurderNode.ADMIN, "before");
            Map<String, String> boxOf = Map.of(MurderNode.USER, aliceBox, MurderNode.ADMIN, murderBox);

            // ---- a stream of deliveries, killed in the middle
            ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger seq = new AtomicInteger();
            List<Thread> clients = new ArrayList<>();
            ConcurrentLinkedQueue<String> endings = new ConcurrentLinkedQueue<>();
            for (int w = 0; w < CLIENTS; w++) {
                int worker = w;
                Thread t = new Thread(() -> endings.add(stream(worker, stop, seq, acks)), "lmtp-stream-" + w);
                t.setDaemon(true);
                clients.add(t);
                t.start();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (acks.size() < ACKS_BEFORE_KILL && System.nanoTime() < deadline && clients.stream().anyMatch(Thread::isAlive)) {
                Thread.sleep(20);
            }
            assertTrue(acks.size() >= ACKS_BEFORE_KILL, "only " + acks.size() + " deliveries acknowledged; clients ended: "
                    + endings + "; " + server.logTail());
            Thread.sleep(new Random().nextInt(300));
            int ackedAtKill = acks.size();
            server.kill9();
            for (Thread t : clients) {
                t.join(60_000);
                assertFalse(t.isAlive(), "a client still runs a minute after the kill");
            }
            stop.set(true);
            List<Ack> acknowledged = List.copyOf(acks);
            System.out.println("durability: " + acknowledged.size() + " acknowledged (" + ackedAtKill + " when kill -9 was sent), "
                    + seq.get() + " messages started; clients ended: " + endings);

            // ---- the same directory, a new server
            server.start();
            Map<String, List<Path>> stored = SpoolFiles.bySubject(spool());
            checkAcknowledged(acknowledged, stored, boxOf, "after the restart");
            checkNothingTorn(stored);
            // the parsed facts of the last deliveries before the kill were still waiting to be written: FETCH
            // parses those files again
            checkEnvelopes(acknowledged.stream().filter(a -> a.recipient().equals(MurderNode.USER)).count());

            // ---- new mail must not take the number of an acknowledged message
            List<Ack> later = new ArrayList<>();
            try (LmtpClient c = connect()) {
                for (int i = 0; i < 40; i++) {
                    String subject = MurderNode.RUN + " durability after " + i;
                    byte[] m = SpoolFiles.message(subject, subject.replace(' ', '.') + "@it.example.org", "after the restart " + i);
                    sent.put(subject, m);
                    LmtpClient.Delivery d = c.deliver(LmtpCommand.Mail.of(SENDER), rcpts(), new ByteArrayInputStream(m));
                    for (int r = 0; r < RECIPIENTS.size(); r++) {
                        assertEquals(250, d.outcomes().get(r).code(), d::toString);
                        later.add(new Ack(subject, RECIPIENTS.get(r), -1));
                    }
                }
                // the last message acknowledged for alice again: its duplicate record was committed with it
                Ack newest = acknowledged.stream().filter(a -> a.recipient().equals(MurderNode.USER))
                        .reduce((first, second) -> second).orElseThrow();
                LmtpClient.Delivery again = c.deliver(LmtpCommand.Mail.of(SENDER),
                        List.of(LmtpCommand.Rcpt.of(ForwardPath.of(Address.local(MurderNode.USER)))),
                        new ByteArrayInputStream(sent.get(newest.subject())));
                assertEquals(250, again.outcomes().get(0).code(), again::toString);
                stored = SpoolFiles.bySubject(spool());
                long copies = stored.getOrDefault(newest.subject(), List.of()).stream()
                        .filter(p -> SpoolFiles.mailboxOf(p).equals(aliceBox)).count();
                assertEquals(1, copies, "the newest acknowledged message (" + newest.subject()
                        + ") sent again after the restart is stored once: " + stored.get(newest.subject()));
            }
            checkAcknowledged(acknowledged, stored, boxOf, "after 40 more deliveries");
            checkAcknowledged(later, stored, boxOf, "delivered after the restart");
            checkNothingTorn(stored);
        } finally {
            server.kill9();
        }
    }

    /** Every message in alice's INBOX answers FETCH ENVELOPE with the subject this test gave it. */
    private void checkEnvelopes(long atLeast) throws IOException {
        try (RawLineClient imap = new RawLineClient(MurderNode.HOST, OFFSET + 1143)) {
            imap.lineStartingWith("* OK");
            imap.send("a LOGIN " + MurderNode.USER + " " + MurderNode.USER_PASSWORD + "\r\n");
            assertTrue(imap.lineStartingWith("a ").startsWith("a OK"));
            imap.send("b EXAMINE INBOX\r\n");
            assertTrue(imap.lineStartingWith("b ").startsWith("b OK"));
            imap.send("c FETCH 1:* (ENVELOPE)\r\n");
            long envelopes = 0;
            String l;
            while ((l = imap.line()) != null && !l.startsWith("c ")) {
                assertTrue(l.matches("\\* \\d+ FETCH \\(ENVELOPE \\((NIL|\"[^\"]*\") \"" + MurderNode.RUN + " (durability|marker) .*"), l);
                envelopes++;
            }
            assertTrue(l != null && l.startsWith("c OK"), String.valueOf(l));
            assertTrue(envelopes >= atLeast, envelopes + " envelopes for " + atLeast + " acknowledged deliveries");
        }
    }

    private Path spool() {
        return base.resolve("data/murder/spool/default");
    }

    private static List<LmtpCommand.Rcpt> rcpts() {
        return RECIPIENTS.stream().map(r -> LmtpCommand.Rcpt.of(ForwardPath.of(Address.local(r)))).toList();
    }

    private static LmtpClient connect() throws IOException {
        LmtpClient c = new LmtpClient(MurderNode.HOST, LMTP_PORT, IO);
        assertEquals(220, c.greeting().code());
        assertEquals(250, c.lhlo("durability.example.org").code());
        return c;
    }

    /** One client's stream until the server dies (or the bound); returns how it ended. */
    private String stream(int worker, AtomicBoolean stop, AtomicInteger seq, ConcurrentLinkedQueue<Ack> acks) {
        Random random = new Random(worker);
        try (LmtpClient c = connect()) {
            for (int i = 0; i < MAX_MESSAGES_PER_CLIENT && !stop.get(); i++) {
                int n = seq.incrementAndGet();
                String subject = MurderNode.RUN + " durability " + worker + "/" + i;
                // mostly small, every tenth 60-180 KB, so the kill may land in a long write
                int lines = i % 10 == 9 ? 1500 + random.nextInt(3000) : 1 + random.nextInt(40);
                String[] body = new String[lines];
                for (int l = 0; l < lines; l++) {
                    body[l] = (l % 7 == 0 ? "." : "") + "message " + n + " line " + l + " " + Long.toHexString(random.nextLong());
                }
                byte[] m = SpoolFiles.message(subject, subject.replace(' ', '.').replace('/', '-') + "@it.example.org", body);
                sent.put(subject, m);
                LmtpClient.Delivery d = c.deliver(LmtpCommand.Mail.of(SENDER), rcpts(), new ByteArrayInputStream(m));
                for (int r = 0; r < RECIPIENTS.size(); r++) {
                    LmtpReply reply = d.outcomes().get(r);
                    if (reply.code() == 250) {
                        acks.add(new Ack(subject, RECIPIENTS.get(r), n));
                    } else {
                        return "worker " + worker + ": " + RECIPIENTS.get(r) + " got " + reply;
                    }
                }
            }
            return "worker " + worker + ": bound reached";
        } catch (IOException e) {
            return "worker " + worker + ": " + e.getClass().getSimpleName() + " " + e.getMessage();
        } catch (RuntimeException e) {
            return "worker " + worker + ": " + e;
        }
    }

    private void checkAcknowledged(List<Ack> acks, Map<String, List<Path>> stored, Map<String, String> boxOf, String when) {
        List<String> problems = new ArrayList<>();
        for (Ack a : acks) {
            List<Path> inBox = stored.getOrDefault(a.subject(), List.of()).stream()
                    .filter(p -> SpoolFiles.mailboxOf(p).equals(boxOf.get(a.recipient()))).toList();
            if (inBox.size() != 1) {
                problems.add(a + ": " + inBox.size() + " files in mailbox " + boxOf.get(a.recipient()) + " "
                        + stored.getOrDefault(a.subject(), List.of()));
                continue;
            }
            String bad = SpoolFiles.mismatch(inBox.get(0), sent.get(a.subject()));
            if (bad != null) {
                problems.add(a + ": " + bad);
            }
        }
        assertTrue(problems.isEmpty(), () -> problems.size() + " of " + acks.size() + " acknowledged deliveries wrong "
                + when + ":\n" + String.join("\n", problems.subList(0, Math.min(20, problems.size()))));
    }

    /** Every file in a mailbox directory is a whole message (a delivery in flight may or may not be there). */
    private void checkNothingTorn(Map<String, List<Path>> stored) {
        int files = 0;
        for (Path p : SpoolFiles.all(spool())) {
            files++;
            String subject = SpoolFiles.subjectOf(p);
            byte[] original = subject == null ? null : sent.get(subject);
            if (subject != null && subject.contains(" marker ")) {
                continue;
            }
            assertNotNull(original, () -> p + " is no message this test sent (subject " + subject + ")");
            assertNull(SpoolFiles.mismatch(p, original));
        }
        assertTrue(files > 0);
    }

    private String markerBox(String user, String when) throws IOException {
        String subject = MurderNode.RUN + " marker " + user + " " + when;
        byte[] m = SpoolFiles.message(subject, subject.replace(' ', '.') + "@it.example.org", "marker");
        try (LmtpClient c = connect()) {
            LmtpClient.Delivery d = c.deliver(LmtpCommand.Mail.of(SENDER),
                    List.of(LmtpCommand.Rcpt.of(ForwardPath.of(Address.local(user)))), new ByteArrayInputStream(m));
            assertEquals(250, d.outcomes().get(0).code(), d::toString);
        }
        List<Path> files = SpoolFiles.withSubject(spool(), subject);
        assertEquals(1, files.size(), files::toString);
        return SpoolFiles.mailboxOf(files.get(0));
    }
}
