package org.murder.lmtp.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.murder.protocol.lmtp.Address;
import org.murder.protocol.lmtp.ForwardPath;
import org.murder.protocol.lmtp.LmtpCommand;
import org.murder.protocol.lmtp.LmtpReplies;
import org.murder.protocol.lmtp.ReversePath;

/** The frontend's LMTP transaction against real backends on sockets (see {@link TestLmtpServer}). */
class ProxyTransactionTest {

    private static final byte[] TRACE = "Received: from mx by frontend.test with LMTP\r\n".getBytes(StandardCharsets.US_ASCII);

    private TestLmtpServer be1;
    private TestLmtpServer be2;
    private BackendPool pool;
    private ScheduledExecutorService sweeper;

    @BeforeEach
    void start() throws IOException {
        be1 = new TestLmtpServer("be1");
        be2 = new TestLmtpServer("be2");
        pool(new SocketOpener(1 << 20), 4, Duration.ofSeconds(5));
    }

    private void pool(SocketOpener opener, int maxIdle, Duration timeout) {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        pool = new BackendPool(opener, maxIdle, Duration.ofMinutes(1), timeout);
        sweeper = Executors.newSingleThreadScheduledExecutor();
        sweeper.scheduleAtFixedRate(pool::sweep, 100, 100, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void stop() throws IOException {
        sweeper.shutdownNow();
        pool.close();
        be1.close();
        be2.close();
    }

    /** The client connection: what was written, and whether its input is held. */
    static final class Client implements ProxyTransaction.Client {
        private final StringBuilder written = new StringBuilder();
        private int read;
        volatile boolean held;

        @Override
        public synchronized void write(byte[] bytes) {
            written.append(new String(bytes, StandardCharsets.UTF_8));
        }

        @Override
        public void holdInput() {
            held = true;
        }

        @Override
        public void releaseInput() {
            held = false;
        }

        /** What was written since the last call, once the client's input is no longer held. */
        String next() {
            await(() -> !held);
            synchronized (this) {
                String s = written.substring(read);
                read = written.length();
                return s;
            }
        }
    }

    static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static LmtpCommand.Mail mail() {
        return new LmtpCommand.Mail(ReversePath.of(Address.of("sender", "example.org")), java.util.Map.of("BODY", "8BITMIME"));
    }

    private static LmtpCommand.Rcpt rcpt(String address) {
        return LmtpCommand.Rcpt.of(ForwardPath.of(Address.of(address.substring(0, address.indexOf('@')), address.substring(address.indexOf('@') + 1))));
    }

    private static List<String> lines(String replies) {
        List<String> out = new ArrayList<>();
        for (String l : replies.split("\r\n")) {
            if (!l.isEmpty()) {
                out.add(l);
            }
        }
        return out;
    }

    /** Sends the body in pieces of {@code piece} bytes, then the end. */
    private static String body(ProxyTransaction tx, Client client, String body, int piece) {
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < b.length; i += piece) {
            await(() -> !client.held);
            tx.chunk(java.util.Arrays.copyOfRange(b, i, Math.min(b.length, i + piece)));
        }
        await(() -> !client.held);
        tx.end(false, LmtpReplies.messageTooLarge(10));
        return client.next();
    }

    @Test
    void recipientsOnTwoBackendsGetOneTransactionEachAndRepliesInTheClientsOrder() {
        Client client = new Client();
        ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, TRACE);
        tx.rcpt(be1.profile(), rcpt("alice@example.org"));
        assertEquals("250 2.1.5 Ok\r\n", client.next());
        tx.rcpt(be2.profile(), rcpt("bob@example.org"));
        assertEquals("250 2.1.5 Ok\r\n", client.next());
        tx.rcpt(be1.profile(), rcpt("carol@example.org"));
        assertEquals("250 2.1.5 Ok\r\n", client.next());
        tx.data();
        assertEquals("354 go ahead\r\n".substring(0, 4), client.next().substring(0, 4));
        String body = "Subject: hi\r\n\r\n.leading dot\r\nline\r\n..two dots\r\nlast";
        List<String> replies = lines(body(tx, client, body, 3));
        assertEquals(List.of("250 2.1.5 Ok SESSIONID=<alice@example.org>", "250 2.1.5 Ok SESSIONID=<bob@example.org>",
                "250 2.1.5 Ok SESSIONID=<carol@example.org>"), replies);
        String expected = new String(TRACE, StandardCharsets.US_ASCII) + body + "\r\n";
        assertEquals(List.of(expected), be1.messages);
        assertEquals(List.of(expected), be2.messages);
        assertTrue(be1.commands.contains("MAIL FROM:<sender@example.org> BODY=8BITMIME"), be1.commands.toString());
        assertTrue(tx.done());
    }

