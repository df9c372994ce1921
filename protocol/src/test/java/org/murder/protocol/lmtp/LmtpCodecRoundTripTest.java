package org.murder.protocol.lmtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.murder.protocol.lmtp.LmtpCaptures.ascii;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.murder.protocol.lmtp.LmtpCaptures.ClientPart;
import org.murder.protocol.lmtp.LmtpCaptures.Command;
import org.murder.protocol.testing.Transcripts.Connection;

/** Encoder and parser are inverses: commands, replies, and messages through DATA. */
class LmtpCodecRoundTripTest {

    private static LmtpCommand parse(String line) {
        return ((LmtpParseResult.Parsed) LmtpCommandParser.parse(line)).command();
    }

    private static Map<String, String> params(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    static final List<LmtpCommand> COMMANDS = List.of(
            new LmtpCommand.Lhlo("lmtpproxyd"), new LmtpCommand.Lhlo("[192.0.2.1]"), new LmtpCommand.Lhlo("a  b"),
            new LmtpCommand.Helo("x"), new LmtpCommand.Helo(""), new LmtpCommand.Ehlo("mx.example"),
            LmtpCommand.Mail.of(ReversePath.NULL),
            new LmtpCommand.Mail(ReversePath.of(Address.of("tester", "example.test")), params("AUTH", "<>")),
            new LmtpCommand.Mail(ReversePath.of(Address.local("bounce")),
                    params("SIZE", "4066", "BODY", "8BITMIME", "AUTH", "cyrus+2Badmin", "RET", "FULL", "ENVID", "QQ+2B1")),
            new LmtpCommand.Mail(ReversePath.of(Address.of("john doe", "[IPv6:::1]")), params()),
            LmtpCommand.Rcpt.of(ForwardPath.of(Address.local("alice"))),
            new LmtpCommand.Rcpt(ForwardPath.of(Address.of("bb+shared.folder", "example.org")), params("IGNOREQUOTA", "")),
            LmtpCommand.Rcpt.of(ForwardPath.of(Address.of("a..b.", "x.example"))),
            LmtpCommand.Rcpt.of(ForwardPath.of(Address.of("\"quoted\\\"", "x.example"))),
            LmtpCommand.Rcpt.of(ForwardPath.of(Address.of(" ", "x.example"))),
            new LmtpCommand.Data(), new LmtpCommand.Rset(), new LmtpCommand.Noop(), new LmtpCommand.Quit(),
            new LmtpCommand.Vrfy("Alice Smith"), new LmtpCommand.StartTls(),
            new LmtpCommand.Auth("PLAIN", Optional.of("AG11cmRlcgBtdXJkZXItRkFLRS1wdw==")),
            new LmtpCommand.Auth("PLAIN", Optional.of("=")), new LmtpCommand.Auth("LOGIN", Optional.empty()));

    @Test
    void everyCommandSurvivesEncodeThenParse() {
        for (LmtpCommand command : COMMANDS) {
            byte[] wire = LmtpCommandEncoder.encode(command);
            String line = new String(wire, 0, wire.length - 2, StandardCharsets.US_ASCII);
            assertEquals("\r\n", new String(wire, wire.length - 2, 2, StandardCharsets.US_ASCII));
            assertEquals(command, parse(line), line);
        }
    }

    @Test
    void everyCapturedCommandSurvivesParseEncodeParse() {
        for (Connection c : LmtpCaptures.all()) {
            for (ClientPart part : LmtpCaptures.clientParts(c)) {
                if (part instanceof Command command) {
                    LmtpCommand first = parse(command.line());
                    String canonical = LmtpCommandEncoder.line(first);
                    assertEquals(first, parse(canonical), command.line());
                    // the canonical form differs from the capture only in the case of verbs and keywords
                    assertEquals(command.line().toUpperCase(java.util.Locale.ROOT).replace("FROM: <", "FROM:<"),
                            canonical.toUpperCase(java.util.Locale.ROOT), command.line());
                }
            }
        }
    }

    @Test
    void cyrusLmtpproxydsLinesAreReproducedExactly() {
        assertEquals("MAIL FROM:<tester@example.test> AUTH=<>", LmtpCommandEncoder.line(
                new LmtpCommand.Mail(ReversePath.of(Address.of("tester", "example.test")), params("AUTH", "<>"))));
        assertEquals("RCPT TO:<carol@internal>",
                LmtpCommandEncoder.line(LmtpCommand.Rcpt.of(ForwardPath.of(Address.of("carol", "internal")))));
        assertEquals("AUTH PLAIN AG11cmRlcgBtdXJkZXItRkFLRS1wdw==", LmtpCommandEncoder.line(
                new LmtpCommand.Auth("PLAIN", Optional.of("AG11cmRlcgBtdXJkZXItRkFLRS1wdw=="))));
    }

    @Test
    void everyReplySurvivesEncodeThenParse() {
        List<LmtpReply> replies = List.of(LmtpReply.plain(220, "foo.edu LMTP server ready"),
                LmtpReply.plain(250, "foo.edu", "PIPELINING", "SIZE"), LmtpReply.of(250, "2.1.5", "ok"),
                new LmtpReply(550, Optional.of("5.1.1"), List.of("Mailbox unknown.", "name or", "User unknown")),
                LmtpReply.of(452, "4.2.2", "Over quota SESSIONID=<x>"), LmtpReply.plain(354, "go ahead"),
                LmtpReply.plain(334, ""), LmtpReply.of(250, "2.0.0", ""), LmtpReply.plain(250, "", "", ""),
                LmtpReply.of(599, "5.999.999", "max"));
        for (LmtpReply reply : replies) {
            byte[] wire = LmtpReplies.encode(reply);
            assertEquals(List.of(reply), LmtpRepliesTest.readReplies(wire, 0), reply.toString());
        }
    }

    @Test
    void xtextRoundTrips() {
        for (String s : List.of("cyrus", "a+b=c", "caf\u00e9", " ", "<>", "\u65e5\u672c")) {
            assertEquals(Optional.of(s), Xtext.decode(Xtext.encode(s)), s);
        }
        assertEquals("a+2Bb+3Dc+20", Xtext.encode("a+b=c "));
        assertEquals(Optional.empty(), Xtext.decode(""));
        assertEquals(Optional.empty(), Xtext.decode("+2b"));
        assertEquals(Optional.empty(), Xtext.decode("a+2"));
    }

    // --- messages: the client's stuffing, then the server's decoder, give the message back

    private static byte[] stuff(byte[] message) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        try (DotStuffingOutputStream out = new DotStuffingOutputStream(wire)) {
            out.write(message);
        }
        return wire.toByteArray();
    }

