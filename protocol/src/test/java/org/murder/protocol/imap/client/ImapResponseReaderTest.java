package org.murder.protocol.imap.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.murder.protocol.imap.client.ImapResponseHead.Kind;
import org.murder.protocol.imap.client.ImapResponseHead.ResponseCode;
import org.murder.protocol.imap.client.ImapResponseHead.Status;
import org.murder.protocol.testing.Transcripts;
import org.murder.protocol.testing.Transcripts.Connection;
import org.murder.protocol.testing.Transcripts.Direction;

/**
 * The reader on real Cyrus 3.6 sessions and on hand-made streams, whole, split at every byte offset and byte by
 * byte: the responses, and the bytes they carry, must not depend on how the network cut the stream.
 */
class ImapResponseReaderTest {

    static final ImapResponseLimits ROOMY = new ImapResponseLimits(64 * 1024, 1 << 20, 64, 1 << 22);

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Feeds {@code input} in pieces cut at {@code cuts}, collecting the responses. */
    static List<ImapResponse> read(ImapResponseLimits limits, byte[] input, int... cuts) {
        List<ImapResponse> out = new ArrayList<>();
        ImapResponseReader reader = new ImapResponseReader(limits, new ImapResponseCollector(out::add));
        int from = 0;
        for (int cut : cuts) {
            reader.feed(input, from, cut - from);
            from = cut;
        }
        reader.feed(input, from, input.length - from);
        assertTrue(reader.idle(), "a whole number of responses");
        return out;
    }

    static List<ImapResponse> read(byte[] input, int... cuts) {
        return read(ROOMY, input, cuts);
    }

    static List<ImapResponse> readBytewise(byte[] input) {
        List<ImapResponse> out = new ArrayList<>();
        ImapResponseReader reader = new ImapResponseReader(ROOMY, new ImapResponseCollector(out::add));
        for (int i = 0; i < input.length; i++) {
            reader.feed(input, i, 1);
        }
        return out;
    }

    record Sample(String name, byte[] bytes) {
    }

    /** The server side of every captured IMAP connection, and streams for what the captures lack. */
    static Stream<Sample> samples() {
        List<Sample> samples = new ArrayList<>();
        for (Connection c : Transcripts.imap()) {
            samples.add(new Sample(c.toString(), c.bytes(Direction.SERVER)));
        }
        samples.add(new Sample("several literals", ascii("* 1 FETCH (BODY[HEADER] {5}\r\nab\r\nc BODY[1] ~{3}\r\n"
                + "\0\r\n UID 7 BODY[2] {0}\r\n X {2}\r\n{})\r\na1 OK done\r\n")));
        samples.add(new Sample("literal ending the response", ascii("* X {3}\r\nabc\r\n* Y {2}\r\n\r\n\r\n")));
        samples.add(new Sample("brackets in a quoted code", ascii(
                "a1 NO [REFERRAL \"imap://h/a]b\\\"]c\"] Moved\r\n* OK [ALERT no close\r\n")));
        samples.add(new Sample("status text ending like a literal", ascii("a1 NO Mailbox {5}\r\n+ {3}\r\n")));
        return samples.stream();
    }

