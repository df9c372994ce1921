package org.murder.protocol.imap.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A literal8 APPEND's message as it is kept: binary parts base64-encoded, everything else byte for byte. */
class BinaryContentTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static MessageStructure structure(byte[] message) throws IOException {
        return MessageStructure.parse(new ByteArrayInputStream(message));
    }

    /** The message as it would be stored. */
    private static byte[] kept(byte[] message) throws IOException {
        BinaryContent.Plan plan = BinaryContent.plan(structure(message), () -> new ByteArrayInputStream(message));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryContent.write(plan, () -> new ByteArrayInputStream(message), out);
        return out.toByteArray();
    }

    /** What BINARY[path] answers for the kept message: the part's body, base64 undone. */
    private static byte[] binary(byte[] kept, List<Integer> path) throws IOException {
        MessagePart part = structure(kept).part(path).orElseThrow();
        byte[] body = java.util.Arrays.copyOfRange(kept, (int) part.bodyStart(), (int) part.bodyEnd());
        return part.encoding().equals("base64") ? Base64.getMimeDecoder().decode(body) : body;
    }

    private static boolean holdsNul(byte[] b) {
        for (byte x : b) {
            if (x == 0) {
                return true;
            }
        }
        return false;
    }

    /** The compliance suite's binary APPEND: NUL and 8-bit octets in a part whose encoding says binary. */
    private static final byte[] OCTETS = {0, '-', (byte) 0xe4, '\r', '\n', '\r', '\n'};
    private static final byte[] SINGLE = concat(bytes("From: user@domain.org\r\nDate: Sat, 24 Mar 2007 23:00:00 +0200\r\n"
            + "Mime-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n"), OCTETS);

    @Test
    void aBinarySinglePartIsKeptInBase64AndGivesBackItsOctets() throws IOException {
        byte[] kept = kept(SINGLE);
        assertFalse(holdsNul(kept));
        String text = new String(kept, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("Content-Transfer-Encoding: base64\r\n\r\nAC3kDQoNCg==\r\n"), text);
        assertFalse(text.toLowerCase(java.util.Locale.ROOT).contains("encoding: binary"), text);
        assertTrue(text.startsWith("From: user@domain.org\r\nDate: Sat, 24 Mar 2007 23:00:00 +0200\r\nMime-Version: 1.0\r\n"
                + "Content-Type: application/octet-stream\r\n"), text);
        assertEquals("base64", structure(kept).part(List.of(1)).orElseThrow().encoding());
        assertArrayEquals(OCTETS, binary(kept, List.of(1)));
    }

    @Test
    void inAMultipartOnlyTheBinaryPartChanges() throws IOException {
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        byte[] message = concat(bytes("From: a@b.test\r\nSubject: two parts\r\nMIME-Version: 1.0\r\n"
                        + "Content-Type: multipart/mixed; boundary=\"xx\"\r\n\r\npreamble\r\n--xx\r\n"
                        + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"),
                "Grüße\r\n".getBytes(StandardCharsets.UTF_8),
                bytes("\r\n--xx\r\nContent-Type: application/octet-stream\r\nContent-transfer-encoding:\r\n binary\r\n"
                        + "Content-Disposition: attachment; filename=x.bin\r\n\r\n"), data,
                bytes("\r\n--xx--\r\nepilogue\r\n"));
        byte[] kept = kept(message);
        assertFalse(holdsNul(kept));
        String text = new String(kept, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("Content-Transfer-Encoding: 8bit\r\n\r\n"), "the text part is as sent: " + text);
        assertTrue(text.contains("Content-Type: application/octet-stream\r\n"
                + "Content-Disposition: attachment; filename=x.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n"),
                "the folded binary field went, base64 came: " + text);
        assertTrue(text.endsWith("\r\n--xx--\r\nepilogue\r\n"), text);
        assertArrayEquals("Grüße\r\n".getBytes(StandardCharsets.UTF_8), binary(kept, List.of(1)));
        assertArrayEquals(data, binary(kept, List.of(2)));
        for (String line : text.split("\r\n")) {
            assertTrue(line.length() <= 998, "no line longer than RFC 5322 allows");
        }
    }

    @Test
    void aNulInAPartWithoutABinaryEncodingIsEncodedToo() throws IOException {
        byte[] message = concat(bytes("Subject: nul\r\nContent-Type: application/x-thing\r\n\r\n"),
                new byte[] {'a', 0, 'b', '\r', '\n'});
        byte[] kept = kept(message);
        assertEquals("Subject: nul\r\nContent-Type: application/x-thing\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "YQBiDQo=\r\n", new String(kept, StandardCharsets.ISO_8859_1));
        assertArrayEquals(new byte[] {'a', 0, 'b', '\r', '\n'}, binary(kept, List.of(1)));
    }

    @Test
    void aMessageWithoutBinaryPartsIsKeptAsSent() throws IOException {
        byte[] message = concat(bytes("Subject: 8bit\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"),
                "Grüße\r\n".getBytes(StandardCharsets.UTF_8));
        BinaryContent.Plan plan = BinaryContent.plan(structure(message), () -> new ByteArrayInputStream(message));
        assertTrue(plan.unchanged());
        assertArrayEquals(message, kept(message));
    }

    @Test
    void anEncapsulatedMessagesBinaryPartIsEncoded() throws IOException {
        byte[] message = concat(bytes("Subject: outer\r\nContent-Type: message/rfc822\r\n\r\n"
                + "Subject: inner\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: BINARY\r\n\r\n"),
                new byte[] {1, 0, 2});
        byte[] kept = kept(message);
        assertFalse(holdsNul(kept));
        assertArrayEquals(new byte[] {1, 0, 2}, binary(kept, List.of(1, 1)));
    }

    @Test
    void aNulOutsideEveryPartsBodyIsRefused() {
        byte[] inHeader = concat(bytes("Subject: a"), new byte[] {0}, bytes("b\r\n\r\nbody\r\n"));
        assertThrows(BinaryContent.NulOutsideBodyException.class,
                () -> BinaryContent.plan(structure(inHeader), () -> new ByteArrayInputStream(inHeader)));
        byte[] inPreamble = concat(bytes("Content-Type: multipart/mixed; boundary=b\r\n\r\npre"), new byte[] {0},
                bytes("\r\n--b\r\n\r\nx\r\n--b--\r\n"));
        assertThrows(BinaryContent.NulOutsideBodyException.class,
                () -> BinaryContent.plan(structure(inPreamble), () -> new ByteArrayInputStream(inPreamble)));
    }

    @Test
    void anEmptyBinaryBodyOnlyChangesTheHeader() throws IOException {
        byte[] message = bytes("Subject: empty\r\nContent-Transfer-Encoding: binary\r\n\r\n");
        assertEquals("Subject: empty\r\nContent-Transfer-Encoding: base64\r\n\r\n",
                new String(kept(message), StandardCharsets.ISO_8859_1));
    }
}
