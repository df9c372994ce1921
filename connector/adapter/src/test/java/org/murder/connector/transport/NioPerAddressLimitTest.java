package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** A client address holds at most maxPerAddress connections; one closing makes room for the next. */
class NioPerAddressLimitTest {

    @Test
    void aThirdConnectionFromTheSameAddressIsRefusedUntilOneCloses() throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint();
        TransportSettings settings = new TransportSettings(new InetSocketAddress("127.0.0.1", 0), 100, Harness.MAX_LINE,
                Harness.MAX_LITERAL, Harness.MAX_FRAME, null, 256 * 1024, Long.MAX_VALUE,
                TransportSettings.DEFAULT_SHED_PERCENT, 2);
        try (Harness h = new Harness(endpoint, settings, 2);
             LineClient a = h.connect();
             LineClient b = h.connect()) {
            assertEquals(RecordingEndpoint.GREETING, a.readLine());
            assertEquals(RecordingEndpoint.GREETING, b.readLine());
            try (LineClient c = h.connect()) {
                assertTrue(c.readLine().contains("Too many connections"), "the third is told why");
            }
            a.close();
            long deadline = System.currentTimeMillis() + 10_000;
            String greeting = null;
            while (System.currentTimeMillis() < deadline) {
                try (LineClient d = h.connect()) {
                    greeting = d.readLine();
                    if (greeting.equals(RecordingEndpoint.GREETING)) {
                        break;
                    }
                }
                Thread.sleep(100);
            }
            assertEquals(RecordingEndpoint.GREETING, greeting, "room again once one closed");
        }
    }
}