    /** What the server stores for a message: bare LFs as CRLF, a last line ended. */
    private static String normalised(String message) {
        String s = message.replaceAll("(?<!\r)\n", "\r\n");
        if (s.endsWith("\r") && !s.endsWith("\r\n")) {
            s = s + "\n";
        } else if (!s.isEmpty() && !s.endsWith("\r\n")) {
            s = s + "\r\n";
        }
        return s;
    }

    private static String unstuff(byte[] wire) {
        LmtpDecoder decoder = new LmtpDecoder(Long.MAX_VALUE);
        decoder.startData();
        LmtpRecorder sink = new LmtpRecorder(decoder);
        decoder.decode(ByteBuffer.wrap(wire), sink);
        StringBuilder body = new StringBuilder();
        long[] ended = {-1};
        for (LmtpRecorder.Event e : sink.events) {
            if (e instanceof LmtpRecorder.Body b) {
                body.append(b.text());
            } else if (e instanceof LmtpRecorder.End end) {
                ended[0] = end.size();
            } else {
                throw new AssertionError("unexpected " + e);
            }
        }
        assertEquals(body.length(), ended[0], "message must end exactly at the terminator");
        return body.toString();
    }

    @Test
    void stuffingExamples() throws IOException {
        assertEquals(".\r\n", new String(stuff(new byte[0]), StandardCharsets.ISO_8859_1));
        assertEquals("a\r\n.\r\n", new String(stuff(ascii("a")), StandardCharsets.ISO_8859_1));
        assertEquals("..\r\n...x\r\n.\r\n", new String(stuff(ascii(".\n..x\r\n")), StandardCharsets.ISO_8859_1));
        assertEquals("a\rb\r\n\r\n.\r\n", new String(stuff(ascii("a\rb\n\r")), StandardCharsets.ISO_8859_1));
        assertEquals("x.\r\n.\r\n", new String(stuff(ascii("x.")), StandardCharsets.ISO_8859_1));
    }

    @Test
    void handPickedMessagesRoundTrip() throws IOException {
        for (String m : List.of("", "\r\n", "\n", ".", "..", ".\r\n", "\r\n.\r\n", "a\r\n.\r\nb", "a\r.\r\n", "\r",
                "\r\r\n", ".\r", "x\n.\n.\n", "Subject: t\r\n\r\n.leading\r\n..double\r\n")) {
            assertEquals(normalised(m), unstuff(stuff(ascii(m))), m.replace("\r", "\\r").replace("\n", "\\n"));
        }
    }

    @Test
    void randomMessagesRoundTrip() throws IOException {
        Random random = new Random(5321);
        char[] alphabet = {'.', '.', '\r', '\n', '\n', 'a', ' ', '\0', '\u00e9'};
        for (int i = 0; i < 5000; i++) {
            StringBuilder m = new StringBuilder();
            int n = random.nextInt(40);
            for (int k = 0; k < n; k++) {
                m.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String message = m.toString();
            byte[] wire = stuff(ascii(message));
            assertEquals(normalised(message), unstuff(wire), message);
            // and however the wire is cut
            int cut = random.nextInt(wire.length + 1);
            LmtpDecoder decoder = new LmtpDecoder(Long.MAX_VALUE);
            decoder.startData();
            LmtpRecorder sink = new LmtpRecorder(decoder);
            decoder.decode(ByteBuffer.wrap(wire, 0, cut), sink);
            decoder.decode(ByteBuffer.wrap(wire, cut, wire.length - cut), sink);
            assertEquals(LmtpRecorder.decodeWhole(() -> {
                LmtpDecoder d = new LmtpDecoder(Long.MAX_VALUE);
                d.startData();
                return d;
            }, wire), sink.events);
        }
    }

    @Test
    void capturedMessagesStuffToTheCapturedWire() throws IOException {
        for (Connection c : LmtpCaptures.all()) {
            for (ClientPart part : LmtpCaptures.clientParts(c)) {
                if (part instanceof LmtpCaptures.Message m && m.ended()) {
                    StringBuilder wire = new StringBuilder();
                    m.wireLines().forEach(l -> wire.append(l).append("\r\n"));
                    wire.append(".\r\n");
                    assertArrayEquals(ascii(wire.toString()), stuff(ascii(m.text())), c.toString());
                }
            }
        }
    }
}
