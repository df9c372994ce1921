package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.murder.connector.api.Connection;
import org.murder.protocol.mupdate.MupdateCommand;
import org.murder.protocol.mupdate.MupdateResponses;

/**
 * A held connection (a proxied command waiting for another server) dispatches nothing more until released, holds no
 * worker meanwhile, and a connection that closes while held is still told of its disconnect.
 */
class NioHoldInputTest {

    @Test
    void heldCommandsWaitForTheReleaseWithoutAWorker() throws Exception {
        AtomicReference<Connection> held = new AtomicReference<>();
        RecordingEndpoint endpoint = new RecordingEndpoint();
        endpoint.onCommand = (c, cmd) -> {
            if (cmd instanceof MupdateCommand.Find f && f.mailbox().equals("remote")) {
                c.holdInput(); // answered later, from another thread, as a backend's reply would be
                held.set(c);
            } else {
                c.write(MupdateResponses.ok(cmd.tag(), "done"));
            }
        };
        try (Harness h = new Harness(endpoint, Harness.settings(100, null, 256 * 1024), 1);
             LineClient proxied = h.connect();
             LineClient other = h.connect()) {
            proxied.readLine();
            other.readLine();
            proxied.send("P1 FIND remote\r\nP2 NOOP\r\n");
            other.send("O1 NOOP\r\n");
            assertEquals("O1 OK \"done\"", other.readLine(), "the only worker is free while P1 waits");
            proxied.socket().setSoTimeout(300);
            assertThrows(java.net.SocketTimeoutException.class, proxied::readLine, "P2 waits for P1's answer");
            proxied.socket().setSoTimeout(15_000);
            Connection c = held.get();
            c.write(MupdateResponses.ok("P1", "answered"));
            c.releaseInput();
            assertEquals("P1 OK \"answered\"", proxied.readLine());
            assertEquals("P2 OK \"done\"", proxied.readLine());
        }
    }

    @Test
    void aClientGoneWhileHeldIsStillDisconnected() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        endpoint.onCommand = (c, cmd) -> c.holdInput();
        try (Harness h = new Harness(endpoint)) {
            LineClient client = h.connect();
            client.readLine();
            Connection c = endpoint.connectionOf(client);
            client.send("P1 FIND remote\r\nP2 NOOP\r\n");
            Thread.sleep(200);
            client.close();
            assertTrue(endpoint.log(c).awaitDisconnect(5), "onDisconnect despite the hold");
        }
    }

    @Test
    void whenWritableRunsAtOnceOnAnIdleConnectionAndAfterTheClientReadsOtherwise() throws Exception {
        AtomicReference<Connection> conn = new AtomicReference<>();
        RecordingEndpoint endpoint = new RecordingEndpoint();
        endpoint.onCommand = (c, cmd) -> conn.set(c);
        try (Harness h = new Harness(endpoint, Harness.settings(100, null, 64 * 1024), 2);
             LineClient client = h.connect()) {
            client.readLine();
            client.send("A1 NOOP\r\n");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (conn.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Connection c = conn.get();
            CountDownLatch atOnce = new CountDownLatch(1);
            assertFalse(c.congested());
            c.whenWritable(atOnce::countDown);
            assertEquals(0, atOnce.getCount(), "nothing queued: at once");
            byte[] chunk = new byte[32 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            for (int i = 0; i < 200 && !c.congested(); i++) {
                c.write(chunk.clone());
            }
            assertTrue(c.congested(), "the client reads nothing: output passes the high-water mark");
            CountDownLatch later = new CountDownLatch(1);
            c.whenWritable(later::countDown);
            assertFalse(later.await(300, TimeUnit.MILLISECONDS), "not while the client does not read");
            byte[] sink = new byte[64 * 1024];
            java.io.InputStream in = client.socket().getInputStream();
            client.socket().setSoTimeout(100);
            long until = System.nanoTime() + 10_000_000_000L;
            while (later.getCount() > 0 && System.nanoTime() < until) {
                try {
                    in.read(sink); // the client reads what is queued
                } catch (java.net.SocketTimeoutException drained) {
                    // all read; the callback runs on a worker
                }
            }
            assertTrue(later.await(5, TimeUnit.SECONDS), "told once the output drained");
        }
    }
}
