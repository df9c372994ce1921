package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.murder.protocol.mupdate.MupdateCommand;
import org.murder.protocol.mupdate.MupdateResponses;

/** A paused connection's next commands wait (its current answer does not), and no worker waits with them. */
class NioPauseInputTest {

    @Test
    void commandsAfterAPauseWaitForItAndOthersDoNot() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        endpoint.onCommand = (c, cmd) -> {
            c.write(MupdateResponses.ok(cmd.tag(), "done"));
            if (cmd instanceof MupdateCommand.Find f && f.mailbox().equals("fail")) {
                c.pauseInput(Duration.ofSeconds(2));
            }
        };
        try (Harness h = new Harness(endpoint, Harness.settings(100, null, 256 * 1024), 1);
             LineClient paused = h.connect();
             LineClient other = h.connect()) {
            paused.readLine();
            other.readLine();
            long start = System.nanoTime();
            paused.send("P1 FIND fail\r\nP2 NOOP\r\n");
            assertEquals("P1 OK \"done\"", paused.readLine());
            other.send("O1 NOOP\r\n");
            assertEquals("O1 OK \"done\"", other.readLine(), "the only worker is free for others");
            assertTrue(System.nanoTime() - start < 1_500_000_000L, "others are served during the pause");
            assertEquals("P2 OK \"done\"", paused.readLine());
            long waited = System.nanoTime() - start;
            assertTrue(waited >= 1_900_000_000L, "the next command waited the pause: " + waited / 1_000_000 + " ms");
            assertTrue(waited < 5_000_000_000L, "and not much longer");
        }
    }
}
