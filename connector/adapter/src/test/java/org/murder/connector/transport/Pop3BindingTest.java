package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.murder.connector.api.Pop3Listener;

/** POP3 on the transport: lines split anywhere, commands parsed, refusals and over-long lines told apart. */
class Pop3BindingTest {

    private final Pop3Binding binding = new Pop3Binding();
    /** The adapter's bound for a POP3 listener (a SASL line); commands are held to 255 octets by the parser. */
    private final TransportSettings settings = new TransportSettings(new InetSocketAddress("127.0.0.1", 0), 10, 1024,
            0, 1024, null, 1 << 16);

    /** What the endpoint was called with, one string per call. */
    private List<String> run(byte[] input, int split) {
        InputDecoder decoder = binding.newDecoder(settings);
        List<Object> items = new ArrayList<>();
        InputDecoder.Sink sink = new InputDecoder.Sink() {
            @Override
            public void item(Object item) {
                items.add(item);
            }

            @Override
            public void bad(String tag, String reason) {
                items.add("bad " + reason);
            }

            @Override
            public void writeNow(byte[] bytes) {
                throw new AssertionError("POP3 writes nothing ahead of the endpoint");
            }
        };
        decoder.decode(ByteBuffer.wrap(input, 0, split), sink);
        decoder.decode(ByteBuffer.wrap(input, split, input.length - split), sink);
        List<String> calls = new ArrayList<>();
        Pop3Listener endpoint = (Pop3Listener) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Pop3Listener.class}, (p, m, args) -> {
                    calls.add(m.getName() + " " + args[args.length - 1]);
                    return null;
                });
        for (Object item : items) {
            assertTrue(binding.continuationLine(item) != null || item instanceof Pop3Binding.TooLong, item.toString());
            binding.dispatch(endpoint, null, item);
        }
        return calls;
    }

    @Test
    void commandsRefusalsAndOverLongLinesSplitAtEveryOffset() {
        byte[] in = ("USER alice\r\nRETR x\r\nNOOP " + "x".repeat(300) + "\r\nPASS " + "y".repeat(2000) + "\r\nQUIT\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        List<String> expected = List.of("onCommand User[name=alice]", "onMalformed Not a number", "onMalformed Line too long",
                "onBadInput Line too long", "onCommand Quit[]");
        for (int i = 0; i <= in.length; i++) {
            assertEquals(expected, run(in, i), "split at " + i);
        }
    }

    @Test
    void fixedAnswersAreErrWithResponseCodes() {
        assertEquals("-ERR [SYS/TEMP] Too many connections\r\n", new String(binding.tooManyConnections(), StandardCharsets.US_ASCII));
        assertEquals("-ERR [SYS/TEMP] Service not available\r\n", new String(binding.unavailable(), StandardCharsets.US_ASCII));
        assertEquals("pop3", binding.name());
        assertEquals(Pop3Listener.class, binding.listenerType());
    }
}