    @Test
    void aBackendsRefusalReachesTheClientAtRcptTimeFourXxAndFiveXxAsTheyAre() {
        be1.rcptReply = a -> a.startsWith("nobody") ? "550 5.1.1 User unknown"
                : a.startsWith("full") ? "452 4.2.2 Over quota" : "250 2.1.5 Ok";
        Client client = new Client();
        ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, TRACE);
        tx.rcpt(be1.profile(), rcpt("nobody@example.org"));
        assertEquals("550 5.1.1 User unknown\r\n", client.next());
        tx.rcpt(be1.profile(), rcpt("full@example.org"));
        assertEquals("452 4.2.2 Over quota\r\n", client.next());
        assertFalse(tx.hasRecipients());
        tx.rcpt(be1.profile(), rcpt("alice@example.org"));
        assertEquals("250 2.1.5 Ok\r\n", client.next());
        tx.data();
        client.next();
        assertEquals(List.of("250 2.1.5 Ok SESSIONID=<alice@example.org>"), lines(body(tx, client, "x", 100)));
    }

    @Test
    void perRecipientDataRepliesTemporaryAndPermanentArePassedOnInOrder() {
        be1.dataReply = a -> a.startsWith("full") ? "452 4.2.2 Over quota" : a.startsWith("gone") ? "550 5.2.1 Mailbox disabled" : "250 2.1.5 Ok";
        Client client = new Client();
        ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, TRACE);
        for (String a : List.of("full@x", "alice@x", "gone@x")) {
            tx.rcpt(be1.profile(), rcpt(a));
            client.next();
        }
        tx.data();
        client.next();
        assertEquals(List.of("452 4.2.2 Over quota", "250 2.1.5 Ok", "550 5.2.1 Mailbox disabled"),
                lines(body(tx, client, "hello", 2)));
    }

    @Test
    void aBackendThatIsDownGivesItsRecipients451AndTheOthersAreDelivered() throws IOException {
        InetSocketAddress nothing;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothing = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
        BackendProfile down = BackendProfile.plain("be3", nothing, "frontend.test");
        Client client = new Client();
        ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, TRACE);
        tx.rcpt(down, rcpt("dave@x"));
        assertEquals("451 4.4.3 Remote server unavailable\r\n", client.next());
        tx.rcpt(be1.profile(), rcpt("alice@x"));
        assertEquals("250 2.1.5 Ok\r\n", client.next());
        tx.rcpt(down, rcpt("erin@x"));
        assertEquals("451 4.4.3 Remote server unavailable\r\n", client.next());
        tx.data();
        client.next();
        assertEquals(List.of("250 2.1.5 Ok SESSIONID=<alice@x>"), lines(body(tx, client, "hello", 10)));
    }

    @Test
    void aBackendThatBreaksAfterTheMessageGivesItsRecipients451AndTheOtherBackendDelivers() {
        be2.afterData = TestLmtpServer.AfterData.CLOSE;
        Client client = new Client();
        ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, TRACE);
        for (String a : List.of("alice@x", "bob@x", "carol@x")) {
            tx.rcpt(a.equals("bob@x") ? be2.profile() : be1.profile(), rcpt(a));
            assertEquals("250 2.1.5 Ok\r\n", client.next());
        }
        tx.data();
        client.next();
        assertEquals(List.of("250 2.1.5 Ok SESSIONID=<alice@x>", "451 4.4.3 Remote server unavailable",
                "250 2.1.5 Ok SESSIONID=<carol@x>"), lines(body(tx, client, "hello\r\n", 1)));
        await(() -> pool.openCount() == 1); // be2's broken connection is not kept
        assertEquals(1, pool.idleCount("be1"));
    }

    @Test
    void aBackendSilentPastTheTimeoutGivesItsRecipients451() {
        pool(new SocketOpener(1 << 20), 4, Duration.ofMillis(500));
        be2.afterData = TestLmtpServer.AfterData.SILENT;
        Client client = new Client();
        ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, TRACE);
        tx.rcpt(be2.profile(), rcpt("bob@x"));
        client.next();
        tx.rcpt(be1.profile(), rcpt("alice@x"));
        client.next();
        tx.data();
        client.next();
        assertEquals(List.of("451 4.4.3 Remote server unavailable", "250 2.1.5 Ok SESSIONID=<alice@x>"),
                lines(body(tx, client, "hello", 5)));
    }

    @Test
    void aBackendThatRefusesMailFromGivesThatRefusalToItsRecipients() {
        be1.mailReply = "552 5.3.4 Message size exceeds fixed limit";
        Client client = new Client();
        ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, TRACE);
        tx.rcpt(be1.profile(), rcpt("alice@x"));
        assertEquals("552 5.3.4 Message size exceeds fixed limit\r\n", client.next());
        tx.rcpt(be1.profile(), rcpt("carol@x"));
        assertEquals("552 5.3.4 Message size exceeds fixed limit\r\n", client.next());
        assertFalse(tx.hasRecipients());
    }

    @Test
    void localRecipientsKeepTheirPlaceAmongRemoteOnes() {
        Client client = new Client();
        ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, TRACE);
        int first = tx.addLocal();
        tx.rcpt(be1.profile(), rcpt("alice@x"));
        client.next();
        int third = tx.addLocal();
        tx.data();
        client.next();
        tx.chunk("hi".getBytes(StandardCharsets.US_ASCII));
        tx.end(false, new byte[0]);
        tx.localReply(third, "250 2.1.5 Ok local3\r\n".getBytes(StandardCharsets.US_ASCII));
        tx.localReply(first, "452 4.2.2 Over quota\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of("452 4.2.2 Over quota", "250 2.1.5 Ok SESSIONID=<alice@x>", "250 2.1.5 Ok local3"),
                lines(client.next()));
    }

    @Test
    void aMessageOverTheSizeLimitIsNotDeliveredTruncated() {
        Client client = new Client();
        ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, TRACE);
        tx.rcpt(be1.profile(), rcpt("alice@x"));
        client.next();
        tx.data();
        client.next();
        tx.chunk("part of a big message\r\n".getBytes(StandardCharsets.US_ASCII));
        tx.end(true, LmtpReplies.messageTooLarge(10));
        assertEquals(new String(LmtpReplies.messageTooLarge(10), StandardCharsets.US_ASCII), client.next());
        await(() -> pool.openCount() == 0);
        assertEquals(List.of(), be1.messages);
    }

    @Test
    void aBackendThatReadsSlowlyHoldsTheClientsInputAndTheMessageArrivesWhole() throws Exception {
        pool(new SocketOpener(8 * 1024), 4, Duration.ofSeconds(10));
        be1.readGate = new CountDownLatch(1);
        Client client = new Client();
        ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, new byte[0]);
        tx.rcpt(be1.profile(), rcpt("alice@x"));
        client.next();
        tx.data();
        client.next();
        StringBuilder body = new StringBuilder();
        String line = "0123456789".repeat(10) + "\r\n";
        boolean sawHold = false;
        for (int i = 0; i < 20_000; i++) {
            body.append(line);
        }
        byte[] all = body.toString().getBytes(StandardCharsets.US_ASCII);
        int at = 0;
        while (at < all.length) {
            if (client.held) {
                sawHold = true;
                be1.readGate.countDown(); // the backend reads again
                await(() -> !client.held);
            }
            int n = Math.min(4096, all.length - at);
            tx.chunk(java.util.Arrays.copyOfRange(all, at, at + n));
            at += n;
        }
        assertTrue(sawHold, "the client's input was held while the backend did not read");
        await(() -> !client.held);
        tx.end(false, new byte[0]);
        assertEquals(List.of("250 2.1.5 Ok SESSIONID=<alice@x>"), lines(client.next()));
        assertEquals(body.toString(), be1.messages.get(0));
    }

    @Test
    void aConnectionIsReusedAcrossTransactionsWithRsetAndLoggedInOnce() {
        for (int i = 0; i < 3; i++) {
            Client client = new Client();
            ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, TRACE);
            tx.rcpt(be1.profile(), rcpt("alice@x"));
            assertEquals("250 2.1.5 Ok\r\n", client.next());
            tx.data();
            client.next();
            assertEquals(1, lines(body(tx, client, "m" + i, 10)).size());
        }
        assertEquals(1, be1.connections.get());
        assertEquals(1, be1.lhlos.get());
        assertEquals(2, be1.rsets.get());
        assertEquals(3, be1.messages.size());
    }

    @Test
    void anAbortedTransactionLeavesAUsableConnection() {
        Client client = new Client();
        ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, TRACE);
        tx.rcpt(be1.profile(), rcpt("alice@x"));
        client.next();
        tx.abort(); // the client's RSET
        assertEquals(1, pool.idleCount("be1"));
        Client again = new Client();
        ProxyTransaction next = new ProxyTransaction(mail(), pool, again, TRACE);
        next.rcpt(be1.profile(), rcpt("bob@x"));
        again.next();
        next.data();
        again.next();
        assertEquals(List.of("250 2.1.5 Ok SESSIONID=<bob@x>"), lines(body(next, again, "x", 10)));
        assertEquals(1, be1.connections.get());
    }

    @Test
    void aPooledConnectionTheBackendDroppedIsReplacedUnnoticed() throws IOException {
        Client client = new Client();
        ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, TRACE);
        tx.rcpt(be1.profile(), rcpt("alice@x"));
        client.next();
        tx.abort();
        be1.dropConnections(); // a backend restart, or its idle timeout
        Client again = new Client();
        ProxyTransaction next = new ProxyTransaction(mail(), pool, again, TRACE);
        next.rcpt(be1.profile(), rcpt("bob@x"));
        assertEquals("250 2.1.5 Ok\r\n", again.next());
        assertEquals(2, be1.connections.get());
    }

    @Test
    void idleConnectionsAreBoundedPerBackend() {
        pool(new SocketOpener(1 << 20), 1, Duration.ofSeconds(5));
        List<ProxyTransaction> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Client client = new Client();
            ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, TRACE);
            tx.rcpt(be1.profile(), rcpt("alice@x"));
            client.next();
            open.add(tx);
        }
        assertEquals(3, be1.connections.get()); // three transactions at once: three connections
        open.forEach(ProxyTransaction::abort);
        assertEquals(1, pool.idleCount("be1"));
        await(() -> pool.openCount() == 1);
    }

    @Test
    void idleConnectionsAreClosedAfterTheIdleTime() {
        sweeper.shutdownNow();
        pool = new BackendPool(new SocketOpener(1 << 20), 4, Duration.ofMillis(200), Duration.ofSeconds(5));
        sweeper = Executors.newSingleThreadScheduledExecutor();
        sweeper.scheduleAtFixedRate(pool::sweep, 50, 50, TimeUnit.MILLISECONDS);
        Client client = new Client();
        ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, TRACE);
        tx.rcpt(be1.profile(), rcpt("alice@x"));
        client.next();
        tx.abort();
        assertEquals(1, pool.idleCount("be1"));
        await(() -> pool.openCount() == 0);
        await(() -> be1.commands.contains("QUIT"));
    }

    @Test
    void theFrontendAuthenticatesOnceAsTheProxyUserWithoutAnAuthorizationIdentity() {
        be1.plainUser = "proxy";
        be1.plainPassword = "secret";
        BackendProfile withLogin = new BackendProfile("be1", be1.address(), "frontend.test", false, "proxy", "secret",
                java.util.Set.of());
        for (int i = 0; i < 2; i++) {
            Client client = new Client();
            ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, TRACE);
            tx.rcpt(withLogin, rcpt("alice@x"));
            assertEquals("250 2.1.5 Ok\r\n", client.next());
            tx.data();
            client.next();
            assertEquals(1, lines(body(tx, client, "m", 10)).size());
        }
        assertEquals(List.of("proxy"), be1.authenticated);
    }

    @Test
    void aBackendThatRefusesTheProxyLoginGivesItsRecipients451() {
        be1.plainUser = "proxy";
        be1.plainPassword = "secret";
        BackendProfile wrong = new BackendProfile("be1", be1.address(), "frontend.test", false, "proxy", "wrong",
                java.util.Set.of());
        Client client = new Client();
        ProxyTransaction tx = new ProxyTransaction(mail(), pool, client, TRACE);
        tx.rcpt(wrong, rcpt("alice@x"));
        assertEquals("451 4.4.3 Remote server unavailable\r\n", client.next());
        await(() -> pool.openCount() == 0);
    }
}
