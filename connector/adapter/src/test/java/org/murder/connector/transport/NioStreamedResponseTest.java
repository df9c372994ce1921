package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.murder.connector.api.Connection;
import org.murder.connector.api.ResponseProducer;
import org.murder.protocol.mupdate.MupdateCommand;
import org.murder.protocol.mupdate.MupdateResponses;

/**
 * A long response streamed with {@link Connection#stream}: produced only as fast as the client reads, holding no
 * worker while the client does not read, keeping the connection's commands in order, released when the client
 * goes.
 */
class NioStreamedResponseTest {

    private static final int HIGH_WATER = 64 * 1024;
    private static final int PART = 16 * 1024;

    /** {@code parts} lines of PART bytes, then the tagged OK. */
    private static final class Lines implements ResponseProducer {
        final String tag;
        final int parts;
        final AtomicInteger produced = new AtomicInteger();
        final CountDownLatch abandoned = new CountDownLatch(1);

        Lines(String tag, int parts) {
            this.tag = tag;
            this.parts = parts;
        }

        @Override
        public boolean produce(Connection c) {
            int n = produced.incrementAndGet();
            if (n > parts) {
                c.write(MupdateResponses.ok(tag, "streamed"));
                return false;
            }
            byte[] line = new byte[PART];
            Arrays.fill(line, (byte) 'x');
            line[PART - 2] = '\r';
            line[PART - 1] = '\n';
            c.write(line);
            return true;
        }

        @Override
        public void abandon() {
            abandoned.countDown();
        }
    }

    @Test
    void aClientThatDoesNotReadStopsTheProducerAndHoldsNoWorker() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        Lines big = new Lines("B1", 2000); // 32 MB if produced whole
        endpoint.onCommand = (c, cmd) -> {
            if (cmd instanceof MupdateCommand.Find f && f.mailbox().equals("big")) {
                c.stream(big);
            } else {
                c.write(MupdateResponses.ok(cmd.tag(), "done"));
            }
        };
        // one worker: if the stalled stream held it, the second client would get no answer
        try (Harness h = new Harness(endpoint, Harness.settings(100, null, HIGH_WATER), 1);
             LineClient stalled = new LineClient(h.address(), 4096);
             LineClient other = h.connect()) {
            stalled.readLine();
            other.readLine();
            stalled.send("B1 FIND big\r\nB2 NOOP\r\n");
            Thread.sleep(1000);
            int soFar = big.produced.get();
            assertTrue(soFar < 2000, "the producer stopped: " + soFar + " parts");
            other.send("O1 NOOP\r\n");
            assertEquals("O1 OK \"done\"", other.readLine(), "another connection is served meanwhile");
            Thread.sleep(300);
            assertEquals(soFar, big.produced.get(), "nothing more is produced while the client does not read");

            int lines = 0;
            String line;
            while (!(line = stalled.readLine()).startsWith("B1 ")) {
                assertEquals(PART - 2, line.length());
                lines++;
            }
            assertEquals(2000, lines);
            assertEquals("B1 OK \"streamed\"", line);
            assertEquals("B2 OK \"done\"", stalled.readLine(), "the next command waited for the streamed one");
            assertEquals(0, endpoint.overlaps.get());
        }
    }

    @Test
    void aClientThatGoesMidResponseReleasesTheProducerAndIsToldGone() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        Lines big = new Lines("B1", 100_000);
        endpoint.onCommand = (c, cmd) -> c.stream(big);
        try (Harness h = new Harness(endpoint, Harness.settings(100, null, HIGH_WATER), 1)) {
            LineClient client = new LineClient(h.address(), 4096);
            client.readLine();
            client.send("B1 FIND big\r\n");
            Thread.sleep(500);
            Connection server = endpoint.connectionOf(client);
            client.close();
            assertTrue(big.abandoned.await(10, TimeUnit.SECONDS), "the producer was abandoned");
            assertTrue(endpoint.log(server).awaitDisconnect(10), "the endpoint heard of the disconnect");
            assertTrue(big.produced.get() < 100_000);
        }
    }

    @Test
    void aFastClientGetsTheWholeResponseInOrder() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        endpoint.onCommand = (c, cmd) -> c.stream(new Lines(cmd.tag(), 50));
        try (Harness h = new Harness(endpoint, Harness.settings(100, null, HIGH_WATER), 2);
             LineClient client = h.connect()) {
            client.readLine();
            client.send("A1 NOOP\r\nA2 NOOP\r\n");
            for (String tag : new String[] {"A1", "A2"}) {
                for (int i = 0; i < 50; i++) {
                    assertEquals(PART - 2, client.readLine().length());
                }
                assertEquals(tag + " OK \"streamed\"", client.readLine());
            }
        }
    }
}