    @TestFactory
    Stream<DynamicTest> everySampleReadsTheSameSplitAtEveryOffset() {
        return samples().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            List<ImapResponse> whole = read(s.bytes());
            for (int offset = 0; offset <= s.bytes().length; offset++) {
                assertEquals(whole, read(s.bytes(), offset), "split at " + offset);
            }
            assertEquals(whole, readBytewise(s.bytes()));
        }));
    }

    @TestFactory
    Stream<DynamicTest> theResponsesCarryExactlyTheBytesReceived() {
        return samples().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            ByteArrayOutputStream relayed = new ByteArrayOutputStream();
            read(s.bytes()).forEach(r -> relayed.writeBytes(r.bytes()));
            assertArrayEquals(s.bytes(), relayed.toByteArray());
        }));
    }

    /** The tags the client used, taken from the client's side of the capture, answer in the same order. */
    @TestFactory
    Stream<DynamicTest> everyCapturedCommandGetsItsTaggedResponse() {
        return Transcripts.imap().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            List<String> sent = new ArrayList<>();
            for (byte[] frame : c.frames(Direction.CLIENT)) {
                String line = new String(frame, StandardCharsets.UTF_8);
                if (!line.equalsIgnoreCase("DONE")) {
                    sent.add(line.substring(0, line.indexOf(' ')));
                }
            }
            List<String> answered = read(c.bytes(Direction.SERVER)).stream().map(ImapResponse::head)
                    .filter(ImapResponseHead::tagged).map(h -> h.tag().orElseThrow()).toList();
            assertEquals(sent, answered);
        }));
    }

    @Test
    void aCyrusSessionThroughTheFrontendHasTheExpectedHeads() {
        Connection c = Transcripts.connection("d_imap_via_frontend.txt", "49704");
        List<ImapResponse> responses = read(c.bytes(Direction.SERVER));

        ImapResponseHead greeting = responses.get(0).head();
        assertEquals(Kind.UNTAGGED, greeting.kind());
        assertEquals(Optional.of(Status.OK), greeting.status());
        assertEquals("CAPABILITY", greeting.code().orElseThrow().name());
        assertTrue(greeting.code().orElseThrow().arguments().startsWith("IMAP4rev1 LITERAL+ ID ENABLE"));
        assertEquals("127.0.0.10 Cyrus IMAP 3.6.1-Debian-3.6.1-4+deb12u5 server ready", greeting.text());

        ImapResponse exists = responses.stream().filter(r -> r.head().untagged("EXISTS")).findFirst().orElseThrow();
        assertEquals(OptionalLong.of(2), exists.head().number());

        ImapResponse body = responses.stream().filter(r -> r.head().untagged("FETCH") && !r.literals().isEmpty())
                .findFirst().orElseThrow();
        assertEquals(OptionalLong.of(1), body.head().number());
        assertEquals(717, body.literal(0).length);
        assertTrue(new String(body.literal(0), StandardCharsets.UTF_8).startsWith("Return-Path: <tester@"));
        assertTrue(new String(body.bytes(), StandardCharsets.UTF_8).endsWith("body line 2\r\n)\r\n"));

        ImapResponseHead idling = responses.stream().map(ImapResponse::head).filter(ImapResponseHead::continuation)
                .findFirst().orElseThrow();
        assertEquals("idling", idling.text());

        ImapResponseHead readWrite = responses.stream().map(ImapResponse::head)
                .filter(h -> h.tag().equals(Optional.of("a006"))).findFirst().orElseThrow();
        assertEquals(new ResponseCode("READ-WRITE", ""), readWrite.code().orElseThrow());
        assertEquals("Completed", readWrite.text());

        ImapResponseHead no = responses.stream().map(ImapResponse::head)
                .filter(h -> h.tag().equals(Optional.of("a013"))).findFirst().orElseThrow();
        assertEquals(Optional.of(Status.NO), no.status());
        assertEquals("Mailbox does not exist", no.text());

        ImapResponseHead bye = responses.get(responses.size() - 2).head();
        assertTrue(bye.untagged("BYE"));
        assertEquals(Optional.of(Status.BYE), bye.status());
    }

    @Test
    void theFailedXferReportsAnUntaggedNoBeforeItsOk() {
        Connection c = Transcripts.connection("f_rename_xfer_between_backends_FAILED.txt", "40202");
        List<ImapResponseHead> heads = read(c.bytes(Direction.SERVER)).stream().map(ImapResponse::head).toList();
        ImapResponseHead no = heads.stream().filter(h -> h.untagged("NO")).findFirst().orElseThrow();
        assertEquals("USER bob (Operation is not supported on mailbox)", no.text());
    }

    @Test
    void greetingForms() {
        List<ImapResponse> r = read(ascii("* OK IMAP4rev1 ready\r\n* PREAUTH [CAPABILITY IMAP4rev1 IDLE] Logged in as"
                + " alice\r\n* BYE Too many connections\r\n* OK\r\n"));
        assertEquals(List.of(Status.OK, Status.PREAUTH, Status.BYE, Status.OK),
                r.stream().map(x -> x.head().status().orElseThrow()).toList());
        assertEquals(new ResponseCode("CAPABILITY", "IMAP4rev1 IDLE"), r.get(1).head().code().orElseThrow());
        assertEquals("Logged in as alice", r.get(1).head().text());
        assertEquals("Too many connections", r.get(2).head().text());
        assertEquals("", r.get(3).head().text());
    }

    @Test
    void fetchWithSeveralLiterals() {
        ImapResponse r = read(samples().filter(s -> s.name().equals("several literals")).findFirst().orElseThrow()
                .bytes()).get(0);
        assertEquals(4, r.literals().size());
        assertEquals("ab\r\nc", new String(r.literal(0), StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[] {0, '\r', '\n'}, r.literal(1));
        assertTrue(r.literals().get(1).binary());
        assertEquals(0, r.literal(2).length);
        assertEquals("{}", new String(r.literal(3), StandardCharsets.US_ASCII));
        assertEquals("(BODY[HEADER] {5}", r.head().text());
    }

    @Test
    void responseCodesWithBracketsInsideQuotedStrings() {
        List<ImapResponse> r = read(ascii("a1 NO [REFERRAL \"imap://h/a]b\\\"]c\"] Moved\r\n* OK [ALERT no close\r\n"));
        assertEquals(new ResponseCode("REFERRAL", "\"imap://h/a]b\\\"]c\""), r.get(0).head().code().orElseThrow());
        assertEquals("Moved", r.get(0).head().text());
        assertEquals(Optional.empty(), r.get(1).head().code());
        assertEquals("[ALERT no close", r.get(1).head().text());
    }

    @Test
    void statusTextEndingInBracesIsNotALiteral() {
        List<ImapResponse> r = read(ascii("a1 NO Mailbox {5}\r\n+ {3}\r\n* BYE {2}\r\n"));
        assertEquals(3, r.size());
        assertTrue(r.stream().allMatch(x -> x.literals().isEmpty()));
    }

    @Test
    void continuationForms() {
        List<ImapResponse> r = read(ascii("+\r\n+ \r\n+ YWxpY2U=\r\n"));
        assertEquals(List.of("", "", "YWxpY2U="), r.stream().map(x -> x.head().text()).toList());
        assertTrue(r.stream().allMatch(x -> x.head().continuation()));
    }

    @Test
    void aTaggedResponseCanBeRetagged() {
        ImapResponse r = read(ascii("PROXY7 OK [READ-ONLY] Completed\r\n")).get(0);
        assertEquals("a010 OK [READ-ONLY] Completed\r\n", new String(r.retag("a010"), StandardCharsets.US_ASCII));
        assertThrows(ImapEncodingException.class, () -> r.retag("a b"));
        ImapResponse untagged = read(ascii("* OK x\r\n")).get(0);
        assertThrows(IllegalStateException.class, () -> untagged.retag("a1"));
    }

    @Test
    void largeLiteralsArriveInChunksWhileTheyStream() {
        int size = 5 << 20;
        ImapResponseLimits limits = new ImapResponseLimits(1024, 64 << 20, 4, 64 << 20);
        long[] literalBytes = {0};
        int[] chunks = {0};
        boolean[] ended = {false};
        ImapResponseReader reader = new ImapResponseReader(limits, new ImapResponseListener() {
            @Override
            public void responseStart(ImapResponseHead head) {
                assertEquals("FETCH", head.keyword());
            }

            @Override
            public void lineBytes(ByteBuffer line) {
            }

            @Override
            public void literalChunk(ByteBuffer chunk) {
                literalBytes[0] += chunk.remaining();
                chunks[0]++;
            }

            @Override
            public void responseEnd() {
                ended[0] = true;
            }
        });
        reader.feed(ascii("* 1 FETCH (BODY[] {" + size + "}\r\n"), 0, ascii("* 1 FETCH (BODY[] {" + size + "}\r\n").length);
        byte[] piece = new byte[64 * 1024];
        for (int sent = 0; sent < size; sent += piece.length) {
            reader.feed(piece, 0, Math.min(piece.length, size - sent));
            assertEquals(sent + Math.min(piece.length, size - sent), literalBytes[0], "passed on as it came");
        }
        assertFalse(ended[0]);
        reader.feed(ascii(")\r\n"), 0, 3);
        assertTrue(ended[0]);
        assertEquals(size / piece.length, chunks[0]);
    }
}
