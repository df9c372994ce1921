package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.murder.connector.api.Connection;

/** A connection quiet for longer than its idle timeout is told (through the endpoint) and closed; input keeps it. */
class NioIdleTimeoutTest {

    @Test
    void aQuietConnectionIsClosedAndABusyOneIsNot() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        endpoint.onCommand = (c, cmd) -> {
            c.idleTimeout(Duration.ofSeconds(3));
            c.write(org.murder.protocol.mupdate.MupdateResponses.ok(cmd.tag(), "done"));
        };
        try (Harness h = new Harness(endpoint);
             LineClient quiet = h.connect();
             LineClient busy = h.connect()) {
            quiet.readLine();
            busy.readLine();
            quiet.send("Q1 NOOP\r\n");
            busy.send("B1 NOOP\r\n");
            assertEquals("Q1 OK \"done\"", quiet.readLine());
            assertEquals("B1 OK \"done\"", busy.readLine());
            Connection quietServer = endpoint.connectionOf(quiet);
            Connection busyServer = endpoint.connectionOf(busy);
            for (int i = 0; i < 6; i++) {
                Thread.sleep(1000);
                busy.send("B" + (i + 2) + " NOOP\r\n");
                busy.readLine();
            }
            assertTrue(endpoint.log(quietServer).awaitDisconnect(10), "the quiet one was closed");
            boolean eof;
            try {
                quiet.readLine();
                eof = false;
            } catch (EOFException | java.net.SocketException e) {
                eof = true;
            }
            assertTrue(eof, "the client sees the close");
            assertFalse(endpoint.log(busyServer).awaitDisconnect(0), "the busy one stays");
        }
    }
}
