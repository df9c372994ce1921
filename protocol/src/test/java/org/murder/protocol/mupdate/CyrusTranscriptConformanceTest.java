package org.murder.protocol.mupdate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.murder.protocol.testing.Transcripts;
import org.murder.protocol.testing.Transcripts.Connection;
import org.murder.protocol.testing.Transcripts.Direction;

/** Our encoders must produce, byte for byte, what Cyrus 3.6.1 and its clients put on the wire. */
class CyrusTranscriptConformanceTest {

    private static byte[] withCrlf(byte[] frame) {
        byte[] out = Arrays.copyOf(frame, frame.length + 2);
        out[frame.length] = '\r';
        out[frame.length + 1] = '\n';
        return out;
    }

    @Test
    void bannerMatchesTheMaster() {
        Connection c = Transcripts.connection("a_mupdatetest_master.txt", "40208");
        byte[] expected = String.join("\r\n", c.lines(Direction.SERVER).subList(0, 4)).concat("\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] banner = MupdateResponses.banner(List.of("PLAIN", "LOGIN"), false, true, "127.0.0.13", "Cyrus IMAP",
                "3.6.1-Debian-3.6.1-4+deb12u5", true, "");
        assertEquals(new String(expected, StandardCharsets.UTF_8), new String(banner, StandardCharsets.UTF_8));
        assertArrayEquals(expected, banner);
    }

    @Test
    void bannerVariantsFollowCyrusDobanner() {
        assertEquals("* AUTH\r\n* STARTTLS\r\n* PARTIAL-UPDATE\r\n"
                        + "* OK MUPDATE \"fe\" \"Cyrus IMAP\" \"3.6.1\" \"mupdate://127.0.0.13\"\r\n",
                new String(MupdateResponses.banner(List.of(), true, false, "fe", "Cyrus IMAP", "3.6.1", false,
                        "mupdate://127.0.0.13"), StandardCharsets.UTF_8));
    }

    @Test
    void mailboxLinesMatchTheListOutput() {
        Connection c = Transcripts.connection("a_mupdatetest_master.txt", "40208");
        List<byte[]> frames = c.frames(Direction.SERVER);
        // frames 5.. are A01's MAILBOX responses
        assertArrayEquals(withCrlf(frames.get(5)), MupdateResponses.mailbox("A01", "user.alice",
                new Location("127.0.0.11", "default"), "alice\tlrswipkxtecdan\tmurder\tlrswipkxtecda\t"));
        assertArrayEquals(withCrlf(frames.get(6)), MupdateResponses.mailbox("A01", "user.alice.Sent",
                new Location("127.0.0.11", "default"), "alice\tlrswipkxtecdan\t"));
    }

    @Test
    void streamedDeleteAndEmptyPartitionMatchTheSlaveStream() {
        Connection c = Transcripts.connection("c_slave_update_stream.txt", "34364");
        String all = new String(c.bytes(Direction.SERVER), StandardCharsets.UTF_8);
        String delete = new String(MupdateResponses.delete("U01", "user.alice.Live2"), StandardCharsets.UTF_8);
        String deleted = new String(MupdateResponses.mailbox("U01", "DELETED.user.alice.Live2.6B03FD40",
                new Location("127.0.0.11", ""),
                "alice\tlrswipkxtecdan\tmurder\tlrswipkxtecda\tbob\tlrs\tcyrus\txc\t"), StandardCharsets.UTF_8);
        assertEquals(true, all.contains(delete), delete);
        assertEquals(true, all.endsWith(delete + delete + deleted + deleted), "tail of the stream");
    }

    /** Every server frame of every capture: parse, re-encode, compare bytes. */
    @Test
    void everyServerResponseReencodesByteForByte() {
        int count = 0;
        for (Connection c : Transcripts.mupdate()) {
            for (byte[] frame : c.frames(Direction.SERVER)) {
                MupdateResponse parsed = MupdateResponseParser.parse(frame);
                assertEquals(new String(withCrlf(frame), StandardCharsets.UTF_8),
                        new String(MupdateResponses.encode(parsed), StandardCharsets.UTF_8), c.toString());
                count++;
            }
        }
        assertEquals(128, count); // counted independently with grep/awk over the captures
    }

    /** Cyrus's own clients (a backend's mupdate-client, a slave): our client encoding is theirs. */
    @Test
    void everyCyrusClientCommandReencodesByteForByte() {
        List<Connection> connections = new ArrayList<>();
        connections.addAll(Transcripts.read("b_backend_to_master_create_delete.txt"));
        connections.addAll(Transcripts.read("c_slave_update_stream.txt"));
        connections.addAll(Transcripts.read("a_mupdatetest_master.txt"));
        int count = 0;
        for (Connection c : connections) {
            for (byte[] frame : c.frames(Direction.CLIENT)) {
                String text = new String(frame, StandardCharsets.UTF_8);
                if (text.matches("A0[2-9] .*")) {
                    continue; // typed by hand into mupdatetest (quoted, not literals)
                }
                ParseResult.Parsed parsed = (ParseResult.Parsed) MupdateCommandParser.parse(frame);
                assertEquals(new String(withCrlf(frame), StandardCharsets.UTF_8),
                        new String(MupdateCommandEncoder.encode(parsed.command()), StandardCharsets.UTF_8));
                count++;
            }
        }
        assertEquals(28, count); // counted independently with grep/awk over the captures
    }

    @Test
    void saslChallengesAreBareBase64Lines() {
        Connection c = Transcripts.connection("a2_mupdate_master_unauth_nonadmin.txt", "60888");
        List<String> server = c.lines(Direction.SERVER);
        assertEquals(server.get(4) + "\r\n",
                new String(MupdateResponses.saslChallenge("Username:".getBytes(StandardCharsets.US_ASCII)),
                        StandardCharsets.US_ASCII));
        assertEquals(server.get(5) + "\r\n",
                new String(MupdateResponses.saslChallenge("Password:".getBytes(StandardCharsets.US_ASCII)),
                        StandardCharsets.US_ASCII));
        assertArrayEquals("\r\n".getBytes(StandardCharsets.US_ASCII), MupdateResponses.saslChallenge(new byte[0]));
    }

    @Test
    void completionsAndContinuationAsCyrusWritesThem() {
        assertEquals("A01 OK \"Authenticated\"\r\n", str(MupdateResponses.ok("A01", "Authenticated")));
        assertEquals("A01 NO \"undefined error!\"\r\n", str(MupdateResponses.no("A01", "undefined error!")));
        assertEquals("X01 BAD \"Please login first\"\r\n", str(MupdateResponses.bad("X01", "Please login first")));
        assertEquals("* BYE \"Server Unable\"\r\n", str(MupdateResponses.bye("Server Unable")));
        assertEquals("+ go ahead\r\n", str(MupdateResponses.continuation()));
        assertEquals("U01 RESERVE {8+}\r\nuser.bob {11+}\r\n127.0.0.12!\r\n",
                str(MupdateResponses.reserve("U01", "user.bob", new Location("127.0.0.12", ""))));
    }

    @Test
    void literalLengthsCountUtf8Bytes() {
        assertEquals("T DELETE {8+}\r\nuser.jö\r\n", str(MupdateResponses.delete("T", "user.jö")));
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
