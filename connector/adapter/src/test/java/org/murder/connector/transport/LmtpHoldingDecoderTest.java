package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.murder.connector.api.LmtpListener;

/** What a client pipelines after DATA waits for the server's answer, then is read as a message or as commands. */
class LmtpHoldingDecoderTest {

    private static final String TRANSACTION = "MAIL FROM:<a@b>\r\nRCPT TO:<alice>\r\nDATA\r\n"
            + "Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n";

    private final List<String> items = new ArrayList<>();
    private final ByteArrayOutputStream message = new ByteArrayOutputStream();
    private final InputDecoder decoder = new LmtpBinding().newDecoder(new TransportSettings(
            new InetSocketAddress("127.0.0.1", 0), 10, 1000, 1000, 1000, null, 1 << 16));

    private final InputDecoder.Sink sink = new InputDecoder.Sink() {
        @Override
        public void item(Object item) {
            if (item instanceof LmtpBinding.Line l) {
                items.add(l.text());
            } else if (item instanceof LmtpBinding.Chunk c) {
                message.writeBytes(c.bytes());
            } else if (item instanceof LmtpBinding.End e) {
                items.add("<end " + e.size() + ">");
            } else {
                items.add(item.toString());
            }
        }

        @Override
        public void bad(String tag, String reason) {
            items.add("bad " + reason);
        }

        @Override
        public void writeNow(byte[] bytes) {
        }
    };

    private void feed(String s) {
        decoder.decode(ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)), sink);
    }

    @Test
    void afterA354TheHeldBytesAreTheMessage() {
        feed(TRANSACTION);
        assertEquals(List.of("MAIL FROM:<a@b>", "RCPT TO:<alice>", "DATA"), items, "nothing after DATA yet");
        decoder.signal(LmtpListener.START_DATA);
        decoder.signal(LmtpBinding.DATA_ANSWERED);
        assertEquals(List.of("MAIL FROM:<a@b>", "RCPT TO:<alice>", "DATA", "<end 20>", "QUIT"), items);
        assertEquals("Subject: x\r\n\r\nbody\r\n", message.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void afterARefusalTheHeldBytesAreCommands() {
        feed(TRANSACTION);
        decoder.signal(LmtpBinding.DATA_ANSWERED);
        assertEquals(List.of("MAIL FROM:<a@b>", "RCPT TO:<alice>", "DATA", "Subject: x", "", "body", ".", "QUIT"), items);
    }

    @Test
    void bytesArrivingWhileHeldKeepTheirOrderAndASecondTransactionHoldsAgain() {
        feed("MAIL FROM:<a@b>\r\nRCPT TO:<alice>\r\nDATA\r\nSubj");
        feed("ect: x\r\n\r\none\r\n.\r\nMAIL FROM:<c@d>\r\nRCPT TO:<bob>\r\nDATA\r\ntwo\r\n.\r\n");
        decoder.signal(LmtpListener.START_DATA);
        assertEquals(List.of("MAIL FROM:<a@b>", "RCPT TO:<alice>", "DATA", "<end 19>", "MAIL FROM:<c@d>", "RCPT TO:<bob>",
                "DATA"), items);
        decoder.signal(LmtpListener.START_DATA);
        assertEquals("<end 5>", items.get(items.size() - 1));
        assertEquals("Subject: x\r\n\r\none\r\ntwo\r\n", message.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void aClientThatWaitsForThe354IsReadAsBefore() {
        feed("DATA\r\n");
        decoder.signal(LmtpListener.START_DATA);
        decoder.signal(LmtpBinding.DATA_ANSWERED);
        feed("hi\r\n.\r\nNOOP\r\n");
        assertEquals(List.of("DATA", "<end 4>", "NOOP"), items);
    }

    @Test
    void pastTheBoundHeldInputIsReadAsCommands() {
        feed("DATA\r\n");
        String line = "x".repeat(998) + "\r\n";
        StringBuilder lots = new StringBuilder();
        while (lots.length() <= LmtpBinding.MAX_HELD) {
            lots.append(line);
        }
        feed(lots.toString());
        assertEquals("DATA", items.get(0));
        assertEquals(true, items.size() > 1000, "released as command lines: " + items.size());
    }
}
