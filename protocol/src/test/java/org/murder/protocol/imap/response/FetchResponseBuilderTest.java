package org.murder.protocol.imap.response;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.murder.protocol.imap.command.FetchItem;
import org.murder.protocol.imap.message.ByteRange;
import org.murder.protocol.imap.message.HeaderFields;
import org.murder.protocol.imap.message.MessageStructure;
import org.murder.protocol.testing.RecordingSink;
import org.murder.protocol.wire.FrameDecoder;

/** A FETCH response as the backend builds it: cached structure text, header fields in memory, bodies from the spool. */
class FetchResponseBuilderTest {

    @TempDir
    Path spool;

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = FetchResponseBuilderTest.class.getResourceAsStream("/messages/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void theBriefsExampleWithFileRegions() throws IOException {
        byte[] raw = resource("nested-rfc822.eml");
        Path file = Files.write(spool.resolve("12."), raw);
        MessageStructure m = MessageStructure.parse(Files.newInputStream(file));
        ByteRange header = m.header();
        byte[] from = HeaderFields.select(Arrays.copyOfRange(raw, 0, (int) header.end()), List.of("FROM"), false);
        ByteRange partial = m.section(FetchItem.Section.whole()).orElseThrow().partial(0, 100);
        ByteRange part21 = m.section(List.of(2, 1), Optional.empty()).orElseThrow();

        List<Segment> segments = new FetchResponseBuilder(12).uid(5).flags(List.of("\\Seen")).modseq(12)
                .rfc822Size(m.size()).internalDate(ZonedDateTime.of(1996, 7, 17, 2, 44, 25, 0, ZoneOffset.ofHours(-7)))
                .envelope(m.envelope()).bodyStructure(m.bodyStructure())
                .bodySection("HEADER.FIELDS (FROM)", OptionalLong.empty(), from)
                .bodySection("", OptionalLong.of(0), partial.in(file))
                .bodySection("2.1", OptionalLong.empty(), part21.in(file))
                .build();

        // the spool bytes are not copied: two file regions between in-memory chunks
        assertEquals(5, segments.size());
        assertEquals(new Segment.FileRegion(file, 0, 100), segments.get(1));
        assertEquals(new Segment.FileRegion(file, part21.offset(), 14), segments.get(3));
        assertInstanceOf(Segment.Bytes.class, segments.get(4));

        String expected = "* 12 FETCH (UID 5 FLAGS (\\Seen) MODSEQ (12) RFC822.SIZE 789 INTERNALDATE \"17-Jul-1996 02:44:25"
                + " -0700\" ENVELOPE " + m.envelope() + " BODYSTRUCTURE " + m.bodyStructure()
                + " BODY[HEADER.FIELDS (FROM)] {31}\r\nFrom: Eve <eve@example.org>\r\n\r\n BODY[]<0> {100}\r\n"
                + new String(raw, 0, 100, StandardCharsets.US_ASCII) + " BODY[2.1] {14}\r\nLunch at noon?)\r\n";
        byte[] wire = Segments.toByteArray(segments);
        assertEquals(expected, new String(wire, StandardCharsets.UTF_8));
        assertEquals(wire.length, Segments.length(segments));

        // and a client's framer sees one response
        RecordingSink sink = new RecordingSink();
        new FrameDecoder(8192, 1 << 20, 1 << 22).decode(ByteBuffer.wrap(wire), sink);
        assertEquals(1, sink.frames().size());
    }

    @Test
    void otherItemKinds() throws IOException {
        String wire = new String(Segments.toByteArray(new FetchResponseBuilder(1).flags(List.of())
                .body("(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0)").nil("BODY[3]")
                .literal("RFC822.HEADER", new Segment.Bytes("A: b\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
                .binary("BINARY[1]", new byte[] {0, 'x'}).binarySize("BINARY.SIZE[1]", 2)
                .binary("BINARY[2]", new byte[] {(byte) 0xe4, 'x'})
                .wire("X-GM-LABELS", "(\\Inbox \"a b\")").build()), StandardCharsets.ISO_8859_1);
        // a literal8 only where a NUL is: 8-bit data without one goes in a plain literal (RFC 3516 4.3)
        assertEquals("* 1 FETCH (FLAGS () BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0) BODY[3] NIL RFC822.HEADER"
                + " {8}\r\nA: b\r\n\r\n BINARY[1] ~{2}\r\n\0x BINARY.SIZE[1] 2 BINARY[2] {2}\r\n\u00e4x"
                + " X-GM-LABELS (\\Inbox \"a b\"))\r\n", wire);
    }

    @Test
    void anEmptyBuilderStillMakesAValidResponse() throws IOException {
        assertEquals("* 7 FETCH ()\r\n", new String(Segments.toByteArray(new FetchResponseBuilder(7).build()),
                StandardCharsets.US_ASCII));
    }

    @Test
    void misuseIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> new FetchResponseBuilder(0));
        FetchResponseBuilder b = new FetchResponseBuilder(1);
        b.build();
        assertThrows(IllegalStateException.class, b::build);
        assertThrows(IllegalStateException.class, () -> b.uid(1));
        for (String name : List.of("", "BODY [1]", "BODY[1", "BODY]1[", "UID\r\n", "[1]", "BODY[ü]", "BODY[1]]")) {
            assertThrows(IllegalArgumentException.class, () -> new FetchResponseBuilder(1).nil(name), name);
        }
        assertEquals(true, new FetchResponseBuilder(1).nil("BODY[HEADER.FIELDS (A \"B C\")]<0>") != null);
    }
}
