package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.murder.connector.api.Connection;
import org.murder.connector.api.ImapListener;
import org.murder.connector.api.ProtocolListener;
import org.murder.protocol.imap.ImapParseResult;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.MessageLiteral;
import org.murder.protocol.wire.LiteralSpill;
import org.murder.protocol.wire.SpilledLiteral;

/** IMAP literals past the threshold go to files on a real listener; each file goes once its command is handled. */
class NioLiteralSpillTest {

    @TempDir
    Path dir;

    private ThreadPoolExecutor workers;
    private NioListener listener;
    private Thread selector;
    private final Endpoint endpoint = new Endpoint();

    /** Answers every command OK, noting what its message was and whether its file was there meanwhile. */
    static final class Endpoint implements ImapListener {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final List<SpilledLiteral> retained = new CopyOnWriteArrayList<>();
        volatile boolean retain;
        /** while set, APPENDs wait for it: commands pile up behind the running one */
        volatile java.util.concurrent.CountDownLatch gate;

        @Override
        public void onConnect(Connection c) {
            c.signalDecoder(ImapListener.AUTHENTICATED);
            c.write("* OK ready\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void onCommand(Connection c, ImapCommand command) {
            if (command instanceof ImapCommand.Append a) {
                java.util.concurrent.CountDownLatch g = gate;
                if (g != null) {
                    try {
                        g.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                MessageLiteral m = (MessageLiteral) a.messages().get(0).data();
                String where = m.file().map(f -> Files.exists(f.path()) ? "file" : "file missing").orElse("memory");
                try (InputStream in = m.openStream()) {
                    seen.add(where + " " + m.length() + " " + sha(in.readAllBytes()));
                } catch (IOException e) {
                    seen.add("unreadable " + e);
                }
                if (retain) {
                    m.file().ifPresent(f -> retained.add(f.retain()));
                }
            } else {
                seen.add(command.getClass().getSimpleName());
            }
            c.write((command.tag() + " OK done\r\n").getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void onRefused(Connection c, ImapParseResult refusal) {
            if (refusal instanceof ImapParseResult.Refused r) {
                c.write((r.tag() + " NO [" + r.responseCode().orElse("") + "] " + r.message() + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            } else {
                ImapParseResult.Malformed m = (ImapParseResult.Malformed) refusal;
                c.write((m.tag().orElse("*") + " BAD " + m.message() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
        }

        @Override
        public void onContinuation(Connection c, String line) {
        }

        @Override
        public void onBadInput(Connection c, String tag, String message) {
            c.write(((tag.isEmpty() ? "*" : tag) + " BAD " + message + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void onDisconnect(Connection c) {
        }
    }

    static String sha(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void start(LiteralSpill spill) throws IOException {
        TransportSettings settings = new TransportSettings(new InetSocketAddress("127.0.0.1", 0), 100, 8192, 8 << 20,
                1 << 20, null, 256 * 1024, Long.MAX_VALUE, 0, 0, Optional.of(spill));
        workers = new ThreadPoolExecutor(4, 4, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        listener = new NioListener(new ImapBinding(), settings, new EndpointSource() {
            @Override
            public ProtocolListener acquire() {
                return endpoint;
            }

            @Override
            public void release(ProtocolListener released) {
            }
        }, workers);
        selector = new Thread(listener);
        selector.setDaemon(true);
        selector.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (listener != null) {
            listener.stop();
            selector.join(10_000);
            workers.shutdownNow();
        }
    }

    private long files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private boolean noFiles() {
        try {
            return files() == 0;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] message(int size) {
        byte[] m = new byte[size];
        new Random(size).nextBytes(m);
        for (int i = 0; i < size; i++) {
            m[i] = m[i] == 0 ? (byte) 'x' : m[i];
        }
        return m;
    }

    private Socket client(BufferedReader[] reader) throws IOException {
        Socket s = new Socket("127.0.0.1", listener.localAddress().getPort());
        s.setSoTimeout(10_000);
        reader[0] = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        assertEquals("* OK ready", reader[0].readLine());
        return s;
    }

    @Test
    void aLargeAppendGoesToAFileThatIsGoneOnceTheCommandIsHandled() throws Exception {
        start(new LiteralSpill(dir, 64 * 1024));
        byte[] big = message(3 << 20);
        byte[] small = message(1000);
        BufferedReader[] in = new BufferedReader[1];
        try (Socket s = client(in)) {
            OutputStream out = s.getOutputStream();
            out.write(("a1 APPEND INBOX {" + big.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(big);
            out.write(("\r\na2 APPEND INBOX {" + small.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // the go-ahead is the transport's, at once; a1's answer comes from a worker: either may be first
            assertEquals(java.util.Set.of("a1 OK done", "+ go ahead"), java.util.Set.of(in[0].readLine(), in[0].readLine()));
            out.write(small);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("a2 OK done", in[0].readLine());
        }
        assertEquals(List.of("file " + big.length + " " + sha(big), "memory " + small.length + " " + sha(small)),
                endpoint.seen);
        await(this::noFiles, "the file to be deleted");
    }

    @Test
    void anEndpointThatRetainsTheFileKeepsItUntilItReleases() throws Exception {
        start(new LiteralSpill(dir, 1024));
        endpoint.retain = true;
        byte[] big = message(100_000);
        BufferedReader[] in = new BufferedReader[1];
        try (Socket s = client(in)) {
            s.getOutputStream().write(("a1 APPEND INBOX {" + big.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(big);
            s.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("a1 OK done", in[0].readLine());
        }
        SpilledLiteral kept = endpoint.retained.get(0);
        Thread.sleep(100);
        assertArrayEquals(big, Files.readAllBytes(kept.path()));
        kept.release();
        assertTrue(noFiles());
    }

    @Test
    void aClientThatHangsUpMidLiteralLeavesNoFile() throws Exception {
        start(new LiteralSpill(dir, 1024));
        BufferedReader[] in = new BufferedReader[1];
        try (Socket s = client(in)) {
            s.getOutputStream().write("a1 APPEND INBOX {1000000+}\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(message(200_000));
            s.getOutputStream().flush();
            await(() -> !noFiles(), "the literal's file");
        }
        await(this::noFiles, "the file of the cut-off literal to be deleted");
        assertEquals(List.of(), endpoint.seen);
    }

    @Test
    void aFullDiskAnswersNoAndTheConnectionGoesOn() throws Exception {
        start(new LiteralSpill(dir, 1024, file -> {
            throw new IOException("No space left on device");
        }));
        BufferedReader[] in = new BufferedReader[1];
        try (Socket s = client(in)) {
            OutputStream out = s.getOutputStream();
            out.write("a1 APPEND INBOX {5000}\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("a1 NO [SERVERBUG] Cannot store the literal now", in[0].readLine());
            out.write(("a2 APPEND INBOX {5000+}\r\n" + "x".repeat(5000) + "\r\na3 NOOP\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("a2 NO [SERVERBUG] Cannot store the literal now", in[0].readLine());
            assertEquals("a3 OK done", in[0].readLine());
        }
        assertEquals(List.of("Noop"), endpoint.seen);
    }

    @Test
    void aClientPipeliningBigAppendsIsReadNoFurtherWhileTwoWaitOnDisk() throws Exception {
        start(new LiteralSpill(dir, 1024));
        endpoint.gate = new java.util.concurrent.CountDownLatch(1);
        byte[] big = message(50_000);
        int n = 12;
        BufferedReader[] in = new BufferedReader[1];
        try (Socket s = client(in)) {
            OutputStream out = s.getOutputStream();
            for (int i = 1; i <= n; i++) {
                out.write(("a" + i + " APPEND INBOX {" + big.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(big);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            // the running command's file, the queued ones' and the one being read: never the whole pipeline
            await(() -> {
                try {
                    return files() >= NioConnection.MAX_QUEUED_SPILLED + 1;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, "the first literals on disk");
            Thread.sleep(500);
            assertTrue(files() <= NioConnection.MAX_QUEUED_SPILLED + 2, files() + " literal files for one connection");
            endpoint.gate.countDown();
            for (int i = 1; i <= n; i++) {
                assertEquals("a" + i + " OK done", in[0].readLine());
            }
        }
        assertEquals(n, endpoint.seen.size());
        for (String seen : endpoint.seen) {
            assertEquals("file " + big.length + " " + sha(big), seen);
        }
        await(this::noFiles, "every file to be deleted");
    }
}
